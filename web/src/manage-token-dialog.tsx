/**
 * Manage (the seed): rename the token, and see its permissions and domains, which cannot change
 * ("If you want to change the permissions, you need to delete the existing token and create a new one").
 */
import { Alert, Badge, Button, Divider, Group, Modal, SimpleGrid, Stack, Table, Text, TextInput } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useEffect, useState, type FormEvent } from "react";
import { api, fieldErrors, messageOf } from "./api-client";
import type { Area, Level, Token } from "./api-types";
import { domainsOf, formatDateTime, LEVEL_LABELS, statusOf } from "./format";
import { InfoIcon } from "./icons";

function levelOf(token: Token, area: Area): Level {
  if (token.has_full) return area.levels[area.levels.length - 1] ?? "none";
  if (token.scopes.includes(`${area.area}_full`)) return "full";
  if (token.scopes.includes(`${area.area}_read`)) return "read";
  return "none";
}

function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed" fw={600} tt="uppercase" style={{ letterSpacing: "0.04em" }}>
        {label}
      </Text>
      <Text size="sm" component="div">
        {children}
      </Text>
    </div>
  );
}

export function ManageTokenDialog({ token, areas, onClose, onSaved }: { token: Token | null; areas: Area[]; onClose: () => void; onSaved: () => void }) {
  const [name, setName] = useState("");
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [shown, setShown] = useState<Token | null>(token);

  useEffect(() => {
    if (token !== null) {
      setShown(token);
      setName(token.name);
      setError(undefined);
    }
  }, [token]);

  const trimmed = name.trim();
  const changed = shown !== null && trimmed !== shown.name;
  const valid = trimmed !== "" && [...trimmed].length <= 50;

  const save = async (event: FormEvent) => {
    event.preventDefault();
    if (shown === null || !changed || !valid) return;
    setBusy(true);
    setError(undefined);
    try {
      await api("PUT", `/v1/token/${encodeURIComponent(shown.id)}`, { name: trimmed });
      notifications.show({ color: "green", title: "Token renamed", message: `Now called ${trimmed}.` });
      onSaved();
      onClose();
    } catch (caught) {
      setError(fieldErrors(caught).name ?? messageOf(caught));
    } finally {
      setBusy(false);
    }
  };

  const granted = shown === null ? [] : areas.map((area) => ({ area, level: levelOf(shown, area) })).filter((row) => row.level !== "none");

  return (
    <Modal opened={token !== null} onClose={onClose} title={<Text fw={650} size="lg">Manage token</Text>} size="lg" radius="lg" closeButtonProps={{ "aria-label": "Close" }}>
      {shown !== null && (
        <Stack gap="lg">
          <form onSubmit={(e) => void save(e)} noValidate>
            <Group align="flex-start" gap="sm" wrap="nowrap">
              <TextInput
                label="Name"
                value={name}
                onChange={(e) => setName(e.currentTarget.value)}
                error={error ?? (!valid ? (trimmed === "" ? "Give the token a name." : "Use at most 50 characters.") : undefined)}
                style={{ flex: 1 }}
                data-autofocus
              />
              <Button type="submit" mt={25} disabled={!changed || !valid} loading={busy}>
                Save
              </Button>
            </Group>
          </form>
          <Divider />
          <SimpleGrid cols={2} spacing="md">
            <Fact label="Status">{statusOf(shown)}</Fact>
            <Fact label="Token">
              <Text ff="monospace" size="sm">
                {shown.preview}
              </Text>
            </Fact>
            <Fact label="Domains">{domainsOf(shown)}</Fact>
            <Fact label="Expires">{formatDateTime(shown.expires_at, "Never")}</Fact>
            <Fact label="Created">{formatDateTime(shown.created_at)}</Fact>
            <Fact label="Last used">{formatDateTime(shown.last_used_at, "Never")}</Fact>
          </SimpleGrid>
          <Stack gap="xs">
            <Group gap="xs">
              <Text size="sm" fw={600}>
                Permissions
              </Text>
              <Badge variant="light" color={shown.has_full ? "violet" : "blue"} radius="sm">
                {shown.has_full ? "Full access" : "Custom access"}
              </Badge>
            </Group>
            <Table withTableBorder verticalSpacing={6} fz="sm">
              <Table.Tbody>
                {granted.map(({ area, level }) => (
                  <Table.Tr key={area.area}>
                    <Table.Td>{area.label}</Table.Td>
                    <Table.Td ta="right">{LEVEL_LABELS[level]}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
            {!shown.has_full && granted.length < areas.length && (
              <Text size="xs" c="dimmed">
                No access to the other {areas.length - granted.length} areas.
              </Text>
            )}
          </Stack>
          <Alert color="blue" variant="light" icon={<InfoIcon />}>
            Permissions and domains cannot be changed. To change them, delete this token and create a new one.
          </Alert>
        </Stack>
      )}
    </Modal>
  );
}
