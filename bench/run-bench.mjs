/**
 * `npm run bench`: latchkey's verification speed and scale, side by side with this machine's
 * ceilings and with a peer (better-auth's API Key plugin), measured in one run. Prints a Markdown
 * report and writes bench/results/latest.json. docs/performance.md explains each figure.
 *
 *   npm run bench                 full run: 3 runs of each figure, 10 s HTTP loads, 1,000,000 tokens
 *   npm run bench -- --quick      reduced run for CI (under a minute; asserts nothing about speed)
 *   npm run bench -- --only=ceilings,inprocess,http,proxies,peer,scale,propagation   some parts only
 *   npm run bench -- --compare bench/results/BASELINE.json   also prints each figure's change against
 *                                 that earlier results file (bench/compare-results.mjs)
 *
 * The http part loads the bare node:http ceiling, latchkey and (with the peer part) the peer in turn,
 * run after run, so that the machine's other work weighs on each alike.
 *
 * The peer is installed on first use (npm ci in bench/peers/better-auth/); a quick run skips it
 * when it is not installed yet, since building its better-sqlite3 takes minutes.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, platform, release, totalmem } from "node:os";
import { join } from "node:path";
import { BENCH_DIR, runNodeScript } from "./bench-processes.mjs";
import { addFigure, addRatio, addTarget, createReport, medianOf, ratioOf, renderReport } from "./bench-report.mjs";
import { compareReports } from "./compare-results.mjs";
import { measureHttp, measureLatchkeyHttpAtScale } from "./http-section.mjs";
import { measureProxies } from "./proxy-section.mjs";
import { scratchDir } from "./latchkey-fixture.mjs";

const quick = process.argv.includes("--quick");
const onlyArgument = process.argv.find((a) => a.startsWith("--only="));
const PARTS = ["ceilings", "inprocess", "http", "proxies", "peer", "scale", "propagation"];
const parts = new Set(onlyArgument === undefined ? PARTS : onlyArgument.slice("--only=".length).split(","));
const compareIndex = process.argv.findIndex((a) => a === "--compare" || a.startsWith("--compare="));
const comparePath = compareIndex === -1 ? null : process.argv[compareIndex].startsWith("--compare=") ? process.argv[compareIndex].slice("--compare=".length) : process.argv[compareIndex + 1];
if (comparePath === undefined || comparePath === "") throw new Error("--compare: give the results file to compare with, e.g. --compare bench/results/BASELINE.json");
// Read before the run, so that a wrong path fails at once and not after a quarter of an hour.
const baseline = comparePath === null ? null : JSON.parse(readFileSync(comparePath, "utf8"));
for (const part of parts) if (!PARTS.includes(part)) throw new Error(`--only: unknown part ${part}; parts are ${PARTS.join(", ")}`);

const settings = {
  mode: quick ? "quick" : "full",
  startedAt: new Date().toISOString(),
  runs: quick ? 1 : 3,
  inProcessMillis: quick ? 300 : 3000,
  http: { connections: 50, durationSeconds: quick ? 2 : 10, warmupSeconds: quick ? 1 : 3 },
  scale: { tokens: quick ? 10_000 : 1_000_000, listAccountTokens: quick ? 5_000 : 100_000, listRequests: quick ? 30 : 300 },
  propagation: { pauses: quick ? 30 : 300, freezes: quick ? 2 : 10 },
};
const machine = {
  cores: cpus().length,
  cpuModel: cpus()[0]?.model.trim() ?? "unknown CPU",
  memoryGigabytes: Math.round(totalmem() / 2 ** 30),
  node: process.version,
  os: `${platform()} ${release()}`,
  loadAtStart: loadavg().map((l) => l.toFixed(2)).join(" "),
};
const report = createReport(machine, settings);
const runs = settings.runs;
const scratch = scratchDir("run");
const log = (message) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
const repeat = async (what, make) => {
  const results = [];
  for (let i = 0; i < runs; i++) {
    log(`${what}, run ${i + 1} of ${runs}`);
    results.push(await make());
  }
  return results;
};
const pick = (results, path) => results.map((r) => path.split(".").reduce((value, key) => value?.[key], r));
const script = (...names) => join(BENCH_DIR, ...names);

/** Adds ops/s, p50 and p99 figures of an in-process measurement (`path` into each result). */
function addInProcess(section, key, label, results, path) {
  addFigure(report, { key: `${key}.ops`, section, label: `${label}: ops/s`, unit: "ops/s", values: pick(results, `${path}.opsPerSecond`) });
  addFigure(report, { key: `${key}.p50`, section, label: `${label}: p50`, unit: "µs", values: pick(results, `${path}.p50Micros`) });
  addFigure(report, { key: `${key}.p99`, section, label: `${label}: p99`, unit: "µs", values: pick(results, `${path}.p99Micros`) });
}

