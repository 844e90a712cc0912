/**
 * The official `mailersend` SDK (npm, unchanged) as a client of a real, listening latchkey: its
 * TokenModule creates, lists, shows, renames, pauses, resumes and deletes tokens, as it would against
 * api.mailersend.com. Each test starts its own server on a free port over a fresh in-memory database.
 */
import { Token, TokenScopeType } from "mailersend";
import { TokenModule } from "mailersend/lib/modules/Token.module.js";
import { describe, expect, it } from "vitest";
import { openApiHarness, type ApiHarness } from "../helpers/api-harness.js";

interface SdkSetup {
  readonly h: ApiHarness;
  readonly sdk: TokenModule;
  readonly domainId: string;
}

/** Opens a harness, listens on 127.0.0.1 on a free port, and points the SDK at its /v1. */
async function listeningSdk(): Promise<SdkSetup> {
  const h = await openApiHarness();
  const domainId = await h.addDomain("example.com");
  const address = await h.app.listen({ port: 0, host: "127.0.0.1" });
  return { h, sdk: new TokenModule(h.root.secret, `${address}/v1`), domainId };
}

/** The SDK throws `{statusCode, body, headers}` for error statuses; this returns it instead. */
async function refusal(promise: Promise<unknown>): Promise<{ statusCode: number; body: { code: string } }> {
  try {
    await promise;
  } catch (error) {
    return error as { statusCode: number; body: { code: string } };
  }
  throw new Error("expected the SDK call to be refused");
}

function newToken(domainId: string): Token {
  return new Token("SDK token", [TokenScopeType.EMAIL_FULL, TokenScopeType.DOMAINS_READ], domainId);
}

describe("mailersend SDK TokenModule against latchkey", () => {
  it("creates a token with new Token(name, scopes, domainId): 201 and accessToken", async () => {
    const { sdk, domainId } = await listeningSdk();
    const res = await sdk.create(newToken(domainId));
    expect(res.statusCode).toBe(201);
    expect(res.body.data).toMatchObject({
      name: "SDK token",
      status: "unpause",
      scopes: ["email_full", "domains_read"],
      domain: { id: domainId, name: "example.com" },
    });
    expect(res.body.data.accessToken).toMatch(/^lk_1[0-9A-Za-z]{38}$/);
  });

  it("gets a secret from create that works in verification", async () => {
    const { h, sdk, domainId } = await listeningSdk();
    const res = await sdk.create(newToken(domainId));
    const verdict = await h.latchkey.verify({ token: res.body.data.accessToken, method: "POST", area: "email", domain: "example.com" });
    expect(verdict.allowed).toBe(true);
  });

  it("lists tokens newest first with page and limit", async () => {
    const { h, sdk, domainId } = await listeningSdk();
    const created = await sdk.create(newToken(domainId));
    const res = await sdk.list({ page: 1, limit: 10 });
    expect(res.statusCode).toBe(200);
    expect(res.body.data.map((t: { id: string }) => t.id)).toEqual([created.body.data.id, h.root.id]);
    expect(res.body.meta).toMatchObject({ current_page: 1, per_page: 10, total: 2 });
    expect(JSON.stringify(res.body)).not.toContain(created.body.data.accessToken);
  });

  it("shows one token with single()", async () => {
    const { sdk, domainId } = await listeningSdk();
    const created = await sdk.create(newToken(domainId));
    const res = await sdk.single(created.body.data.id);
    expect(res.statusCode).toBe(200);
    expect(res.body.data).toMatchObject({ id: created.body.data.id, name: "SDK token" });
    expect(res.body.data.accessToken).toBeUndefined();
  });

  it("renames a token with update()", async () => {
    const { sdk, domainId } = await listeningSdk();
    const created = await sdk.create(newToken(domainId));
    const res = await sdk.update(created.body.data.id, { name: "Renamed by SDK" });
    expect(res.statusCode).toBe(200);
    expect(res.body.data.name).toBe("Renamed by SDK");
    expect((await sdk.single(created.body.data.id)).body.data.name).toBe("Renamed by SDK");
  });

  it("pauses a token with updateSettings(), refused by the next verification", async () => {
    const { h, sdk, domainId } = await listeningSdk();
    const created = await sdk.create(newToken(domainId));
    const res = await sdk.updateSettings(created.body.data.id, { status: "pause" });
    expect(res.statusCode).toBe(200);
    expect(res.body.data.status).toBe("pause");
    const verdict = await h.latchkey.verify({ token: created.body.data.accessToken, method: "POST", area: "email" });
    expect(verdict.code).toBe("token_paused");
  });

  it("resumes a token with updateSettings() unpause", async () => {
    const { h, sdk, domainId } = await listeningSdk();
    const created = await sdk.create(newToken(domainId));
    await sdk.updateSettings(created.body.data.id, { status: "pause" });
    const res = await sdk.updateSettings(created.body.data.id, { status: "unpause" });
    expect(res.statusCode).toBe(200);
    expect(res.body.data.status).toBe("unpause");
    // The token is limited to one domain: a change names it (DESIGN.md, domain_required).
    const verdict = await h.latchkey.verify({ token: created.body.data.accessToken, method: "POST", area: "email", domain: domainId });
    expect(verdict.code).toBe("ok");
  });

  it("deletes a token with delete(): 204, after which single() is refused with 404", async () => {
    const { sdk, domainId } = await listeningSdk();
    const created = await sdk.create(newToken(domainId));
    const res = await sdk.delete(created.body.data.id);
    expect(res.statusCode).toBe(204);
    const gone = await refusal(sdk.single(created.body.data.id));
    expect(gone.statusCode).toBe(404);
    expect(gone.body.code).toBe("not_found");
  });

  it("gets 422 with errors for a scope latchkey's catalogue lacks", async () => {
    const { sdk, domainId } = await listeningSdk();
    const res = await refusal(sdk.create(new Token("Dmarc", [TokenScopeType.DMARC_MONITORING_READ], domainId)));
    expect(res.statusCode).toBe(422);
    expect(res.body).toMatchObject({ code: "validation_failed", errors: { scopes: expect.any(Array) } });
  });

  it("gets 401 token_unknown once its own token is deleted", async () => {
    const { h, sdk } = await listeningSdk();
    await h.call("DELETE", `/v1/token/${h.root.id}`);
    const res = await refusal(sdk.list());
    expect(res.statusCode).toBe(401);
    expect(res.body.code).toBe("token_unknown");
  });
});
