/**
 * Remove a user (asks first, naming them; "Also pause their tokens" sends `pause_tokens=true`), and
 * Cancel an invitation (asks first). Refusals are said in the dialog, e.g. last_admin.
 */
import { Alert, Button, Checkbox, Group, Modal, Stack, Text } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useState } from "react";
import { api, messageOf } from "./api-client";
import type { Invite, TeamUser } from "./api-types";
import { AlertIcon } from "./icons";

export function RemoveUserDialog({ user, onClose, onRemoved }: { user: TeamUser | null; onClose: () => void; onRemoved: () => void }) {
  const [shown, setShown] = useState<TeamUser | null>(user);
  const [pauseTokens, setPauseTokens] = useState(false);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  if (user !== null && user !== shown) {
    setShown(user);
    setPauseTokens(false);
    setFailure(null);
  }
  const remove = async () => {
    if (user === null) return;
    setBusy(true);
    setFailure(null);
    try {
      await api("DELETE", `/v1/users/${encodeURIComponent(user.id)}${pauseTokens ? "?pause_tokens=true" : ""}`);
      notifications.show({ color: "green", title: "User removed", message: `${user.email} can no longer sign in.${pauseTokens ? " Their tokens are paused." : ""}`, closeButtonProps: { "aria-label": "Close notification" } });
      onRemoved();
    } catch (caught) {
      setFailure(messageOf(caught));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal opened={user !== null} onClose={onClose} title={<Text fw={650} size="lg">Remove user</Text>} radius="lg" closeButtonProps={{ "aria-label": "Close" }}>
      <Stack>
        <Text size="sm">
          Remove <b>{shown?.email}</b> from the account? They are signed out at once and can no longer sign in. The tokens they created keep working unless you pause them too.
        </Text>
        <Checkbox label="Also pause their tokens" description="Pauses every token this user created, and the tokens those made. You can resume them later." checked={pauseTokens} onChange={(e) => setPauseTokens(e.currentTarget.checked)} />
        {failure !== null && (
          <Alert color="red" variant="light" icon={<AlertIcon />} role="alert" title="The user was not removed">
            {failure}
          </Alert>
        )}
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onClose} data-autofocus>
            Cancel
          </Button>
          <Button color="red" onClick={() => void remove()} loading={busy}>
            Remove user
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

export function CancelInviteDialog({ invite, onClose, onCancelled }: { invite: Invite | null; onClose: () => void; onCancelled: () => void }) {
  const [shown, setShown] = useState<Invite | null>(invite);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  if (invite !== null && invite !== shown) {
    setShown(invite);
    setFailure(null);
  }
  const cancel = async () => {
    if (invite === null) return;
    setBusy(true);
    setFailure(null);
    try {
      await api("DELETE", `/v1/invites/${encodeURIComponent(invite.id)}`);
      notifications.show({ color: "green", title: "Invitation cancelled", message: `The link sent to ${invite.email} no longer works.`, closeButtonProps: { "aria-label": "Close notification" } });
      onCancelled();
    } catch (caught) {
      setFailure(messageOf(caught));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal opened={invite !== null} onClose={onClose} title={<Text fw={650} size="lg">Cancel invitation</Text>} radius="lg" closeButtonProps={{ "aria-label": "Close" }}>
      <Stack>
        <Text size="sm">
          Cancel the invitation for <b>{shown?.email}</b>? Its link stops working at once. You can invite them again later.
        </Text>
        {failure !== null && (
          <Alert color="red" variant="light" icon={<AlertIcon />} role="alert" title="The invitation was not cancelled">
            {failure}
          </Alert>
        )}
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onClose} data-autofocus>
            Keep invitation
          </Button>
          <Button color="red" onClick={() => void cancel()} loading={busy}>
            Cancel invitation
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
