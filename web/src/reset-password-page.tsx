/**
 * The reset link's page (/reset-password#code=..., or ?code=...): a new password, typed twice, sent
 * with the code to POST /v1/password-reset/complete. The page takes the code out of the address bar at
 * once and keeps it in memory only (as the invitation page does); an unknown, used or expired code is
 * told plainly, with the way to a new link.
 */
import { Alert, Anchor, Button, Stack, Text } from "@mantine/core";
import { useEffect, useState, type FormEvent } from "react";
import { api, fieldErrors, messageOf } from "./api-client";
import { inviteCodeOf } from "./accept-invite-page";
import { AuthCard } from "./auth-card";
import { BackToSignIn } from "./forgot-password-page";
import { AlertIcon, CheckIcon } from "./icons";
import { NewPasswordFields, newPasswordReady } from "./new-password-fields";
import { navigate } from "./router";

/** The code of `#code=...`, else of `?code=...`; empty when the address has neither. */
export function resetCodeOf(hash: string, search: string): string {
  return inviteCodeOf(hash) || (new URLSearchParams(search).get("code") ?? "");
}

const INVALID = "This reset link is not valid: it was used, replaced by a newer one or has expired (links work for one hour).";

/** `/reset-password`: the code from `#code=` or `?code=` (removed from the address bar at once) and a new password. */
export function ResetPasswordPage() {
  const [code] = useState(() => resetCodeOf(window.location.hash, window.location.search));
  const [password, setPassword] = useState("");
  const [confirm, setConfirm] = useState("");
  const [serverError, setServerError] = useState<string | undefined>(undefined);
  const [invalid, setInvalid] = useState<string | null>(
    code === "" ? "This link has no reset code. Open the whole link from your e-mail, or ask for a new one." : null,
  );
  const [failure, setFailure] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);

  // The code stays in no history entry, bookmark or Referer.
  useEffect(() => {
    if (window.location.hash !== "" || window.location.search !== "") window.history.replaceState(null, "", window.location.pathname);
  }, []);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!newPasswordReady(password, confirm)) return;
    setBusy(true);
    setFailure(null);
    setServerError(undefined);
    try {
      await api("POST", "/v1/password-reset/complete", { code, password });
      setDone(true);
    } catch (caught) {
      const fields = fieldErrors(caught);
      if (fields.code !== undefined) setInvalid(INVALID);
      else if (fields.password !== undefined) setServerError(fields.password);
      else setFailure(messageOf(caught));
    } finally {
      setBusy(false);
    }
  };

  const toForgot = (
    <Anchor
      href="/forgot-password"
      onClick={(e) => {
        e.preventDefault();
        navigate("/forgot-password");
      }}
    >
      Ask for a new link
    </Anchor>
  );

  if (done) {
    return (
      <AuthCard title="Your password is set" description="Sign in with your new password.">
        <Stack>
          <Alert color="teal" variant="light" icon={<CheckIcon />} role="status" title="Password changed">
            Your new password works from now on. Any other place you were signed in has been signed out.
          </Alert>
          <Button onClick={() => navigate("/sign-in")} fullWidth>
            Sign in
          </Button>
        </Stack>
      </AuthCard>
    );
  }
  if (invalid !== null) {
    return (
      <AuthCard title="This reset link is not valid" description="The link cannot be used to set a password.">
        <Stack>
          <Alert color="red" variant="light" icon={<AlertIcon />} role="alert" title="Reset link not valid">
            {invalid}
          </Alert>
          <Text size="sm" ta="center">
            {toForgot}
          </Text>
          <BackToSignIn />
        </Stack>
      </AuthCard>
    );
  }
  return (
    <AuthCard title="Set a new password" description="Choose the password you will sign in with from now on.">
      <form onSubmit={(e) => void submit(e)} noValidate>
        <Stack>
          {failure !== null && (
            <Alert color="red" variant="light" icon={<AlertIcon />} role="alert" title="Could not set the password">
              {failure}
            </Alert>
          )}
          <NewPasswordFields password={password} confirm={confirm} onPasswordChange={setPassword} onConfirmChange={setConfirm} serverError={serverError} />
          <Button type="submit" loading={busy} disabled={!newPasswordReady(password, confirm)} fullWidth mt="xs">
            Set new password
          </Button>
          <BackToSignIn />
        </Stack>
      </form>
    </AuthCard>
  );
}
