/**
 * First start: create the owner with the code from the link `latchkey serve` printed
 * (/setup#code=...). The code is taken out of the address bar at once, so it stays in no history
 * entry or bookmark, and is kept in this page's memory only.
 */
import { Alert, Anchor, Button, Loader, PasswordInput, Stack, Text, TextInput } from "@mantine/core";
import { useEffect, useState, type FormEvent } from "react";
import { ApiError, api, fieldErrors, messageOf } from "./api-client";
import type { Session } from "./api-types";
import { AuthCard } from "./auth-card";
import { AlertIcon } from "./icons";
import { navigate } from "./router";

const MIN_PASSWORD = 12;

function takeCodeFromAddress(): string {
  const match = /(?:^#|&)code=([^&]*)/.exec(window.location.hash);
  if (window.location.hash !== "") window.history.replaceState(null, "", window.location.pathname);
  return match?.[1] === undefined ? "" : decodeURIComponent(match[1]);
}

export function SetupPage({ onSignedIn }: { onSignedIn: (session: Session) => void }) {
  const [code, setCode] = useState(takeCodeFromAddress);
  const [codeFromLink] = useState(() => code !== "");
  const [open, setOpen] = useState<boolean | null>(null);
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [confirm, setConfirm] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    api<{ data: { open: boolean } }>("GET", "/v1/setup")
      .then(({ data }) => setOpen(data.open))
      .catch(() => setOpen(false));
  }, []);

  const passwordShort = password !== "" && [...password].length < MIN_PASSWORD;
  const mismatch = confirm !== "" && confirm !== password;
  const valid = code.trim() !== "" && email.trim() !== "" && [...password].length >= MIN_PASSWORD && confirm === password;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setErrors({});
    try {
      const { data } = await api<{ data: Session }>("POST", "/v1/setup", { code: code.trim(), email, password });
      onSignedIn(data);
    } catch (caught) {
      setErrors(fieldErrors(caught));
      if (!(caught instanceof ApiError) || caught.code !== "validation_failed") setError(messageOf(caught));
    } finally {
      setBusy(false);
    }
  };

  if (open === null) {
    return (
      <AuthCard title="Set up latchkey" description="Checking whether set-up is still open…">
        <Loader role="status" aria-busy="true" aria-label="Loading" />
      </AuthCard>
    );
  }
  if (!open) {
    return (
      <AuthCard title="Set-up is closed" description="The first user of this latchkey has already been created.">
        <Text size="sm">
          <Anchor href="/sign-in" onClick={(e) => { e.preventDefault(); navigate("/sign-in"); }}>
            Sign in
          </Anchor>{" "}
          instead, or ask the operator to create a user with <code>latchkey user create</code>.
        </Text>
      </AuthCard>
    );
  }
  return (
    <AuthCard title="Set up latchkey" description="Create the owner of this latchkey. You will use this e-mail address and password to sign in.">
      <form onSubmit={(e) => void submit(e)} noValidate>
        <Stack>
          {error !== null && (
            <Alert color="red" variant="light" icon={<AlertIcon />} role="alert" title="Could not set up">
              {error}
            </Alert>
          )}
          {!codeFromLink && (
            <TextInput label="Set-up code" description="The code after #code= in the link latchkey serve printed." required value={code} onChange={(e) => setCode(e.currentTarget.value)} autoComplete="off" />
          )}
          <TextInput label="E-mail address" type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.currentTarget.value)} error={errors.email} />
          <PasswordInput
            label="Password"
            description={`At least ${MIN_PASSWORD} characters.`}
            autoComplete="new-password"
            required
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            error={errors.password ?? (passwordShort ? `Use at least ${MIN_PASSWORD} characters.` : undefined)}
            // Each toggle names its own field (aria-pressed tells whether it is shown).
            visibilityToggleButtonProps={{ "aria-label": "Show password" }}
          />
          <PasswordInput
            label="Confirm password"
            autoComplete="new-password"
            required
            value={confirm}
            onChange={(e) => setConfirm(e.currentTarget.value)}
            error={mismatch ? "The passwords do not match." : undefined}
            visibilityToggleButtonProps={{ "aria-label": "Show password confirmation" }}
          />
          <Button type="submit" loading={busy} disabled={!valid} fullWidth mt="xs">
            Create owner and sign in
          </Button>
        </Stack>
      </form>
    </AuthCard>
  );
}
