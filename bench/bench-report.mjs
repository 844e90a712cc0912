/**
 * The benchmark's report: figures (each the median of its runs, with min and max), the ratios to
 * quote (latchkey / ceiling, latchkey / peer), the issue's targets with met or missed, printed as
 * Markdown tables (the same text goes into docs/performance.md) and kept as JSON.
 */
import { summarise } from "./bench-stats.mjs";

/**
 * An empty report.
 *
 * @param machine `{cores, cpuModel, node, os, memoryGigabytes}`.
 * @param settings the run's settings (shown under the machine).
 */
export function createReport(machine, settings) {
  return { machine, settings, figures: [], notes: [], ratios: [], targets: [] };
}

/**
 * Adds one figure.
 *
 * @param key stable identifier (used by ratios and targets).
 * @param section heading it is listed under.
 * @param label what was measured.
 * @param unit e.g. `ops/s`, `µs`, `ms`, `MiB`.
 * @param values the figure from each run; an empty array (or `na`) prints "n/a".
 * @param na why the figure is missing, when it is.
 */
export function addFigure(report, { key, section, label, unit, values, na }) {
  report.figures.push({ key, section, label, unit, ...summarise(values ?? []), ...(na === undefined ? {} : { na }) });
}

/** The median of a figure, or null. */
export function medianOf(report, key) {
  return report.figures.find((f) => f.key === key)?.median ?? null;
}

/**
 * Adds a ratio of two figures' medians, and of their extremes (the lowest numerator over the highest
 * denominator, and the reverse), so the spread is visible too.
 */
export function addRatio(report, { label, numerator, denominator }) {
  const top = report.figures.find((f) => f.key === numerator);
  const bottom = report.figures.find((f) => f.key === denominator);
  const ok = top?.median != null && bottom?.median != null && bottom.median > 0;
  report.ratios.push({
    label,
    numerator,
    denominator,
    median: ok ? top.median / bottom.median : null,
    low: ok ? top.min / bottom.max : null,
    high: ok ? top.max / bottom.min : null,
  });
}

/**
 * Adds a target: `value` is a figure's median or a ratio's, compared with `bound` by `kind`
 * (`atLeast` or `below`).
 */
export function addTarget(report, { label, value, bound, kind, unit = "" }) {
  const met = value === null || value === undefined ? null : kind === "atLeast" ? value >= bound : value < bound;
  report.targets.push({ label, value, bound, kind, unit, met });
}

/** The ratio with this label, or null. */
export function ratioOf(report, label) {
  return report.ratios.find((r) => r.label === label)?.median ?? null;
}

/** Formats a number for a table: thousands separated, 3 significant digits below 100. */
export function formatNumber(value) {
  if (value === null || value === undefined || Number.isNaN(value)) return "n/a";
  const magnitude = Math.abs(value);
  if (magnitude >= 100) return Math.round(value).toLocaleString("en-US");
  if (magnitude >= 1) return value.toPrecision(3);
  if (magnitude === 0) return "0";
  return value.toPrecision(2);
}

/** The whole report as Markdown text. */
export function renderReport(report) {
  const { machine, settings } = report;
  const lines = [];
  lines.push(`Machine: ${machine.cores} cores (${machine.cpuModel}), ${machine.memoryGigabytes} GiB, Node.js ${machine.node}, ${machine.os}.`);
  lines.push(`Run: ${settings.mode}, ${settings.startedAt}; load average at start ${machine.loadAtStart}, at end ${machine.loadAtEnd ?? "?"}.`);
  lines.push(
    `Each figure: median of ${settings.runs} run(s), with min and max. HTTP: autocannon in a second process, ${settings.http.connections} connections, ${settings.http.durationSeconds} s per run after a ${settings.http.warmupSeconds} s warm-up, 127.0.0.1. In-process: ${settings.inProcessMillis} ms per pass, one call at a time.`,
  );
  // Sections in the order they first appear, each once (a part may add to a section more than once).
  const sections = [...new Set(report.figures.map((f) => f.section))];
  let section = null;
  for (const figure of sections.flatMap((name) => report.figures.filter((f) => f.section === name))) {
    if (figure.section !== section) {
      section = figure.section;
      lines.push("", `### ${section}`, "", "| measurement | median | min | max | unit |", "|---|---:|---:|---:|---|");
    }
    const na = figure.median === null;
    lines.push(`| ${figure.label} | ${na ? `n/a${figure.na ? ` (${figure.na})` : ""}` : formatNumber(figure.median)} | ${formatNumber(figure.min)} | ${formatNumber(figure.max)} | ${figure.unit} |`);
  }
  lines.push("", "### Ratios", "", "| ratio | median | range (worst .. best run pairing) |", "|---|---:|---|");
  for (const ratio of report.ratios) {
    lines.push(`| ${ratio.label} | ${formatRatio(ratio.median)} | ${formatRatio(ratio.low)} .. ${formatRatio(ratio.high)} |`);
  }
  lines.push("", "### Targets", "", "| target | measured | met |", "|---|---:|---|");
  for (const target of report.targets) {
    const bound = `${target.kind === "atLeast" ? "≥" : "<"} ${formatNumber(target.bound)}${target.unit}`;
    lines.push(`| ${target.label} (${bound}) | ${formatNumber(target.value)}${target.unit} | ${target.met === null ? "n/a" : target.met ? "yes" : "**no**"} |`);
  }
  if (report.notes.length > 0) lines.push("", ...report.notes.map((note) => `- ${note}`));
  return `${lines.join("\n")}\n`;
}

function formatRatio(value) {
  if (value === null || value === undefined) return "n/a";
  return value >= 10 ? `${Math.round(value)}×` : `${value.toFixed(2)}×`;
}