/**
 * Adds req/s, p50, p99 and (unless `serverFigures` is false: nginx, whose work is in its worker
 * processes and in latchkey's) the server's CPU per request and RSS figures of an HTTP measurement.
 */
function addHttp(section, key, label, measured, { serverFigures = true } = {}) {
  const na = measured?.unavailable;
  const list = measured?.runs ?? [];
  addFigure(report, { key: `${key}.rps`, section, label: `${label}: req/s`, unit: "req/s", values: pick(list, "requestsPerSecond"), na });
  addFigure(report, { key: `${key}.p50`, section, label: `${label}: p50`, unit: "ms", values: pick(list, "p50Millis"), na });
  addFigure(report, { key: `${key}.p99`, section, label: `${label}: p99`, unit: "ms", values: pick(list, "p99Millis"), na });
  if (serverFigures) {
    addFigure(report, { key: `${key}.cpu`, section, label: `${label}: server CPU per request`, unit: "µs", values: pick(list, "cpuMicrosPerRequest"), na });
    addFigure(report, { key: `${key}.rss`, section, label: `${label}: server RSS (peak)`, unit: "MiB", values: pick(list, "rssMegabytes"), na });
  }
  if (na !== undefined) report.notes.push(`${label}: n/a, ${na}`);
}

/** Installs the peer's packages when missing; returns null when ready, or why it is not. */
function ensurePeer() {
  const folder = script("peers", "better-auth");
  if (existsSync(join(folder, "node_modules", "better-sqlite3", "build", "Release", "better_sqlite3.node"))) return null;
  if (quick) return "not installed; a quick run does not install it (a full run does)";
  log("installing the peer (npm ci in bench/peers/better-auth; building better-sqlite3 takes a few minutes)");
  const result = spawnSync("npm", ["ci", "--no-audit", "--no-fund"], { cwd: folder, stdio: ["ignore", process.stderr, process.stderr] });
  return result.status === 0 ? null : `npm ci in bench/peers/better-auth failed (exit ${result.status})`;
}

