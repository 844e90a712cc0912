/**
 * /v1/webhooks: create (the signing secret shown once), list, show, update, delete; who may manage
 * endpoints; what is refused as invalid; the OpenAPI description of the new routes. Runs on SQLite
 * and PostgreSQL.
 */
import { describe, expect, it } from "vitest";
import { openApiHarness } from "../helpers/api-harness.js";

const BODY = { name: "Ops alerts", url: "https://hooks.example.com/latchkey", events: ["token.paused", "token.created"] };

describe("webhook endpoints", () => {
  it("creates an endpoint with a Standard Webhooks signing secret shown only in the create answer", async () => {
    const h = await openApiHarness();
    const created = await h.call("POST", "/v1/webhooks", { body: BODY });
    expect(created.status).toBe(201);
    expect(created.headers["cache-control"]).toBe("no-store");
    const { data } = created.body;
    expect(data).toMatchObject({ name: "Ops alerts", url: "https://hooks.example.com/latchkey", events: ["token.created", "token.paused"], enabled: true, disabled_reason: null, failing_since: null });
    expect(data.id).toMatch(/^whk_/);
    expect(data.signing_secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    const secretPart = data.signing_secret.slice(6);
    const shown = await h.call("GET", `/v1/webhooks/${data.id}`);
    const listed = await h.call("GET", "/v1/webhooks");
    expect(shown.status).toBe(200);
    expect(listed.body.data).toHaveLength(1);
    expect(listed.body.meta.total).toBe(1);
    for (const res of [shown, listed]) {
      expect(res.text).not.toContain(secretPart);
      expect(res.text).not.toContain("signing_secret");
    }
  });

  it("updates name, url, events and enabled, and deletes (then 404)", async () => {
    const h = await openApiHarness();
    const { id } = (await h.call("POST", "/v1/webhooks", { body: BODY })).body.data;
    const updated = await h.call("PUT", `/v1/webhooks/${id}`, { body: { name: "Renamed", events: ["token.leaked"], enabled: false } });
    expect(updated.status).toBe(200);
    expect(updated.body.data).toMatchObject({ name: "Renamed", events: ["token.leaked"], enabled: false, url: BODY.url });
    expect((await h.call("PUT", `/v1/webhooks/${id}`, { body: {} })).status).toBe(422);
    expect((await h.call("DELETE", `/v1/webhooks/${id}`)).status).toBe(204);
    expect((await h.call("DELETE", `/v1/webhooks/${id}`)).status).toBe(404);
    expect((await h.call("GET", `/v1/webhooks/${id}`)).status).toBe(404);
    expect((await h.call("GET", `/v1/webhooks/${id}/deliveries`)).status).toBe(404);
  });

  it("refuses bad fields with 422 naming each, and changes nothing", async () => {
    const h = await openApiHarness();
    const cases: [string, unknown, string[]][] = [
      ["no name", { ...BODY, name: "  " }, ["name"]],
      ["ftp url", { ...BODY, url: "ftp://example.com/x" }, ["url"]],
      ["relative url", { ...BODY, url: "/hook" }, ["url"]],
      ["credentials in url", { ...BODY, url: "https://user:pass@example.com/x" }, ["url"]],
      ["private address", { ...BODY, url: "http://192.168.1.20/hook" }, ["url"]],
      ["no events", { ...BODY, events: [] }, ["events"]],
      ["unknown event", { ...BODY, events: ["token.exploded"] }, ["events"]],
      ["an event type latchkey does not send", { ...BODY, events: ["token.sneezed"] }, ["events"]],
      ["extra field", { ...BODY, secret: "mine" }, ["secret"]],
      ["wrong type", { ...BODY, enabled: "yes" }, ["enabled"]],
      ["all at once", { name: "", url: "nope", events: ["x"] }, ["name", "url", "events"]],
    ];
    for (const [label, body, fields] of cases) {
      const res = await h.call("POST", "/v1/webhooks", { body });
      expect([label, res.status, res.body.code, Object.keys(res.body.errors ?? {}).sort()]).toEqual([label, 422, "validation_failed", [...fields].sort()]);
    }
    expect((await h.call("GET", "/v1/webhooks")).body.meta.total).toBe(0);
  });

  it("needs webhooks_full for all domains; another account's endpoint is not found", async () => {
    const h = await openApiHarness();
    const { id } = (await h.call("POST", "/v1/webhooks", { body: BODY })).body.data;
    const noScope = await h.mint({ scopes: ["tokens_full"] });
    const domainId = await h.addDomain("example.com");
    const limited = await h.mint({ scopes: ["webhooks_full"], domains: [domainId] });
    const allowed = await h.mint({ scopes: ["webhooks_full"] });
    expect((await h.call("GET", "/v1/webhooks", { token: noScope.secret })).body).toMatchObject({ code: "scope_missing", required: "webhooks_full" });
    expect((await h.call("POST", "/v1/webhooks", { token: noScope.secret, body: BODY })).status).toBe(403);
    expect((await h.call("GET", "/v1/webhooks", { token: limited.secret })).body.code).toBe("all_domains_required");
    // A token manages the endpoints made by itself or its subtree, not the root's (finding F7; webhook-reach.test.ts).
    const own = (await h.call("POST", "/v1/webhooks", { token: allowed.secret, body: BODY })).body.data.id;
    expect((await h.call("GET", `/v1/webhooks/${own}`, { token: allowed.secret })).status).toBe(200);
    expect((await h.call("GET", `/v1/webhooks/${id}`, { token: allowed.secret })).status).toBe(404);
    expect((await h.call("GET", "/v1/webhooks", { token: null })).status).toBe(401);
    await h.latchkey.accounts.create("other");
    const stranger = await h.mint({ account: "other" });
    for (const [method, url] of [["GET", `/v1/webhooks/${id}`], ["PUT", `/v1/webhooks/${id}`], ["DELETE", `/v1/webhooks/${id}`], ["GET", `/v1/webhooks/${id}/deliveries`]] as const) {
      const res = await h.call(method, url, { token: stranger.secret, ...(method === "PUT" ? { body: { name: "mine" } } : {}) });
      expect([method, url, res.status]).toEqual([method, url, 404]);
    }
    expect((await h.call("GET", "/v1/webhooks", { token: stranger.secret })).body.meta.total).toBe(0);
  });

  it("describes every new route in OpenAPI with operationId, summary, tags and 4xx answers", async () => {
    const h = await openApiHarness();
    const doc = (await h.call("GET", "/openapi.json", { token: null })).body;
    const routes: [string, string][] = [
      ["get", "/v1/webhooks"],
      ["post", "/v1/webhooks"],
      ["get", "/v1/webhooks/{id}"],
      ["put", "/v1/webhooks/{id}"],
      ["delete", "/v1/webhooks/{id}"],
      ["get", "/v1/webhooks/{id}/deliveries"],
      ["post", "/v1/webhooks/{id}/deliveries/{deliveryId}/redeliver"],
      ["post", "/v1/leaks"],
    ];
    const operationIds = new Set<string>();
    for (const [method, path] of routes) {
      const op = doc.paths[path]?.[method];
      expect(op, `${method} ${path}`).toBeDefined();
      expect(typeof op.operationId).toBe("string");
      operationIds.add(op.operationId);
      expect(op.summary.length).toBeGreaterThan(0);
      expect(op.tags.length).toBeGreaterThan(0);
      expect(Object.keys(op.responses).some((status) => status.startsWith("4")), `${method} ${path} 4xx`).toBe(true);
    }
    expect(operationIds.size).toBe(routes.length);
  });
});
