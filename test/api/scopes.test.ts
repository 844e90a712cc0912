/** GET /v1/scopes: the seed's catalogue, for any valid token. */
import { describe, expect, it } from "vitest";
import { openApiHarness } from "../helpers/api-harness.js";

describe("GET /v1/scopes", () => {
  it("answers the fifteen areas of the seed in its order to a token with any scope", async () => {
    const h = await openApiHarness();
    const caller = await h.mint({ scopes: ["sms_read"] });
    const res = await h.call("GET", "/v1/scopes", { token: caller.secret });
    expect(res.status).toBe(200);
    expect(res.body.data.map((a: { area: string }) => a.area)).toEqual([
      "email",
      "domains",
      "activity",
      "analytics",
      "tokens",
      "webhooks",
      "templates",
      "suppressions",
      "sms",
      "email_verification",
      "inbounds",
      "recipients",
      "sender_identity",
      "smtp_users",
      "users",
    ]);
  });

  it("describes each area with its label, description, levels and scope strings", async () => {
    const h = await openApiHarness();
    const res = await h.call("GET", "/v1/scopes");
    const byArea = new Map(res.body.data.map((a: { area: string }) => [a.area, a]));
    expect(byArea.get("email")).toEqual({
      area: "email",
      label: "Email",
      description: "The main API endpoint for sending emails through MailerSend.",
      levels: ["none", "full"],
      scopes: ["email_full"],
    });
    expect(byArea.get("domains")).toMatchObject({ label: "Domains", levels: ["none", "read", "full"], scopes: ["domains_read", "domains_full"] });
    expect(byArea.get("tokens")).toMatchObject({ label: "API tokens", levels: ["none", "full"], scopes: ["tokens_full"] });
  });

  it("answers 401 token_missing without a token", async () => {
    const h = await openApiHarness();
    const res = await h.call("GET", "/v1/scopes", { token: null });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe("token_missing");
  });

  it("answers 401 token_paused to a paused token", async () => {
    const h = await openApiHarness();
    const caller = await h.mint({ scopes: ["sms_read"] });
    await h.call("PUT", `/v1/token/${caller.id}/settings`, { body: { status: "pause" } });
    const res = await h.call("GET", "/v1/scopes", { token: caller.secret });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe("token_paused");
  });
});
