/**
 * "Rotate" (issue 13): a new secret for the same token, revealed once as a new token's is; the old
 * secret keeps working for the grace chosen here. The request carries an Idempotency-Key made when the
 * dialog opens, so pressing Rotate again after a lost answer gets the same secret, not a third one.
 */
import { Alert, Button, Group, Modal, Select, Stack, Text } from "@mantine/core";
import { useEffect, useState } from "react";
import { api, messageOf } from "./api-client";
import type { RotatedToken, Token } from "./api-types";
import { formatDateTime } from "./format";
import { AlertIcon } from "./icons";
import { useStepUp } from "./step-up";

/** Grace choices: seconds as the API takes them. */
const GRACES = [
  { value: "0", label: "No grace: the old secret stops at once" },
  { value: "3600", label: "1 hour" },
  { value: "86400", label: "1 day" },
  { value: "604800", label: "7 days" },
  { value: "2592000", label: "30 days" },
];

export function RotateTokenDialog({ token, onClose, onRotated }: { token: Token | null; onClose: () => void; onRotated: (rotated: RotatedToken) => void }) {
  const [grace, setGrace] = useState("3600");
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const [idempotencyKey, setIdempotencyKey] = useState("");
  const stepUp = useStepUp();
  const { reset: resetStepUp } = stepUp;

  useEffect(() => {
    setGrace("3600");
    setFailure(null);
    setIdempotencyKey(token === null ? "" : crypto.randomUUID());
    resetStepUp();
  }, [token, resetStepUp]);

  if (token === null) return <Modal opened={false} onClose={onClose} title="Rotate token" />;

  const rotate = async () => {
    setBusy(true);
    setFailure(null);
    try {
      // Rotating may need a fresh second factor first (step-up.tsx): then the code is asked here.
      const rotated = await stepUp.run(() => api<{ data: RotatedToken }>("POST", `/v1/token/${encodeURIComponent(token.id)}/rotate`, { grace_seconds: Number(grace) }, { "idempotency-key": idempotencyKey }));
      if (rotated !== null) onRotated(rotated.value.data);
    } catch (error) {
      setFailure(messageOf(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal opened onClose={onClose} title={<Text fw={650} size="lg">Rotate {token.name}</Text>} radius="lg" closeButtonProps={{ "aria-label": "Close" }}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void rotate();
        }}
        noValidate
      >
        <Stack gap="md">
        <Text size="sm">
          A new secret replaces the current one. The token keeps its name, permissions, domains and expiry. Update your applications with the new secret before the old one stops working.
        </Text>
        {token.previous_secret !== null && Date.parse(token.previous_secret.valid_until) > Date.now() && (
          <Alert color="orange" variant="light" icon={<AlertIcon />}>
            The secret replaced by the last rotation ({token.previous_secret.preview}) works until {formatDateTime(token.previous_secret.valid_until)}. Rotating again stops it now.
          </Alert>
        )}
        <Select label="Old secret keeps working for" data={GRACES} value={grace} onChange={(v) => setGrace(v ?? "3600")} allowDeselect={false} comboboxProps={{ withinPortal: true }} />
        {failure !== null && (
          <Alert color="red" variant="light" icon={<AlertIcon />} role="alert" title="The token was not rotated">
            {failure}
          </Alert>
        )}
        {stepUp.field}
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" loading={busy}>
            Rotate
          </Button>
        </Group>
        </Stack>
      </form>
    </Modal>
  );
}
