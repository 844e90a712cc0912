/**
 * A new password typed twice, as the invitation page asks it: 12 to 1024 characters (the server's
 * rule, src/service/user-service.ts), the problem beside the field once something is typed.
 */
import { PasswordInput } from "@mantine/core";

/** Shortest password the server accepts, characters (PASSWORD_MIN_CHARS, src/service/user-service.ts). */
export const MIN_PASSWORD = 12;
/** Longest password the server accepts, characters. */
export const MAX_PASSWORD = 1024;

/** Whether `password` and `confirm` can be sent: the length rule, and both the same. */
export function newPasswordReady(password: string, confirm: string): boolean {
  const length = [...password].length;
  return length >= MIN_PASSWORD && length <= MAX_PASSWORD && confirm === password;
}

/** A new password typed twice, with the length rule and the mismatch named beside the fields. */
export function NewPasswordFields({
  password,
  confirm,
  onPasswordChange,
  onConfirmChange,
  serverError,
  label = "New password",
}: {
  password: string;
  confirm: string;
  onPasswordChange: (value: string) => void;
  onConfirmChange: (value: string) => void;
  serverError?: string | undefined;
  label?: string;
}) {
  const length = [...password].length;
  const lengthProblem =
    password === ""
      ? undefined
      : length < MIN_PASSWORD
        ? `Use at least ${MIN_PASSWORD} characters.`
        : length > MAX_PASSWORD
          ? `Use at most ${MAX_PASSWORD} characters.`
          : undefined;
  return (
    <>
      <PasswordInput
        label={label}
        description={`${MIN_PASSWORD} to ${MAX_PASSWORD} characters.`}
        autoComplete="new-password"
        required
        value={password}
        onChange={(e) => onPasswordChange(e.currentTarget.value)}
        error={serverError ?? lengthProblem}
        visibilityToggleButtonProps={{ "aria-label": "Show new password" }}
      />
      <PasswordInput
        label="Confirm new password"
        autoComplete="new-password"
        required
        value={confirm}
        onChange={(e) => onConfirmChange(e.currentTarget.value)}
        error={confirm !== "" && confirm !== password ? "The passwords do not match." : undefined}
        visibilityToggleButtonProps={{ "aria-label": "Show new password confirmation" }}
      />
    </>
  );
}
