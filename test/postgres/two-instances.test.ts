/**
 * Several instances on one PostgreSQL database (issue #5): two real `latchkey serve` processes share a
 * fresh schema. A pause, resume or delete through instance A is seen by instance B's /v1/verify within
 * one second (measured over 50 repetitions, worst case printed); B never answers from a stale cache
 * when its notification connection is cut; 200 concurrent creates over both lose nothing.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitForExit } from "../helpers/child-process.js";
import { pipeToTraceLog, rememberSecret, traceEnv } from "../helpers/trace-log.js";
import { adminQuery, dropSchema, freshPostgresUrl } from "../helpers/postgres-database.js";

interface Instance {
  readonly process: ChildProcess;
  readonly base: string;
}

const { url, schema } = freshPostgresUrl("multi");
let a: Instance;
let b: Instance;
let admin: string;

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  server.close();
  if (typeof address !== "object" || address === null) throw new Error("no port");
  return address.port;
}

async function startInstance(): Promise<Instance> {
  const port = await freePort();
  const child = spawn(process.execPath, ["bin/latchkey.js", "serve"], {
    env: { ...process.env, LATCHKEY_DATABASE_URL: url, LATCHKEY_PORT: String(port), LATCHKEY_LOG_LEVEL: "warn", LATCHKEY_FAILED_ATTEMPTS_PER_MINUTE: "0", ...traceEnv() },
    stdio: ["ignore", "pipe", "pipe"],
  });
  pipeToTraceLog(child);
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 20_000;
  while (!output.includes("latchkey listening on")) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`instance did not start: ${output}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { process: child, base: `http://127.0.0.1:${port}` };
}

async function call(instance: Instance, method: string, path: string, body?: unknown, token = admin): Promise<{ status: number; body: any }> {
  const response = await fetch(`${instance.base}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text === "" ? null : JSON.parse(text) };
}

async function verifyOn(instance: Instance, secret: string): Promise<string> {
  const { body } = await call(instance, "POST", "/v1/verify", { token: secret, method: "GET", area: "sms" });
  return body.code as string;
}

/** Polls B until its verify answers `code`; returns the milliseconds it took. */
async function millisUntil(instance: Instance, secret: string, code: string): Promise<number> {
  const start = performance.now();
  for (;;) {
    if ((await verifyOn(instance, secret)) === code) return performance.now() - start;
    if (performance.now() - start > 5_000) throw new Error(`still not ${code} after 5 s`);
  }
}

beforeAll(async () => {
  a = await startInstance();
  b = await startInstance();
  const cli = spawn(process.execPath, ["bin/latchkey.js", "token", "create", "--name", "admin", "--full", "--secret-only"], {
    env: { ...process.env, LATCHKEY_DATABASE_URL: url },
  });
  let out = "";
  cli.stdout.on("data", (c: Buffer) => (out += c.toString()));
  await once(cli, "exit");
  admin = out.trim();
  rememberSecret(admin);
  expect(admin).toMatch(/^lk_1/);
}, 60_000);

afterAll(async () => {
  for (const instance of [a, b]) {
    if (instance === undefined) continue;
    instance.process.kill("SIGTERM");
    await waitForExit(instance.process);
  }
  await dropSchema(schema);
});

describe("two instances on one PostgreSQL", () => {
  it("sees a pause, resume and delete made through A in B's next verifications within one second, 50 times", async () => {
    const worst = { pause: 0, resume: 0, delete: 0 };
    for (let i = 0; i < 50; i++) {
      const created = await call(a, "POST", "/v1/token", { name: `t${i}`, scopes: ["sms_read"] });
      const { id, accessToken } = created.body.data as { id: string; accessToken: string };
      expect(await verifyOn(b, accessToken)).toBe("ok"); // now cached on B
      expect((await call(a, "PUT", `/v1/token/${id}/settings`, { status: "pause" })).status).toBe(200);
      worst.pause = Math.max(worst.pause, await millisUntil(b, accessToken, "token_paused"));
      expect((await call(a, "PUT", `/v1/token/${id}`, { status: "unpause" })).status).toBe(200);
      worst.resume = Math.max(worst.resume, await millisUntil(b, accessToken, "ok"));
      expect((await call(a, "DELETE", `/v1/token/${id}`)).status).toBe(204);
      worst.delete = Math.max(worst.delete, await millisUntil(b, accessToken, "token_unknown"));
    }
    console.log(`worst propagation A -> B over 50 repetitions (ms): pause ${worst.pause.toFixed(1)}, resume ${worst.resume.toFixed(1)}, delete ${worst.delete.toFixed(1)}`);
    expect(Math.max(worst.pause, worst.resume, worst.delete)).toBeLessThan(1_000);
  }, 120_000);

  it("never answers from a stale cache when B's notification connection is cut", async () => {
    const created = await call(a, "POST", "/v1/token", { name: "cut", scopes: ["sms_read"] });
    const { id, accessToken } = created.body.data as { id: string; accessToken: string };
    expect(await verifyOn(b, accessToken)).toBe("ok"); // cached on B
    const cut = await adminQuery<{ ok: boolean }>("select pg_terminate_backend(pid) as ok from pg_stat_activity where application_name = $1", [`latchkey-listener-${b.process.pid}`]);
    expect(cut).toEqual([{ ok: true }]);
    // The pause's NOTIFY may be lost to B; B must still refuse the token at once.
    expect((await call(a, "PUT", `/v1/token/${id}/settings`, { status: "pause" })).status).toBe(200);
    expect(await verifyOn(b, accessToken)).toBe("token_paused");
    // B resubscribes by itself and is ready again; changes are still seen.
    const deadline = Date.now() + 10_000;
    while ((await fetch(`${b.base}/readyz`)).status !== 200) {
      if (Date.now() > deadline) throw new Error("B did not resubscribe");
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(await verifyOn(b, accessToken)).toBe("token_paused");
    await call(a, "PUT", `/v1/token/${id}/settings`, { status: "unpause" });
    expect(await millisUntil(b, accessToken, "ok")).toBeLessThan(1_000);
  }, 60_000);

  it("keeps every one of 200 concurrent creates split over both instances, valid and distinct", async () => {
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => call(i % 2 === 0 ? a : b, "POST", "/v1/token", { name: `burst ${i}`, scopes: ["sms_read"] })),
    );
    expect(results.map((r) => r.status)).toEqual(Array(200).fill(201));
    const tokens = results.map((r) => r.body.data as { id: string; accessToken: string });
    expect(new Set(tokens.map((t) => t.id)).size).toBe(200);
    expect(new Set(tokens.map((t) => t.accessToken)).size).toBe(200);
    const rows = await adminQuery<{ n: string }>(`select count(*) as n from "${schema}".tokens where name like 'burst %'`);
    expect(Number(rows[0]?.n)).toBe(200);
    const hashes = await adminQuery<{ n: string }>(`select count(distinct secret_hash) as n from "${schema}".tokens where name like 'burst %'`);
    expect(Number(hashes[0]?.n)).toBe(200);
    for (const [i, token] of tokens.entries()) expect(await verifyOn(i % 2 === 0 ? b : a, token.accessToken)).toBe("ok");
  }, 120_000);
});
