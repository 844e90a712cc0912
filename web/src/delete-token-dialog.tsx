/** Delete asks first, naming the token (the seed: "you need to confirm it in the pop-up window"). */
import { Alert, Button, Group, Modal, Stack, Text } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useState } from "react";
import { api, messageOf } from "./api-client";
import type { Token } from "./api-types";
import { AlertIcon } from "./icons";
import { TokenName, plainTokenName } from "./token-name";

export function DeleteTokenDialog({ token, onClose, onDeleted }: { token: Token | null; onClose: () => void; onDeleted: () => void }) {
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  // Kept while the dialog closes; derived during render, so the first frame already names the token.
  const [shown, setShown] = useState<Token | null>(token);
  if (token !== null && token !== shown) {
    setShown(token);
    setFailure(null);
  }

  const remove = async () => {
    if (token === null) return;
    setBusy(true);
    setFailure(null);
    try {
      await api("DELETE", `/v1/token/${encodeURIComponent(token.id)}`);
      notifications.show({ color: "green", title: "Token deleted", message: `${plainTokenName(token.name)} can no longer be used.` });
      onDeleted();
    } catch (error) {
      // Said inside the dialog: notifications sit under open dialogs.
      setFailure(messageOf(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal opened={token !== null} onClose={onClose} title={<Text fw={650} size="lg">Delete API token</Text>} radius="lg" closeButtonProps={{ "aria-label": "Close" }}>
      <Stack>
        <Text size="sm">
          Delete the token <b>{shown ? <TokenName name={shown.name} /> : null}</b>? Applications using it will be refused from now on. This cannot be undone.
        </Text>
        {failure !== null && (
          <Alert color="red" variant="light" icon={<AlertIcon />} role="alert" title="Could not delete the token">
            {failure}
          </Alert>
        )}
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onClose} data-autofocus>
            Cancel
          </Button>
          <Button color="red" onClick={() => void remove()} loading={busy}>
            Delete token
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
