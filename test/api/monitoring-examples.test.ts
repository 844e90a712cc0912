/**
 * The example Grafana dashboard (examples/grafana/latchkey-dashboard.json) and Prometheus alert rules
 * (examples/prometheus/latchkey-alerts.yml) name only metrics latchkey serves: every metric they query
 * is a family of GET /metrics as an app started in-process serves it (with prom-client's process
 * metrics, as `latchkey serve` has them), every label they match or group by is one of its labels, and
 * every label value they match is one it takes. The rules file is YAML of Prometheus' rule-file shape.
 * In the `postgres` project the app runs on PostgreSQL, where the pool and change-feed gauges have
 * samples too (their label values are then checked as well).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { isErrorCode } from "../../src/core/error-catalog.js";
import { LatchkeyMetrics } from "../../src/service/metrics.js";
import { openApiHarness } from "../helpers/api-harness.js";
import { labelValuesQuery, promqlNames, type PromqlNames, type Selector } from "../helpers/promql-names.js";
import { parseScrape, type MetricFamily } from "../helpers/prometheus-scrape.js";

const DASHBOARD = "examples/grafana/latchkey-dashboard.json";
const ALERTS = "examples/prometheus/latchkey-alerts.yml";
/** The data source uid of every panel: the dashboard's `datasource` variable, picked at import. */
const DATASOURCE_VARIABLE = ["$", "{datasource}"].join("");
/** Series Prometheus makes itself for every target, with the target labels it adds to every series. */
const SCRAPE_SERIES = new Set(["up"]);
const TARGET_LABELS = new Set(["job", "instance"]);

/** What one scrape serves: families by name, each with its registered label names. */
interface Served {
  readonly families: Map<string, MetricFamily>;
  readonly labelNames: (family: string) => readonly string[];
}

async function served(): Promise<Served> {
  const metrics = new LatchkeyMetrics();
  const h = await openApiHarness({ metrics: { metrics } });
  const token = await h.mint({ name: "scraped" });
  await h.call("POST", "/v1/verify", { token: null, body: { token: token.secret, method: "GET", area: "domains" } });
  await h.call("GET", "/v1/token");
  const res = await h.app.inject({ method: "GET", url: "/metrics" });
  expect(res.statusCode).toBe(200);
  const families = parseScrape(res.body);
  const labelNames = (family: string) => (metrics.registry.getSingleMetric(family) as unknown as { labelNames?: string[] } | undefined)?.labelNames ?? [];
  return { families, labelNames };
}

/** The family a queried series belongs to: itself, or the histogram/summary of a `_bucket`, `_sum`, `_count` series. */
function familyOf(s: Served, metric: string): { family: string; extraLabels: string[] } | null {
  if (s.families.has(metric)) return { family: metric, extraLabels: [] };
  const m = /^(.*)_(bucket|sum|count)$/.exec(metric);
  const base = m?.[1] === undefined ? undefined : s.families.get(m[1]);
  if (base === undefined || !["HISTOGRAM", "SUMMARY"].includes(base.type)) return null;
  return { family: base.name, extraLabels: m?.[2] === "bucket" ? ["le"] : [] };
}

/** The label values a matcher's value names: itself, or the plain alternatives of a regex `a|b` (none for other regexes and Grafana variables). */
function matchedValues(op: string, value: string): string[] {
  if (value.includes("$")) return [];
  if (op === "=" || op === "!=") return [value];
  return /^[a-z0-9_]+(\|[a-z0-9_]+)*$/i.test(value) ? value.split("|") : [];
}

/** One line per name in `names` that the scrape does not serve (empty when all are served). */
function problems(s: Served, where: string, names: PromqlNames): string[] {
  const out: string[] = [];
  const labelsInExpr = new Set<string>([...TARGET_LABELS]);
  for (const selector of names.selectors) out.push(...selectorProblems(s, where, selector, labelsInExpr));
  for (const label of names.groupingLabels) if (!labelsInExpr.has(label)) out.push(`${where}: groups by ${label}, a label of none of its metrics`);
  return out;
}

