/**
 * "Forgot password?" (/forgot-password): asks the e-mail address and sends POST /v1/password-reset.
 * The answer is the same whether or not the address belongs to a user, so the page says only what
 * the server says; the link in the mail leads to /reset-password.
 */
import { Alert, Anchor, Button, Stack, Text, TextInput } from "@mantine/core";
import { useState, type FormEvent } from "react";
import { api, fieldErrors, messageOf } from "./api-client";
import { AuthCard } from "./auth-card";
import { AlertIcon, InfoIcon } from "./icons";
import { navigate } from "./router";

/** "Back to sign in", shared with the reset page. */
export function BackToSignIn() {
  return (
    <Text size="sm" ta="center">
      <Anchor
        href="/sign-in"
        onClick={(e) => {
          e.preventDefault();
          navigate("/sign-in");
        }}
      >
        Back to sign in
      </Anchor>
    </Text>
  );
}

/** `/forgot-password`: asks the e-mail address; the answer is the same whether or not it belongs to a person. */
export function ForgotPasswordPage() {
  const [email, setEmail] = useState("");
  const [sent, setSent] = useState<string | null>(null);
  const [error, setError] = useState<string | undefined>(undefined);
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (email.trim() === "") return;
    setBusy(true);
    setError(undefined);
    setFailure(null);
    try {
      const { data } = await api<{ data: { message: string } }>("POST", "/v1/password-reset", { email: email.trim() });
      setSent(data.message);
    } catch (caught) {
      if (fieldErrors(caught).email !== undefined) setError(fieldErrors(caught).email);
      else setFailure(messageOf(caught));
    } finally {
      setBusy(false);
    }
  };

  if (sent !== null) {
    return (
      <AuthCard title="Check your e-mail" description="If a mail comes, open its link to set a new password.">
        <Stack>
          <Alert color="blue" variant="light" icon={<InfoIcon />} role="status" title="Reset link requested">
            {sent}
          </Alert>
          <Text size="sm" c="dimmed">
            No mail? Ask the person who runs latchkey for a link (<code>latchkey user reset-password</code>).
          </Text>
          <BackToSignIn />
        </Stack>
      </AuthCard>
    );
  }

  return (
    <AuthCard title="Forgot your password?" description="Enter the e-mail address you sign in with, and we will send you a link to set a new password.">
      <form onSubmit={(e) => void submit(e)} noValidate>
        <Stack>
          {failure !== null && (
            <Alert color="red" variant="light" icon={<AlertIcon />} role="alert" title="Could not ask for a link">
              {failure}
            </Alert>
          )}
          <TextInput
            label="E-mail address"
            type="email"
            autoComplete="username"
            required
            value={email}
            onChange={(e) => setEmail(e.currentTarget.value)}
            error={error}
            data-autofocus
          />
          <Button type="submit" loading={busy} disabled={email.trim() === ""} fullWidth mt="xs">
            Send reset link
          </Button>
          <BackToSignIn />
        </Stack>
      </form>
    </AuthCard>
  );
}
