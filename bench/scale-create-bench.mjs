/**
 * Scale, part 1: creates TOTAL tokens in a new SQLite file through the store's bulk path (realistic
 * rows: real secrets from the operating system's randomness, hashed; every tenth token limited to
 * one domain), in transactions of 10,000; reports the time, the rate and the database's size.
 *
 * The `default` account holds LIST_ACCOUNT tokens; the rest are spread over accounts of 100,000.
 * The database is kept, and a random sample of its secrets (up to 20,000) is written to
 * SECRETS_PATH (JSON), for the reads that bench/scale-read-bench.mjs then makes in a fresh process,
 * as a server would (this one's heap holds the garbage of a million secrets).
 *
 * Usage: node bench/scale-create-bench.mjs DATABASE_PATH SECRETS_PATH TOTAL LIST_ACCOUNT
 */
import { statSync, writeFileSync } from "node:fs";
import { Latchkey } from "../dist/index.js";
import { cryptoRandom } from "../dist/core/random-source.js";
import { generateSecret, hashSecret, previewOf } from "../dist/core/token-secret.js";
import { emitResult, nowNanos } from "./bench-stats.mjs";
import { BENCH_DOMAIN } from "./latchkey-fixture.mjs";

const [databasePath, secretsPath, totalText, listText] = process.argv.slice(2);
const total = Number(totalText);
const listAccountTokens = Math.min(Number(listText), total);
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

// A sample of the secrets, in random order, for the read part (bounded: 20,000 secrets).
const order = sample.slice(0, 20_000);
for (let i = order.length - 1; i > 0; i--) {
  const j = Math.floor(Math.random() * (i + 1));
  [order[i], order[j]] = [order[j], order[i]];
}
writeFileSync(secretsPath, JSON.stringify(order));
await latchkey.close();
emitResult({ tokens: total, listAccountTokens, createSeconds, tokensPerSecond: total / createSeconds, databaseMegabytes: databaseBytes / (1024 * 1024) });
