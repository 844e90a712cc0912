/**
 * The remote middleware's decision cache against a running latchkey (break-test findings F3, F15):
 * a cached allow of a child token is dropped when an ancestor's change event arrives (the verify
 * answer names the ancestors, `token.ancestor_ids`), and no cached allow outlives the token's expiry
 * or the end of a previous secret's grace (`token.valid_until`).
 *
 * Each case first proves the decision is served from the cache (no call to /v1/verify), so a pass
 * means the cache dropped it, not that it was never there.
 */
import type { AddressInfo } from "node:net";
import express from "express";
import { describe, expect, it, onTestFinished } from "vitest";
import { buildApp } from "../../src/http/app.js";
import { requireScope } from "../../src/middleware/express-middleware.js";
import { closeRemoteCaches } from "../../src/middleware/scope-guard.js";
import { openApiHarness, type ApiHarness, type MintedToken } from "../helpers/api-harness.js";

const VERIFY_KEY = "middleware-stream-cache-verify-key";

interface Setup {
  readonly h: ApiHarness;
  /** Calls to /v1/verify so far. */
  verifyCalls(): number;
  /** GET /api/thing on the protected app with a secret; status and error code. */
  get(secret: string): Promise<{ status: number; code: string | undefined }>;
  /** Waits until a request with `secret` is allowed from the middleware's cache. */
  warm(secret: string): Promise<void>;
  /** Waits until a test subscriber of the same stream has seen a change naming `tokenId`. */
  changeSeen(tokenId: string): Promise<void>;
}

