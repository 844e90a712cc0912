/**
 * The middleware and tokens with an address list (issue 13): the client address reaches the decision
 * in-process and remotely, Express's default is `req.ip`, and an unknown address refuses the token.
 */
import type { AddressInfo } from "node:net";
import express from "express";
import { afterEach, describe, expect, it } from "vitest";
import { buildApp, type App } from "../../src/http/app.js";
import { requireScope } from "../../src/middleware/express-middleware.js";
import { createScopeGuard } from "../../src/middleware/scope-guard.js";
import { Latchkey } from "../../src/service/latchkey.js";

let latchkey: Latchkey | undefined;
let app: App | undefined;
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
  await app?.close();
  app = undefined;
  await latchkey?.close();
  latchkey = undefined;
});

async function tokenFrom(allowedIps: string[]): Promise<string> {
  latchkey ??= await Latchkey.open({ databaseUrl: "sqlite::memory:" });
  const { secret } = await latchkey.tokens.create({ principal: await latchkey.operator("default"), ip: null }, { name: "addressed", scopes: ["analytics_read"], allowedIps });
  return secret;
}

describe.each(["in-process", "remote"] as const)("%s", (mode) => {
  async function guard() {
    if (mode === "in-process") return createScopeGuard("analytics", { latchkey: latchkey! });
    app ??= await buildApp(latchkey!, { logger: false });
    await app.listen({ host: "127.0.0.1", port: 0 });
    return createScopeGuard("analytics", { url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`, cacheTtlMillis: 0 });
  }

  it("allows an address inside the list and refuses one outside, or none, with 403 ip_not_allowed", async () => {
    const secret = await tokenFrom(["192.0.2.0/24"]);
    const g = await guard();
    const results = [];
    for (const ip of ["192.0.2.7", "198.51.100.1", null, undefined, ""]) results.push((await g.check("GET", `Bearer ${secret}`, null, ip)).allowed);
    expect(results).toEqual([true, false, false, false, false]);
    expect(await g.check("GET", `Bearer ${secret}`, null, "198.51.100.1")).toMatchObject({ allowed: false, status: 403, body: { code: "ip_not_allowed" } });
  });
});

describe("Express", () => {
  async function serve(options: Parameters<typeof requireScope>[1]): Promise<number> {
    const server = express()
      .get("/api/analytics", requireScope("analytics", options), (_req, res) => res.json({ ok: true }))
      .listen(0, "127.0.0.1");
    await new Promise<void>((resolve) => server.once("listening", () => resolve()));
    closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    return (server.address() as AddressInfo).port;
  }

  it("takes the client address from req.ip by default", async () => {
    const here = await tokenFrom(["127.0.0.1"]);
    const elsewhere = await tokenFrom(["192.0.2.1"]);
    const port = await serve({ latchkey: latchkey! });
    const get = async (secret: string) => (await fetch(`http://127.0.0.1:${port}/api/analytics`, { headers: { authorization: `Bearer ${secret}` } })).status;
    expect([await get(here), await get(elsewhere)]).toEqual([200, 403]);
  });

  it("takes it from clientAddress when given", async () => {
    const secret = await tokenFrom(["192.0.2.1"]);
    const port = await serve({ latchkey: latchkey!, clientAddress: () => "192.0.2.1" });
    expect((await fetch(`http://127.0.0.1:${port}/api/analytics`, { headers: { authorization: `Bearer ${secret}` } })).status).toBe(200);
  });
});
