/**
 * Summarises a V8 CPU profile (`node --cpu-prof` writes one per process) as the functions with the
 * most self time and the most total time, so the profiles behind docs/performance.md can be read
 * without a browser.
 *
 * Usage: node bench/cpu-profile-summary.mjs FILE.cpuprofile [TOP=25] [FILTER]
 *   FILTER keeps only the total-time lines whose function or file contains it (e.g. "latchkey").
 */
import { readFileSync } from "node:fs";

const [file, topText, filter] = process.argv.slice(2);
if (file === undefined) throw new Error("usage: node bench/cpu-profile-summary.mjs FILE.cpuprofile [TOP] [FILTER]");
const top = Number(topText ?? 25);
const profile = JSON.parse(readFileSync(file, "utf8"));
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parentOf = new Map();
for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);

const selfTicks = new Map();
for (const id of profile.samples) selfTicks.set(id, (selfTicks.get(id) ?? 0) + 1);
const totalSamples = profile.samples.length;

const nameOf = (node) => {
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url === "" ? "" : ` ${url.replace(/^.*\/(node_modules\/|dist\/|bench\/)/, "$1")}:${lineNumber + 1}`;
  return `${functionName || "(anonymous)"}${where}`;
};

// Self time per function name; total time per function name, counting each sample once per name.
const self = new Map();
const total = new Map();
for (const [id, ticks] of selfTicks) {
  const node = byId.get(id);
  self.set(nameOf(node), (self.get(nameOf(node)) ?? 0) + ticks);
  const seen = new Set();
  for (let at = id; at !== undefined; at = parentOf.get(at)) {
    const name = nameOf(byId.get(at));
    if (seen.has(name)) continue;
    seen.add(name);
    total.set(name, (total.get(name) ?? 0) + ticks);
  }
}
const show = (title, map, keep) => {
  process.stdout.write(`\n${title}\n`);
  const rows = [...map].filter(([name]) => keep(name)).sort((a, b) => b[1] - a[1]).slice(0, top);
  for (const [name, ticks] of rows) process.stdout.write(`${((100 * ticks) / totalSamples).toFixed(1).padStart(6)}%  ${name}\n`);
};
process.stdout.write(`${totalSamples} samples\n`);
show("self time", self, () => true);
show("total time", total, (name) => filter === undefined || name.includes(filter));