function selectorProblems(s: Served, where: string, selector: Selector, labelsInExpr: Set<string>): string[] {
  if (SCRAPE_SERIES.has(selector.metric)) return selector.matchers.filter((m) => !TARGET_LABELS.has(m.label)).map((m) => `${where}: up has no label ${m.label}`);
  const found = familyOf(s, selector.metric);
  if (found === null) return [`${where}: ${selector.metric} is not served by /metrics`];
  const labels = new Set([...s.labelNames(found.family), ...found.extraLabels]);
  for (const label of labels) labelsInExpr.add(label);
  const out: string[] = [];
  for (const m of selector.matchers) {
    if (TARGET_LABELS.has(m.label)) continue;
    if (!labels.has(m.label)) {
      out.push(`${where}: ${selector.metric} has no label ${m.label}`);
      continue;
    }
    const seen = new Set(s.families.get(found.family)?.metrics.flatMap((sample) => (sample.labels?.[m.label] === undefined ? [] : [sample.labels[m.label] as string])));
    for (const value of matchedValues(m.op, m.value)) {
      const known = m.label === "code" ? value === "ok" || isErrorCode(value) : m.label === "status_class" ? /^[1-5]xx$/.test(value) : seen.size === 0 || seen.has(value);
      if (!known) out.push(`${where}: ${selector.metric}{${m.label}="${value}"} is a value latchkey never sends`);
    }
  }
  return out;
}

interface Panel {
  readonly id: number;
  readonly type: string;
  readonly title: string;
  readonly datasource?: { uid?: string };
  readonly targets?: readonly { expr?: string }[];
  readonly panels?: readonly Panel[];
}

function allPanels(panels: readonly Panel[]): Panel[] {
  return panels.flatMap((p) => [p, ...allPanels(p.panels ?? [])]);
}

function readDashboard(): { panels: Panel[]; templating: { list: { name: string; type: string; query: unknown }[] } } {
  return JSON.parse(readFileSync(DASHBOARD, "utf8"));
}

interface Rule {
  readonly alert: unknown;
  readonly expr: unknown;
  readonly for: unknown;
  readonly labels: unknown;
  readonly annotations: unknown;
}

/** Parses the rules file strictly (duplicate keys and syntax errors fail), returning its rules. */
function readRules(): { group: string; rule: Rule }[] {
  const doc = parseDocument(readFileSync(ALERTS, "utf8"), { uniqueKeys: true, prettyErrors: true });
  expect(doc.errors.map(String), "YAML errors").toEqual([]);
  const root = doc.toJS() as { groups?: { name?: unknown; rules?: Rule[] }[] };
  expect(Object.keys(root), "top-level keys").toEqual(["groups"]);
  expect(Array.isArray(root.groups) && root.groups.length > 0, "groups is a non-empty list").toBe(true);
  return (root.groups ?? []).flatMap((g) => {
    expect(typeof g.name, "group name").toBe("string");
    expect(Array.isArray(g.rules) && g.rules.length > 0, `group ${String(g.name)} has rules`).toBe(true);
    return (g.rules ?? []).map((rule) => ({ group: String(g.name), rule }));
  });
}

