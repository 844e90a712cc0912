/**
 * GET /v1/changes, the change stream (issue 11): who may subscribe (the verify key hears every
 * account; a tokens_full token its own), what a subscriber hears (ready, heartbeats, the ids of the
 * tokens that changed), and that another account's changes never reach an account's subscriber.
 */
import { describe, expect, it, onTestFinished } from "vitest";
import { buildApp } from "../../src/http/app.js";
import { openApiHarness, type ApiHarness } from "../helpers/api-harness.js";

const VERIFY_KEY = "change-stream-verify-key";

/** Serves the harness's latchkey with a verify key on a loopback port; returns its base URL. */
async function serve(h: ApiHarness): Promise<string> {
  const app = await buildApp(h.latchkey, { logger: false, verifyKey: VERIFY_KEY });
  await app.listen({ host: "127.0.0.1", port: 0 });
  onTestFinished(() => app.close());
  const address = app.server.address();
  return `http://127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}`;
}

/** An open stream: the events read so far, and a wait for one that matches. */
async function subscribe(base: string, headers: Record<string, string>) {
  const controller = new AbortController();
  onTestFinished(() => controller.abort());
  const response = await fetch(`${base}/v1/changes`, { headers, signal: controller.signal });
  const events: { event: string; data: any }[] = [];
  let buffer = "";
  const state = { ended: false };
  const reader = response.body?.getReader();
  void (async () => {
    const decoder = new TextDecoder();
    for (;;) {
      const chunk = await reader?.read().catch(() => undefined);
      if (chunk === undefined || chunk.done) {
        state.ended = true;
        return;
      }
      buffer += decoder.decode(chunk.value, { stream: true });
      let end = buffer.indexOf("\n\n");
      while (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1] ?? "message";
        const data = /^data: (.*)$/m.exec(block)?.[1];
        events.push({ event, data: data === undefined ? undefined : JSON.parse(data) });
        end = buffer.indexOf("\n\n");
      }
    }
  })();
  const waitFor = async (match: (e: { event: string; data: any }) => boolean): Promise<{ event: string; data: any }> => {
    const deadline = Date.now() + 3_000;
    for (;;) {
      const found = events.find(match);
      if (found !== undefined) return found;
      if (Date.now() > deadline) throw new Error(`no such event among ${JSON.stringify(events)}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };
  return { response, events, waitFor, state };
}

describe("GET /v1/changes", () => {
  it("refuses a request without a credential with 401 token_missing", async () => {
    const h = await openApiHarness();
    const res = await h.call("GET", "/v1/changes", { token: null });
    expect([res.status, res.body.code]).toEqual([401, "token_missing"]);
  });

  it("refuses a token without tokens_full with 403 scope_missing", async () => {
    const h = await openApiHarness();
    const token = await h.mint({ scopes: ["email_full"] });
    const res = await h.call("GET", "/v1/changes", { token: token.secret });
    expect([res.status, res.body.code, res.body.required]).toEqual([403, "scope_missing", "tokens_full"]);
  });

  it("refuses a wrong verify key with 401 verify_key_invalid", async () => {
    const h = await openApiHarness();
    const base = await serve(h);
    const response = await fetch(`${base}/v1/changes`, { headers: { "x-latchkey-verify-key": "not-the-key-at-all" } });
    expect([response.status, ((await response.json()) as { code: string }).code]).toEqual([401, "verify_key_invalid"]);
  });

  it("streams ready, heartbeats and each change's token id to the verify key, for every account", async () => {
    const h = await openApiHarness();
    const base = await serve(h);
    const stream = await subscribe(base, { "x-latchkey-verify-key": VERIFY_KEY });
    expect(stream.response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    expect((await stream.waitFor((e) => e.event === "ready")).data.account_id).toBeNull();
    expect((await stream.waitFor((e) => e.event === "heartbeat")).data.trust_ms).toBeGreaterThan(0);
    await h.latchkey.accounts.create("other");
    const theirs = await h.mint({ scopes: ["email_full"], account: "other" });
    const change = await stream.waitFor((e) => e.event === "change" && e.data.token_ids.includes(theirs.id));
    expect(change.data).toMatchObject({ token_ids: [theirs.id], domains: false });
    expect(change.data.seq).toBeGreaterThan(0);
  });

  it("streams to a tokens_full token only its own account's changes", async () => {
    const h = await openApiHarness();
    const base = await serve(h);
    await h.latchkey.accounts.create("other");
    const theirs = await h.mint({ scopes: ["email_full"], account: "other" });
    const stream = await subscribe(base, { authorization: `Bearer ${h.root.secret}` });
    expect((await stream.waitFor((e) => e.event === "ready")).data.account_id).toMatch(/^acc_/);
    await h.latchkey.tokens.update({ principal: await h.latchkey.operator("other"), ip: null }, theirs.id, { status: "pause" });
    const mine = await h.mint({ scopes: ["email_full"] });
    await stream.waitFor((e) => e.event === "change" && e.data.token_ids.includes(mine.id));
    expect(JSON.stringify(stream.events)).not.toContain(theirs.id);
  });

  it("streams to a token only the changes of the tokens in its reach, none of a sibling's subtree (F4)", async () => {
    const h = await openApiHarness();
    const base = await serve(h);
    const watcher = await h.mint({ scopes: ["tokens_full", "domains_read"] });
    const sibling = await h.mint({ scopes: ["tokens_full", "domains_read"] });
    const made = async (parent: { secret: string }) => {
      const { token } = await h.latchkey.tokens.create(
        { principal: await h.latchkey.authenticate(parent.secret), ip: null },
        { name: "made", scopes: ["domains_read"] },
      );
      return token.id;
    };
    const nephew = await made(sibling);
    const child = await made(watcher);
    const stream = await subscribe(base, { authorization: `Bearer ${watcher.secret}` });
    const ready = await stream.waitFor((e) => e.event === "ready");
    const later = await made(sibling);
    for (const id of [sibling.id, nephew]) expect((await h.call("PUT", `/v1/token/${id}/settings`, { body: { status: "pause" } })).status).toBe(200);
    expect((await h.call("PUT", `/v1/token/${child}/settings`, { body: { status: "pause" } })).status).toBe(200);
    // Made after the sibling's new token: its event is sent after that one was decided.
    const grandchild = await made(watcher);
    await stream.waitFor((e) => e.event === "change" && e.data.token_ids.includes(child));
    await stream.waitFor((e) => e.event === "change" && e.data.token_ids.includes(grandchild));
    const heard = JSON.stringify(stream.events);
    for (const id of [sibling.id, nephew, later]) expect(heard).not.toContain(id);
    expect(stream.events.filter((e) => e.event === "reset")).toEqual([]);
    expect(ready.data.token_id).toBe(watcher.id);
  });

  it("ends the stream of a token paused while subscribed, and sends it nothing more", async () => {
    const h = await openApiHarness();
    const base = await serve(h);
    const watcher = await h.mint({ scopes: ["tokens_full"] });
    const stream = await subscribe(base, { authorization: `Bearer ${watcher.secret}` });
    await stream.waitFor((e) => e.event === "ready");
    expect((await h.call("PUT", `/v1/token/${watcher.id}/settings`, { body: { status: "pause" } })).status).toBe(200);
    const deadline = Date.now() + 3_000;
    while (!stream.state.ended) {
      if (Date.now() > deadline) throw new Error("the stream of a paused token stayed open");
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const later = await h.mint({ scopes: ["email_full"] });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(JSON.stringify(stream.events)).not.toContain(later.id);
  });

  it("is described in the OpenAPI document with an operationId, a summary, a tag and its refusals", async () => {
    const h = await openApiHarness();
    const operation = (await h.call("GET", "/openapi.json", { token: null })).body.paths["/v1/changes"].get;
    expect(operation).toMatchObject({ operationId: "streamChanges", tags: ["changes"] });
    expect(operation.summary).toBeTypeOf("string");
    expect(Object.keys(operation.responses).sort()).toEqual(["200", "401", "403", "429"]);
  });
});
