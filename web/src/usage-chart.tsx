/**
 * Requests over time, stacked by outcome (@mantine/charts' BarChart), with its text alternative: a
 * summary as the chart's accessible name and the same numbers in a table right below it.
 */
import { BarChart } from "@mantine/charts";
import { Box, ScrollArea, Table, Text } from "@mantine/core";
import type { Counts, UsageReport } from "./usage-types";

/** Outcome codes in a fixed order and colour: allowed first, then refusals. */
const CODE_COLORS: Record<string, string> = {
  ok: "teal.7",
  rate_limited: "orange.7",
  credits_exhausted: "yellow.8",
  limits_unavailable: "gray.6",
  scope_missing: "red.7",
  domain_not_allowed: "pink.7",
  token_paused: "violet.7",
  token_expired: "grape.7",
  unknown_area: "cyan.8",
};
const OTHER_COLORS = ["blue.7", "lime.8", "indigo.5", "dark.4"];

/** The codes present in a report, `ok` first, then by count. */
export function codesOf(totals: Counts): string[] {
  return Object.keys(totals).sort((a, b) => (a === "ok" ? -1 : b === "ok" ? 1 : (totals[b] ?? 0) - (totals[a] ?? 0) || a.localeCompare(b)));
}

/** A bucket's label: the hour (HH:00, UTC) or the day (YYYY-MM-DD, UTC). */
export function bucketLabel(start: string, granularity: "hour" | "day"): string {
  return granularity === "hour" ? `${start.slice(0, 10)} ${start.slice(11, 13)}:00` : start.slice(0, 10);
}

/** The sum of a bucket's counts. */
export function totalOf(counts: Counts): number {
  return Object.values(counts).reduce((sum, n) => sum + n, 0);
}

export function UsageChart({ report, title }: { report: UsageReport; title: string }) {
  const codes = codesOf(report.totals);
  const data = report.series.map((b) => ({ bucket: bucketLabel(b.start, report.granularity), ...Object.fromEntries(codes.map((c) => [c, b.counts[c] ?? 0])) }));
  const series = codes.map((code, i) => ({ name: code, color: CODE_COLORS[code] ?? OTHER_COLORS[i % OTHER_COLORS.length] ?? "blue.7" }));
  const total = totalOf(report.totals);
  const summary = `${title}: ${total} ${total === 1 ? "request" : "requests"} from ${bucketLabel(report.from, report.granularity)} to ${bucketLabel(report.to, report.granularity)} (UTC)${codes.length > 0 ? `, ${codes.map((c) => `${report.totals[c]} ${c}`).join(", ")}` : ""}.`;
  const rows = report.series.filter((b) => totalOf(b.counts) > 0);
  return (
    <Box>
      {total === 0 ? (
        <Text size="sm" c="dimmed" py="md">
          No requests in this period.
        </Text>
      ) : (
        <Box role="img" aria-label={summary}>
          <BarChart h={260} data={data} dataKey="bucket" series={series} type="stacked" withLegend withTooltip={false} tickLine="y" gridAxis="y" xAxisProps={{ minTickGap: 24 }} />
        </Box>
      )}
      <ScrollArea.Autosize mah={320} mt="md">
        <Table withTableBorder striped fz="sm" aria-label={`${title} as a table`} data-testid="usage-table">
          <Table.Caption>{summary}</Table.Caption>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">{report.granularity === "hour" ? "Hour (UTC)" : "Day (UTC)"}</Table.Th>
              {codes.map((c) => (
                <Table.Th key={c} scope="col" ta="right">
                  {c}
                </Table.Th>
              ))}
              <Table.Th scope="col" ta="right">
                Total
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((b) => (
              <Table.Tr key={b.start}>
                <Table.Th scope="row" fw={400}>
                  {bucketLabel(b.start, report.granularity)}
                </Table.Th>
                {codes.map((c) => (
                  <Table.Td key={c} ta="right">
                    {b.counts[c] ?? 0}
                  </Table.Td>
                ))}
                <Table.Td ta="right">{totalOf(b.counts)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
          <Table.Tfoot>
            <Table.Tr>
              <Table.Th scope="row">Total</Table.Th>
              {codes.map((c) => (
                <Table.Td key={c} ta="right" data-code={c} fw={600}>
                  {report.totals[c] ?? 0}
                </Table.Td>
              ))}
              <Table.Td ta="right" fw={600} data-code="total">
                {total}
              </Table.Td>
            </Table.Tr>
          </Table.Tfoot>
        </Table>
      </ScrollArea.Autosize>
    </Box>
  );
}
