/**
 * The invitation link's page (/invite#code=...): what the invitation is for (POST /v1/invites/preview:
 * e-mail address and role), then a password (12 to 1024 characters, typed twice); accepting
 * (POST /v1/invites/accept) creates the user and signs them in with the session cookie. The code
 * travels in the fragment, which browsers never send; the page takes it out of the address bar at
 * once, keeps it in memory only and sends it in request bodies, never in a URL.
 */
import { Alert, Anchor, Button, Loader, PasswordInput, Stack, Text } from "@mantine/core";
import { useEffect, useState, type FormEvent } from "react";
import { ApiError, api, fieldErrors, messageOf } from "./api-client";
import type { InvitePreview, Session } from "./api-types";
import { AuthCard } from "./auth-card";
import { AlertIcon } from "./icons";
import { navigate } from "./router";

const MIN_PASSWORD = 12;
const MAX_PASSWORD = 1024;

/** The code of `#code=...` (empty when the address has none). Reads only; the page then clears the fragment. */
export function inviteCodeOf(hash: string): string {
  const match = /(?:^#|&)code=([^&]*)/.exec(hash);
  if (match?.[1] === undefined) return "";
  try {
    return decodeURIComponent(match[1]);
  } catch {
    return "";
  }
}

type State = { kind: "loading" } | { kind: "invalid"; message: string } | { kind: "ready"; preview: InvitePreview };

const INVALID = "This invitation link is not valid: it was used, replaced by a newer one, cancelled or has expired. Ask the person who invited you for a new link.";

export function AcceptInvitePage({ onSignedIn }: { onSignedIn: (session: Session) => void }) {
  const [code, setCode] = useState(() => inviteCodeOf(window.location.hash));
  const [state, setState] = useState<State>({ kind: "loading" });
  const [password, setPassword] = useState("");
  const [confirm, setConfirm] = useState("");
  const [serverError, setServerError] = useState<string | undefined>(undefined);
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  // A second link opened in the same tab changes only the fragment: no page load, so listen for it.
  useEffect(() => {
    const opened = () => {
      const next = inviteCodeOf(window.location.hash);
      if (next === "") return;
      setCode(next);
      setState({ kind: "loading" });
      setPassword("");
      setConfirm("");
      setFailure(null);
      setServerError(undefined);
    };
    window.addEventListener("hashchange", opened);
    return () => window.removeEventListener("hashchange", opened);
  }, []);

  useEffect(() => {
    // The code stays in no history entry or bookmark (an effect, so a second render still has it).
    if (window.location.hash !== "") window.history.replaceState(null, "", window.location.pathname);
    if (code === "") {
      setState({ kind: "invalid", message: "This link has no invitation code. Open the whole link from your invitation, or ask for a new one." });
      return;
    }
    let current = true;
    api<{ data: InvitePreview }>("POST", "/v1/invites/preview", { code })
      .then(({ data }) => {
        if (current) setState({ kind: "ready", preview: data });
      })
      .catch((caught: unknown) => {
        if (!current) return;
        setState({ kind: "invalid", message: caught instanceof ApiError && (caught.code === "invite_invalid" || caught.code === "validation_failed") ? INVALID : messageOf(caught) });
      });
    return () => {
      current = false;
    };
  }, [code]);

  const length = [...password].length;
  const lengthProblem = password === "" ? undefined : length < MIN_PASSWORD ? `Use at least ${MIN_PASSWORD} characters.` : length > MAX_PASSWORD ? `Use at most ${MAX_PASSWORD} characters.` : undefined;
  const mismatch = confirm !== "" && confirm !== password;
  const valid = length >= MIN_PASSWORD && length <= MAX_PASSWORD && confirm === password;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!valid) return;
    setBusy(true);
    setFailure(null);
    setServerError(undefined);
    try {
      const { data } = await api<{ data: Session }>("POST", "/v1/invites/accept", { code, password });
      onSignedIn(data);
    } catch (caught) {
      if (caught instanceof ApiError && caught.code === "invite_invalid") setState({ kind: "invalid", message: INVALID });
      else if (fieldErrors(caught).password !== undefined) setServerError(fieldErrors(caught).password);
      else setFailure(messageOf(caught));
    } finally {
      setBusy(false);
    }
  };

  if (state.kind === "loading") {
    return (
      <AuthCard title="Accept invitation" description="Checking your invitation link…">
        <Loader role="status" aria-busy="true" aria-label="Loading" />
      </AuthCard>
    );
  }
  if (state.kind === "invalid") {
    return (
      <AuthCard title="This invitation link is not valid" description="The link cannot be used to join.">
        <Stack>
          <Alert color="red" variant="light" icon={<AlertIcon />} role="alert" title="Invitation not valid">
            {state.message}
          </Alert>
          <Text size="sm">
            Already have a user?{" "}
            <Anchor
              href="/sign-in"
              onClick={(e) => {
                e.preventDefault();
                navigate("/sign-in");
              }}
            >
              Sign in
            </Anchor>
          </Text>
        </Stack>
      </AuthCard>
    );
  }
  const { preview } = state;
  return (
    <AuthCard
      title="Accept invitation"
      description={
        <>
          You are invited to latchkey as <b>{preview.role}</b>, with the e-mail address <b>{preview.email}</b>. Choose a password to sign in with.
        </>
      }
    >
      <form onSubmit={(e) => void submit(e)} noValidate>
        <Stack>
          {failure !== null && (
            <Alert color="red" variant="light" icon={<AlertIcon />} role="alert" title="Could not accept the invitation">
              {failure}
            </Alert>
          )}
          {/* For password managers: the address this password belongs to. */}
          <input type="email" name="username" autoComplete="username" value={preview.email} readOnly hidden />
          <PasswordInput
            label="Password"
            description={`${MIN_PASSWORD} to ${MAX_PASSWORD} characters.`}
            autoComplete="new-password"
            required
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            error={serverError ?? lengthProblem}
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
            Accept and sign in
          </Button>
        </Stack>
      </form>
    </AuthCard>
  );
}
