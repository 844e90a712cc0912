/**
 * Webhooks: the seed's "Create and manage webhooks for listening to events and triggering actions".
 * The account's endpoints with Add, Edit and Delete; the signing secret shown once after Add; each
 * endpoint's delivery log with Redeliver. The secret is held only in this page's state while its
 * dialog is open.
 */
import { Alert, Badge, Button, Card, Checkbox, Code, EmptyState, Group, Modal, Paper, SimpleGrid, Skeleton, Stack, Switch, Table, Text, TextInput } from "@mantine/core";
import { useClipboard } from "@mantine/hooks";
import { notifications } from "@mantine/notifications";
import { useState, type FormEvent } from "react";
import { api, fieldErrors, messageOf } from "./api-client";
import { AlertIcon, CheckIcon, CopyIcon, PlusIcon, TrashIcon } from "./icons";
import { PageHeader } from "./page-header";
import { useLoader } from "./use-loader";
import { DeliveriesDialog } from "./webhook-deliveries-dialog";
import { EVENTS, type Webhook } from "./webhook-events";

/** A webhook icon in the dashboard's line style. */
export const WebhookIcon = ({ size = 18 }: { size?: number }) => (
  <svg xmlns="http://www.w3.org/2000/svg" width={size} height={size} viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth={2} strokeLinecap="round" strokeLinejoin="round" aria-hidden="true" focusable="false">
    <path d="M4.876 13.61A4 4 0 1 0 11 17h6M15 17a4 4 0 1 0 0 0M9 8a4 4 0 1 1 4 4l3 5M8 13l-2 4" />
  </svg>
);

function statusBadge(webhook: Webhook) {
  if (webhook.enabled) return <Badge color="teal" variant="light">{webhook.failing_since === null ? "Enabled" : "Failing"}</Badge>;
  return <Badge color="gray" variant="light">{webhook.disabled_reason === "failing" ? "Disabled after failing" : "Disabled"}</Badge>;
}