try {
  if (parts.has("ceilings")) {
    const sha = await repeat("ceiling: SHA-256 + Map", () => runNodeScript(script("ceiling-sha-map.mjs"), [String(settings.inProcessMillis)]));
    addInProcess("Ceilings", "ceiling.shaMap", "SHA-256 of a token (crypto.hash) + Map lookup, in-process", sha, "shaMap");
    addFigure(report, { key: "ceiling.createHashMap.ops", section: "Ceilings", label: "for reference: the same with createHash().update().digest(): ops/s", unit: "ops/s", values: pick(sha, "createHashMap.opsPerSecond") });
  }

  if (parts.has("inprocess")) {
    const verify = await repeat("latchkey in-process verify", () => runNodeScript(script("latchkey-verify-bench.mjs"), [String(settings.inProcessMillis)]));
    const section = "latchkey in-process (Latchkey.verify, SQLite)";
    addInProcess(section, "latchkey.warm", "valid token, warm cache", verify, "warm");
    addInProcess(section, "latchkey.warmSync", "valid token, warm cache, verifySync (no promise)", verify, "warmSync");
    addInProcess(section, "latchkey.cold", "valid token, cache off (database read)", verify, "cold");
    addInProcess(section, "latchkey.unknown", "unknown token (a new one each call)", verify, "unknown");
    addInProcess(section, "latchkey.malformed", "malformed token (bad checksum)", verify, "malformed");
    addInProcess(section, "latchkey.limited", "valid token with one window and credits, warm cache", verify, "limited");
  }

  const peerSection = "peer: better-auth 1.7.5 API Key plugin (SQLite, WAL, synchronous=NORMAL, rate limit off)";
  const peerMissing = parts.has("peer") ? ensurePeer() : "not asked for (--only)";
  if (parts.has("peer")) {
    if (peerMissing === null) {
      const inProcess = await repeat("peer in-process verifyApiKey", () => runNodeScript(script("peers", "better-auth", "peer-verify-bench.mjs"), [String(settings.inProcessMillis)]));
      addInProcess(peerSection, "peer.valid", "verifyApiKey, valid key", inProcess, "valid");
      addInProcess(peerSection, "peer.unknown", "verifyApiKey, unknown key", inProcess, "unknown");
    } else {
      addFigure(report, { key: "peer.valid.ops", section: peerSection, label: "verifyApiKey, valid key: ops/s", unit: "ops/s", values: [], na: peerMissing });
      report.notes.push(`peer: n/a, ${peerMissing}`);
    }
  }

  if (parts.has("http")) {
    // All servers at once, loaded in turn, run after run: see loadInTurn in http-section.mjs.
    const http = await measureHttp({ ...settings.http, runs }, scratch.dir, { withPeer: peerMissing === null, log });
    addHttp("Ceilings", "ceiling.http", "bare node:http server answering 200", http.bare);
    const section = "latchkey over HTTP (latchkey serve, SQLite, log level info)";
    addHttp(section, "latchkey.http", "POST /v1/verify", http.verify);
    addHttp(section, "latchkey.httpLimited", "POST /v1/verify, token with one window and credits", http.verifyLimited);
    addHttp(section, "latchkey.forwardAuth", "GET /v1/forward-auth (nginx auth_request)", http.forwardAuth);
    if (http.peer !== undefined) addHttp(peerSection, "peer.http", "POST /verify (node:http around verifyApiKey)", http.peer);
    else if (parts.has("peer")) addFigure(report, { key: "peer.http.rps", section: peerSection, label: "POST /verify: req/s", unit: "req/s", values: [], na: peerMissing });
  }

  if (parts.has("proxies")) {
    const proxies = await measureProxies({ ...settings.http, runs }, scratch.dir, { log });
    const section = "in front of an API: nginx auth_request and the Express middleware (GET /v1/domains/:id)";
    addHttp(section, "proxies.nginxDirect", "nginx -> bare node:http API, no check", proxies.nginxDirect, { serverFigures: false });
    addHttp(section, "proxies.nginxChecked", "nginx -> latchkey forward-auth -> the same API (examples/nginx)", proxies.nginxChecked, { serverFigures: false });
    addHttp(section, "proxies.expressBare", "Express API, no guard", proxies.expressBare);
    addHttp(section, "proxies.expressGuarded", "Express API, requireScope in-process", proxies.expressGuarded);
  }

  if (parts.has("scale")) {
    const { tokens, listAccountTokens, listRequests } = settings.scale;
    const n = tokens.toLocaleString("en-US");
    let kept = null;
    const secretsPath = join(scratch.dir, "scale-secrets.json");
    const scale = await repeat(`scale: ${n} tokens`, async () => {
      if (kept !== null) rmSync(kept, { force: true });
      kept = join(scratch.dir, `scale-${Date.now()}.db`);
      const created = await runNodeScript(script("scale-create-bench.mjs"), [kept, secretsPath, String(tokens), String(listAccountTokens)], { timeoutMs: 1_800_000 });
      const read = await runNodeScript(script("scale-read-bench.mjs"), [kept, secretsPath, String(listAccountTokens), String(settings.inProcessMillis), String(listRequests)], { timeoutMs: 600_000 });
      return { ...created, ...read };
    });
    const section = `scale: ${n} tokens in SQLite (${listAccountTokens.toLocaleString("en-US")} in one account)`;
    addFigure(report, { key: "scale.createSeconds", section, label: `create ${n} tokens (store bulk path, real secrets hashed)`, unit: "s", values: pick(scale, "createSeconds") });
    addFigure(report, { key: "scale.createRate", section, label: "creation rate", unit: "tokens/s", values: pick(scale, "tokensPerSecond") });
    addFigure(report, { key: "scale.databaseSize", section, label: "database size", unit: "MiB", values: pick(scale, "databaseMegabytes") });
    addInProcess(section, "scale.cold", `cold verification at ${n}, cache off (token and account domains read each call)`, scale, "cold");
    addInProcess(section, "scale.firstSight", `first verification of each token at ${n}, cache on`, scale, "firstSight");
    addFigure(report, { key: "scale.list.p50", section, label: "GET /v1/token?limit=100, pages 1..last: p50", unit: "ms", values: pick(scale, "list.p50Millis") });
    addFigure(report, { key: "scale.list.p99", section, label: "GET /v1/token?limit=100, pages 1..last: p99", unit: "ms", values: pick(scale, "list.p99Millis") });
    addFigure(report, { key: "scale.list.deepP99", section, label: "GET /v1/token?limit=100, deepest 10% of pages: p99", unit: "ms", values: pick(scale, "list.deepP99Millis") });
    addFigure(report, { key: "scale.keyset.p50", section, label: "GET /v1/token?limit=100 then links.next to the last page (keyset): p50", unit: "ms", values: pick(scale, "keyset.p50Millis") });
    addFigure(report, { key: "scale.keyset.p99", section, label: "GET /v1/token?limit=100 then links.next to the last page (keyset): p99", unit: "ms", values: pick(scale, "keyset.p99Millis") });
    addFigure(report, { key: "scale.rss", section, label: "RSS of the in-process reads (latchkey + app, cache holding the sample)", unit: "MiB", values: pick(scale, "rssMegabytes") });
    const sample = JSON.parse(readFileSync(secretsPath, "utf8")).slice(0, 5000);
    log(`scale: latchkey serve on ${n} tokens, verifying ${sample.length} distinct tokens in turn`);
    const atScale = await measureLatchkeyHttpAtScale({ ...settings.http, runs }, kept, sample);
    addHttp(section, "scale.http", `POST /v1/verify at ${n}, ${sample.length.toLocaleString("en-US")} distinct tokens`, atScale);
  }
  if (parts.has("propagation")) {
    const propagation = await repeat("propagation on PostgreSQL", () => runNodeScript(script("propagation-bench.mjs"), [String(settings.propagation.pauses), String(settings.propagation.freezes)], { timeoutMs: 600_000 }));
    const section = "propagation (PostgreSQL, instances in one process; docs/deploy.md)";
    for (const n of [1, 2, 3]) {
      addFigure(report, { key: `propagation.pause${n}.p50`, section, label: `pause answered, ${n} instance${n === 1 ? "" : "s"}: p50`, unit: "ms", values: pick(propagation, `pause.${n}.p50Millis`) });
      addFigure(report, { key: `propagation.pause${n}.p99`, section, label: `pause answered, ${n} instance${n === 1 ? "" : "s"}: p99`, unit: "ms", values: pick(propagation, `pause.${n}.p99Millis`) });
    }
    addFigure(report, { key: "propagation.bypass.p50", section, label: "frozen change feed to cache bypass: p50", unit: "ms", values: pick(propagation, "frozenToBypass.p50Millis") });
    addFigure(report, { key: "propagation.bypass.max", section, label: "frozen change feed to cache bypass: max", unit: "ms", values: pick(propagation, "frozenToBypass.maxMillis") });
  }
} finally {
  scratch.dispose();
}

