/**
 * Manage (the seed): rename the token, and see its permissions and domains, which cannot change
 * ("If you want to change the permissions, you need to delete the existing token and create a new one").
 * Its footer also has Pause (or Resume) and Delete, the actions of the row's drop-down arrow; Delete
 * hands over to the confirmation dialog, which names the token.
 */
import { Alert, Badge, Button, Divider, Group, Modal, SimpleGrid, Stack, Table, Text, TextInput } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useState, type FormEvent } from "react";
import { api, fieldErrors, messageOf } from "./api-client";
import type { Area, Level, Token } from "./api-types";
import { domainsOf, formatDateTime, formatExpiry, LEVEL_LABELS, statusOf } from "./format";
import { AlertIcon, InfoIcon, PauseIcon, PlayIcon, TrashIcon } from "./icons";
import { TokenFamilyPanel } from "./token-family-panel";
import { UsageLimitsEditor } from "./usage-limits-editor";
import { showUsageOf } from "./usage-page";

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

export interface ManageTokenDialogProps {
  /** The token to manage; null when the dialog is closed. */
  token: Token | null;
  /** The catalogue's areas (null while loading). */
  areas: Area[] | null;
  onClose: () => void;
  onSaved: () => void;
  /** Pauses a live token or resumes a paused one; resolves to the token as it is now. */
  onPauseOrResume: (token: Token) => Promise<Token>;
  /** Asks to delete the token (the parent shows the confirmation). */
  onDelete: (token: Token) => void;
  /** Told of the token as it is after a cascading pause or resume of its subtree. */
  onCascaded?: (token: Token) => void;
}

export function ManageTokenDialog({ token, areas, onClose, onSaved, onPauseOrResume, onDelete, onCascaded }: ManageTokenDialogProps) {
  const [name, setName] = useState(token?.name ?? "");
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [statusBusy, setStatusBusy] = useState(false);
  const [statusError, setStatusError] = useState<string | null>(null);
  // Kept while the dialog closes, so its content does not vanish during the transition.
  const [shown, setShown] = useState<Token | null>(token);
  const [openedFor, setOpenedFor] = useState<string | null>(token?.id ?? null);

  // Derived during render (not in an effect), so the first frame of the dialog already shows the token.
  if (token === null && openedFor !== null) setOpenedFor(null);
  if (token !== null && (token !== shown || openedFor !== token.id)) {
    if (openedFor !== token.id) {
      // Opened (again): start from the token's name. A pause or resume of the same token keeps what was typed.
      setOpenedFor(token.id);
      setName(token.name);
      setError(undefined);
      setStatusError(null);
    }
    setShown(token);
  }

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

  const pauseOrResume = async () => {
    if (shown === null) return;
    setStatusBusy(true);
    setStatusError(null);
    try {
      await onPauseOrResume(shown);
    } catch (caught) {
      setStatusError(messageOf(caught));
    } finally {
      setStatusBusy(false);
    }
  };

  const allAreas = areas ?? [];
  const granted = shown === null ? [] : allAreas.map((area) => ({ area, level: levelOf(shown, area) })).filter((row) => row.level !== "none");
  const paused = shown?.status === "pause";

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
            <Fact label="Expires">{formatExpiry(shown.expires_at, "Never")}</Fact>
            <Fact label="Created">{formatDateTime(shown.created_at)}</Fact>
            <Fact label="Last used">{formatDateTime(shown.last_used_at, "Never")}</Fact>
          </SimpleGrid>
          <TokenFamilyPanel token={shown} onChanged={(changed) => (onCascaded ?? onSaved)(changed)} />
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
            {!shown.has_full && granted.length < allAreas.length && (
              <Text size="xs" c="dimmed">
                No access to the other {allAreas.length - granted.length} areas.
              </Text>
            )}
          </Stack>
          <Alert color="blue" variant="light" icon={<InfoIcon />}>
            Permissions and domains cannot be changed. To change them, delete this token and create a new one.
          </Alert>
          <Divider />
          <UsageLimitsEditor tokenId={shown.id} tokenName={shown.name} />
          {statusError !== null && (
            <Alert color="red" variant="light" icon={<AlertIcon />} role="alert" title={paused ? "Could not resume the token" : "Could not pause the token"}>
              {statusError}
            </Alert>
          )}
          <Divider />
          <Group justify="space-between" gap="sm">
            <Group gap="sm">
              <Button variant="default" leftSection={paused ? <PlayIcon size={16} /> : <PauseIcon size={16} />} loading={statusBusy} onClick={() => void pauseOrResume()}>
                {paused ? "Resume" : "Pause"}
              </Button>
              <Button variant="light" color="red" leftSection={<TrashIcon size={16} />} onClick={() => onDelete(shown)}>
                Delete
              </Button>
            </Group>
            <Group gap="sm">
              <Button
                variant="subtle"
                onClick={() => {
                  onClose();
                  showUsageOf(shown.id);
                }}
              >
                View usage
              </Button>
              <Button variant="default" onClick={onClose}>
                Done
              </Button>
            </Group>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
