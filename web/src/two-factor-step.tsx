/**
 * Sign-in's second step (POST /v1/session/two-factor), for a person with two-factor sign-in on: the
 * 6-digit code from the authenticator app, or "Use a recovery code instead" (`abcde-fghij`, each works
 * once). A wrong code is said beside the field; a timed-out sign-in goes back to the password.
 */
import { Alert, Anchor, Button, Stack, Text, TextInput } from "@mantine/core";
import { useEffect, useRef, useState, type FormEvent } from "react";
import { ApiError, api, fieldErrors, messageOf } from "./api-client";
import type { Session } from "./api-types";
import { AlertIcon } from "./icons";

/** A TOTP code as typed, without spaces (some apps show `123 456`). */
export function totpOf(typed: string): string {
  return typed.replace(/\s+/g, "");
}

/** Whether `typed` looks like a 6-digit code (spaces allowed). */
export function isTotp(typed: string): boolean {
  return /^\d{6}$/.test(totpOf(typed));
}

/** The sign-in code step: a 6-digit code, or a recovery code instead; a timed-out challenge goes back to the password. */
export function TwoFactorStep({
  challenge,
  onSignedIn,
  onRestart,
}: {
  challenge: string;
  onSignedIn: (session: Session) => void;
  onRestart: (message: string) => void;
}) {
  const [recovery, setRecovery] = useState(false);
  const [code, setCode] = useState("");
  const [error, setError] = useState<string | undefined>(undefined);
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const field = useRef<HTMLInputElement>(null);
  // The step replaces the password form, and switching kinds replaces the field: put the cursor in it.
  // biome-ignore lint/correctness/useExhaustiveDependencies: focus again whenever the kind of code changes
  useEffect(() => field.current?.focus(), [recovery]);
  const ready = recovery ? code.trim() !== "" : isTotp(code);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!ready) return;
    setBusy(true);
    setError(undefined);
    setFailure(null);
    try {
      const { data } = await api<{ data: Session }>("POST", "/v1/session/two-factor", { challenge, code: recovery ? code.trim() : totpOf(code) });
      onSignedIn(data);
    } catch (caught) {
      setCode("");
      if (caught instanceof ApiError && caught.code === "two_factor_challenge_expired") onRestart(caught.message);
      else if (caught instanceof ApiError && caught.code === "two_factor_invalid")
        setError(recovery ? "This recovery code is wrong or was already used." : "The code is wrong or was already used. Wait for the next one and try again.");
      else if (fieldErrors(caught).code !== undefined) setError(fieldErrors(caught).code);
      else setFailure(messageOf(caught));
    } finally {
      setBusy(false);
    }
  };

  const switchKind = () => {
    setRecovery(!recovery);
    setCode("");
    setError(undefined);
  };

  return (
    <form onSubmit={(e) => void submit(e)} noValidate>
      <Stack>
        {failure !== null && (
          <Alert color="red" variant="light" icon={<AlertIcon />} role="alert" title="Could not sign in">
            {failure}
          </Alert>
        )}
        {recovery ? (
          <TextInput
            key="recovery"
            label="Recovery code"
            description="One of the recovery codes you saved when you set up two-factor sign-in, e.g. abcde-fghij. Each works once."
            autoComplete="off"
            spellCheck={false}
            required
            ref={field}
            value={code}
            onChange={(e) => setCode(e.currentTarget.value)}
            error={error}
          />
        ) : (
          <TextInput
            key="totp"
            label="Authentication code"
            description="The 6-digit code your authenticator app shows for latchkey."
            inputMode="numeric"
            autoComplete="one-time-code"
            maxLength={7}
            required
            ref={field}
            value={code}
            onChange={(e) => setCode(e.currentTarget.value)}
            error={error}
          />
        )}
        <Button type="submit" loading={busy} disabled={!ready} fullWidth mt="xs">
          Verify and sign in
        </Button>
        <Text size="sm" ta="center">
          <Anchor component="button" type="button" onClick={switchKind}>
            {recovery ? "Use a code from your authenticator app instead" : "Use a recovery code instead"}
          </Anchor>
        </Text>
      </Stack>
    </form>
  );
}
