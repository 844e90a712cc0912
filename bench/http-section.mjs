/**
 * The HTTP part of the benchmark: each server (the bare node:http ceiling, latchkey's `serve`, the
 * peer's) is started in a process of its own, checked with one request, warmed up, then loaded from
 * another process (bench/http-load.mjs, autocannon) with the same settings, the servers in turn, run
 * after run, while each one's resident memory and CPU time are read from /proc.
 */
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BENCH_DIR, cpuMillisOfProcess, freePort, ROOT_DIR, runNodeScript, sampleRss, startServer } from "./bench-processes.mjs";
import { BENCH_QUESTION, openFixture } from "./latchkey-fixture.mjs";

/**
 * Prepares one target for loading: one checked request, then a warm-up load.
 *
 * @param target `{server: {pid}, request: {url, method, headers, body | bodies}}`.
 * @param settings `{connections, durationSeconds, warmupSeconds, runs}`.
 * @returns null when ready, or why the target is not available (it answered something else).
 */
async function prepareTarget(target, settings) {
  const { request } = target;
  const firstBody = request.body ?? request.bodies?.[0];
  const check = await fetch(request.url, { method: request.method, headers: request.headers, ...(firstBody === undefined ? {} : { body: firstBody }) });
  const checkBody = await check.text();
  if (check.status !== 200) return `answered ${check.status}: ${checkBody.slice(0, 200)}`;
  // POST /v1/verify answers 200 for refusals too: the check must be an allowed decision.
  if (checkBody.includes('"allowed":false')) throw new Error(`${request.url}: refused the benchmark's token: ${checkBody.slice(0, 200)}`);
  await load(request, settings, settings.warmupSeconds);
  return null;
}

/** One load of `durationSeconds` from a second process; the request goes through a file (it may be large). */
function load(request, settings, durationSeconds) {
  const specFile = join(tmpdir(), `latchkey-bench-load-${process.pid}.json`);
  writeFileSync(specFile, JSON.stringify({ ...request, connections: settings.connections, durationSeconds }));
  return runNodeScript(join(BENCH_DIR, "http-load.mjs"), [`@${specFile}`]);
}

