/**
 * Scale: creates TOTAL tokens in a new SQLite file through the store's bulk path (realistic rows:
 * real secrets from the operating system's randomness, hashed; every tenth token limited to one
 * domain), then measures at that size:
 *
 * - cold verification in-process (`Latchkey.verify` with the cache off, so every call reads the
 *   database), over a sample of the tokens in random order;
 * - GET /v1/token?page=N&limit=100 through the HTTP app in-process (`app.inject`), on an account of
 *   LIST_ACCOUNT tokens, on pages spread over the whole list, deepest included;
 * - this process's RSS after it all (latchkey and its app, holding a cache filled by the sample).
 *
 * The `default` account holds LIST_ACCOUNT tokens; the rest are spread over accounts of 100,000.
 * The database is kept (its path and a sample of secrets are printed) for the HTTP load that
 * run-bench.mjs makes against `latchkey serve` at this size; the caller removes it.
 *
 * Usage: node bench/scale-bench.mjs DATABASE_PATH TOTAL LIST_ACCOUNT DURATION_MS LIST_REQUESTS
 */
import { statSync } from "node:fs";
import { buildApp, Latchkey } from "../dist/index.js";
import { cryptoRandom } from "../dist/core/random-source.js";
import { generateSecret, hashSecret, previewOf } from "../dist/core/token-secret.js";
import { emitResult, measureAsync, nowNanos, percentile, rssMegabytes } from "./bench-stats.mjs";
import { BENCH_QUESTION, BENCH_DOMAIN } from "./latchkey-fixture.mjs";

const [databasePath, totalText, listText, durationText, listRequestsText] = process.argv.slice(2);
const total = Number(totalText);
const listAccountTokens = Math.min(Number(listText), total);
const durationMs = Number(durationText ?? 2000);
const listRequests = Number(listRequestsText ?? 200);
const BATCH = 10_000;
const SAMPLE_EVERY = 100;

const latchkey = await Latchkey.open({ databaseUrl: `sqlite:${databasePath}` });
const operator = { principal: await latchkey.operator("default"), ip: null };
const domain = await latchkey.domains.add(operator, BENCH_DOMAIN);
const defaultAccount = await latchkey.accounts.find("default");

// Accounts: default first, then one per further 100,000 tokens.
const accounts = [{ id: defaultAccount.id, tokens: listAccountTokens, domainId: domain.id }];
for (let left = total - listAccountTokens, n = 1; left > 0; left -= 100_000, n++) {
  const account = await latchkey.accounts.create(`bench-${n}`);
  const actor = { principal: await latchkey.operator(account.id), ip: null };
  const extra = await latchkey.domains.add(actor, BENCH_DOMAIN);
  accounts.push({ id: account.id, tokens: Math.min(left, 100_000), domainId: extra.id });
}

const sample = [];
const createStart = nowNanos();
const createdAt = new Date().toISOString();
for (const account of accounts) {
  for (let made = 0; made < account.tokens; ) {
    const batch = [];
    for (let i = 0; i < BATCH && made < account.tokens; i++, made++) {
      const secret = generateSecret("lk_", cryptoRandom);
      const limited = made % 10 === 0;
      batch.push({
        row: {
          id: latchkey.ids("token"),
          account_id: account.id,
          name: `token ${made}`,
          secret_hash: hashSecret(secret),
          preview: previewOf(secret, "lk_"),
          format_version: 1,
          record_version: 1,
          has_full: 0,
          scopes: JSON.stringify(limited ? ["domains_read"] : ["domains_read", "email_full", "activity_read"]),
          all_domains: limited ? 0 : 1,
          expires_at: null,
          paused: 0,
          created_by: "cli",
          created_at: createdAt,
          updated_at: createdAt,
          last_used_at: null,
        },
        domainIds: limited ? [account.domainId] : [],
      });
      if (made % SAMPLE_EVERY === 0) sample.push(secret);
    }
    await latchkey.store.insertTokens(batch);
  }
}
const createSeconds = (nowNanos() - createStart) / 1e9;
latchkey.store.dialect.sqlite.pragma("wal_checkpoint(TRUNCATE)");
const databaseBytes = statSync(databasePath).size;

// Cold verification: the cache off, a random order over the sample (bounded: 20,000 secrets).
const order = sample.slice(0, 20_000);
for (let i = order.length - 1; i > 0; i--) {
  const j = Math.floor(Math.random() * (i + 1));
  [order[i], order[j]] = [order[j], order[i]];
}
latchkey.verifier.setCacheEnabled(false);
const first = await latchkey.verify({ token: order[0], ...BENCH_QUESTION });
if (!first.allowed) throw new Error(`scale: a created token was refused: ${first.code}`);
const cold = await measureAsync((i) => latchkey.verify({ token: order[i % order.length], ...BENCH_QUESTION }), { durationMs });
latchkey.verifier.setCacheEnabled(true);

// Token list on the big account, pages spread evenly over 1..last, the last one included.
const app = await buildApp(latchkey, { logger: false });
const admin = await latchkey.tokens.create(operator, { name: "bench admin", hasFull: true });
const lastPage = Math.max(1, Math.ceil((listAccountTokens + 1) / 100));
const listOnce = async (page) => {
  const t0 = nowNanos();
  const response = await app.inject({ method: "GET", url: `/v1/token?page=${page}&limit=100`, headers: { authorization: `Bearer ${admin.secret}` } });
  const millis = (nowNanos() - t0) / 1e6;
  if (response.statusCode !== 200) throw new Error(`scale: GET /v1/token page ${page} answered ${response.statusCode}: ${response.body.slice(0, 200)}`);
  return { millis, body: response.body };
};
const deepest = JSON.parse((await listOnce(lastPage)).body);
if (deepest.meta.total !== listAccountTokens + 1 || deepest.data.length === 0) throw new Error(`scale: list total ${deepest.meta.total}, expected ${listAccountTokens + 1}`);
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

// Fill the cache with the sample (as a server verifying many distinct tokens would), then RSS.
for (const secret of order) await latchkey.verify({ token: secret, ...BENCH_QUESTION });
const rss = rssMegabytes();

await app.close();
await latchkey.close();
emitResult({
  tokens: total,
  listAccountTokens,
  createSeconds,
  tokensPerSecond: total / createSeconds,
  databaseMegabytes: databaseBytes / (1024 * 1024),
  cold,
  list: { requests: listRequests, p50Millis: percentile(listMillis, 50), p99Millis: percentile(listMillis, 99), deepP99Millis: percentile(deepMillis, 99), lastPage },
  rssMegabytes: rss,
  sampleSecrets: order.slice(0, 5000),
});
