/**
 * A request the HTTP parser refuses (431 headers too large, a malformed header line) is logged by
 * Fastify with the raw request bytes; those bytes hold the Authorization header and cookies, so they
 * must be redacted (found by the break test: a client with large cookies logged its own token).
 */
import { connect } from "node:net";
import { Writable } from "node:stream";
import { afterEach, expect, it } from "vitest";
import { buildApp, type App } from "../../src/http/app.js";
import { Latchkey } from "../../src/service/latchkey.js";

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
});

async function serveWithLog(): Promise<{ port: number; log: () => string; secret: string }> {
  const latchkey = await Latchkey.open({ databaseUrl: "sqlite::memory:" });
  const { secret } = await latchkey.tokens.create({ principal: await latchkey.operator("default"), ip: null }, { name: "t", hasFull: true });
  let text = "";
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  const app: App = await buildApp(latchkey, { logger: { level: "trace", stream } });
  await app.listen({ port: 0, host: "127.0.0.1" });
  close = async () => {
    await app.close();
    await latchkey.close();
  };
  const address = app.server.address();
  return { port: typeof address === "object" && address !== null ? address.port : 0, log: () => text, secret };
}

async function sendRaw(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.end(request));
    let answer = "";
    socket.on("data", (chunk) => (answer += chunk.toString()));
    socket.on("close", () => resolve(answer));
    socket.on("error", reject);
  });
}

/** The log with every byte array (how pino writes a Buffer) turned back into text, so nothing hides. */
function decodedLog(log: string): string {
  return log.replace(/\[(\d{1,3}(?:,\d{1,3}){20,})\]/g, (_m, bytes: string) => Buffer.from(bytes.split(",").map(Number)).toString("latin1"));
}

it.each([
  ["headers too large (431)", (secret: string) => `GET /v1/token HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${secret}\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`],
  ["a header line without a colon (400)", (secret: string) => `GET /v1/token HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${secret}\r\nthis line is broken\r\n\r\n`],
])("keeps the secret out of the log of a request refused for %s", async (_label, build) => {
  const { port, log, secret } = await serveWithLog();
  const answer = await sendRaw(port, build(secret));
  expect(answer).toMatch(/^HTTP\/1\.1 4\d\d/);
  await new Promise((r) => setTimeout(r, 50));
  expect(log()).not.toBe("");
  expect(decodedLog(log())).not.toContain(secret);
  expect(answer).not.toContain(secret);
});
