/**
 * A crash between a change and its delivery loses nothing: changes are acknowledged by a spawned
 * server while the receiver is down; the server is killed with SIGKILL; another instance on the same
 * database (its clock an hour on, so the dead server's leases and back-off have run out) delivers
 * every event, once, in order per token. Needs dist/ (npm run build).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it, onTestFinished } from "vitest";
import { manualClock } from "../../src/core/clock.js";
import { waitForExit } from "../helpers/child-process.js";
import { pipeToTraceLog, rememberSecret, traceEnv } from "../helpers/trace-log.js";
import { openWebhookHarness } from "../helpers/webhook-harness.js";
import { startWebhookReceiver } from "../helpers/webhook-receiver.js";

const path = join(mkdtempSync(join(tmpdir(), "lk-whk-crash-")), "crash.db");
const env = { ...process.env, LATCHKEY_DATABASE_URL: `sqlite:${path}` };
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
});

async function freePort(): Promise<number> {
  const server = createServer().listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  server.close();
  return typeof address === "object" && address !== null ? address.port : 0;
}

async function cli(...args: string[]): Promise<string> {
  const child = spawn(process.execPath, ["bin/latchkey.js", ...args], { env });
  let out = "";
  child.stdout.on("data", (c: Buffer) => (out += c.toString()));
  await once(child, "exit");
  return out.trim();
}

it("kill -9 after the changes were acknowledged: another instance delivers every event", async () => {
  const receiver = await startWebhookReceiver();
  onTestFinished(() => receiver.close());
  receiver.answerWith(503);
  await cli("migrate");
  const admin = await cli("token", "create", "--name", "admin", "--full", "--secret-only");
  rememberSecret(admin);
  const port = await freePort();
  const server = spawn(process.execPath, ["bin/latchkey.js", "serve"], {
    env: { ...env, LATCHKEY_PORT: String(port), LATCHKEY_LOG_LEVEL: "error", LATCHKEY_WEBHOOK_ALLOW_PRIVATE: "true", ...traceEnv() },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(server);
  pipeToTraceLog(server);
  let output = "";
  server.stdout?.on("data", (c: Buffer) => (output += c.toString()));
  const deadline = Date.now() + 20_000;
  while (!output.includes("latchkey listening on")) {
    if (server.exitCode !== null || Date.now() > deadline) throw new Error(`server did not start: ${output}`);
    await new Promise((r) => setTimeout(r, 25));
  }
  const api = async (method: string, url: string, body?: unknown) => {
    const res = await fetch(`http://127.0.0.1:${port}${url}`, { method, headers: { authorization: `Bearer ${admin}`, ...(body === undefined ? {} : { "content-type": "application/json" }) }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    return { status: res.status, body: res.status === 204 ? undefined : ((await res.json()) as any) };
  };
  expect((await api("POST", "/v1/webhooks", { name: "down", url: receiver.url, events: ["token.created", "token.renamed", "token.paused"] })).status).toBe(201);
  const ids: string[] = [];
  for (let i = 0; i < 5; i++) {
    const { id } = (await api("POST", "/v1/token", { name: `t${i}`, has_full: true })).body.data;
    ids.push(id);
    expect((await api("PUT", `/v1/token/${id}`, { name: `t${i} renamed` })).status).toBe(200);
    expect((await api("PUT", `/v1/token/${id}/settings`, { status: "pause" })).status).toBe(200);
  }
  // The server is trying (and failing) to deliver when it dies.
  await receiver.waitFor(() => receiver.received.length >= 3);
  server.kill("SIGKILL");
  await waitForExit(server);
  expect(receiver.accepted()).toHaveLength(0);

  receiver.answerWith(200);
  const clock = manualClock(Date.now() + 60 * 60 * 1000);
  const heir = await openWebhookHarness({ databaseUrl: `sqlite:${path}`, clock });
  // (The heir's own root token, made on opening, is outside the reach of the token that made the
  // endpoint: no delivery of its token.created, finding F7.)
  const ours = () => receiver.accepted().filter((w) => ids.includes(w.json.data.token.id));
  await receiver.waitFor(() => ours().length >= 15);
  await new Promise((resolve) => setTimeout(resolve, 300));
  const accepted = ours();
  expect(accepted).toHaveLength(15);
  expect(new Set(accepted.map((w) => w.headers["webhook-id"])).size).toBe(15);
  for (const id of ids) expect(accepted.filter((w) => w.json.data.token.id === id).map((w) => w.json.type)).toEqual(["token.created", "token.renamed", "token.paused"]);
  expect(heir.latchkey.webhookWorker?.attemptsMade).toBe(15);
});
