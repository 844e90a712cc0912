/**
 * GET /v1/token: newest first, `?page` and `?limit`, and the `{data, links, meta}` page shape. Links
 * are paths without LATCHKEY_PUBLIC_URL (never the Host header); `next` and `prev` are cursors
 * (page-cursor.ts; keyset-pagination.test.ts follows them while the list changes).
 */
import { describe, expect, it } from "vitest";
import { openApiHarness, TOKEN_OBJECT_KEYS, type ApiHarness } from "../helpers/api-harness.js";

const BASE = "/v1/token";
const CURSOR = /^\/v1\/token\?cursor=[A-Za-z0-9_-]+&limit=10$/;

/** Creates `count` tokens through the API; returns their ids in creation order (the root token first). */
async function createTokens(h: ApiHarness, count: number): Promise<string[]> {
  const ids = [h.root.id];
  for (let i = 1; i <= count; i++) {
    const res = await h.call("POST", "/v1/token", { body: { name: `token ${i}`, scopes: ["email_full"] } });
    expect(res.status).toBe(201);
    ids.push(res.body.data.id);
  }
  return ids;
}

describe("GET /v1/token", () => {
  it("lists the account's tokens newest first", async () => {
    const h = await openApiHarness();
    const ids = await createTokens(h, 3);
    const res = await h.call("GET", "/v1/token");
    expect(res.status).toBe(200);
    expect(res.body.data.map((t: { id: string }) => t.id)).toEqual([...ids].reverse());
  });

  it("gives each listed token exactly the token object's fields, without a secret", async () => {
    const h = await openApiHarness();
    await createTokens(h, 1);
    const res = await h.call("GET", "/v1/token");
    for (const token of res.body.data) expect(Object.keys(token).sort()).toEqual(TOKEN_OBJECT_KEYS);
  });

  it("answers with page 1 of 25 by default, with links and meta", async () => {
    const h = await openApiHarness();
    await createTokens(h, 2);
    const res = await h.call("GET", "/v1/token");
    expect(res.body.links).toEqual({ first: `${BASE}?page=1&limit=25`, last: `${BASE}?page=1&limit=25`, prev: null, next: null });
    expect(res.body.meta).toEqual({ current_page: 1, from: 1, last_page: 1, path: BASE, per_page: 25, to: 3, total: 3 });
  });

  it("pages with ?limit=10: the first page", async () => {
    const h = await openApiHarness();
    const ids = await createTokens(h, 22);
    const res = await h.call("GET", "/v1/token?limit=10");
    expect(res.body.data.map((t: { id: string }) => t.id)).toEqual([...ids].reverse().slice(0, 10));
    expect(res.body.links).toEqual({ first: `${BASE}?page=1&limit=10`, last: `${BASE}?page=3&limit=10`, prev: null, next: expect.stringMatching(CURSOR) });
    const next = await h.call("GET", res.body.links.next);
    expect(next.body.data.map((t: { id: string }) => t.id)).toEqual([...ids].reverse().slice(10, 20));
    expect(next.body.meta).toMatchObject({ current_page: 2, from: 11, to: 20, total: 23 });
    expect(res.body.meta).toEqual({ current_page: 1, from: 1, last_page: 3, path: BASE, per_page: 10, to: 10, total: 23 });
  });

  it("pages with ?page=2&limit=10: a middle page", async () => {
    const h = await openApiHarness();
    const ids = await createTokens(h, 22);
    const res = await h.call("GET", "/v1/token?page=2&limit=10");
    expect(res.body.data.map((t: { id: string }) => t.id)).toEqual([...ids].reverse().slice(10, 20));
    expect(res.body.links).toEqual({ first: `${BASE}?page=1&limit=10`, last: `${BASE}?page=3&limit=10`, prev: expect.stringMatching(CURSOR), next: expect.stringMatching(CURSOR) });
    const prev = await h.call("GET", res.body.links.prev);
    expect(prev.body.data.map((t: { id: string }) => t.id)).toEqual([...ids].reverse().slice(0, 10));
    expect(prev.body.links.prev).toBeNull();
    expect(res.body.meta).toMatchObject({ current_page: 2, from: 11, to: 20, total: 23 });
  });

  it("pages with ?page=3&limit=10: the last, partial page", async () => {
    const h = await openApiHarness();
    const ids = await createTokens(h, 22);
    const res = await h.call("GET", "/v1/token?page=3&limit=10");
    expect(res.body.data.map((t: { id: string }) => t.id)).toEqual([...ids].reverse().slice(20));
    expect(res.body.links).toMatchObject({ prev: expect.stringMatching(CURSOR), next: null });
    expect(res.body.meta).toMatchObject({ current_page: 3, from: 21, last_page: 3, to: 23, total: 23 });
  });

  it("covers every token exactly once across the pages", async () => {
    const h = await openApiHarness();
    const ids = await createTokens(h, 22);
    const seen: string[] = [];
    for (let page = 1; page <= 3; page++) {
      const res = await h.call("GET", `/v1/token?page=${page}&limit=10`);
      seen.push(...res.body.data.map((t: { id: string }) => t.id));
    }
    expect(seen).toEqual([...ids].reverse());
  });

  it("answers an empty page past the last one, with from and to null", async () => {
    const h = await openApiHarness();
    await createTokens(h, 2);
    const res = await h.call("GET", "/v1/token?page=4&limit=10");
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual([]);
    expect(res.body.meta).toMatchObject({ current_page: 4, from: null, to: null, last_page: 1, total: 3 });
    expect(res.body.links).toMatchObject({ prev: `${BASE}?page=1&limit=10`, next: null });
  });

  it.each([10, 100])("accepts limit=%i", async (limit) => {
    const h = await openApiHarness();
    const res = await h.call("GET", `/v1/token?limit=${limit}`);
    expect(res.status).toBe(200);
    expect(res.body.meta.per_page).toBe(limit);
  });

  it.each(["9", "101", "abc", "0", "-10", "10.5", ""])("answers 422 naming limit for limit=%s", async (limit) => {
    const h = await openApiHarness();
    const res = await h.call("GET", `/v1/token?limit=${limit}`);
    expect(res.status).toBe(422);
    expect(res.body.code).toBe("validation_failed");
    expect(Object.keys(res.body.errors)).toEqual(["limit"]);
  });

  it.each(["0", "-1", "abc"])("answers 422 naming page for page=%s", async (page) => {
    const h = await openApiHarness();
    const res = await h.call("GET", `/v1/token?page=${page}`);
    expect(res.status).toBe(422);
    expect(res.body.code).toBe("validation_failed");
    expect(Object.keys(res.body.errors)).toEqual(["page"]);
  });
});
