/** The wordmark: a key in an indigo square, and the name. */
import { Group, Text, ThemeIcon } from "@mantine/core";
import { KeyIcon } from "./icons";

export function LatchkeyLogo() {
  return (
    <Group gap={8} wrap="nowrap">
      <ThemeIcon size={30} radius="md" variant="filled" color="indigo" aria-hidden="true">
        <KeyIcon size={18} />
      </ThemeIcon>
      <Text fw={700} size="lg" style={{ letterSpacing: "-0.01em" }}>
        latchkey
      </Text>
    </Group>
  );
}