/** @param streamAs a token to subscribe with (`changesToken`) instead of the verify key. */
async function setUp(streamAs?: (h: ApiHarness) => Promise<MintedToken>): Promise<Setup> {
  const h = await openApiHarness();
  const changesToken = streamAs === undefined ? undefined : (await streamAs(h)).secret;
  let calls = 0;
  const latchkeyApp = await buildApp(h.latchkey, {
    logger: false,
    // A token's stream: /v1/verify is open (the middleware has no verify key to send).
    ...(changesToken === undefined ? { verifyKey: VERIFY_KEY } : {}),
    plugins: [
      async (app) => {
        app.addHook("onRequest", async (request) => {
          if (request.url === "/v1/verify") calls++;
        });
      },
    ],
  });
  await latchkeyApp.listen({ host: "127.0.0.1", port: 0 });
  const url = `http://127.0.0.1:${(latchkeyApp.server.address() as AddressInfo).port}`;
  const api = express();
  api.get(
    "/api/thing",
    requireScope("domains", { url, ...(changesToken === undefined ? { verifyKey: VERIFY_KEY } : { changesToken }), cacheTtlMillis: 2000 }),
    (_req, res) => {
      res.json({ ok: true });
    },
  );
  const server = api.listen(0, "127.0.0.1");
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  const apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/thing`;
  const controller = new AbortController();
  const seen: string[] = [];
  const response = await fetch(`${url}/v1/changes`, { headers: { "x-latchkey-verify-key": VERIFY_KEY }, signal: controller.signal });
  void (async () => {
    const decoder = new TextDecoder();
    const reader = response.body?.getReader();
    for (;;) {
      const chunk = await reader?.read().catch(() => undefined);
      if (chunk === undefined || chunk.done) return;
      seen.push(decoder.decode(chunk.value, { stream: true }));
    }
  })();
  onTestFinished(async () => {
    controller.abort();
    closeRemoteCaches();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await latchkeyApp.close();
  });
  const get = async (secret: string) => {
    const res = await fetch(apiUrl, { headers: { authorization: `Bearer ${secret}` } });
    const body = (await res.json()) as { code?: string };
    return { status: res.status, code: body.code };
  };
  return {
    h,
    verifyCalls: () => calls,
    get,
    async warm(secret) {
      await expect
        .poll(async () => {
          expect((await get(secret)).status).toBe(200);
          const before = calls;
          expect((await get(secret)).status).toBe(200);
          return calls === before;
        })
        .toBe(true);
    },
    async changeSeen(tokenId) {
      await expect.poll(() => seen.join("").includes(`"token_ids":["${tokenId}"]`)).toBe(true);
    },
  };
}

/** Makes a token with `domains_read` (and `tokens_full`, to make its own) under `parent`. */
async function mintUnder(h: ApiHarness, parent: MintedToken, extra: Record<string, unknown> = {}): Promise<MintedToken> {
  const principal = await h.latchkey.authenticate(parent.secret);
  const { token, secret } = await h.latchkey.tokens.create({ principal, ip: null }, { name: "child", scopes: ["domains_read", "tokens_full"], ...extra });
  return { id: token.id, secret };
}

describe("the remote middleware's cache and lineage (F3)", () => {
  it("refuses a cached child on the next request once its parent's pause has reached the stream", async () => {
    const s = await setUp();
    const parent = await s.h.mint({ scopes: ["domains_read", "tokens_full"] });
    const child = await mintUnder(s.h, parent);
    await s.warm(child.secret);
    expect((await s.h.call("PUT", `/v1/token/${parent.id}/settings`, { body: { status: "pause" } })).status).toBe(200);
    await s.changeSeen(parent.id);
    const before = s.verifyCalls();
    expect(await s.get(child.secret)).toEqual({ status: 401, code: "token_parent_inactive" });
    expect(s.verifyCalls()).toBe(before + 1);
  });

  it("refuses a cached grandchild for good once its grandparent is deleted", async () => {
    const s = await setUp();
    const grandparent = await s.h.mint({ scopes: ["domains_read", "tokens_full"] });
    const parent = await mintUnder(s.h, grandparent);
    const grandchild = await mintUnder(s.h, parent);
    await s.warm(grandchild.secret);
    expect((await s.h.call("DELETE", `/v1/token/${grandparent.id}`)).status).toBe(204);
    await s.changeSeen(grandparent.id);
    expect((await s.get(grandchild.secret)).status).toBe(401);
  });

  it("says in the verify answer which tokens a token descends from, nearest first", async () => {
    const s = await setUp();
    const parent = await s.h.mint({ scopes: ["domains_read", "tokens_full"] });
    const child = await mintUnder(s.h, parent);
    const res = await s.h.call("POST", "/v1/verify", {
      token: null,
      headers: { "x-latchkey-verify-key": VERIFY_KEY },
      body: { token: child.secret, method: "GET", area: "domains" },
    });
    expect(res.body.token.ancestor_ids).toEqual([parent.id, s.h.root.id]);
  });
});

describe("the remote middleware's cache and the clock (F15)", () => {
  it("never serves a cached allow past the token's expiry", async () => {
    const s = await setUp();
    await s.warm(s.h.root.secret);
    const expiresAt = Date.now() + 1_500;
    const token = await s.h.mint({ scopes: ["domains_read"], expiresAt: new Date(expiresAt).toISOString() });
    await s.warm(token.secret);
    await expect.poll(() => Date.now() > expiresAt + 20).toBe(true);
    expect(await s.get(token.secret)).toEqual({ status: 401, code: "token_expired" });
  });

  it("never serves a cached allow of a previous secret past the end of its grace", async () => {
    const s = await setUp();
    await s.warm(s.h.root.secret);
    const token = await s.h.mint({ scopes: ["domains_read"] });
    const rotated = await s.h.call("POST", `/v1/token/${token.id}/rotate`, { body: { grace_seconds: 1 } });
    expect(rotated.status).toBe(200);
    const graceEndsAt = Date.now() + 1_000;
    await s.warm(token.secret);
    await expect.poll(() => Date.now() > graceEndsAt + 20).toBe(true);
    expect(await s.get(token.secret)).toEqual({ status: 401, code: "token_rotated" });
  });

  it("says in the verify answer until when an allow can hold by the clock alone", async () => {
    const s = await setUp();
    const expiresAt = new Date(Date.now() + 3_600_000).toISOString();
    const token = await s.h.mint({ scopes: ["domains_read"], expiresAt });
    const res = await s.h.call("POST", "/v1/verify", {
      token: null,
      headers: { "x-latchkey-verify-key": VERIFY_KEY },
      body: { token: token.secret, method: "GET", area: "domains" },
    });
    expect(Date.parse(res.body.token.valid_until)).toBe(Date.parse(expiresAt));
    const root = await s.h.call("POST", "/v1/verify", {
      token: null,
      headers: { "x-latchkey-verify-key": VERIFY_KEY },
      body: { token: s.h.root.secret, method: "GET", area: "domains" },
    });
    expect(root.body.token.valid_until).toBeNull();
  });
});

describe("the remote middleware's cache with a token's stream (F4)", () => {
  it("caches the decisions of tokens in the stream token's reach only: it hears no other's changes", async () => {
    let watcher: MintedToken | undefined;
    const s = await setUp(async (h) => {
      watcher = await h.mint({ scopes: ["domains_read", "tokens_full"] });
      return watcher;
    });
    const mine = await mintUnder(s.h, watcher as MintedToken);
    await s.warm(mine.secret);
    const outsider = await s.h.mint({ scopes: ["domains_read"] });
    for (let i = 0; i < 3; i++) {
      const before = s.verifyCalls();
      expect((await s.get(outsider.secret)).status).toBe(200);
      expect(s.verifyCalls()).toBe(before + 1);
    }
  });
});