describe("the example dashboard and alert rules", () => {
  it("reads selectors, matchers and grouping labels out of PromQL (a misspelt name is found)", () => {
    const cases: [string, string, string[], string[]][] = [
      ["aggregation and range", 'sum by (code, path) (rate(latchkey_verifications_total{code!="ok", job=~"$job"}[$__rate_interval]))', ["latchkey_verifications_total"], ["code", "path"]],
      ["histogram and number", "histogram_quantile(0.99, sum(rate(latchkey_x_bucket[5m])) by (le)) > 1e-3", ["latchkey_x_bucket"], ["le"]],
      ["binary with keywords", "a_total / on (instance) group_left b_total and c unless d offset 5m", ["a_total", "b_total", "c", "d"], ["instance"]],
      ["strings are not names", 'label_replace(up, "dst", "$1", "src", "(.*)")', ["up"], []],
    ];
    for (const [label, expr, metrics, grouping] of cases) {
      const names = promqlNames(expr);
      expect(names.selectors.map((s) => s.metric), label).toEqual(metrics);
      expect(names.groupingLabels, label).toEqual(grouping);
    }
    expect(promqlNames('x{code!="ok", path=~"a|b"}').selectors[0]?.matchers).toEqual([
      { label: "code", op: "!=", value: "ok" },
      { label: "path", op: "=~", value: "a|b" },
    ]);
  });

  it("finds what a scrape does not serve: a misspelt metric, an unknown label, a value never sent", async () => {
    const s = await served();
    const found = (expr: string) => problems(s, "case", promqlNames(expr));
    expect(found("sum(rate(latchkey_verification_total[5m]))")).toEqual(["case: latchkey_verification_total is not served by /metrics"]);
    expect(found('latchkey_verifications_total{outcome="ok"}')).toEqual(["case: latchkey_verifications_total has no label outcome"]);
    expect(found('latchkey_webhook_deliveries_total{outcome="lost"}')).toEqual(['case: latchkey_webhook_deliveries_total{outcome="lost"} is a value latchkey never sends']);
    expect(found("sum by (result) (latchkey_verifications_total)")).toEqual(["case: groups by result, a label of none of its metrics"]);
    expect(found("latchkey_verification_duration_seconds_bucket{le=\"0.001\"} + up{job=\"x\"}")).toEqual([]);
  });

  it("the dashboard queries only served metrics, labels and values", async () => {
    const s = await served();
    const { panels, templating } = readDashboard();
    const all = allPanels(panels);
    expect(new Set(all.map((p) => p.id)).size, "panel ids are unique").toBe(all.length);
    const queried = all.filter((p) => p.type !== "row");
    expect(queried.length).toBeGreaterThan(10);
    const found: string[] = [];
    for (const panel of queried) {
      expect(panel.datasource?.uid, `${panel.title}: data source is the $datasource variable`).toBe(DATASOURCE_VARIABLE);
      expect(panel.targets?.length ?? 0, `${panel.title} has queries`).toBeGreaterThan(0);
      for (const target of panel.targets ?? []) found.push(...problems(s, panel.title, promqlNames(target.expr ?? "")));
    }
    expect(templating.list.find((v) => v.name === "datasource")?.type).toBe("datasource");
    for (const variable of templating.list.filter((v) => v.type === "query")) {
      const query = labelValuesQuery((variable.query as { query: string }).query);
      expect(query, `variable ${variable.name} is a label_values query`).not.toBeNull();
      if (query === null) continue;
      found.push(...problems(s, `variable ${variable.name}`, { selectors: [query.selector], groupingLabels: [query.label] }));
    }
    expect(found).toEqual([]);
  });

  it("the alert rules are Prometheus rules on served metrics, labels and values", async () => {
    const s = await served();
    const rules = readRules();
    expect(rules.length).toBeGreaterThan(5);
    const found: string[] = [];
    for (const { group, rule } of rules) {
      const where = `${group}/${String(rule.alert)}`;
      expect(Object.keys(rule).sort(), `${where}: keys`).toEqual(["alert", "annotations", "expr", "for", "labels"]);
      expect(rule.alert, where).toMatch(/^Latchkey[A-Z][A-Za-z]+$/);
      expect(typeof rule.expr === "string" && rule.expr.trim() !== "", `${where}: expr`).toBe(true);
      expect(rule.for, `${where}: for is a duration`).toMatch(/^\d+[smhdwy]$/);
      expect(rule.labels, `${where}: labels`).toEqual({ severity: expect.stringMatching(/^(critical|warning|info)$/) });
      const annotations = rule.annotations as Record<string, unknown>;
      expect(Object.keys(annotations).sort(), `${where}: annotations`).toEqual(["description", "summary"]);
      for (const text of Object.values(annotations)) expect(typeof text === "string" && text.length > 10, `${where}: annotation text`).toBe(true);
      found.push(...problems(s, where, promqlNames(String(rule.expr))));
    }
    expect(new Set(rules.map((r) => r.rule.alert)).size, "alert names are unique").toBe(rules.length);
    expect(found).toEqual([]);
  });
});
