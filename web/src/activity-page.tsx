/** Activity: the account's audit log (GET /v1/audit), newest first. */
import { Alert, Badge, Card, EmptyState, Group, Pagination, Skeleton, Stack, Table, Text } from "@mantine/core";
import { useMemo, useState } from "react";
import { api } from "./api-client";
import type { AuditEvent, Page, Session, Token } from "./api-types";
import { TokenName, plainTokenName } from "./token-name";
import { actionLabel, actorLabel, formatDateTime, namesFromEvents, targetLabel, type ActorNames } from "./format";
import { ActivityIcon, AlertIcon } from "./icons";
import { PageHeader } from "./page-header";
import { useLoader } from "./use-loader";

const PER_PAGE = 25;
/** The most tokens one list request returns (GET /v1/token's `limit`); enough to name most actors. */
const TOKENS_FOR_NAMES = 100;

/** An event badge that wraps a long label onto a second line within its column instead of running out of it. */
const BADGE_STYLES = { root: { height: "auto", maxWidth: "100%", paddingBlock: 2, whiteSpace: "normal" }, label: { whiteSpace: "normal", overflow: "visible", lineHeight: 1.3 } } as const;

function colorOf(action: string): string {
  if (action.endsWith(".delete") || action === "user.lock" || action === "user.sign_in_failed") return "red";
  if (action.endsWith(".pause")) return "yellow";
  if (action.endsWith(".create") || action.endsWith(".unpause")) return "green";
  return "blue";
}

/** One line of text cut with an ellipsis when its column is too narrow, whole in its title. */
function CellText({ children, ...props }: { children: string; c?: string; ff?: string }) {
  return (
    <Text size="sm" truncate="end" title={plainTokenName(children)} {...props}>
      {/* Labels carry token names: isolated, hidden characters shown (token-name.tsx). */}
      <TokenName name={children} marks="hidden" />
    </Text>
  );
}

export function ActivityPage({ session }: { session: Session }) {
  const [page, setPage] = useState(1);
  const events = useLoader(() => api<Page<AuditEvent>>("GET", `/v1/audit?page=${page}&limit=${PER_PAGE}`), [page]);
  // Tokens that acted are named from the token list; a token missing from a complete list was deleted.
  const tokens = useLoader(() => api<Page<Token>>("GET", `/v1/token?limit=${TOKENS_FOR_NAMES}`), []);
  const meta = events.data?.meta;
  // The first load waits for both, so the "By" column does not change under the reader's eyes.
  const loading = (events.data === null && events.error === null) || (tokens.data === null && tokens.error === null);
  const names = useMemo<ActorNames>(
    () => ({
      me: { id: session.user.id, email: session.user.email },
      liveTokens: new Map((tokens.data?.data ?? []).map((t) => [t.id, t.name])),
      allTokensKnown: tokens.data !== null && tokens.data.meta.total <= tokens.data.data.length,
      fromEvents: namesFromEvents(events.data?.data ?? []),
    }),
    [session, tokens.data, events.data],
  );

  return (
    <>
      <PageHeader title="Activity" description="Every change to your tokens and domains, and every sign-in problem, newest first." />
      {events.error !== null && (
        <Alert color="red" variant="light" icon={<AlertIcon />} mb="md" title="Could not load activity">
          {events.error}
        </Alert>
      )}
      <Card withBorder radius="lg" padding={0} shadow="xs">
        {loading ? (
          <Stack p="lg" gap="sm" role="status" aria-busy="true" aria-label="Loading activity">
            <Skeleton height={20} />
            <Skeleton height={20} />
            <Skeleton height={20} />
          </Stack>
        ) : meta !== undefined && meta.total === 0 ? (
          <EmptyState py={48} px="md" icon={<ActivityIcon size={26} />} color="indigo" title="No activity yet" description="Changes to tokens and domains will be listed here." />
        ) : (
          <Table.ScrollContainer minWidth={840} type="native" tabIndex={0} aria-label="Activity, scrollable">
            {/* Fixed layout: dates, events and addresses get the width they need, Concerning and By share the
                rest, and a name too long for its cell is cut with an ellipsis (whole in its title). */}
            <Table verticalSpacing="sm" horizontalSpacing="md" layout="fixed">
              <Table.Thead className="lk-table-head">
                <Table.Tr>
                  <Table.Th w={210}>When</Table.Th>
                  <Table.Th w={170}>Event</Table.Th>
                  <Table.Th>Concerning</Table.Th>
                  <Table.Th>By</Table.Th>
                  <Table.Th w={160}>IP address</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {(events.data?.data ?? []).map((event) => (
                  <Table.Tr key={event.id}>
                    <Table.Td>
                      <CellText>{formatDateTime(event.created_at)}</CellText>
                    </Table.Td>
                    <Table.Td>
                      {/* A long label ("Password reset asked for") wraps inside its column rather than overflowing it. */}
                      <Badge variant="light" color={colorOf(event.action)} radius="sm" title={actionLabel(event)} styles={BADGE_STYLES}>
                        {actionLabel(event)}
                      </Badge>
                    </Table.Td>
                    <Table.Td>
                      <CellText>{targetLabel(event)}</CellText>
                    </Table.Td>
                    <Table.Td>
                      <CellText>{actorLabel(event, names)}</CellText>
                    </Table.Td>
                    <Table.Td>
                      <CellText c="dimmed" ff="monospace">
                        {event.ip ?? "—"}
                      </CellText>
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
