/**
 * The table of API tokens (the seed's "API tokens section"): name, domains, access, status and expiry,
 * created and last used, and per row Manage with a drop-down arrow beside it for Pause/Resume and
 * Delete. The name column takes the room the others leave.
 */
import { ActionIcon, Badge, Box, Button, Code, Group, Menu, Stack, Table, Text, Tooltip, VisuallyHidden } from "@mantine/core";
import { useMediaQuery } from "@mantine/hooks";
import { memo } from "react";
import type { Token } from "./api-types";
import { domainsOf, formatDate, formatDateTime, formatExpiry, statusOf } from "./format";
import { ChevronDownIcon, PauseIcon, PlayIcon, RotateIcon, TrashIcon } from "./icons";
import { TokenName, plainTokenName } from "./token-name";

const STATUS_COLORS = { Active: "green", Paused: "orange", Expired: "red" } as const;
const NOWRAP = { whiteSpace: "nowrap" } as const;

/** "Expires end of Dec 31, 2026 (UTC)", "Expired …", or "No expiry". */
function expiryLine(token: Token, status: "Active" | "Paused" | "Expired"): string {
  return token.expires_at === null ? "No expiry" : `${status === "Expired" ? "Expired" : "Expires"} ${formatExpiry(token.expires_at)}`;
}

/**
 * The expiry line for a narrow column: its date, and its time, each stay on one line, so it wraps as
 * "Expires end of / Dec 31, 2026 (UTC)" or "Expires Jun 15, 2099, / 12:30 PM UTC".
 */
function wrapBetweenParts(line: string): string {
  return line
    .replace(/ /g, "\u00a0")
    .replace(/^(Expire[sd])\u00a0/, "$1 ")
    .replace(/end\u00a0of\u00a0/, "end of ")
    .replace(/(\d{4}),\u00a0/, "$1, ");
}

export interface TokenActions {
  onManage: (token: Token) => void;
  onPauseOrResume: (token: Token) => void;
  /** Rotate: a new secret for the same token (issue 13). */
  onRotate: (token: Token) => void;
  onDelete: (token: Token) => void;
}

