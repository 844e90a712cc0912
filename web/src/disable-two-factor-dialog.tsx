/**
 * "Turn off two-factor sign-in": asks a current code from the app, or a recovery code
 * (POST /v1/me/two-factor/disable), so that a session left open cannot turn it off alone.
 */
import { Alert, Button, Group, Modal, Stack, Text, TextInput } from "@mantine/core";
import { useEffect, useState, type FormEvent } from "react";
import { ApiError, api, fieldErrors, messageOf } from "./api-client";
import { AlertIcon } from "./icons";
import { totpOf } from "./two-factor-step";

/** Turn off two-factor (Security page): asks a code from the app or a recovery code (`/v1/me/two-factor/disable`). */
export function DisableTwoFactorDialog({
  opened,
  required,
  onClose,
  onDisabled,
}: {
  opened: boolean;
  required: boolean;
  onClose: () => void;
  onDisabled: () => void;
}) {
  const [code, setCode] = useState("");
  const [error, setError] = useState<string | undefined>(undefined);
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  // biome-ignore lint/correctness/useExhaustiveDependencies: cleared on each opening and closing
  useEffect(() => {
    setCode("");
    setError(undefined);
    setFailure(null);
  }, [opened]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (code.trim() === "") return;
    setBusy(true);
    setError(undefined);
    setFailure(null);
    try {
      await api("POST", "/v1/me/two-factor/disable", { code: /^[\d\s]+$/.test(code) ? totpOf(code) : code.trim() });
      onDisabled();
    } catch (caught) {
      setCode("");
      if (caught instanceof ApiError && caught.code === "two_factor_invalid") setError("The code is wrong or was already used.");
      else if (fieldErrors(caught).code !== undefined) setError(fieldErrors(caught).code);
      else setFailure(messageOf(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title={
        <Text fw={650} size="lg">
          Turn off two-factor sign-in
        </Text>
      }
      radius="lg"
      closeButtonProps={{ "aria-label": "Close" }}
    >
      <form onSubmit={(e) => void submit(e)} noValidate>
        <Stack>
          <Text size="sm">Signing in will ask only for your password, and your recovery codes stop working. Confirm with a code to turn it off.</Text>
          {required && (
            <Alert color="orange" variant="light" icon={<AlertIcon />}>
              The account policy requires two-factor sign-in for Admins: until you set it up again, you can only use this page.
            </Alert>
          )}
          {failure !== null && (
            <Alert color="red" variant="light" icon={<AlertIcon />} role="alert" title="Two-factor sign-in is still on">
              {failure}
            </Alert>
          )}
          <TextInput
            label="Authentication code"
            description="The 6-digit code from your authenticator app, or a recovery code."
            autoComplete="one-time-code"
            maxLength={64}
            required
            data-autofocus
            value={code}
            onChange={(e) => setCode(e.currentTarget.value)}
            error={error}
          />
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" color="red" loading={busy} disabled={code.trim() === ""}>
              Turn off
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