addRatio(report, { label: "latchkey warm verify / SHA-256+Map (in-process)", numerator: "latchkey.warm.ops", denominator: "ceiling.shaMap.ops" });
addRatio(report, { label: "latchkey warm verifySync / SHA-256+Map (in-process)", numerator: "latchkey.warmSync.ops", denominator: "ceiling.shaMap.ops" });
addRatio(report, { label: "latchkey warm verify with one window and credits / without limits (in-process; issue 14 asks at least 0.5)", numerator: "latchkey.limited.ops", denominator: "latchkey.warm.ops" });
addRatio(report, { label: "latchkey POST /v1/verify / bare node:http", numerator: "latchkey.http.rps", denominator: "ceiling.http.rps" });
addRatio(report, { label: "latchkey POST /v1/verify with one window and credits / without limits (issue 14 asks at least 0.5)", numerator: "latchkey.httpLimited.rps", denominator: "latchkey.http.rps" });
addRatio(report, { label: "latchkey forward-auth / bare node:http", numerator: "latchkey.forwardAuth.rps", denominator: "ceiling.http.rps" });
addRatio(report, { label: "nginx with latchkey's auth_request / nginx without", numerator: "proxies.nginxChecked.rps", denominator: "proxies.nginxDirect.rps" });
addRatio(report, { label: "Express with requireScope (in-process) / Express without", numerator: "proxies.expressGuarded.rps", denominator: "proxies.expressBare.rps" });
addRatio(report, { label: "bare node:http CPU per request / latchkey POST /v1/verify's", numerator: "ceiling.http.cpu", denominator: "latchkey.http.cpu" });
addRatio(report, { label: "latchkey POST /v1/verify / peer over HTTP", numerator: "latchkey.http.rps", denominator: "peer.http.rps" });
addRatio(report, { label: "latchkey forward-auth / peer over HTTP", numerator: "latchkey.forwardAuth.rps", denominator: "peer.http.rps" });
addRatio(report, { label: "latchkey warm verify / peer verifyApiKey (in-process)", numerator: "latchkey.warm.ops", denominator: "peer.valid.ops" });
addRatio(report, { label: "latchkey cold verify (database read) / peer verifyApiKey (in-process)", numerator: "latchkey.cold.ops", denominator: "peer.valid.ops" });
addRatio(report, { label: "latchkey unknown token / peer unknown key (in-process)", numerator: "latchkey.unknown.ops", denominator: "peer.unknown.ops" });

