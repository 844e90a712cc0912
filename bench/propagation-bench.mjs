/**
 * Propagation (issue 11, docs/deploy.md): what acknowledged revocation costs a pause, and how soon a
 * silent change feed stops an instance's cache. Instances run in this process on one PostgreSQL
 * database (a fresh schema), each with its own pool, change feed and cache. Run as its own process
 * by run-bench.mjs; prints one result line.
 *
 * - pause answer time with 1, 2 and 3 instances: `tokens.update(..., {status: "pause"})` on the first
 *   instance, which answers once every live instance has applied the change (p50, p99; each pause
 *   followed by a resume that is not timed);
 * - frozen feed to cache bypass: one instance's listening connection goes through a TCP proxy that
 *   stops forwarding it without closing it; the time from the freeze until that instance no longer
 *   answers from its cache (the bound is 500 ms after the last heartbeat it heard).
 *
 * Usage: node bench/propagation-bench.mjs PAUSES FREEZES   (LATCHKEY_BENCH_POSTGRES_URL, default
 * postgres://postgres@127.0.0.1:5432/test)
 */
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { connect, createServer } from "node:net";
import pg from "pg";
import { Latchkey } from "../dist/index.js";
import { emitResult, percentile } from "./bench-stats.mjs";

const pauses = Number(process.argv[2] ?? 200);
const freezes = Number(process.argv[3] ?? 5);
const serverUrl = process.env.LATCHKEY_BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";

/** A proxy whose open connections can be frozen: bytes stop, nothing closes (test/helpers/freezing-proxy.ts). */
async function freezingProxy(target) {
  const pairs = [];
  const server = createServer((client) => {
    const upstream = connect(Number(target.port || 5432), target.hostname);
    const pair = { client, upstream, frozen: false };
    pairs.push(pair);
    client.on("data", (chunk) => pair.frozen || upstream.write(chunk));
    upstream.on("data", (chunk) => pair.frozen || client.write(chunk));
    for (const [a, b] of [[client, upstream], [upstream, client]]) {
      a.on("error", () => b.destroy());
      a.on("close", () => pair.frozen || b.destroy());
    }
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return {
    port: server.address().port,
    freeze: () => {
      for (const p of pairs) p.frozen = true;
    },
    close: () => {
      for (const p of pairs) {
        p.client.destroy();
        p.upstream.destroy();
      }
      server.close();
    },
  };
}

async function withCluster(count, work, { proxyIndex = null } = {}) {
  const schema = `lk_bench_${randomBytes(6).toString("hex")}`;
  const url = `${serverUrl}${serverUrl.includes("?") ? "&" : "?"}schema=${schema}`;
  const target = new URL(serverUrl);
  const proxy = proxyIndex === null ? null : await freezingProxy(target);
  const proxied = new URL(serverUrl);
  proxied.search = "";
  if (proxy !== null) proxied.port = String(proxy.port);
  const instances = [];
  try {
    for (let i = 0; i < count; i++) instances.push(await Latchkey.open({ databaseUrl: url, instanceName: `bench ${i}`, ...(i === proxyIndex ? { listenerConnectionString: proxied.toString() } : {}) }));
    return await work(instances, proxy);
  } finally {
    for (const instance of instances) await instance.close();
    proxy?.close();
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query("select pg_advisory_lock(7243)");
    await admin.query(`drop schema if exists "${schema}" cascade`);
    await admin.end();
  }
}

const summary = (millis) => {
  const sorted = [...millis].sort((a, b) => a - b);
  return { p50Millis: percentile(sorted, 50), p99Millis: percentile(sorted, 99), maxMillis: sorted.at(-1) ?? null, samples: sorted.length };
};

const pause = {};
for (const count of [1, 2, 3]) {
  pause[count] = await withCluster(count, async ([writer]) => {
    const actor = { principal: await writer.operator("default"), ip: null };
    const { token } = await writer.tokens.create(actor, { name: "bench", scopes: ["sms_read"] });
    const millis = [];
    for (let i = 0; i < pauses; i++) {
      const start = performance.now();
      const answer = await writer.tokens.update(actor, token.id, { status: "pause" });
      millis.push(performance.now() - start);
      if (answer.propagation.instances !== count || answer.propagation.applied !== count) throw new Error(`propagation ${JSON.stringify(answer.propagation)} with ${count} instances`);
      await writer.tokens.update(actor, token.id, { status: "unpause" });
    }
    return summary(millis);
  });
}

const frozenToBypass = await withCluster(
  3,
  async ([, frozen], proxy) => {
    const millis = [];
    for (let i = 0; i < freezes; i++) {
      while (frozen.changeFeedState !== "live") await new Promise((resolve) => setTimeout(resolve, 5));
      proxy.freeze();
      const start = performance.now();
      while (frozen.verifier.isCacheTrusted) await new Promise((resolve) => setImmediate(resolve));
      millis.push(performance.now() - start);
    }
    return summary(millis);
  },
  { proxyIndex: 1 },
);

emitResult({ pause, frozenToBypass });
