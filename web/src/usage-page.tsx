/**
 * Usage (issue 14): the account's requests over time stacked by outcome, its busiest tokens, and the
 * tokens unused for 30 days (the first to remove); with `?token=<id>`, one token's requests, its top
 * refusal reasons, its last use and its limits and credits. Each chart has its table alternative.
 * Numbers include what latchkey has counted but not yet written to its database.
 */
import { Alert, Anchor, Badge, Button, Card, Group, SegmentedControl, SimpleGrid, Skeleton, Stack, Table, Text, Title } from "@mantine/core";
import { useState, useSyncExternalStore } from "react";
import { api } from "./api-client";
import type { Page, Token } from "./api-types";
import { formatDateTime } from "./format";
import { AlertIcon } from "./icons";
import { PageHeader } from "./page-header";
import { plainTokenName, TokenName } from "./token-name";
import { codesOf, UsageChart } from "./usage-chart";
import type { TokenLimits, TokenUsageReport, UsageReport } from "./usage-types";
import { useLoader } from "./use-loader";

type Range = "24h" | "7d" | "30d";
const RANGES: { value: Range; label: string }[] = [
  { value: "24h", label: "24 hours" },
  { value: "7d", label: "7 days" },
  { value: "30d", label: "30 days" },
];

/** The query of a range ending now: by hour for a day, by day for longer. */
function queryOf(range: Range): string {
  const now = Date.now();
  const hours = range === "24h" ? 24 : range === "7d" ? 24 * 7 : 24 * 30;
  const from = new Date(now - (hours - 1) * 3_600_000).toISOString();
  return `from=${encodeURIComponent(from)}&to=${encodeURIComponent(new Date(now).toISOString())}&granularity=${range === "24h" ? "hour" : "day"}`;
}

function subscribe(listener: () => void): () => void {
  window.addEventListener("popstate", listener);
  return () => window.removeEventListener("popstate", listener);
}

/** The `token` query parameter of the address, re-rendering on navigation. */
function useTokenParam(): string | null {
  return useSyncExternalStore(subscribe, () => new URLSearchParams(window.location.search).get("token"));
}

/** Goes to the usage of one token (or, with null, of the account). */
export function showUsageOf(tokenId: string | null): void {
  window.history.pushState(null, "", tokenId === null ? "/usage" : `/usage?token=${encodeURIComponent(tokenId)}`);
  window.dispatchEvent(new PopStateEvent("popstate"));
  window.scrollTo(0, 0);
}

export function UsagePage() {
  const tokenId = useTokenParam();
  const [range, setRange] = useState<Range>("24h");
  const picker = <SegmentedControl aria-label="Period" value={range} onChange={(v) => setRange(v as Range)} data={RANGES} />;
  return tokenId === null ? <AccountUsage range={range} picker={picker} /> : <TokenUsage tokenId={tokenId} range={range} picker={picker} />;
}

function Failure({ title, message }: { title: string; message: string }) {
  return (
    <Alert color="red" variant="light" icon={<AlertIcon />} mb="md" title={title}>
      {message}
    </Alert>
  );
}

function Loading({ label }: { label: string }) {
  return (
    <Stack gap="sm" role="status" aria-busy="true" aria-label={label}>
      <Skeleton height={200} />
      <Skeleton height={20} />
    </Stack>
  );
}

