/**
 * Compares two results files of the benchmark (bench/results/latest.json of two runs, e.g. of an
 * older build and of this one) figure by figure: the medians side by side and their ratio, as a
 * Markdown table. Figures present in only one run are left out.
 *
 * Usage: node bench/compare-results.mjs BEFORE.json AFTER.json
 */
import { readFileSync } from "node:fs";
import { formatNumber } from "./bench-report.mjs";

const [beforePath, afterPath] = process.argv.slice(2);
if (beforePath === undefined || afterPath === undefined) throw new Error("usage: node bench/compare-results.mjs BEFORE.json AFTER.json");
const before = JSON.parse(readFileSync(beforePath, "utf8"));
const after = JSON.parse(readFileSync(afterPath, "utf8"));
const beforeByKey = new Map(before.figures.map((f) => [f.key, f]));

const lines = [
  `Before: ${before.settings.startedAt} (load at start ${before.machine.loadAtStart}); after: ${after.settings.startedAt} (load at start ${after.machine.loadAtStart}).`,
  "",
  "| measurement | before | after | after / before | unit |",
  "|---|---:|---:|---:|---|",
];
for (const figure of after.figures) {
  const old = beforeByKey.get(figure.key);
  if (old === undefined || old.median === null || figure.median === null) continue;
  const ratio = old.median === 0 ? "n/a" : `${(figure.median / old.median).toFixed(2)}×`;
  lines.push(`| ${figure.label} | ${formatNumber(old.median)} | ${formatNumber(figure.median)} | ${ratio} | ${figure.unit} |`);
}
process.stdout.write(`${lines.join("\n")}\n`);
