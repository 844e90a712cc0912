/**
 * The table of API tokens (the seed's "API tokens section"): name, domains, access, status, expiry,
 * created, last used, and per row Manage with a drop-down arrow beside it for Pause/Resume and Delete.
 */
import { ActionIcon, Badge, Button, Code, Group, Menu, Stack, Table, Text, Tooltip, VisuallyHidden } from "@mantine/core";
import type { Token } from "./api-types";
import { domainsOf, formatDate, formatDateTime, statusOf } from "./format";
import { ChevronDownIcon, PauseIcon, PlayIcon, TrashIcon } from "./icons";

const STATUS_COLORS = { Active: "green", Paused: "orange", Expired: "red" } as const;
const NOWRAP = { whiteSpace: "nowrap" } as const;
// Mantine's Badge clips its label to the cell; these labels are short and must show whole.
const NO_TRUNCATE = { overflow: "visible", flexShrink: 0 } as const;

export interface TokenActions {
  onManage: (token: Token) => void;
  onPauseOrResume: (token: Token) => void;
  onDelete: (token: Token) => void;
}

export function TokensTable({ tokens, actions }: { tokens: Token[]; actions: TokenActions }) {
  const now = Date.now();
  return (
    <Table.ScrollContainer minWidth={900} type="native">
      <Table verticalSpacing="sm" horizontalSpacing="sm" highlightOnHover>
        <Table.Thead className="lk-table-head">
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th>Domains</Table.Th>
            <Table.Th>Access</Table.Th>
            <Table.Th>Status · Expires</Table.Th>
            <Table.Th>Created</Table.Th>
            <Table.Th>Last used</Table.Th>
            <Table.Th>
              <VisuallyHidden>Actions</VisuallyHidden>
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {tokens.map((token) => {
            const status = statusOf(token, now);
            return (
              <Table.Tr key={token.id}>
                <Table.Td maw={220}>
                  <Stack gap={2}>
                    <Text fw={600} size="sm" truncate="end">
                      {token.name}
                    </Text>
                    <Code c="dimmed" bg="transparent" p={0} fz="xs">
                      {token.preview}
                    </Code>
                  </Stack>
                </Table.Td>
                <Table.Td maw={190}>
                  <Tooltip label={domainsOf(token)} disabled={token.domains === "all" || token.domains.length < 2} multiline maw={300}>
                    <Text size="sm" truncate="end" c={token.domains === "all" ? "dimmed" : undefined}>
                      {domainsOf(token)}
                    </Text>
                  </Tooltip>
                </Table.Td>
                <Table.Td style={NOWRAP}>
                  <Badge variant="light" color={token.has_full ? "grape" : "blue"} radius="sm" style={NO_TRUNCATE}>
                    {token.has_full ? "Full access" : "Custom access"}
                  </Badge>
                </Table.Td>
                <Table.Td style={NOWRAP}>
                  <Stack gap={2} align="flex-start">
                    <Badge variant="dot" color={STATUS_COLORS[status]} radius="sm" style={NO_TRUNCATE}>
                      {status}
                    </Badge>
                    <Text size="xs" c="dimmed">
                      {token.expires_at === null ? "No expiry" : `${status === "Expired" ? "Expired" : "Expires"} ${formatDate(token.expires_at)}`}
                    </Text>
                  </Stack>
                </Table.Td>
                <Table.Td style={NOWRAP}>
                  <Text size="sm" title={formatDateTime(token.created_at)}>
                    {formatDate(token.created_at)}
                  </Text>
                </Table.Td>
                <Table.Td style={NOWRAP}>
                  <Text size="sm" c={token.last_used_at === null ? "dimmed" : undefined} title={formatDateTime(token.last_used_at, "Never used")}>
                    {formatDate(token.last_used_at, "Never")}
                  </Text>
                </Table.Td>
                <Table.Td style={NOWRAP}>
                  <Group gap={0} wrap="nowrap" justify="flex-end">
                    <Button variant="default" size="xs" onClick={() => actions.onManage(token)} aria-label={`Manage ${token.name}`} style={{ borderTopRightRadius: 0, borderBottomRightRadius: 0 }}>
                      Manage
                    </Button>
                    <Menu position="bottom-end" shadow="md" width={180}>
                      <Menu.Target>
                        <ActionIcon variant="default" size={30} aria-label={`More actions for ${token.name}`} style={{ borderTopLeftRadius: 0, borderBottomLeftRadius: 0, borderLeft: 0 }}>
                          <ChevronDownIcon size={14} />
                        </ActionIcon>
                      </Menu.Target>
                      <Menu.Dropdown>
                        <Menu.Item leftSection={token.status === "pause" ? <PlayIcon size={16} /> : <PauseIcon size={16} />} onClick={() => actions.onPauseOrResume(token)}>
                          {token.status === "pause" ? "Resume" : "Pause"}
                        </Menu.Item>
                        <Menu.Divider />
                        <Menu.Item color="red" leftSection={<TrashIcon size={16} />} onClick={() => actions.onDelete(token)}>
                          Delete
                        </Menu.Item>
                      </Menu.Dropdown>
                    </Menu>
                  </Group>
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
