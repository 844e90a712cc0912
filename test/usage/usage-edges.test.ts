/**
 * Limits at the other doors (issue 14): forward-auth answers HTTP 429 with Retry-After and
 * X-Latchkey-Code; the Fastify middleware (in-process and remote) answers 429 with Retry-After, and
 * the remote one never reuses an allowed answer for a limited token (every request is counted).
 */
import Fastify from "fastify";
import { describe, expect, it, onTestFinished } from "vitest";
import { manualClock } from "../../src/core/clock.js";
import { buildApp } from "../../src/http/app.js";
import { requireScope } from "../../src/middleware/fastify-hook.js";
import type { Latchkey } from "../../src/service/latchkey.js";
import { openForwardAuth } from "../forward-auth/forward-auth-harness.js";
import { openApiHarness } from "../helpers/api-harness.js";
import { rememberSecret } from "../helpers/trace-log.js";

async function limited(latchkey: Latchkey, limit: number): Promise<{ id: string; secret: string }> {
  const { token, secret } = await latchkey.tokens.create({ principal: await latchkey.operator("default"), ip: null }, { name: "limited", scopes: ["domains_read"], rateLimits: [{ name: "burst", limit, window_seconds: 3600 }] });
  rememberSecret(secret);
  return { id: token.id, secret };
}

describe("forward-auth", () => {
  it("answers 429 rate_limited with Retry-After and X-Latchkey-Code once the window is full", async () => {
    const h = await openForwardAuth();
    const token = await limited(h.latchkey, 1);
    expect((await h.nginx("GET", "/api/domains", token.secret)).status).toBe(200);
    const refused = await h.nginx("GET", "/api/domains", token.secret);
    expect(refused.status).toBe(429);
    expect(refused.headers["x-latchkey-code"]).toBe("rate_limited");
    expect(Number(refused.headers["retry-after"])).toBeGreaterThan(0);
    expect(refused.body).toMatchObject({ allowed: false, status: 429, code: "rate_limited" });
  });
});

async function serveGuarded(options: Parameters<typeof requireScope>[1]): Promise<(secret: string) => Promise<Response>> {
  const api = Fastify();
  api.get("/domains", { preHandler: requireScope("domains", options) }, async () => ({ ok: true }));
  await api.listen({ host: "127.0.0.1", port: 0 });
  onTestFinished(() => api.close());
  const address = api.server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  return (secret) => fetch(`http://127.0.0.1:${port}/domains`, { headers: { authorization: `Bearer ${secret}` } });
}

describe("middleware", () => {
  it("in-process: 429 with Retry-After", async () => {
    const h = await openApiHarness({ clock: manualClock(Date.parse("2026-12-06T10:00:00.000Z")) });
    const token = await limited(h.latchkey, 2);
    const get = await serveGuarded({ latchkey: h.latchkey });
    expect((await get(token.secret)).status).toBe(200);
    expect((await get(token.secret)).status).toBe(200);
    const refused = await get(token.secret);
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBe("3600");
    expect(((await refused.json()) as { code: string }).code).toBe("rate_limited");
  });

  it("remote: counts every request of a limited token (no reuse of allowed answers), then 429 with Retry-After", async () => {
    const h = await openApiHarness();
    const server = await buildApp(h.latchkey, { logger: false });
    await server.listen({ host: "127.0.0.1", port: 0 });
    onTestFinished(() => server.close());
    const address = server.server.address();
    const url = `http://127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}`;
    const token = await limited(h.latchkey, 3);
    const get = await serveGuarded({ url, cacheTtlMillis: 2000 });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await get(token.secret)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const refused = await get(token.secret);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
  });
});
