/**
 * A running server and the CLI writing one SQLite file at the same time (found by the break test: a
 * rename in one while the other renamed answered 500, SQLITE_BUSY). A read-then-write transaction
 * must take the write lock when it begins (`BEGIN IMMEDIATE`) and wait its turn (the busy timeout):
 * a deferred transaction that read before the other's commit cannot write after it, and waiting does
 * not help it. Here: a real `latchkey serve` (the built dist/) renames and pauses over HTTP while this
 * process renames the same tokens through its own connection; nothing may fail.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { afterAll, beforeAll, expect, it } from "vitest";
import { Latchkey } from "../../src/service/latchkey.js";
import { waitForExit } from "../helpers/child-process.js";
import { pipeToTraceLog, rememberSecret, traceEnv } from "../helpers/trace-log.js";

const ROOT = resolve(import.meta.dirname, "../..");
let dir: string;
let databaseUrl: string;
let server: ChildProcess | undefined;
let baseUrl = "";
let latchkey: Latchkey;
let secret = "";
const tokenIds: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "lk-writers-"));
  databaseUrl = `sqlite:${join(dir, "writers.db")}`;
  latchkey = await Latchkey.open({ databaseUrl });
  const actor = { principal: await latchkey.operator("default"), ip: null };
  const admin = await latchkey.tokens.create(actor, { name: "admin", hasFull: true });
  secret = admin.secret;
  rememberSecret(secret);
  // Made by the admin token, which manages only its own subtree (issue 10).
  const byAdmin = { principal: await latchkey.authenticate(secret), ip: null };
  for (let i = 0; i < 4; i++) tokenIds.push((await latchkey.tokens.create(byAdmin, { name: `shared ${i}`, scopes: ["email_full"] })).token.id);
  server = spawn(process.execPath, [join(ROOT, "bin/latchkey.js"), "serve"], {
    env: { ...process.env, LATCHKEY_HOST: "127.0.0.1", LATCHKEY_PORT: "0", LATCHKEY_DATABASE_URL: databaseUrl, LATCHKEY_LOG_LEVEL: "warn", ...traceEnv() },
    stdio: ["ignore", "pipe", "pipe"],
  });
  pipeToTraceLog(server);
  const lines = createInterface({ input: server.stdout! });
  baseUrl = await new Promise<string>((done, fail) => {
    const timer = setTimeout(() => fail(new Error("latchkey serve did not start within 20 s")), 20_000);
    server?.once("exit", (code) => fail(new Error(`latchkey serve exited with ${code} (run npm run build first)`)));
    lines.on("line", (line) => {
      const listening = /listening on (http:\/\/[^\s"]+)/.exec(line); // a JSON line (src/cli/serve-log.ts)
      if (listening?.[1] !== undefined) {
        clearTimeout(timer);
        done(listening[1]);
      }
    });
  });
}, 60_000);

afterAll(async () => {
  if (server !== undefined) {
    server.kill("SIGTERM");
    await waitForExit(server);
  }
  await latchkey?.close();
  rmSync(dir, { recursive: true, force: true });
});

it("lets the server and another connection rename and pause the same tokens at once without an error", async () => {
  const statuses = new Map<number, number>();
  const failures: string[] = [];
  const overHttp = async (round: number): Promise<void> => {
    const id = tokenIds[round % tokenIds.length] ?? "";
    const body = round % 3 === 0 ? { status: round % 2 === 0 ? "pause" : "unpause" } : { name: `server ${round}` };
    const response = await fetch(`${baseUrl}/v1/token/${id}`, { method: "PUT", headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" }, body: JSON.stringify(body) });
    statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
    await response.arrayBuffer();
  };
  const actor = { principal: await latchkey.operator("default"), ip: null };
  const inProcess = async (round: number): Promise<void> => {
    try {
      await latchkey.tokens.update(actor, tokenIds[round % tokenIds.length] ?? "", { name: `cli ${round}` });
    } catch (error) {
      failures.push(String(error));
    }
  };
  // Waves of concurrent writes from both sides, for a bounded time.
  const started = Date.now();
  for (let wave = 0; Date.now() - started < 3_000 && wave < 60; wave++) {
    const work: Promise<void>[] = [];
    for (let i = 0; i < 6; i++) work.push(overHttp(wave * 6 + i), inProcess(wave * 6 + i));
    await Promise.all(work);
  }
  expect(failures, "errors in this process's writes").toEqual([]);
  expect(Object.fromEntries(statuses)).toEqual({ 200: expect.any(Number) });
  expect(statuses.get(200), "writes over HTTP").toBeGreaterThan(30);
}, 60_000);
