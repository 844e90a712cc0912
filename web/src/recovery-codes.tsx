/**
 * The ten recovery codes of two-factor sign-in, shown once after set-up: a list, Copy and Download
 * (.txt). Held only by the dialog's state while it is open; never written to storage or the console.
 */
import { Alert, Button, Group, Paper, SimpleGrid, Text } from "@mantine/core";
import { useClipboard } from "@mantine/hooks";
import { downloadText } from "./download-text";
import { AlertIcon, CheckIcon, CopyIcon, DownloadIcon } from "./icons";

/** The recovery codes, shown once after set-up, with Copy and Download .txt (named after `email`). */
export function RecoveryCodes({ codes, email }: { codes: readonly string[]; email: string }) {
  const clipboard = useClipboard({ timeout: 2500 });
  const text = `latchkey recovery codes for ${email}\nEach code works once, instead of a code from your authenticator app.\n\n${codes.join("\n")}\n`;
  return (
    <>
      <Alert color="yellow" variant="light" icon={<AlertIcon />} title="Save your recovery codes now">
        If you lose your phone, a recovery code lets you sign in instead of a code from the app. Each works once. You will only be shown them this one time.
      </Alert>
      <Paper withBorder radius="md" p="md" bg="gray.0">
        <SimpleGrid
          cols={2}
          spacing="xs"
          component="ul"
          aria-label="Recovery codes"
          data-testid="recovery-codes"
          style={{ listStyle: "none", margin: 0, padding: 0 }}
        >
          {codes.map((code) => (
            <Text key={code} component="li" className="lk-secret" size="sm">
              {code}
            </Text>
          ))}
        </SimpleGrid>
      </Paper>
      {clipboard.error !== null && (
        <Text size="sm" c="red" role="alert">
          Your browser did not allow copying. Select the codes above and copy them, or download them.
        </Text>
      )}
      <Group gap="sm">
        <Button
          variant={clipboard.copied ? "light" : "filled"}
          color={clipboard.copied ? "teal" : undefined}
          leftSection={clipboard.copied ? <CheckIcon size={16} /> : <CopyIcon size={16} />}
          onClick={() => clipboard.copy(codes.join("\n"))}
        >
          {clipboard.copied ? "Copied" : "Copy codes"}
        </Button>
        <Button variant="default" leftSection={<DownloadIcon size={16} />} onClick={() => downloadText("latchkey-recovery-codes.txt", text)}>
          Download .txt
        </Button>
      </Group>
    </>
  );
}
