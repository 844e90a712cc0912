/**
 * "Change password": the current password and the new one, typed twice (POST /v1/me/password). A
 * wrong current password is said beside its field (and counts toward the sign-in lock-out); every
 * other session of the person ends, this one stays.
 */
import { Alert, Button, Group, Modal, PasswordInput, Stack, Text } from "@mantine/core";
import { useEffect, useState, type FormEvent } from "react";
import { api, fieldErrors, messageOf } from "./api-client";
import { AlertIcon } from "./icons";
import { NewPasswordFields, newPasswordReady } from "./new-password-fields";

/** Change password (Security page): current and new password; `onChanged` after the server signs other sessions out. */
export function ChangePasswordDialog({ opened, email, onClose, onChanged }: { opened: boolean; email: string; onClose: () => void; onChanged: () => void }) {
  const [current, setCurrent] = useState("");
  const [password, setPassword] = useState("");
  const [confirm, setConfirm] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const ready = current !== "" && newPasswordReady(password, confirm);

  // biome-ignore lint/correctness/useExhaustiveDependencies: cleared on each opening and closing
  useEffect(() => {
    setCurrent("");
    setPassword("");
    setConfirm("");
    setErrors({});
    setFailure(null);
  }, [opened]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!ready) return;
    setBusy(true);
    setErrors({});
    setFailure(null);
    try {
      await api("POST", "/v1/me/password", { current_password: current, new_password: password });
      onChanged();
    } catch (caught) {
      const fields = fieldErrors(caught);
      setErrors(fields);
      if (fields.current_password !== undefined) setCurrent("");
      if (Object.keys(fields).length === 0) setFailure(messageOf(caught));
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
          Change password
        </Text>
      }
      radius="lg"
      closeButtonProps={{ "aria-label": "Close" }}
    >
      <form onSubmit={(e) => void submit(e)} noValidate>
        <Stack>
          {failure !== null && (
            <Alert color="red" variant="light" icon={<AlertIcon />} role="alert" title="The password was not changed">
              {failure}
            </Alert>
          )}
          {/* For password managers: the address these passwords belong to. */}
          <input type="email" name="username" autoComplete="username" value={email} readOnly hidden />
          <PasswordInput
            label="Current password"
            autoComplete="current-password"
            required
            data-autofocus
            value={current}
            onChange={(e) => setCurrent(e.currentTarget.value)}
            error={errors.current_password}
            visibilityToggleButtonProps={{ "aria-label": "Show current password" }}
          />
          <NewPasswordFields
            password={password}
            confirm={confirm}
            onPasswordChange={setPassword}
            onConfirmChange={setConfirm}
            serverError={errors.new_password}
          />
          <Text size="xs" c="dimmed">
            You stay signed in here; everywhere else you are signed out.
          </Text>
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={busy} disabled={!ready}>
              Change password
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
