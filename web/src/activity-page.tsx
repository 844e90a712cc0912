/** Activity: the account's audit log (GET /v1/audit), newest first. */
import { Alert, Badge, Card, EmptyState, Group, Pagination, Table, Text } from "@mantine/core";
import { useState } from "react";
import { api } from "./api-client";
import type { AuditEvent, Page, Session } from "./api-types";
import { actionLabel, actorLabel, formatDateTime, targetLabel } from "./format";
import { ActivityIcon, AlertIcon } from "./icons";
import { PageHeader } from "./page-header";
import { useLoader } from "./use-loader";

const PER_PAGE = 25;

function colorOf(action: string): string {
  if (action.endsWith(".delete") || action === "user.lock" || action === "user.sign_in_failed") return "red";
  if (action.endsWith(".pause")) return "yellow";
  if (action.endsWith(".create") || action.endsWith(".unpause")) return "green";
  return "blue";
}

export function ActivityPage({ session }: { session: Session }) {
  const [page, setPage] = useState(1);
  const events = useLoader(() => api<Page<AuditEvent>>("GET", `/v1/audit?page=${page}&limit=${PER_PAGE}`), [page]);
  const meta = events.data?.meta;
  const who = (event: AuditEvent) => (event.actor.type === "user" && event.actor.id === session.user.id ? `You (${session.user.email})` : actorLabel(event));

  return (
    <>
      <PageHeader title="Activity" description="Every change to your tokens and domains, and every sign-in problem, newest first." />
      {events.error !== null && (
        <Alert color="red" variant="light" icon={<AlertIcon />} mb="md" title="Could not load activity">
          {events.error}
        </Alert>
      )}
      <Card withBorder radius="lg" padding={0} shadow="xs">
        {meta !== undefined && meta.total === 0 ? (
          <EmptyState py={48} px="md" icon={<ActivityIcon size={26} />} color="indigo" title="No activity yet" description="Changes to tokens and domains will be listed here." />
        ) : (
          <Table.ScrollContainer minWidth={760} type="native" tabIndex={0} aria-label="Activity, scrollable">
            <Table verticalSpacing="sm" horizontalSpacing="md">
              <Table.Thead className="lk-table-head">
                <Table.Tr>
                  <Table.Th>When</Table.Th>
                  <Table.Th>Event</Table.Th>
                  <Table.Th>Concerning</Table.Th>
                  <Table.Th>By</Table.Th>
                  <Table.Th>IP address</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {(events.data?.data ?? []).map((event) => (
                  <Table.Tr key={event.id}>
                    <Table.Td>
                      <Text size="sm" style={{ whiteSpace: "nowrap" }}>
                        {formatDateTime(event.created_at)}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Badge variant="light" color={colorOf(event.action)} radius="sm">
                        {actionLabel(event)}
                      </Badge>
                    </Table.Td>
                    <Table.Td maw={280}>
                      <Text size="sm" truncate="end">
                        {targetLabel(event)}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{who(event)}</Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" c="dimmed" ff="monospace">
                        {event.ip ?? "—"}
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Card>
      {meta !== undefined && meta.last_page > 1 && (
        <Group justify="flex-end" mt="md">
          <Pagination total={meta.last_page} value={page} onChange={setPage} size="sm" getItemProps={(p) => ({ "aria-label": `Page ${p}` })} getControlProps={(c) => ({ "aria-label": c === "next" ? "Next page" : c === "previous" ? "Previous page" : c === "first" ? "First page" : "Last page" })} />
        </Group>
      )}
    </>
  );
}
