/**
 * The Manage dialog's family panel (issue 10): how many tokens this token made, and — when it made
 * any — pausing or resuming it together with all of them in one step (the API's `cascade`). Pausing
 * the token alone already stops the tokens it made (they are refused while it is paused); the
 * cascade also marks each of them paused, so they stay stopped if this token is resumed alone.
 */
import { Alert, Button, Group, Stack, Text } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useEffect, useState } from "react";
import { api, messageOf } from "./api-client";
import type { Token } from "./api-types";
import { AlertIcon, PauseIcon, PlayIcon } from "./icons";

interface Family {
  readonly children: number;
  readonly descendants: number;
}

export interface TokenFamilyPanelProps {
  readonly token: Token;
  /** Called with the token as it is after a cascade. */
  readonly onChanged: (token: Token) => void;
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;

export function TokenFamilyPanel({ token, onChanged }: TokenFamilyPanelProps) {
  const [family, setFamily] = useState<Family | null>(null);
  const [busy, setBusy] = useState<"pause" | "resume" | null>(null);
  const [error, setError] = useState<string | null>(null);

  // biome-ignore lint/correctness/useExhaustiveDependencies: a pause or resume of the token changes its family's states, so it reloads them
  useEffect(() => {
    let live = true;
    setFamily(null);
    api<{ data: Family }>("GET", `/v1/token/${encodeURIComponent(token.id)}/family`)
      .then((answer) => live && setFamily(answer.data))
      .catch(() => live && setFamily(null));
    return () => {
      live = false;
    };
  }, [token.id, token.status]);

  if (family === null) return null;
  const cascade = async (action: "pause" | "resume") => {
    setBusy(action);
    setError(null);
    try {
      const answer = await api<{ data: Token; changed: number }>("POST", `/v1/token/${encodeURIComponent(token.id)}/${action}`, { cascade: true });
      notifications.show({
        color: "green",
        title: action === "pause" ? "Token and its tokens paused" : "Token and its tokens resumed",
        message: `${plural(answer.changed, "token")} changed.`,
      });
      onChanged(answer.data);
    } catch (caught) {
      setError(messageOf(caught));
    } finally {
      setBusy(null);
    }
  };

  return (
    <Stack gap="xs" aria-label="Tokens made by this token" role="group">
      <Text size="sm">
        {family.descendants === 0
          ? "This token has made no tokens."
          : `This token made ${plural(family.children, "token")}${family.descendants > family.children ? ` (${family.descendants} in all, with theirs)` : ""}. They stop working while it is paused.`}
      </Text>
      {family.descendants > 0 && (
        <Group gap="sm">
          <Button variant="default" size="xs" leftSection={<PauseIcon size={14} />} loading={busy === "pause"} disabled={busy !== null} onClick={() => void cascade("pause")}>
            Pause with its {plural(family.descendants, "token")}
          </Button>
          <Button variant="default" size="xs" leftSection={<PlayIcon size={14} />} loading={busy === "resume"} disabled={busy !== null} onClick={() => void cascade("resume")}>
            Resume with its {plural(family.descendants, "token")}
          </Button>
        </Group>
      )}
      {error !== null && (
        <Alert color="red" variant="light" icon={<AlertIcon />} role="alert" title="Could not change the tokens">
          {error}
        </Alert>
      )}
    </Stack>
  );
}
