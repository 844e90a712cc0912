/**
 * The one-time reveal of a new token's secret, with Copy and Download (.txt) and the seed's warning.
 * Closing without having copied or downloaded asks first. The secret is held only by the parent's
 * state while this dialog is open: never written to storage, the address or the console.
 */
import { Alert, Button, Code, Group, Modal, Paper, Stack, Text } from "@mantine/core";
import { useClipboard } from "@mantine/hooks";
import { useEffect, useState } from "react";
import { downloadText } from "./download-text";
import { AlertIcon, CheckIcon, CopyIcon, DownloadIcon } from "./icons";
import { TokenName } from "./token-name";

/** A file name for the download: the token's name made safe, e.g. `production-sender-api-token.txt`. */
function fileNameOf(name: string): string {
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 40);
  return `${slug === "" ? "latchkey" : slug}-api-token.txt`;
}

export function RevealTokenDialog({ revealed, onClose }: { revealed: { name: string; secret: string; rotated?: boolean } | null; onClose: () => void }) {
  const clipboard = useClipboard({ timeout: 2500 });
  const [saved, setSaved] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [copyFailed, setCopyFailed] = useState(false);

  // biome-ignore lint/correctness/useExhaustiveDependencies: reset when another token is revealed; clipboard changes every render
  useEffect(() => {
    setSaved(false);
    setConfirming(false);
    setCopyFailed(false);
    clipboard.reset();
  }, [revealed]);

  useEffect(() => {
    if (clipboard.copied) setSaved(true);
  }, [clipboard.copied]);
  useEffect(() => {
    if (clipboard.error !== null) setCopyFailed(true);
  }, [clipboard.error]);

  if (revealed === null) return <Modal opened={false} onClose={onClose} title="Your new API token" />;

  const download = () => {
    downloadText(fileNameOf(revealed.name), `${revealed.secret}\n`);
    setSaved(true);
  };

  // Done, the close button and Escape all ask first while the token is unsaved; on the question,
  // Escape and the close button mean "Go back", never "Close anyway".
  const requestClose = () => {
    if (saved) onClose();
    else setConfirming(!confirming);
  };

  return (
    <Modal opened onClose={requestClose} closeOnClickOutside={false} title={<Text fw={650} size="lg">{confirming ? "Close without saving?" : "Your new API token"}</Text>} size="lg" radius="lg" closeButtonProps={{ "aria-label": "Close" }}>
      {confirming ? (
        <Stack>
          <Text size="sm">
            You have not copied or downloaded the token <b><TokenName name={revealed.name} /></b>. Once you close this window you cannot see it again, and you would have to create a new token.
          </Text>
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={() => setConfirming(false)} data-autofocus>
              Go back
            </Button>
            <Button color="red" onClick={onClose}>
              Close anyway
            </Button>
          </Group>
        </Stack>
      ) : (
        <Stack>
          <Text size="sm">
            {revealed.rotated === true ? (
              <>
                The token <b><TokenName name={revealed.name} /></b> has a new secret. Send it as <Code>Authorization: Bearer &lt;token&gt;</Code>; the old one stops working when its grace ends.
              </>
            ) : (
              <>
                The token <b><TokenName name={revealed.name} /></b> has been created. Send it as <Code>Authorization: Bearer &lt;token&gt;</Code>.
              </>
            )}
          </Text>
          <Alert color="yellow" variant="light" icon={<AlertIcon />} title="Copy your token now">
            For security reasons, you will only be shown your API token one time, so please copy or download it and save it somewhere safe.
          </Alert>
          <Paper withBorder radius="md" p="md" bg="gray.0">
            <Text className="lk-secret" size="sm" aria-label="API token" data-testid="revealed-secret">
              {revealed.secret}
            </Text>
          </Paper>
          {copyFailed && (
            <Text size="sm" c="red" role="alert">
              Your browser did not allow copying. Select the token above and copy it, or download it.
            </Text>
          )}
          <Group justify="space-between" gap="sm">
            <Group gap="sm">
              <Button variant={clipboard.copied ? "light" : "filled"} color={clipboard.copied ? "teal" : undefined} leftSection={clipboard.copied ? <CheckIcon size={16} /> : <CopyIcon size={16} />} onClick={() => clipboard.copy(revealed.secret)}>
                {clipboard.copied ? "Copied" : "Copy"}
              </Button>
              <Button variant="default" leftSection={<DownloadIcon size={16} />} onClick={download}>
                Download .txt
              </Button>
            </Group>
            <Button variant="default" onClick={requestClose}>
              Done
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
