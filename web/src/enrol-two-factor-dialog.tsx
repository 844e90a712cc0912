/**
 * "Set up two-factor sign-in": POST /v1/me/two-factor when the dialog opens (a new secret each time),
 * its QR code for the authenticator app and the secret for typing in by hand; a code from the app
 * turns it on (POST /v1/me/two-factor/confirm), and the recovery codes are then shown once.
 */
import { Alert, Button, Center, Code, Group, Image, Loader, Modal, Stack, Text, TextInput } from "@mantine/core";
import { useEffect, useState, type FormEvent } from "react";
import { ApiError, api, fieldErrors, messageOf } from "./api-client";
import type { TwoFactorEnrolment } from "./api-types";
import { AlertIcon } from "./icons";
import { RecoveryCodes } from "./recovery-codes";
import { isTotp, totpOf } from "./two-factor-step";

/** The secret in groups of four, as apps show it; spaces are ignored when typed. */
function grouped(secret: string): string {
  return secret.replace(/(.{4})/g, "$1 ").trim();
}

/** Two-factor set-up: the server's QR code and key, confirmed with a code, then the recovery codes shown once. */
export function EnrolTwoFactorDialog({ opened, email, onClose, onEnabled }: { opened: boolean; email: string; onClose: () => void; onEnabled: () => void }) {
  const [enrolment, setEnrolment] = useState<TwoFactorEnrolment | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);
  const [code, setCode] = useState("");
  const [error, setError] = useState<string | undefined>(undefined);
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    setEnrolment(null);
    setCodes(null);
    setCode("");
    setError(undefined);
    setFailure(null);
    if (!opened) return;
    let current = true;
    api<{ data: TwoFactorEnrolment }>("POST", "/v1/me/two-factor")
      .then(({ data }) => {
        if (current) setEnrolment(data);
      })
      .catch((caught: unknown) => {
        if (current) setFailure(messageOf(caught));
      });
    return () => {
      current = false;
    };
  }, [opened]);

  const confirm = async (event: FormEvent) => {
    event.preventDefault();
    if (!isTotp(code)) return;
    setBusy(true);
    setError(undefined);
    try {
      const { data } = await api<{ data: { recovery_codes: string[] } }>("POST", "/v1/me/two-factor/confirm", { code: totpOf(code) });
      setCodes(data.recovery_codes);
      onEnabled();
    } catch (caught) {
      setCode("");
      if (caught instanceof ApiError && caught.code === "two_factor_invalid")
        setError("The code is wrong. Check that the app shows latchkey, and enter the code it shows now.");
      else if (fieldErrors(caught).code !== undefined) setError(fieldErrors(caught).code);
      else setFailure(messageOf(caught));
    } finally {
      setBusy(false);
    }
  };

  const title = codes === null ? "Set up two-factor sign-in" : "Two-factor sign-in is on";
  return (
    <Modal
      opened={opened}
      onClose={onClose}
      closeOnClickOutside={false}
      title={
        <Text fw={650} size="lg">
          {title}
        </Text>
      }
      size="lg"
      radius="lg"
      closeButtonProps={{ "aria-label": "Close" }}
    >
      {codes !== null ? (
        <Stack>
          <Text size="sm">From now on, signing in asks for a code from your authenticator app after your password.</Text>
          <RecoveryCodes codes={codes} email={email} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Done
            </Button>
          </Group>
        </Stack>
      ) : failure !== null ? (
        <Stack>
          <Alert color="red" variant="light" icon={<AlertIcon />} role="alert" title="Two-factor sign-in cannot be set up">
            {failure}
          </Alert>
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Close
            </Button>
          </Group>
        </Stack>
      ) : enrolment === null ? (
        <Center py="xl">
          <Loader role="status" aria-busy="true" aria-label="Preparing two-factor sign-in" />
        </Center>
      ) : (
        <form onSubmit={(e) => void confirm(e)} noValidate>
          <Stack>
            <Text size="sm">
              <b>1.</b> Scan this QR code with an authenticator app (such as 1Password, Google Authenticator or Authy).
            </Text>
            <Center>
              <Image src={enrolment.qr_code} alt="QR code to add latchkey to your authenticator app" w={180} h={180} />
            </Center>
            <Text size="sm">
              Cannot scan it? Enter this key in the app instead:{" "}
              <Code className="lk-secret" data-testid="two-factor-secret" aria-label="Setup key">
                {grouped(enrolment.secret)}
              </Code>
            </Text>
            <TextInput
              label="2. Enter the 6-digit code the app shows"
              inputMode="numeric"
              autoComplete="one-time-code"
              maxLength={7}
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
              <Button type="submit" loading={busy} disabled={!isTotp(code)}>
                Turn on
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
