/**
 * Sign-in: e-mail and password; wrong ones and lock-outs are told plainly. For a person with
 * two-factor sign-in on, the server answers with a challenge (202) and the page asks for the code
 * (two-factor-step.tsx). "Forgot password?" leads to /forgot-password.
 */
import { Alert, Anchor, Button, Group, PasswordInput, Stack, TextInput } from "@mantine/core";
import { useState, type FormEvent } from "react";
import { ApiError, api, messageOf } from "./api-client";
import type { Session, TwoFactorChallenge } from "./api-types";
import { AuthCard } from "./auth-card";
import { AlertIcon } from "./icons";
import { navigate } from "./router";
import { TwoFactorStep } from "./two-factor-step";

export function SignInPage({ onSignedIn }: { onSignedIn: (session: Session) => void }) {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [challenge, setChallenge] = useState<string | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const { data } = await api<{ data: Session | TwoFactorChallenge }>("POST", "/v1/session", { email, password });
      setPassword("");
      if ("challenge" in data) setChallenge(data.challenge);
      else onSignedIn(data);
    } catch (caught) {
      setPassword("");
      setError(caught instanceof ApiError && caught.code === "invalid_credentials" ? "The e-mail address or password is wrong." : messageOf(caught));
    } finally {
      setBusy(false);
    }
  };

  if (challenge !== null) {
    return (
      <AuthCard title="Two-factor sign-in" description={`Signing in as ${email}. Open your authenticator app to get a code.`}>
        <TwoFactorStep
          challenge={challenge}
          onSignedIn={onSignedIn}
          onRestart={(message) => {
            setChallenge(null);
            setError(message);
          }}
        />
      </AuthCard>
    );
  }

  return (
    <AuthCard title="Sign in" description="Sign in to manage your API tokens.">
      <form onSubmit={(e) => void submit(e)} noValidate>
        <Stack>
          {error !== null && (
            <Alert color="red" variant="light" icon={<AlertIcon />} role="alert" title="Could not sign in">
              {error}
            </Alert>
          )}
          <TextInput
            label="E-mail address"
            type="email"
            autoComplete="username"
            required
            value={email}
            onChange={(e) => setEmail(e.currentTarget.value)}
            data-autofocus
          />
          <PasswordInput
            label="Password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            visibilityToggleButtonProps={{ "aria-label": "Show password" }}
          />
          <Group justify="flex-end" mt={-8}>
            <Anchor
              href="/forgot-password"
              size="sm"
              onClick={(e) => {
                e.preventDefault();
                navigate("/forgot-password");
              }}
            >
              Forgot password?
            </Anchor>
          </Group>
          <Button type="submit" loading={busy} disabled={email.trim() === "" || password === ""} fullWidth mt="xs">
            Sign in
          </Button>
        </Stack>
      </form>
    </AuthCard>
  );
}
