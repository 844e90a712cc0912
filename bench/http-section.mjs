/**
 * The HTTP part of the benchmark: each server (the bare node:http ceiling, latchkey's `serve`, the
 * peer's) is started in a process of its own, checked with one request, warmed up, then loaded from
 * another process (bench/http-load.mjs, autocannon) `runs` times with the same settings, while its
 * resident memory is sampled.
 */
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BENCH_DIR, cpuMillisOfProcess, freePort, ROOT_DIR, runNodeScript, sampleRss, startServer } from "./bench-processes.mjs";
import { BENCH_QUESTION, openFixture } from "./latchkey-fixture.mjs";

/**
 * Loads one target: a check request, a warm-up, then `runs` measured runs.
 *
 * @param server `{pid}` of the running server.
 * @param request `{url, method, headers, body}` sent by every connection.
 * @param settings `{connections, durationSeconds, warmupSeconds, runs}`.
 * @param expectStatus the status a correct answer has (a run with any other is refused).
 * @returns `{runs: [{requestsPerSecond, p50Millis, p99Millis, rssMegabytes}], check}`.
 */
export async function loadTarget(server, request, settings, expectStatus = 200) {
  const firstBody = request.body ?? request.bodies?.[0];
  const check = await fetch(request.url, { method: request.method, headers: request.headers, ...(firstBody === undefined ? {} : { body: firstBody }) });
  const checkBody = await check.text();
  if (check.status !== expectStatus) return { runs: [], unavailable: `answered ${check.status}: ${checkBody.slice(0, 200)}` };
  // POST /v1/verify answers 200 for refusals too: the check must be an allowed decision.
  if (checkBody.includes('"allowed":false')) throw new Error(`${request.url}: refused the benchmark's token: ${checkBody.slice(0, 200)}`);
  const specFile = join(tmpdir(), `latchkey-bench-load-${process.pid}.json`);
  const load = (durationSeconds) => {
    writeFileSync(specFile, JSON.stringify({ ...request, connections: settings.connections, durationSeconds }));
    return runNodeScript(join(BENCH_DIR, "http-load.mjs"), [`@${specFile}`]);
  };
  await load(settings.warmupSeconds);
  const runs = [];
  for (let i = 0; i < settings.runs; i++) {
    const sampler = sampleRss(server.pid);
    const cpuBefore = cpuMillisOfProcess(server.pid);
    const result = await load(settings.durationSeconds);
    const cpuAfter = cpuMillisOfProcess(server.pid);
    const rssMegabytes = sampler.stop();
    // CPU the server spent per answer: a figure the other processes on the machine disturb less.
    result.cpuMicrosPerRequest = cpuBefore === null || cpuAfter === null || result.totalRequests === 0 ? null : ((cpuAfter - cpuBefore) * 1000) / result.totalRequests;
    if (result.non2xx > 0 || result.errors > 0) throw new Error(`${request.url}: ${result.non2xx} non-2xx answers and ${result.errors} errors under load`);
    runs.push({ ...result, rssMegabytes });
  }
  return { runs, check: checkBody.slice(0, 300) };
}

/** The bare node:http ceiling. */
export async function measureBareHttp(settings) {
  const port = await freePort();
  const server = await startServer({ args: [join(BENCH_DIR, "bare-http-server.mjs"), String(port)], readyPrefix: "ready" });
  try {
    return await loadTarget(server, verifyRequest(port, { token: "x", ...BENCH_QUESTION }), settings);
  } finally {
    await server.stop();
  }
}

/**
 * latchkey over HTTP, as deployed: `latchkey serve` (bin/latchkey.js) with its default settings
 * (log level info, to /dev/null here), on a SQLite file made by the fixture. Measures POST
 * /v1/verify and, when the build has it, the forward-auth check an nginx `auth_request` makes.
 *
 * @param scratchDir folder for the database and the route map.
 * @returns `{verify, forwardAuth}`, each as {@link loadTarget}'s result.
 */
export async function measureLatchkeyHttp(settings, scratchDir) {
  const databasePath = join(scratchDir, "latchkey-http.db");
  const fixture = await openFixture(databasePath, 1);
  await fixture.latchkey.close();
  const routesFile = join(scratchDir, "routes.json");
  writeFileSync(routesFile, JSON.stringify({ routes: [{ path: "/v1/domains/:domain_id", methods: ["GET"], area: "domains", domain: { param: "domain_id" } }] }));
  const port = await freePort();
  const server = await startServer({
    args: [join(ROOT_DIR, "bin", "latchkey.js"), "serve"],
    env: { LATCHKEY_DATABASE_URL: `sqlite:${databasePath}`, LATCHKEY_HOST: "127.0.0.1", LATCHKEY_PORT: String(port), LATCHKEY_ROUTES_FILE: routesFile },
    healthUrl: `http://127.0.0.1:${port}/healthz`,
  });
  try {
    const secret = fixture.secrets[0];
    const verify = await loadTarget(server, verifyRequest(port, { token: secret, ...BENCH_QUESTION }), settings);
    const forwardAuth = await loadTarget(
      server,
      {
        url: `http://127.0.0.1:${port}/v1/forward-auth`,
        method: "GET",
        headers: { authorization: `Bearer ${secret}`, "x-original-method": "GET", "x-original-uri": `/v1/domains/${fixture.domainId}` },
      },
      settings,
    );
    return { verify, forwardAuth };
  } finally {
    await server.stop();
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
    return await loadTarget(server, request, settings);
  } finally {
    await server.stop();
  }
}

/**
 * The peer over HTTP: bench/peers/better-auth/peer-http-server.mjs, POST /verify with the key.
 *
 * @param scratchDir folder for the peer's database.
 */
export async function measurePeerHttp(settings, scratchDir) {
  const port = await freePort();
  const server = await startServer({
    args: [join(BENCH_DIR, "peers", "better-auth", "peer-http-server.mjs"), String(port), join(scratchDir, "peer-http.db")],
    readyPrefix: "ready ",
  });
  try {
    const key = server.readyLine.slice("ready ".length).trim();
    return await loadTarget(server, { url: `http://127.0.0.1:${port}/verify`, method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ key }) }, settings);
  } finally {
    await server.stop();
  }
}

function verifyRequest(port, body) {
  return { url: `http://127.0.0.1:${port}/v1/verify`, method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) };
}
