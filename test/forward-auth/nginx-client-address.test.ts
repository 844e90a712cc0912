/**
 * Tokens limited to client addresses behind a real nginx (issue 13): nginx names the client in
 * X-Forwarded-For ($remote_addr, examples/nginx/nginx.conf.template), and latchkey believes it only
 * from a LATCHKEY_TRUST_PROXY address. The whole 127.0.0.0/8 is loopback on Linux, so a client bound
 * to 127.0.0.2 is a second machine as far as addresses go.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp, type App } from "../../src/http/app.js";
import { Latchkey } from "../../src/service/latchkey.js";
import { PROTECTED_ROUTE_MAP } from "../helpers/protected-api.js";
import { startRecordingUpstream, type RecordingUpstream } from "../helpers/recording-upstream.js";
import { rawRequest, startNginx, type NginxProcess } from "./nginx-process.js";

let latchkey: Latchkey;
let trusting: { app: App; nginx: NginxProcess };
let distrusting: { app: App; nginx: NginxProcess };
let upstream: RecordingUpstream;

async function behindNginx(trustProxy: string[] | false): Promise<{ app: App; nginx: NginxProcess }> {
  const app = await buildApp(latchkey, { logger: false, routeMap: PROTECTED_ROUTE_MAP, trustProxy });
  await app.listen({ host: "127.0.0.1", port: 0 });
  const address = app.server.address();
  const nginx = await startNginx({ latchkey: typeof address === "object" && address !== null ? address.port : 0, upstream: upstream.port });
  return { app, nginx };
}

beforeAll(async () => {
  latchkey = await Latchkey.open({ databaseUrl: "sqlite::memory:" });
  upstream = await startRecordingUpstream();
  trusting = await behindNginx(["127.0.0.1"]);
  distrusting = await behindNginx(false);
}, 300_000);

afterAll(async () => {
  for (const side of [trusting, distrusting]) {
    await side?.nginx.stop();
    await side?.app.close();
  }
  await upstream?.close();
  await latchkey?.close();
});

async function mint(allowedIps?: string[]): Promise<{ id: string; secret: string }> {
  const actor = { principal: await latchkey.operator("default"), ip: null };
  const { token, secret } = await latchkey.tokens.create(actor, { name: "addressed", scopes: ["domains_read"], ...(allowedIps === undefined ? {} : { allowedIps }) });
  return { id: token.id, secret };
}

function through(side: { nginx: NginxProcess }, secret: string, from: string, headers: Record<string, string> = {}) {
  return rawRequest(side.nginx.port, "GET", "/api/domains", { authorization: `Bearer ${secret}`, ...headers }, { localAddress: from });
}

describe("a token limited to 127.0.0.2/32, nginx trusted", () => {
  it("is refused from 127.0.0.1 with 403 ip_not_allowed, and the upstream never sees it", async () => {
    const token = await mint(["127.0.0.2/32"]);
    const response = await through(trusting, token.secret, "127.0.0.1");
    expect([response.status, JSON.parse(response.body).code], trusting.nginx.errorLog()).toEqual([403, "ip_not_allowed"]);
    expect(upstream.received.filter((r) => r.tokenId === token.id)).toEqual([]);
  });

  it("is allowed from 127.0.0.2", async () => {
    const token = await mint(["127.0.0.2/32"]);
    const response = await through(trusting, token.secret, "127.0.0.2");
    expect(response.status, trusting.nginx.errorLog()).toBe(200);
    expect(upstream.received.filter((r) => r.tokenId === token.id)).toHaveLength(1);
  });

  it("is refused from 127.0.0.1 even when the client sends X-Forwarded-For: 127.0.0.2 (nginx replaces it)", async () => {
    const token = await mint(["127.0.0.2/32"]);
    const response = await through(trusting, token.secret, "127.0.0.1", { "x-forwarded-for": "127.0.0.2" });
    expect([response.status, JSON.parse(response.body).code]).toEqual([403, "ip_not_allowed"]);
  });
});

describe("nginx not in LATCHKEY_TRUST_PROXY", () => {
  it("refuses a token with an address list whatever the client's address (the header is not believed)", async () => {
    const token = await mint(["127.0.0.2/32"]);
    const response = await through(distrusting, token.secret, "127.0.0.2");
    expect([response.status, JSON.parse(response.body).code]).toEqual([403, "ip_not_allowed"]);
  });

  it("still allows a token without one", async () => {
    const token = await mint();
    expect((await through(distrusting, token.secret, "127.0.0.1")).status).toBe(200);
  });
});
