/**
 * The metric names, label matchers and grouping labels a PromQL expression uses, for the test that
 * checks the example dashboard and alert rules against what GET /metrics serves
 * (test/api/monitoring-examples.test.ts). A tokenizer, not a full PromQL parser: it knows the parts
 * the examples use (selectors with matchers, range brackets, functions, aggregations with
 * `by`/`without`, `on`/`ignoring`/`group_left`/`group_right`, binary operators, numbers, durations, strings).
 */

/** One label matcher of a selector: `code!="ok"` is `{ label: "code", op: "!=", value: "ok" }`. */
export interface LabelMatcher {
  readonly label: string;
  readonly op: "=" | "!=" | "=~" | "!~";
  readonly value: string;
}

/** A vector selector: a metric name and its matchers. */
export interface Selector {
  readonly metric: string;
  readonly matchers: readonly LabelMatcher[];
}

/** What {@link promqlNames} finds in one expression. */
export interface PromqlNames {
  readonly selectors: readonly Selector[];
  /** Label names of `by (…)`, `without (…)`, `on (…)`, `ignoring (…)`, `group_left (…)`, `group_right (…)`. */
  readonly groupingLabels: readonly string[];
}

/** Words that are PromQL keywords and operators, never metric names. */
const KEYWORDS = new Set(["and", "or", "unless", "bool", "offset", "inf", "nan", "atan2"]);
/** Aggregation operators: `sum by (code) (…)` has its `by` list between the operator and its `(`. */
const AGGREGATIONS = new Set(["sum", "min", "max", "avg", "group", "stddev", "stdvar", "count", "count_values", "bottomk", "topk", "quantile", "limitk", "limit_ratio"]);
/** Keywords followed by a parenthesised list of label names. */
const LABEL_LISTS = new Set(["by", "without", "on", "ignoring", "group_left", "group_right"]);

const TOKEN = /"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|\[[^\]]*\]|\{[^}]*\}|\d+(?:\.\d+)?(?:e[+-]?\d+)?(?:ms|[smhdwy])*|[a-zA-Z_:][a-zA-Z0-9_:]*|\S/gi;
const MATCHER = /([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"/g;
const IDENTIFIER = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/** The matchers inside a `{…}` block. */
function parseMatchers(block: string): LabelMatcher[] {
  return [...block.matchAll(MATCHER)].map((m) => ({ label: m[1] as string, op: m[2] as LabelMatcher["op"], value: m[3] as string }));
}

/**
 * Reads the selectors and grouping labels of a PromQL expression.
 *
 * @param expr the expression, Grafana variables such as `$__rate_interval` or `$job` included (they
 *   sit inside range brackets or matcher strings, which are read as such).
 * @throws Error when a `by (` list is not closed.
 */
export function promqlNames(expr: string): PromqlNames {
  const tokens: string[] = expr.match(TOKEN) ?? [];
  const selectors: Selector[] = [];
  const groupingLabels: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as string;
    const next = tokens[i + 1];
    if (LABEL_LISTS.has(token.toLowerCase())) {
      if (next !== "(") continue; // group_left with no list
      const close = tokens.indexOf(")", i + 2);
      if (close < 0) throw new Error(`unclosed ${token} ( in ${expr}`);
      groupingLabels.push(...tokens.slice(i + 2, close).filter((t) => t !== ","));
      i = close;
      continue;
    }
    if (!IDENTIFIER.test(token) || KEYWORDS.has(token.toLowerCase()) || next === "(") continue;
    if (AGGREGATIONS.has(token.toLowerCase()) && LABEL_LISTS.has(next?.toLowerCase() ?? "")) continue;
    const matchers = next?.startsWith("{") ? parseMatchers(next) : [];
    selectors.push({ metric: token, matchers });
  }
  return { selectors, groupingLabels };
}

/**
 * The selector of a Grafana templating query `label_values(metric{…}, label)`, and the label it reads;
 * null for another kind of query.
 */
export function labelValuesQuery(query: string): { selector: Selector; label: string } | null {
  const m = /^\s*label_values\(\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(\{[^}]*\})?\s*,\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\)\s*$/.exec(query);
  if (m === null) return null;
  return { selector: { metric: m[1] as string, matchers: parseMatchers(m[2] ?? "") }, label: m[3] as string };
}