function AccountUsage({ range, picker }: { range: Range; picker: React.ReactNode }) {
  const report = useLoader(() => api<{ data: UsageReport }>("GET", `/v1/usage?${queryOf(range)}`).then((r) => r.data), [range]);
  const unused = useLoader(() => api<Page<Token>>("GET", "/v1/token?unused_days=30&sort=last_used_at&limit=100"), []);
  return (
    <>
      <PageHeader title="Usage" description="Requests your tokens made, allowed and refused, and the tokens nobody uses any more." action={picker} />
      {report.error !== null && <Failure title="Could not load usage" message={report.error} />}
      <Card withBorder radius="lg" shadow="xs" mb="lg">
        <Title order={2} size="h4" mb="sm">
          Requests by outcome
        </Title>
        {report.data === null ? <Loading label="Loading usage" /> : <UsageChart report={report.data} title="Requests of the account" />}
      </Card>
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
        <Card withBorder radius="lg" shadow="xs">
          <Title order={2} size="h4" mb="sm">
            Busiest tokens
          </Title>
          {report.data !== null && report.data.tokens.length === 0 && (
            <Text size="sm" c="dimmed">
              No token was used in this period.
            </Text>
          )}
          {report.data !== null && report.data.tokens.length > 0 && (
            <Table fz="sm" aria-label="Busiest tokens">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">Token</Table.Th>
                  <Table.Th scope="col" ta="right">
                    Requests
                  </Table.Th>
                  <Table.Th scope="col" ta="right">
                    Refused
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {report.data.tokens.slice(0, 10).map((t) => (
                  <Table.Tr key={t.token_id}>
                    <Table.Td>
                      <Anchor component="button" type="button" size="sm" onClick={() => showUsageOf(t.token_id)}>
                        {t.name === null ? "(deleted token)" : <TokenName name={t.name} />}
                      </Anchor>
                    </Table.Td>
                    <Table.Td ta="right">{t.total}</Table.Td>
                    <Table.Td ta="right">{t.refused}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </Card>
        <Card withBorder radius="lg" shadow="xs">
          <Title order={2} size="h4" mb={4}>
            Unused for 30 days
          </Title>
          <Text size="sm" c="dimmed" mb="sm">
            Tokens nobody has used for 30 days, or ever: the first to pause or delete.
          </Text>
          {unused.error !== null && <Failure title="Could not load tokens" message={unused.error} />}
          {unused.data !== null && unused.data.data.length === 0 && (
            <Text size="sm" c="dimmed">
              Every token was used in the last 30 days.
            </Text>
          )}
          {unused.data !== null && unused.data.data.length > 0 && (
            <Table fz="sm" aria-label="Tokens unused for 30 days">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">Token</Table.Th>
                  <Table.Th scope="col">Last used</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {unused.data.data.map((t) => (
                  <Table.Tr key={t.id}>
                    <Table.Td>
                      <Anchor component="button" type="button" size="sm" onClick={() => showUsageOf(t.id)}>
                        <TokenName name={t.name} />
                      </Anchor>
                    </Table.Td>
                    <Table.Td>{formatDateTime(t.last_used_at, "Never")}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </Card>
      </SimpleGrid>
    </>
  );
}

function TokenUsage({ tokenId, range, picker }: { tokenId: string; range: Range; picker: React.ReactNode }) {
  const id = encodeURIComponent(tokenId);
  const token = useLoader(() => api<{ data: Token }>("GET", `/v1/token/${id}`).then((r) => r.data), [id]);
  const report = useLoader(() => api<{ data: TokenUsageReport }>("GET", `/v1/token/${id}/usage?${queryOf(range)}`).then((r) => r.data), [id, range]);
  const limits = useLoader(() => api<{ data: TokenLimits }>("GET", `/v1/token/${id}/limits`).then((r) => r.data), [id]);
  const refusals = report.data === null ? [] : codesOf(report.data.totals).filter((c) => c !== "ok");
  return (
    <>
      <PageHeader
        title={token.data === null ? "Usage of a token" : `Usage of ${plainTokenName(token.data.name)}`}
        description="Requests this token made, allowed and refused, and the limits it runs under."
        action={
          <Group gap="sm">
            {picker}
            <Button variant="default" onClick={() => showUsageOf(null)}>
              All tokens
            </Button>
          </Group>
        }
      />
      {token.error !== null && <Failure title="Could not load the token" message={token.error} />}
      {report.error !== null && <Failure title="Could not load usage" message={report.error} />}
      <Card withBorder radius="lg" shadow="xs" mb="lg">
        <Title order={2} size="h4" mb="sm">
          Requests by outcome
        </Title>
        {report.data === null ? <Loading label="Loading usage" /> : <UsageChart report={report.data} title={`Requests of ${token.data === null ? "the token" : plainTokenName(token.data.name)}`} />}
      </Card>
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
        <Card withBorder radius="lg" shadow="xs">
          <Title order={2} size="h4" mb="sm">
            Top refusal reasons
          </Title>
          {report.data !== null && refusals.length === 0 && (
            <Text size="sm" c="dimmed">
              Nothing was refused in this period.
            </Text>
          )}
          {report.data !== null && refusals.length > 0 && (
            <Table fz="sm" aria-label="Top refusal reasons">
              <Table.Tbody>
                {refusals.map((code) => (
                  <Table.Tr key={code}>
                    <Table.Td>
                      <Text ff="monospace" size="sm">
                        {code}
                      </Text>
                    </Table.Td>
                    <Table.Td ta="right">{report.data?.totals[code]}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
          <Text size="sm" mt="md">
            Last used:{" "}
            {report.data?.last_use
              ? `${formatDateTime(report.data.last_use.used_at)}, ${report.data.last_use.method} on ${report.data.last_use.area}${report.data.last_use.ip ? ` from ${report.data.last_use.ip}` : ""}`
              : "never"}
          </Text>
        </Card>
        <Card withBorder radius="lg" shadow="xs">
          <Title order={2} size="h4" mb="sm">
            Limits and credits
          </Title>
          {limits.data !== null && <LimitsSummary limits={limits.data} />}
          <Text size="xs" c="dimmed" mt="sm">
            Change them in Manage, on the API tokens page.
          </Text>
        </Card>
      </SimpleGrid>
    </>
  );
}

/** A token's windows and credits in words. */
export function LimitsSummary({ limits }: { limits: TokenLimits }) {
  if (limits.rate_limits.length === 0 && limits.credits === null) {
    return (
      <Text size="sm" c="dimmed">
        No limits: every allowed request goes through.
      </Text>
    );
  }
  return (
    <Stack gap={6}>
      {limits.rate_limits.map((w) => (
        <Group key={w.name} gap="xs">
          <Badge variant="light" radius="sm">
            {w.name}
          </Badge>
          <Text size="sm">
            {w.limit} per {w.window_seconds === 1 ? "second" : `${w.window_seconds} seconds`}
          </Text>
        </Group>
      ))}
      {limits.credits !== null && (
        <Text size="sm" data-testid="credits-remaining">
          {limits.credits.remaining} credits left{limits.credits.refill ? `, refilled to ${limits.credits.refill.amount} ${limits.credits.refill.interval}` : ", no refill"}
        </Text>
      )}
    </Stack>
  );
}