export function WebhooksPage() {
  const webhooks = useLoader(() => api<{ data: Webhook[] }>("GET", "/v1/webhooks?limit=100").then((r) => r.data), []);
  const [editing, setEditing] = useState<Webhook | "new" | null>(null);
  const [revealed, setRevealed] = useState<{ name: string; secret: string } | null>(null);
  const [removing, setRemoving] = useState<Webhook | null>(null);
  const [viewing, setViewing] = useState<Webhook | null>(null);
  const list = webhooks.data ?? [];

  return (
    <>
      <PageHeader
        title="Webhooks"
        description="Create and manage webhooks for listening to events and triggering actions: latchkey calls your URL, signed, when a token is created, paused, about to expire, found in public, and more."
        action={
          <Button leftSection={<PlusIcon size={16} />} onClick={() => setEditing("new")}>
            Add endpoint
          </Button>
        }
      />
      {webhooks.error !== null && (
        <Alert color="red" variant="light" icon={<AlertIcon />} mb="md" title="Could not load webhooks">
          {webhooks.error}
        </Alert>
      )}
      <Card withBorder radius="lg" padding={0} shadow="xs">
        {webhooks.data === null && webhooks.error === null ? (
          <Stack p="lg" gap="sm" role="status" aria-busy="true" aria-label="Loading webhooks">
            <Skeleton height={20} />
            <Skeleton height={20} />
          </Stack>
        ) : webhooks.data !== null && list.length === 0 ? (
          <EmptyState py={48} px="md" icon={<WebhookIcon size={26} />} color="indigo" title="No webhook endpoints yet" description="Add an endpoint to be told of token events." />
        ) : (
          <Table.ScrollContainer minWidth={300} type="native">
            <Table verticalSpacing="sm" horizontalSpacing="md">
              <Table.Thead className="lk-table-head">
                <Table.Tr>
                  <Table.Th>Endpoint</Table.Th>
                  <Table.Th visibleFrom="sm">Events</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th ta="right">Actions</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {list.map((webhook) => (
                  <Table.Tr key={webhook.id}>
                    <Table.Td style={{ wordBreak: "break-all" }}>
                      <Text size="sm" fw={600}>
                        {webhook.name}
                      </Text>
                      <Text size="xs" c="dimmed">
                        {webhook.url}
                      </Text>
                    </Table.Td>
                    <Table.Td visibleFrom="sm">
                      <Text size="sm">{webhook.events.length === EVENTS.length ? "All events" : `${webhook.events.length} of ${EVENTS.length}`}</Text>
                    </Table.Td>
                    <Table.Td>{statusBadge(webhook)}</Table.Td>
                    <Table.Td ta="right">
                      <Group gap={4} justify="flex-end" wrap="nowrap">
                        <Button variant="subtle" size="xs" onClick={() => setViewing(webhook)} aria-label={`Deliveries of ${webhook.name}`}>
                          Deliveries
                        </Button>
                        <Button variant="subtle" size="xs" onClick={() => setEditing(webhook)} aria-label={`Edit ${webhook.name}`}>
                          Edit
                        </Button>
                        <Button variant="subtle" color="red" size="xs" leftSection={<TrashIcon size={14} />} onClick={() => setRemoving(webhook)} aria-label={`Delete ${webhook.name}`}>
                          Delete
                        </Button>
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Card>
      <EndpointDialog
        editing={editing}
        onClose={() => setEditing(null)}
        onSaved={(saved, secret) => {
          setEditing(null);
          webhooks.reload();
          if (secret !== undefined) setRevealed({ name: saved.name, secret });
          else notifications.show({ color: "green", title: "Endpoint saved", message: `${saved.name} was updated.`, closeButtonProps: { "aria-label": "Close notification" } });
        }}
      />
      <SecretDialog revealed={revealed} onClose={() => setRevealed(null)} />
      <DeleteEndpointDialog
        webhook={removing}
        onClose={() => setRemoving(null)}
        onDeleted={() => {
          setRemoving(null);
          webhooks.reload();
        }}
      />
      <DeliveriesDialog webhook={viewing} onClose={() => setViewing(null)} />
    </>
  );
}

/** Add or Edit: name, URL, events, enabled. */
function EndpointDialog({ editing, onClose, onSaved }: { editing: Webhook | "new" | null; onClose: () => void; onSaved: (saved: Webhook, secret?: string) => void }) {
  const [shown, setShown] = useState<Webhook | "new" | null>(null);
  const [name, setName] = useState("");
  const [url, setUrl] = useState("");
  const [events, setEvents] = useState<string[]>([]);
  const [enabled, setEnabled] = useState(true);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  if (editing !== null && editing !== shown) {
    setShown(editing);
    setName(editing === "new" ? "" : editing.name);
    setUrl(editing === "new" ? "" : editing.url);
    setEvents(editing === "new" ? ["token.paused", "token.expiring", "token.leaked", "canary.used"] : editing.events);
    setEnabled(editing === "new" ? true : editing.enabled);
    setErrors({});
    setFailure(null);
  }
  const isNew = shown === "new";

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setFailure(null);
    try {
      const body = { name: name.trim(), url: url.trim(), events, enabled };
      if (isNew) {
        const { data } = await api<{ data: Webhook & { signing_secret: string } }>("POST", "/v1/webhooks", body);
        const { signing_secret, ...saved } = data;
        onSaved(saved, signing_secret);
      } else if (shown !== null) {
        const { data } = await api<{ data: Webhook }>("PUT", `/v1/webhooks/${encodeURIComponent(shown.id)}`, body);
        onSaved(data);
      }
    } catch (caught) {
      const fields = fieldErrors(caught);
      setErrors(fields);
      if (Object.keys(fields).length === 0) setFailure(messageOf(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal opened={editing !== null} onClose={onClose} title={<Text fw={650} size="lg">{isNew ? "Add webhook endpoint" : "Edit webhook endpoint"}</Text>} size="lg" radius="lg" closeButtonProps={{ "aria-label": "Close" }}>
      <form onSubmit={(e) => void save(e)} noValidate>
        <Stack>
          <TextInput label="Name" description="Anything that is clear to you" value={name} onChange={(e) => setName(e.currentTarget.value)} error={errors.name} required data-autofocus autoComplete="off" />
          <TextInput label="URL" description="Where latchkey sends the events, e.g. https://example.com/hooks/latchkey" value={url} onChange={(e) => setUrl(e.currentTarget.value)} error={errors.url} required type="url" autoComplete="off" />
          <Checkbox.Group label="Events" description="Which events to send to this endpoint" value={events} onChange={setEvents} error={errors.events} required>
            <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="xs" mt="xs">
              {EVENTS.map((e) => (
                <Checkbox key={e.type} value={e.type} label={e.label} />
              ))}
            </SimpleGrid>
          </Checkbox.Group>
          <Switch label="Enabled" description="Send events to this endpoint" checked={enabled} onChange={(e) => setEnabled(e.currentTarget.checked)} />
          {failure !== null && (
            <Alert color="red" variant="light" icon={<AlertIcon />} role="alert" title="Could not save the endpoint">
              {failure}
            </Alert>
          )}
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={busy}>
              {isNew ? "Add endpoint" : "Save"}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** The signing secret, shown this once. */
function SecretDialog({ revealed, onClose }: { revealed: { name: string; secret: string } | null; onClose: () => void }) {
  const clipboard = useClipboard({ timeout: 2500 });
  return (
    <Modal opened={revealed !== null} onClose={onClose} closeOnClickOutside={false} title={<Text fw={650} size="lg">Your endpoint's signing secret</Text>} size="lg" radius="lg" closeButtonProps={{ "aria-label": "Close" }}>
      <Stack>
        <Text size="sm">
          The endpoint <b>{revealed?.name}</b> has been added. Every delivery is signed with this secret (Standard Webhooks: the <Code>webhook-signature</Code> header); verify it in your receiver.
        </Text>
        <Alert color="yellow" variant="light" icon={<AlertIcon />} title="Copy your signing secret now">
          For security reasons, you will only be shown this secret one time, so please copy it and save it somewhere safe.
        </Alert>
        <Paper withBorder radius="md" p="md" bg="gray.0">
          <Text className="lk-secret" size="sm" aria-label="Signing secret" data-testid="revealed-signing-secret">
            {revealed?.secret}
          </Text>
        </Paper>
        <Group justify="space-between" gap="sm">
          <Button variant={clipboard.copied ? "light" : "filled"} color={clipboard.copied ? "teal" : undefined} leftSection={clipboard.copied ? <CheckIcon size={16} /> : <CopyIcon size={16} />} onClick={() => clipboard.copy(revealed?.secret ?? "")}>
            {clipboard.copied ? "Copied" : "Copy"}
          </Button>
          <Button variant="default" onClick={onClose}>
            Done
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

function DeleteEndpointDialog({ webhook, onClose, onDeleted }: { webhook: Webhook | null; onClose: () => void; onDeleted: () => void }) {
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const [shown, setShown] = useState<Webhook | null>(webhook);
  if (webhook !== null && webhook !== shown) {
    setShown(webhook);
    setFailure(null);
  }
  const remove = async () => {
    if (webhook === null) return;
    setBusy(true);
    try {
      await api("DELETE", `/v1/webhooks/${encodeURIComponent(webhook.id)}`);
      notifications.show({ color: "green", title: "Endpoint deleted", message: `${webhook.name} will receive no more events.`, closeButtonProps: { "aria-label": "Close notification" } });
      onDeleted();
    } catch (caught) {
      setFailure(messageOf(caught));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal opened={webhook !== null} onClose={onClose} title={<Text fw={650} size="lg">Delete webhook endpoint</Text>} radius="lg" closeButtonProps={{ "aria-label": "Close" }}>
      <Stack>
        <Text size="sm">
          Delete the endpoint <b>{shown?.name}</b> and its delivery log? Events not yet delivered to it are dropped. This cannot be undone.
        </Text>
        {failure !== null && (
          <Alert color="red" variant="light" icon={<AlertIcon />} role="alert" title="Could not delete the endpoint">
            {failure}
          </Alert>
        )}
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onClose} data-autofocus>
            Cancel
          </Button>
          <Button color="red" onClick={() => void remove()} loading={busy}>
            Delete endpoint
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