/** One measured run of a prepared target, with the server's peak RSS and CPU time per request. */
async function measureOnce(target, settings) {
  const { server, request } = target;
  const sampler = sampleRss(server.pid);
  const cpuBefore = cpuMillisOfProcess(server.pid);
  const result = await load(request, settings, settings.durationSeconds);
  const cpuAfter = cpuMillisOfProcess(server.pid);
  const rssMegabytes = sampler.stop();
  // CPU the server spent per answer: a figure the other processes on the machine disturb less.
  result.cpuMicrosPerRequest = cpuBefore === null || cpuAfter === null || result.totalRequests === 0 ? null : ((cpuAfter - cpuBefore) * 1000) / result.totalRequests;
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${request.url}: ${result.non2xx} non-2xx answers and ${result.errors} errors under load`);
  return { ...result, rssMegabytes };
}

/**
 * Loads several targets in turn: each is checked and warmed up, then run 1 of every target, run 2
 * of every target, and so on, so that what else the machine is doing weighs on all of them alike and
 * the ratios between them hold even when absolute numbers drift.
 *
 * @param targets `{name: {server, request}}`.
 * @returns `{name: {runs: [...]} | {runs: [], unavailable}}`.
 */
export async function loadInTurn(targets, settings, log = () => undefined) {
  const results = {};
  for (const [name, target] of Object.entries(targets)) {
    const unavailable = await prepareTarget(target, settings);
    results[name] = unavailable === null ? { runs: [] } : { runs: [], unavailable };
  }
  for (let i = 0; i < settings.runs; i++) {
    for (const [name, target] of Object.entries(targets)) {
      if (results[name].unavailable !== undefined) continue;
      log(`HTTP: ${name}, run ${i + 1} of ${settings.runs}`);
      results[name].runs.push(await measureOnce(target, settings));
    }
  }
  return results;
}

/**
 * The HTTP part: the bare node:http ceiling, latchkey as deployed (`latchkey serve`, bin/latchkey.js,
 * default settings: log level info, its log to /dev/null here, on a SQLite file made by the fixture)
 * for POST /v1/verify and for the forward-auth check an nginx `auth_request` makes, and the peer
 * when `withPeer`; all started together, idle but for the one being loaded, and loaded in turn.
 *
 * @param scratchDir folder for the databases and the route map.
 * @returns `{bare, verify, verifyLimited, forwardAuth, peer?}`, each `{runs}` or `{runs: [], unavailable}`.
 */
export async function measureHttp(settings, scratchDir, { withPeer, log }) {
  const servers = [];
  try {
    const barePort = await freePort();
    const bare = await startServer({ args: [join(BENCH_DIR, "bare-http-server.mjs"), String(barePort)], readyPrefix: "ready" });
    servers.push(bare);

    const databasePath = join(scratchDir, "latchkey-http.db");
    const fixture = await openFixture(databasePath, 1, { limitedCount: 1 });
    await fixture.latchkey.close();
    const routesFile = join(scratchDir, "routes.json");
    writeFileSync(routesFile, JSON.stringify({ routes: [{ path: "/v1/domains/:domain_id", methods: ["GET"], area: "domains", domain: { param: "domain_id" } }] }));
    const port = await freePort();
    const latchkey = await startServer({
      args: [join(ROOT_DIR, "bin", "latchkey.js"), "serve"],
      env: { LATCHKEY_DATABASE_URL: `sqlite:${databasePath}`, LATCHKEY_HOST: "127.0.0.1", LATCHKEY_PORT: String(port), LATCHKEY_ROUTES_FILE: routesFile },
      healthUrl: `http://127.0.0.1:${port}/healthz`,
    });
    servers.push(latchkey);
    const secret = fixture.secrets[0];
    const targets = {
      bare: { server: bare, request: verifyRequest(barePort, { token: "x", ...BENCH_QUESTION }) },
      verify: { server: latchkey, request: verifyRequest(port, { token: secret, ...BENCH_QUESTION }) },
      // Issue 14: a token with one rate window and credits (neither ever refuses), counted in memory.
      verifyLimited: { server: latchkey, request: verifyRequest(port, { token: fixture.limitedSecrets[0], ...BENCH_QUESTION }) },
      forwardAuth: {
        server: latchkey,
        request: {
          url: `http://127.0.0.1:${port}/v1/forward-auth`,
          method: "GET",
          headers: { authorization: `Bearer ${secret}`, "x-original-method": "GET", "x-original-uri": `/v1/domains/${fixture.domainId}` },
        },
      },
    };
    if (withPeer) {
      const peerPort = await freePort();
      const peer = await startServer({
        args: [join(BENCH_DIR, "peers", "better-auth", "peer-http-server.mjs"), String(peerPort), join(scratchDir, "peer-http.db")],
        readyPrefix: "ready ",
      });
      servers.push(peer);
      const key = peer.readyLine.slice("ready ".length).trim();
      targets.peer = { server: peer, request: { url: `http://127.0.0.1:${peerPort}/verify`, method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ key }) } };
    }
    return await loadInTurn(targets, settings, log);
  } finally {
    for (const server of servers) await server.stop();
  }
}

/**
 * latchkey over HTTP at scale: `latchkey serve` on the scale part's database (a million tokens in
 * the full run), POST /v1/verify with many distinct tokens in turn, so that the verifier's cache
 * fills as a busy server's would; the server's RSS is the figure wanted here.
 *
 * @param databasePath the scale part's SQLite file.
 * @param secrets valid secrets of that database (a few thousand).
 */
export async function measureLatchkeyHttpAtScale(settings, databasePath, secrets) {
  const port = await freePort();
  const server = await startServer({
    args: [join(ROOT_DIR, "bin", "latchkey.js"), "serve"],
    env: { LATCHKEY_DATABASE_URL: `sqlite:${databasePath}`, LATCHKEY_HOST: "127.0.0.1", LATCHKEY_PORT: String(port) },
    healthUrl: `http://127.0.0.1:${port}/healthz`,
  });
  try {
    const request = verifyRequest(port, {});
    delete request.body;
    request.bodies = secrets.map((token) => JSON.stringify({ token, ...BENCH_QUESTION }));
    return (await loadInTurn({ atScale: { server, request } }, settings)).atScale;
  } finally {
    await server.stop();
  }
}

function verifyRequest(port, body) {
  return { url: `http://127.0.0.1:${port}/v1/verify`, method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) };
}
