/**
 * Scale, part 2: opens the database bench/scale-create-bench.mjs made, in a fresh process as a
 * server would, and measures at that size:
 *
 * - cold verification with the cache off (`verifier.bypassCache()`): every call reads the
 *   token and, for an all-domains token asked about a domain, the account's domains; random tokens;
 * - first sight with the cache on: each token of the sample verified once, never seen before (its
 *   record read; the account's domains cached after the first);
 * - GET /v1/token?page=N&limit=100 (and the walk along links.next) through the HTTP app in-process (`app.inject`), on the account of
 *   LIST_ACCOUNT tokens, on pages spread evenly over the whole list, the deepest included, asked by the
 *   account's Admin through a dashboard session (a token sees only its own subtree, issue 10; the
 *   bulk-made tokens are roots, so only a person sees them all);
 * - this process's RSS after it all (latchkey and its app, the cache holding the sample).
 *
 * Usage: node bench/scale-read-bench.mjs DATABASE_PATH SECRETS_PATH LIST_ACCOUNT DURATION_MS LIST_REQUESTS
 */
import { readFileSync } from "node:fs";
import { buildApp, Latchkey } from "../dist/index.js";
import { SESSION_COOKIE, sessionResolver } from "../dist/http/session-cookie.js";
import { emitResult, measureAsync, nowNanos, percentile, rssMegabytes } from "./bench-stats.mjs";
import { BENCH_QUESTION } from "./latchkey-fixture.mjs";

const [databasePath, secretsPath, listText, durationText, listRequestsText] = process.argv.slice(2);
const listAccountTokens = Number(listText);
const durationMs = Number(durationText ?? 2000);
const listRequests = Number(listRequestsText ?? 200);
const secrets = JSON.parse(readFileSync(secretsPath, "utf8"));
const half = Math.floor(secrets.length / 2);

const latchkey = await Latchkey.open({ databaseUrl: `sqlite:${databasePath}` });
const ask = (token) => latchkey.verify({ token, ...BENCH_QUESTION });

// Cold, cache off, over the first half of the sample.
latchkey.verifier.bypassCache();
const first = await ask(secrets[0]);
if (!first.allowed) throw new Error(`scale: a created token was refused: ${first.code}`);
const cold = await measureAsync((i) => ask(secrets[i % half]), { durationMs });
latchkey.verifier.trustCacheUntil(Number.POSITIVE_INFINITY);

// First sight, cache on: the second half, each token once.
const firstSightMicros = [];
const firstSightStart = nowNanos();
for (let i = half; i < secrets.length; i++) {
  const t0 = nowNanos();
  const decision = await ask(secrets[i]);
  firstSightMicros.push((nowNanos() - t0) / 1000);
  if (!decision.allowed) throw new Error(`scale: a created token was refused: ${decision.code}`);
}
const firstSightSeconds = (nowNanos() - firstSightStart) / 1e9;
firstSightMicros.sort((a, b) => a - b);

// Token list on the big account.
const app = await buildApp(latchkey, { logger: false, principalResolvers: [sessionResolver(latchkey.users)] });
const owner = await latchkey.users.create({ accountId: (await latchkey.accounts.find("default")).id, email: "bench@example.com", password: "bench password 1234" });
const session = await latchkey.users.openSession(owner);
const lastPage = Math.max(1, Math.ceil(listAccountTokens / 100));
const listOnce = async (page) => {
  const t0 = nowNanos();
  const response = await app.inject({ method: "GET", url: `/v1/token?page=${page}&limit=100`, headers: { cookie: `${SESSION_COOKIE}=${session.secret}` } });
  const millis = (nowNanos() - t0) / 1e6;
  if (response.statusCode !== 200) throw new Error(`scale: GET /v1/token page ${page} answered ${response.statusCode}: ${response.body.slice(0, 200)}`);
  return { millis, body: response.body };
};
const deepest = JSON.parse((await listOnce(lastPage)).body);
if (deepest.meta.total !== listAccountTokens || deepest.data.length === 0) throw new Error(`scale: list total ${deepest.meta.total}, expected ${listAccountTokens}`);
for (let i = 0; i < 20; i++) await listOnce(1 + ((i * 37) % lastPage)); // warm-up: compiled code, caches
const listMillis = [];
const deepMillis = [];
for (let i = 0; i < listRequests; i++) {
  const page = 1 + Math.round((i / Math.max(1, listRequests - 1)) * (lastPage - 1));
  const { millis } = await listOnce(page);
  listMillis.push(millis);
  if (page > lastPage * 0.9) deepMillis.push(millis);
}
listMillis.sort((a, b) => a - b);
deepMillis.sort((a, b) => a - b);

// The same list walked as a client pages through it: page 1, then links.next to the last page (keyset
// cursors: no rows skipped, whatever the depth). Every page's request is timed.
const keysetMillis = [];
let next = "/v1/token?limit=100";
let walked = 0;
while (next !== null) {
  const t0 = nowNanos();
  const response = await app.inject({ method: "GET", url: next, headers: { cookie: `${SESSION_COOKIE}=${session.secret}` } });
  keysetMillis.push((nowNanos() - t0) / 1e6);
  if (response.statusCode !== 200) throw new Error(`scale: GET ${next} answered ${response.statusCode}: ${response.body.slice(0, 200)}`);
  const body = JSON.parse(response.body);
  walked += body.data.length;
  next = body.links.next;
}
if (walked !== listAccountTokens) throw new Error(`scale: links.next walked ${walked} tokens, expected ${listAccountTokens}`);
keysetMillis.sort((a, b) => a - b);
const rss = rssMegabytes();

await app.close();
await latchkey.close();
emitResult({
  cold,
  firstSight: { opsPerSecond: firstSightMicros.length / firstSightSeconds, p50Micros: percentile(firstSightMicros, 50), p99Micros: percentile(firstSightMicros, 99), calls: firstSightMicros.length },
  list: { requests: listRequests, p50Millis: percentile(listMillis, 50), p99Millis: percentile(listMillis, 99), deepP99Millis: percentile(deepMillis, 99), lastPage },
  keyset: { requests: keysetMillis.length, p50Millis: percentile(keysetMillis, 50), p99Millis: percentile(keysetMillis, 99), maxMillis: keysetMillis[keysetMillis.length - 1] },
  rssMegabytes: rss,
});
