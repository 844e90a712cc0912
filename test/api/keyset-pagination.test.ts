/**
 * Keyset pagination (issue 10): following `links.next` never skips or repeats a token or an event
 * while tokens are created and deleted between page reads; MailerSend's `page` and `limit` still work;
 * links start with LATCHKEY_PUBLIC_URL and never with the request's Host header.
 */
import { describe, expect, it } from "vitest";
import { openApiHarness, type ApiHarness } from "../helpers/api-harness.js";

async function createTokens(h: ApiHarness, count: number, prefix: string): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const res = await h.call("POST", "/v1/token", { body: { name: `${prefix} ${i}`, scopes: ["email_full"] } });
    expect(res.status).toBe(201);
    ids.push(res.body.data.id);
  }
  return ids;
}

const idsOf = (body: { data: { id: string }[] }): string[] => body.data.map((t) => t.id);

describe("GET /v1/token by cursor", () => {
  it("never skips or repeats a token while tokens are created and deleted between page reads", async () => {
    const h = await openApiHarness();
    const before = [h.root.id, ...(await createTokens(h, 34, "before"))];
    const newestFirst = [...before].reverse();
    let res = await h.call("GET", "/v1/token?limit=10");
    const seen = idsOf(res.body);
    const deleted = new Set<string>();
    for (let round = 0; res.body.links.next !== null; round++) {
      // Between reads: new tokens at the head, and deletions both of rows already read and of rows ahead.
      await createTokens(h, 3, `during ${round}`);
      for (const id of [seen[round], newestFirst[seen.length + 1]]) {
        if (id === undefined || id === h.root.id || deleted.has(id)) continue;
        expect((await h.call("DELETE", `/v1/token/${id}`)).status).toBe(204);
        deleted.add(id);
      }
      res = await h.call("GET", res.body.links.next);
      expect(res.status).toBe(200);
      seen.push(...idsOf(res.body));
    }
    expect(new Set(seen).size, "no token repeated").toBe(seen.length);
    // Every token present from the first read to the last is seen once, in order; a token deleted
    // ahead of the reader is not shown; tokens created meanwhile are newer than the first page.
    expect(seen.filter((id) => before.includes(id))).toEqual(newestFirst.filter((id) => !deleted.has(id) || seen.includes(id)));
    expect(seen.every((id) => before.includes(id))).toBe(true);
  });

  it("still answers MailerSend's page and limit, and walks back with links.prev", async () => {
    const h = await openApiHarness();
    const ids = [h.root.id, ...(await createTokens(h, 24, "t"))].reverse();
    const third = await h.call("GET", "/v1/token?page=3&limit=10");
    expect(idsOf(third.body)).toEqual(ids.slice(20));
    const second = await h.call("GET", third.body.links.prev);
    expect(idsOf(second.body)).toEqual(ids.slice(10, 20));
    expect(second.body.meta).toMatchObject({ current_page: 2, from: 11, to: 20, total: 25 });
  });

  it("builds links from LATCHKEY_PUBLIC_URL, never from the Host header", async () => {
    const h = await openApiHarness({ publicUrl: "https://keys.example.com/latchkey" });
    await createTokens(h, 12, "t");
    const res = await h.call("GET", "/v1/token?limit=10", { headers: { host: "evil.example", "x-forwarded-host": "evil.example" } });
    expect(res.body.meta.path).toBe("https://keys.example.com/latchkey/v1/token");
    for (const link of Object.values(res.body.links).filter((l) => l !== null)) expect(String(link)).toMatch(/^https:\/\/keys\.example\.com\/latchkey\/v1\/token\?/);
    expect(res.text).not.toContain("evil.example");
  });

  it.each([
    ["not base64url", "%%%"],
    ["not one of ours", Buffer.from("x:tok_1").toString("base64url")],
    ["an id of the wrong shape", Buffer.from("a:tok_1' or 1=1 --").toString("base64url")],
    ["empty", ""],
  ])("answers 422 naming cursor for a cursor that is %s", async (_label, cursor) => {
    const h = await openApiHarness();
    const res = await h.call("GET", `/v1/token?cursor=${encodeURIComponent(cursor)}`);
    expect(res.status).toBe(422);
    expect(Object.keys(res.body.errors)).toEqual(["cursor"]);
  });

  it("answers 422 naming cursor when page is given too", async () => {
    const h = await openApiHarness();
    const first = await h.call("GET", "/v1/token?limit=10");
    const cursor = new URL(`http://x${first.body.links.first}`).searchParams.get("page");
    expect(cursor).toBe("1");
    await createTokens(h, 10, "t");
    const next = (await h.call("GET", "/v1/token?limit=10")).body.links.next as string;
    const res = await h.call("GET", `${next}&page=2`);
    expect(res.status).toBe(422);
    expect(Object.keys(res.body.errors)).toEqual(["cursor"]);
  });
});

describe("GET /v1/audit by cursor", () => {
  it("never skips or repeats an event while events are written between page reads", async () => {
    const h = await openApiHarness();
    await createTokens(h, 25, "t");
    let res = await h.call("GET", "/v1/audit?limit=10");
    const seen: string[] = idsOf(res.body);
    const firstTotal: number = res.body.meta.total;
    while (res.body.links.next !== null) {
      await createTokens(h, 2, "during");
      res = await h.call("GET", res.body.links.next);
      seen.push(...idsOf(res.body));
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBe(firstTotal);
  });
});
