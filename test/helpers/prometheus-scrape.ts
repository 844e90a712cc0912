/**
 * Reads a Prometheus exposition text with a real parser (parse-prometheus-text-format, a port of the
 * Prometheus Python client's parser), for tests that scrape GET /metrics.
 */
// @ts-expect-error the package ships no type declarations; its shape is MetricFamily[] below.
import parsePrometheusTextFormat from "parse-prometheus-text-format";

/** One sample: a value (counter, gauge) or a histogram's buckets, count and sum. */
export interface Sample {
  readonly labels?: Readonly<Record<string, string>>;
  readonly value?: string;
  readonly buckets?: Readonly<Record<string, string>>;
  readonly count?: string;
  readonly sum?: string;
}

/** One metric family as the parser gives it (prom2json's shape). */
export interface MetricFamily {
  readonly name: string;
  readonly help: string;
  readonly type: "COUNTER" | "GAUGE" | "HISTOGRAM" | "SUMMARY" | "UNTYPED";
  readonly metrics: readonly Sample[];
}

/** Parses an exposition text into families by name. */
export function parseScrape(text: string): Map<string, MetricFamily> {
  const families = (parsePrometheusTextFormat as (text: string) => MetricFamily[])(text);
  return new Map(families.map((f) => [f.name, f]));
}

/**
 * The `_count` series of a histogram, by their labels: the parser merges a histogram's labelled
 * series into one (it keeps only unlabelled counts), so its `NAME_count` lines are read again, as the
 * counter family they also are.
 */
export function histogramCounts(text: string, name: string): Map<string, MetricFamily> {
  const lines = text.split("\n").filter((line) => line.startsWith(`${name}_count`));
  return parseScrape([`# HELP ${name}_count count of ${name}`, `# TYPE ${name}_count counter`, ...lines, ""].join("\n"));
}

/**
 * The value of a family's sample whose labels include `labels` (0 when there is none): a counter's or
 * gauge's value, or a histogram's count.
 */
export function sampleValue(families: Map<string, MetricFamily>, name: string, labels: Readonly<Record<string, string>> = {}): number {
  const family = families.get(name);
  if (family === undefined) throw new Error(`no metric ${name} in the scrape`);
  const sample = family.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
  if (sample === undefined) return 0;
  return Number(sample.value ?? sample.count);
}
