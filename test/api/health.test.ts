/** GET /healthz (the process answers) and GET /readyz (the database answers), both without a token. */
import { describe, expect, it } from "vitest";
import { openApiHarness } from "../helpers/api-harness.js";

describe("GET /healthz", () => {
  it("answers 200 status ok without a token", async () => {
    const h = await openApiHarness();
    const res = await h.call("GET", "/healthz", { token: null });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: "ok" });
  });
});

describe("GET /readyz", () => {
  it("answers 200 status ok while the database answers", async () => {
    const h = await openApiHarness();
    // PostgreSQL: ready once the change feed has caught up (503 catching_up for a moment after opening).
    let res = await h.call("GET", "/readyz", { token: null });
    for (let i = 0; i < 100 && res.status !== 200; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      res = await h.call("GET", "/readyz", { token: null });
    }
    expect(res.status).toBe(200);
    // SQLite has no change feed to hear (local); PostgreSQL's is live once caught up.
    expect(res.body).toEqual({ status: "ok", change_feed: process.env.LATCHKEY_TEST_STORE === "postgres" ? "live" : "local" });
  });

  it("answers 503 unavailable once the database is gone", async () => {
    const h = await openApiHarness();
    await h.latchkey.store.close();
    const res = await h.call("GET", "/readyz", { token: null });
    expect(res.status).toBe(503);
    expect(res.body.code).toBe("unavailable");
  });
});