/** Memoised: opening a dialog on the page does not render every row again. */
export const TokensTable = memo(function TokensTable({ tokens, actions }: { tokens: Token[]; actions: TokenActions }) {
  const now = Date.now();
  const narrow = useMediaQuery("(max-width: 62em)") ?? false;
  if (narrow) return <TokenCards tokens={tokens} actions={actions} now={now} />;
  return (
    <Table.ScrollContainer minWidth={960} type="native">
      {/*
        Fixed layout: every column but the name has its width, and the name takes all that is left;
        a name longer than that is cut with an ellipsis and shown whole in its title.
      */}
      <Table verticalSpacing="sm" horizontalSpacing="xs" highlightOnHover layout="fixed">
        <Table.Thead className="lk-table-head">
          <Table.Tr>
            <Table.Th pl="md">Name</Table.Th>
            <Table.Th w={160}>Domains</Table.Th>
            <Table.Th w={135}>Access</Table.Th>
            <Table.Th w={170}>Status · Expires</Table.Th>
            <Table.Th w={140}>Created · Used</Table.Th>
            <Table.Th w={140}>
              <VisuallyHidden>Actions</VisuallyHidden>
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {tokens.map((token) => {
            const status = statusOf(token, now);
            return (
              <Table.Tr key={token.id}>
                <Table.Td pl="md">
                  <Stack gap={2}>
                    <Text fw={600} size="sm" truncate="end" title={plainTokenName(token.name)}>
                      <TokenName name={token.name} />
                    </Text>
                    <Code c="dimmed" bg="transparent" p={0} fz="xs">
                      {token.preview}
                    </Code>
                  </Stack>
                </Table.Td>
                <Table.Td>
                  <DomainLines token={token} />
                </Table.Td>
                <Table.Td style={NOWRAP}>
                  <Badge variant="light" color={token.has_full ? "grape" : "blue"} radius="sm">
                    {token.has_full ? "Full access" : "Custom access"}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  <Stack gap={2} align="flex-start">
                    <Badge variant="dot" color={STATUS_COLORS[status]} radius="sm">
                      {status}
                    </Badge>
                    <Text size="xs" c="dimmed">
                      {wrapBetweenParts(expiryLine(token, status))}
                    </Text>
                  </Stack>
                </Table.Td>
                <Table.Td style={NOWRAP}>
                  <Stack gap={2}>
                    <Text size="sm" title={`Created ${formatDateTime(token.created_at)}`}>
                      {formatDate(token.created_at)}
                    </Text>
                    <Text size="xs" c="dimmed" title={token.last_used_at === null ? undefined : `Last used ${formatDateTime(token.last_used_at)}`}>
                      {token.last_used_at === null ? "Never used" : `Used ${formatDate(token.last_used_at)}`}
                    </Text>
                  </Stack>
                </Table.Td>
                <Table.Td style={NOWRAP} pr="md">
                  <TokenButtons token={token} actions={actions} />
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
});

/**
 * The Domains cell: one domain a line (up to three, then "+N more" with all of them in a tooltip), so
 * that two short domains are shown whole instead of being cut off while the name has room (new-user
 * trial); a domain longer than the column is cut with an ellipsis and shown whole in its title.
 */
function DomainLines({ token }: { token: Token }) {
  if (token.domains === "all") return <Text size="sm" c="dimmed">All domains</Text>;
  const shown = token.domains.slice(0, 3);
  const more = token.domains.length - shown.length;
  return (
    <Stack gap={0}>
      {shown.map((domain) => (
        <Text key={domain.id} size="sm" truncate="end" title={domain.name}>
          {domain.name}
        </Text>
      ))}
      {more > 0 && (
        <Tooltip label={domainsOf(token)} multiline maw={300}>
          <Text size="sm" c="dimmed" tabIndex={0}>
            +{more} more
          </Text>
        </Tooltip>
      )}
    </Stack>
  );
}

/** Manage, with the drop-down arrow beside it holding Pause (or Resume) and Delete (the seed). */
function TokenButtons({ token, actions }: { token: Token; actions: TokenActions }) {
  return (
    <Group gap={0} wrap="nowrap" justify="flex-end">
      <Button variant="default" size="xs" onClick={() => actions.onManage(token)} aria-label={`Manage ${plainTokenName(token.name)}`} style={{ borderTopRightRadius: 0, borderBottomRightRadius: 0 }}>
        Manage
      </Button>
      <Menu position="bottom-end" shadow="md" width={180}>
        <Menu.Target>
          <ActionIcon variant="default" size={30} aria-label={`More actions for ${plainTokenName(token.name)}`} style={{ borderTopLeftRadius: 0, borderBottomLeftRadius: 0, borderLeft: 0 }}>
            <ChevronDownIcon size={14} />
          </ActionIcon>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Item leftSection={token.status === "pause" ? <PlayIcon size={16} /> : <PauseIcon size={16} />} onClick={() => actions.onPauseOrResume(token)}>
            {token.status === "pause" ? "Resume" : "Pause"}
          </Menu.Item>
          <Menu.Item leftSection={<RotateIcon size={16} />} onClick={() => actions.onRotate(token)}>
            Rotate
          </Menu.Item>
          <Menu.Divider />
          {/* red.8: Mantine's red (shade 6) is 3.3:1 on white; shade 8 passes WCAG AA. */}
          <Menu.Item color="red.8" leftSection={<TrashIcon size={16} />} onClick={() => actions.onDelete(token)}>
            Delete
          </Menu.Item>
        </Menu.Dropdown>
      </Menu>
    </Group>
  );
}

/** Narrow screens: one card per token instead of the table's row. */
function TokenCards({ tokens, actions, now }: { tokens: Token[]; actions: TokenActions; now: number }) {
  return (
    <Stack gap={0}>
      {tokens.map((token, index) => {
        const status = statusOf(token, now);
        return (
          <Box key={token.id} p="md" style={index > 0 ? { borderTop: "1px solid var(--mantine-color-gray-3)" } : undefined} role="group" aria-label={plainTokenName(token.name)}>
            <Group justify="space-between" align="flex-start" wrap="nowrap" gap="sm">
              <Stack gap={2} style={{ minWidth: 0 }}>
                {/* Whole, on as many lines as it needs: a phone has no hover to show a title. */}
                <Text fw={600} size="sm" style={{ overflowWrap: "anywhere" }}>
                  <TokenName name={token.name} />
                </Text>
                <Code c="dimmed" bg="transparent" p={0} fz="xs">
                  {token.preview}
                </Code>
              </Stack>
              <TokenButtons token={token} actions={actions} />
            </Group>
            <Group gap={6} mt="xs">
              <Badge variant="light" color={token.has_full ? "grape" : "blue"} radius="sm">
                {token.has_full ? "Full access" : "Custom access"}
              </Badge>
              <Badge variant="dot" color={STATUS_COLORS[status]} radius="sm">
                {status}
              </Badge>
            </Group>
            <Text size="xs" c="dimmed" mt={6}>
              {domainsOf(token)} · {expiryLine(token, status)} · Created {formatDate(token.created_at)} · Last used {formatDate(token.last_used_at, "never")}
            </Text>
          </Box>
        );
      })}
    </Stack>
  );
}
