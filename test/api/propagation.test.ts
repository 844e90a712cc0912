/**
 * The propagation of a pause, resume, rename or delete in its answer (issue 11): PUT answers carry
 * `propagation` beside `data`, DELETE's 204 carries it in the Latchkey-Propagation header. On SQLite
 * (one process) and on a single PostgreSQL instance it says one instance, applied.
 */
import { describe, expect, it } from "vitest";
import { openApiHarness } from "../helpers/api-harness.js";

const ONE_INSTANCE = { instances: 1, applied: 1, lost: [] };

describe("the propagation of a change in its answer", () => {
  it("answers a pause through /settings with propagation: one instance, applied", async () => {
    const h = await openApiHarness();
    const token = await h.mint({ scopes: ["email_full"] });
    const res = await h.call("PUT", `/v1/token/${token.id}/settings`, { body: { status: "pause" } });
    expect(res.status).toBe(200);
    expect(res.body.data.status).toBe("pause");
    expect(res.body.propagation).toMatchObject(ONE_INSTANCE);
    expect(res.body.propagation.waited_ms).toBeGreaterThanOrEqual(0);
  });

  it("answers a resume and a rename through PUT /v1/token/{id} with propagation", async () => {
    const h = await openApiHarness();
    const token = await h.mint({ scopes: ["email_full"] });
    await h.call("PUT", `/v1/token/${token.id}`, { body: { status: "pause" } });
    const res = await h.call("PUT", `/v1/token/${token.id}`, { body: { status: "unpause", name: "renamed" } });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(["data", "propagation"]);
    expect(res.body.propagation).toMatchObject(ONE_INSTANCE);
  });

  it("answers a change that changes nothing with propagation too, at once", async () => {
    const h = await openApiHarness();
    const token = await h.mint({ scopes: ["email_full"] });
    const res = await h.call("PUT", `/v1/token/${token.id}/settings`, { body: { status: "unpause" } });
    expect(res.body.propagation).toMatchObject(ONE_INSTANCE);
  });

  it("answers a delete's 204 with the propagation as JSON in the Latchkey-Propagation header", async () => {
    const h = await openApiHarness();
    const token = await h.mint({ scopes: ["email_full"] });
    const res = await h.call("DELETE", `/v1/token/${token.id}`);
    expect(res.status).toBe(204);
    expect(res.text).toBe("");
    expect(JSON.parse(String(res.headers["latchkey-propagation"]))).toMatchObject(ONE_INSTANCE);
  });

  it("says nothing of propagation on a refused change (404), and changes nothing", async () => {
    const h = await openApiHarness();
    const res = await h.call("DELETE", "/v1/token/tok_01j00000000000000000000000");
    expect(res.status).toBe(404);
    expect(res.headers["latchkey-propagation"]).toBeUndefined();
  });
});
