/**
 * "Invite user": the invitee's e-mail address and role (POST /v1/users); and the invitation link,
 * shown once with Copy after an invite or a resend, saying whether it was e-mailed too. The link
 * carries the single-use code: it is held only in the page's state while its dialog is open.
 */
import { Alert, Button, Group, Modal, Paper, Stack, Text, TextInput } from "@mantine/core";
import { useClipboard, useMediaQuery } from "@mantine/hooks";
import { useCallback, useEffect, useState, type FormEvent } from "react";
import { ApiError, api, fieldErrors, messageOf } from "./api-client";
import type { Area, Domain, IssuedInvite } from "./api-types";
import { AlertIcon, CheckIcon, CopyIcon } from "./icons";
import { EMPTY_ROLE, RoleFields, roleBody, roleProblems, type RoleValue } from "./role-fields";
import { absoluteInviteUrl } from "./team";

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * The API's refusal as the form shows it: field errors beside their fields (422, and invite_exists
 * under the e-mail address), anything else (ceiling_exceeded naming what is lacking, last_admin) as
 * the dialog's alert.
 */
export function refusalOf(caught: unknown): { fields: Record<string, string>; failure: string | null } {
  if (caught instanceof ApiError && (caught.code === "invite_exists" || caught.code === "user_exists")) return { fields: { email: caught.message }, failure: null };
  const fields = fieldErrors(caught);
  const known = ["email", "role", "permissions", "domains"];
  const unplaced = Object.entries(fields).filter(([field]) => !known.includes(field));
  const failure = caught instanceof ApiError && caught.code === "validation_failed" ? (unplaced.length === 0 ? null : unplaced.map(([, m]) => m).join(" ")) : messageOf(caught);
  return { fields, failure };
}

/** `errors` without `field`'s problem (the person changed that field). */
export function withoutField(errors: Record<string, string>, field: string): Record<string, string> {
  return Object.fromEntries(Object.entries(errors).filter(([key]) => key !== field));
}

export interface InviteUserDialogProps {
  opened: boolean;
  areas: Area[] | null;
  domains: Domain[] | null | "unlisted";
  onClose: () => void;
  onInvited: (issued: IssuedInvite) => void;
}

export function InviteUserDialog({ opened, areas, domains, onClose, onInvited }: InviteUserDialogProps) {
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<RoleValue>(EMPTY_ROLE);
  const [tried, setTried] = useState(false);
  const [serverErrors, setServerErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const narrow = useMediaQuery("(max-width: 36em)") ?? false;

  useEffect(() => {
    if (opened) return;
    setEmail("");
    setRole(EMPTY_ROLE);
    setTried(false);
    setServerErrors({});
    setFailure(null);
  }, [opened]);

  const problems: Record<string, string> = { ...roleProblems(role) };
  if (!EMAIL.test(email.trim())) problems.email = email.trim() === "" ? "Enter the e-mail address of the user to invite." : "Enter an e-mail address such as ada@example.com.";
  const errorOf = (field: string): string | undefined => serverErrors[field] ?? (tried ? problems[field] : undefined);
  const changeRole = useCallback((change: (current: RoleValue) => RoleValue) => {
    setRole(change);
    setServerErrors({});
  }, []);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setTried(true);
    if (Object.keys(problems).length > 0) return;
    setBusy(true);
    setServerErrors({});
    setFailure(null);
    try {
      const { data } = await api<{ data: IssuedInvite }>("POST", "/v1/users", { email: email.trim(), ...roleBody(role) });
      onInvited(data);
    } catch (caught) {
      const refusal = refusalOf(caught);
      setServerErrors(refusal.fields);
      setFailure(refusal.failure);
    } finally {
      setBusy(false);
    }
  };

  const errors = { role: errorOf("role"), permissions: errorOf("permissions"), domains: errorOf("domains") };
  return (
    <Modal opened={opened} onClose={onClose} title={<Text fw={650} size="lg">Invite user</Text>} size="xl" fullScreen={narrow} radius="lg" closeButtonProps={{ "aria-label": "Close" }}>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <Stack gap="lg">
          {failure !== null && (
            <Alert color="red" variant="light" icon={<AlertIcon />} role="alert" title="The user was not invited">
              {failure}
            </Alert>
          )}
          <TextInput
            label="E-mail address"
            description="The invitation link is for this address."
            type="email"
            required
            data-autofocus
            autoComplete="off"
            maxLength={320}
            value={email}
            onChange={(e) => {
              setEmail(e.currentTarget.value);
              setServerErrors((current) => withoutField(current, "email"));
            }}
            error={errorOf("email")}
          />
          <RoleFields value={role} onChange={changeRole} areas={areas} domains={domains} errors={errors} />
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={busy}>
              Invite user
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** The invitation link, shown this once, with Copy; `resent` words it for a resend. */
export function InviteLinkDialog({ issued, resent, onClose }: { issued: IssuedInvite | null; resent: boolean; onClose: () => void }) {
  const clipboard = useClipboard({ timeout: 2500 });
  const [shown, setShown] = useState<IssuedInvite | null>(issued);
  if (issued !== null && issued !== shown) setShown(issued);
  const link = shown === null ? "" : absoluteInviteUrl(shown.invite_url);
  return (
    <Modal opened={issued !== null} onClose={onClose} closeOnClickOutside={false} title={<Text fw={650} size="lg">{resent ? "New invitation link" : "Invitation link"}</Text>} size="lg" radius="lg" closeButtonProps={{ "aria-label": "Close" }}>
      <Stack>
        <Text size="sm">
          {resent ? "A new link was made for " : "An invitation was made for "}
          <b>{shown?.email}</b> as <b>{shown?.data.role}</b>. {resent ? "The previous link no longer works. " : ""}It works once, until {shown === null ? "" : new Date(shown.expires_at).toLocaleDateString("en", { dateStyle: "medium" })}.
        </Text>
        <Alert color={shown?.mailed === true ? "teal" : "yellow"} variant="light" icon={<AlertIcon />} title={shown?.mailed === true ? "The link was e-mailed" : "The link was not e-mailed"}>
          {shown?.mailed === true
            ? "It was sent to the invitee's address. You will only be shown it this once; copy it if you want to pass it on yourself."
            : "latchkey has no mail server set up (LATCHKEY_SMTP_URL), so send the link to the invitee yourself. You will only be shown it this once."}
        </Alert>
        <Paper withBorder radius="md" p="md" bg="gray.0">
          <Text className="lk-secret" size="sm" aria-label="Invitation link" data-testid="invite-link">
            {link}
          </Text>
        </Paper>
        <Group justify="space-between" gap="sm">
          <Button variant={clipboard.copied ? "light" : "filled"} color={clipboard.copied ? "teal" : undefined} leftSection={clipboard.copied ? <CheckIcon size={16} /> : <CopyIcon size={16} />} onClick={() => clipboard.copy(link)}>
            {clipboard.copied ? "Copied" : "Copy link"}
          </Button>
          <Button variant="default" onClick={onClose}>
            Done
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