const percent = (label) => (ratioOf(report, label) === null ? null : ratioOf(report, label) * 100);
addTarget(report, { label: "HTTP verify vs bare node:http", value: percent("latchkey POST /v1/verify / bare node:http"), bound: 60, kind: "atLeast", unit: "%" });
addTarget(report, { label: "HTTP verify vs peer", value: ratioOf(report, "latchkey POST /v1/verify / peer over HTTP"), bound: 20, kind: "atLeast", unit: "×" });
addTarget(report, { label: "in-process warm verify vs SHA-256+Map", value: percent("latchkey warm verify / SHA-256+Map (in-process)"), bound: 50, kind: "atLeast", unit: "%" });
addTarget(report, { label: "in-process warm verifySync vs SHA-256+Map", value: percent("latchkey warm verifySync / SHA-256+Map (in-process)"), bound: 50, kind: "atLeast", unit: "%" });
addTarget(report, { label: `cold verification at ${settings.scale.tokens.toLocaleString("en-US")} tokens`, value: medianOf(report, "scale.cold.ops"), bound: 50_000, kind: "atLeast", unit: " ops/s" });
addTarget(report, { label: "cold verification p99", value: medianOf(report, "scale.cold.p99"), bound: 1000, kind: "below", unit: " µs" });
addTarget(report, { label: `token list p99 at ${settings.scale.listAccountTokens.toLocaleString("en-US")} tokens, pages by number`, value: medianOf(report, "scale.list.p99"), bound: 10, kind: "below", unit: " ms" });
addTarget(report, { label: `token list p99 at ${settings.scale.listAccountTokens.toLocaleString("en-US")} tokens, keyset (links.next)`, value: medianOf(report, "scale.keyset.p99"), bound: 10, kind: "below", unit: " ms" });
const rssValues = ["latchkey.http.rss", "latchkey.forwardAuth.rss", "scale.http.rss", "scale.rss"].map((k) => medianOf(report, k)).filter((v) => v !== null);
addTarget(report, { label: "server RSS, largest seen", value: rssValues.length === 0 ? null : Math.max(...rssValues), bound: 250, kind: "below", unit: " MiB" });
if (quick) report.notes.push("Quick run: small sizes and short loads, for CI; its figures are not the ones to quote.");

machine.loadAtEnd = loadavg().map((l) => l.toFixed(2)).join(" ");
const text = renderReport(report);
process.stdout.write(`\n${text}`);
mkdirSync(join(BENCH_DIR, "results"), { recursive: true });
writeFileSync(join(BENCH_DIR, "results", "latest.json"), `${JSON.stringify({ ...report, markdown: text }, null, 2)}\n`);
writeFileSync(join(BENCH_DIR, "results", "latest.md"), text);
if (baseline !== null) process.stdout.write(`\n### Change against ${comparePath}\n\n${compareReports(baseline, { ...report, machine }).join("\n")}\n`);
log(`wrote bench/results/latest.json (${readFileSync(join(BENCH_DIR, "results", "latest.json")).length} bytes) and latest.md`);
