/** Delete asks first, naming the token (the seed: "you need to confirm it in the pop-up window"). */
import { Button, Group, Modal, Stack, Text } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useEffect, useState } from "react";
import { api, messageOf } from "./api-client";
import type { Token } from "./api-types";

export function DeleteTokenDialog({ token, onClose, onDeleted }: { token: Token | null; onClose: () => void; onDeleted: () => void }) {
  const [busy, setBusy] = useState(false);
  const [shown, setShown] = useState<Token | null>(token);
  useEffect(() => {
    if (token !== null) setShown(token);
  }, [token]);

  const remove = async () => {
    if (token === null) return;
    setBusy(true);
    try {
      await api("DELETE", `/v1/token/${encodeURIComponent(token.id)}`);
      notifications.show({ color: "green", title: "Token deleted", message: `${token.name} can no longer be used.` });
      onDeleted();
    } catch (error) {
      notifications.show({ color: "red", title: "Could not delete the token", message: messageOf(error) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal opened={token !== null} onClose={onClose} title={<Text fw={650} size="lg">Delete API token</Text>} radius="lg" closeButtonProps={{ "aria-label": "Close" }}>
      <Stack>
        <Text size="sm">
          Delete the token <b>{shown?.name}</b>? Applications using it will be refused from now on. This cannot be undone.
        </Text>
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
