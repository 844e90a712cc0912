/** Sign-in: e-mail and password; wrong ones and lock-outs are told plainly. */
import { Alert, Button, PasswordInput, Stack, TextInput } from "@mantine/core";
import { useState, type FormEvent } from "react";
import { ApiError, api, messageOf } from "./api-client";
import type { Session } from "./api-types";
import { AuthCard } from "./auth-card";
import { AlertIcon } from "./icons";

export function SignInPage({ onSignedIn }: { onSignedIn: (session: Session) => void }) {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const { data } = await api<{ data: Session }>("POST", "/v1/session", { email, password });
      onSignedIn(data);
    } catch (caught) {
      setPassword("");
      setError(caught instanceof ApiError && caught.code === "invalid_credentials" ? "The e-mail address or password is wrong." : messageOf(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <AuthCard title="Sign in" description="Sign in to manage your API tokens.">
      <form onSubmit={(e) => void submit(e)} noValidate>
        <Stack>
          {error !== null && (
            <Alert color="red" variant="light" icon={<AlertIcon />} role="alert" title="Could not sign in">
              {error}
            </Alert>
          )}
          <TextInput label="E-mail address" type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.currentTarget.value)} data-autofocus />
          <PasswordInput label="Password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.currentTarget.value)} visibilityToggleButtonProps={{ "aria-label": "Show password" }} />
          <Button type="submit" loading={busy} disabled={email.trim() === "" || password === ""} fullWidth mt="xs">
            Sign in
          </Button>
        </Stack>
      </form>
    </AuthCard>
  );
}
