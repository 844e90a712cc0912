/** An endpoint's delivery log, newest first (status, answer, duration, first bytes), with Redeliver. */
import { Alert, Badge, Button, Group, Modal, Skeleton, Stack, Table, Text } from "@mantine/core";
import { useState } from "react";
import { api, messageOf } from "./api-client";
import { formatDateTime } from "./format";
import { AlertIcon } from "./icons";
import { useLoader } from "./use-loader";
import { EVENTS, type Delivery, type Webhook } from "./webhook-events";

const STATUS_COLORS: Record<Delivery["status"], string> = { pending: "yellow", succeeded: "teal", failed: "red" };
const STATUS_WORDS: Record<Delivery["status"], string> = { pending: "Pending", succeeded: "Delivered", failed: "Given up" };

export function DeliveriesDialog({ webhook, onClose }: { webhook: Webhook | null; onClose: () => void }) {
  const id = webhook?.id ?? null;
  const deliveries = useLoader(() => (id === null ? Promise.resolve([]) : api<{ data: Delivery[] }>("GET", `/v1/webhooks/${encodeURIComponent(id)}/deliveries?limit=50`).then((r) => r.data)), [id]);
  const [busyId, setBusyId] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const redeliver = async (delivery: Delivery) => {
    if (id === null) return;
    setBusyId(delivery.id);
    setFailure(null);
    try {
      await api("POST", `/v1/webhooks/${encodeURIComponent(id)}/deliveries/${encodeURIComponent(delivery.id)}/redeliver`);
      deliveries.reload();
    } catch (caught) {
      setFailure(messageOf(caught));
    } finally {
      setBusyId(null);
    }
  };
  const list = deliveries.data ?? [];
  return (
    <Modal opened={webhook !== null} onClose={onClose} title={<Text fw={650} size="lg">Deliveries to {webhook?.name}</Text>} size="xl" radius="lg" closeButtonProps={{ "aria-label": "Close" }}>
      <Stack>
        {failure !== null && (
          <Alert color="red" variant="light" icon={<AlertIcon />} role="alert" title="Could not redeliver">
            {failure}
          </Alert>
        )}
        {deliveries.error !== null && (
          <Alert color="red" variant="light" icon={<AlertIcon />} title="Could not load deliveries">
            {deliveries.error}
          </Alert>
        )}
        {deliveries.loading && deliveries.data === null ? (
          <Stack gap="sm" role="status" aria-busy="true" aria-label="Loading deliveries">
            <Skeleton height={20} />
          </Stack>
        ) : list.length === 0 ? (
          <Text size="sm" c="dimmed">
            No deliveries yet. Events are sent as they happen.
          </Text>
        ) : (
          <Table.ScrollContainer minWidth={560} type="native">
            <Table verticalSpacing="xs" horizontalSpacing="sm">
              <Table.Thead className="lk-table-head">
                <Table.Tr>
                  <Table.Th>Event</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>Answer</Table.Th>
                  <Table.Th>Last attempt</Table.Th>
                  <Table.Th ta="right">Actions</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {list.map((d) => (
                  <Table.Tr key={d.id}>
                    <Table.Td>
                      <Text size="sm">{EVENTS.find((e) => e.type === d.event_type)?.label ?? d.event_type}</Text>
                      <Text size="xs" c="dimmed">
                        {d.attempts === 1 ? "1 attempt" : `${d.attempts} attempts`}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Badge color={STATUS_COLORS[d.status]} variant="light">
                        {STATUS_WORDS[d.status]}
                      </Badge>
                    </Table.Td>
                    <Table.Td style={{ wordBreak: "break-word" }}>
                      <Text size="sm">{d.response_status === null ? "No answer" : `HTTP ${d.response_status}`}{d.duration_ms === null ? "" : ` in ${d.duration_ms} ms`}</Text>
                      {d.response !== null && d.response !== "" && (
                        <Text size="xs" c="dimmed" lineClamp={2}>
                          {d.response}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td style={{ whiteSpace: "nowrap" }}>
                      <Text size="sm">{formatDateTime(d.last_attempt_at, "Not yet")}</Text>
                    </Table.Td>
                    <Table.Td ta="right">
                      <Button variant="subtle" size="xs" loading={busyId === d.id} onClick={() => void redeliver(d)} aria-label={`Redeliver ${d.event_type} of ${formatDateTime(d.created_at)}`}>
                        Redeliver
                      </Button>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Close
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
