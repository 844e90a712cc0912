/**
 * "Find by secret" (issue 13): paste a secret found in a log and learn which token it is, then manage
 * (pause) it. The secret goes in a POST body only (never the address bar), the field is a password
 * field (not kept by the browser's autofill), and it is cleared once the token is found.
 */
import { Alert, Button, Group, PasswordInput, Text } from "@mantine/core";
import { useState, type FormEvent } from "react";
import { ApiError, api, messageOf } from "./api-client";
import type { Token } from "./api-types";

export function FindTokenBox({ onFound }: { onFound: (token: Token) => void }) {
  const [secret, setSecret] = useState("");
  const [busy, setBusy] = useState(false);
  const [answer, setAnswer] = useState<{ kind: "none" } | { kind: "error"; message: string } | { kind: "found"; name: string; which: string } | null>(null);

  const find = async (event: FormEvent) => {
    event.preventDefault();
    if (secret.trim() === "") return;
    setBusy(true);
    setAnswer(null);
    try {
      const { data } = await api<{ data: { id: string; name: string; secret: "current" | "previous" } }>("POST", "/v1/token/lookup", { secret: secret.trim() });
      setSecret("");
      setAnswer({ kind: "found", name: data.name, which: data.secret === "current" ? "its current secret" : "the secret its last rotation replaced" });
      const shown = await api<{ data: Token }>("GET", `/v1/token/${encodeURIComponent(data.id)}`);
      onFound(shown.data);
    } catch (error) {
      setAnswer(error instanceof ApiError && error.code === "not_found" ? { kind: "none" } : { kind: "error", message: messageOf(error) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={(e) => void find(e)} aria-label="Find a token by its secret">
      <Group align="flex-end" gap="sm" wrap="wrap">
        <PasswordInput
          label="Find by secret"
          description="Found a secret in a log or a repository? Paste it to see which token it is."
          placeholder="lk_1…"
          autoComplete="off"
          value={secret}
          onChange={(e) => setSecret(e.currentTarget.value)}
          style={{ flex: "1 1 320px" }}
        />
        <Button type="submit" variant="default" loading={busy} disabled={secret.trim() === ""}>
          Find token
        </Button>
      </Group>
      {answer?.kind === "none" && (
        <Text size="sm" c="dimmed" mt="xs" role="status">
          No token you may manage has this secret.
        </Text>
      )}
      {answer?.kind === "found" && (
        <Text size="sm" mt="xs" role="status">
          This is {which(answer)} of <b>{answer.name}</b>.
        </Text>
      )}
      {answer?.kind === "error" && (
        <Alert color="red" variant="light" mt="xs" role="alert">
          {answer.message}
        </Alert>
      )}
    </form>
  );
}

function which(answer: { which: string }): string {
  return answer.which;
}
