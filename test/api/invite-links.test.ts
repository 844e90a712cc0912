/**
 * Links that carry a live code (invitations, password resets; issue 16) are never built from the
 * request's Host header: a client sending `Host: evil.example` must not get latchkey to mail a link to
 * the attacker's site (host-header poisoning). Absolute links come from LATCHKEY_PUBLIC_URL only;
 * without it the invitation link is the relative `/invite#code=...` and nothing is mailed. Real SMTP
 * server (smtp-server), SQLite and (postgres project) PostgreSQL.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { RESET_REQUESTED } from "../../src/http/routes/password-reset.js";
import { openMailHarness } from "../helpers/mail-harness.js";
import { startSmtpSink, type SmtpSink } from "../helpers/smtp-sink.js";

const PUBLIC_URL = "https://keys.example.com";
/** Every way a client can name a host: none of them may reach a link. */
const FORGED = { host: "evil.example", "x-forwarded-host": "evil.example", "x-forwarded-proto": "https", forwarded: "host=evil.example;proto=https" };
const CODE = "[A-Za-z0-9_-]{43}";

let sink: SmtpSink;
beforeEach(async () => {
  sink = await startSmtpSink();
});
afterEach(async () => {
  await sink.close();
});

describe("invitation links", () => {
  it("without LATCHKEY_PUBLIC_URL: the relative /invite#code= link whatever the Host, not mailed, and the code works", async () => {
    const h = await openMailHarness({ smtpUrl: sink.url });
    const invited = await h.call("POST", "/v1/users", { body: { email: "ada@example.com", role: "Designer" }, headers: FORGED });
    expect(invited.status).toBe(201);
    expect(invited.body.data.invite_url).toMatch(new RegExp(`^/invite#code=${CODE}$`));
    expect(invited.body.data.mailed).toBe(false);
    expect(invited.text).not.toContain("evil.example");
    const resent = await h.call("POST", `/v1/invites/${invited.body.data.id}/resend`, { headers: FORGED });
    expect(resent.status).toBe(200);
    expect(resent.body.data.invite_url).toMatch(new RegExp(`^/invite#code=${CODE}$`));
    expect(resent.body.data.mailed).toBe(false);
    expect(resent.text).not.toContain("evil.example");
    const code = (resent.body.data.invite_url as string).split("#code=")[1];
    const accepted = await h.call("POST", "/v1/invites/accept", { token: null, body: { code, password: "invitee passphrase 1" } });
    expect(accepted.status).toBe(200);
    expect(sink.messages).toEqual([]);
  });

  it("with LATCHKEY_PUBLIC_URL: the answer and the mail link to it, never to a forged Host", async () => {
    const h = await openMailHarness({ smtpUrl: sink.url, publicUrl: PUBLIC_URL });
    const invited = await h.call("POST", "/v1/users", { body: { email: "ada@example.com", role: "Designer" }, headers: FORGED });
    expect(invited.status).toBe(201);
    const link = invited.body.data.invite_url as string;
    expect(link).toMatch(new RegExp(`^${PUBLIC_URL}/invite#code=${CODE}$`));
    expect(invited.body.data.mailed).toBe(true);
    const resent = await h.call("POST", `/v1/invites/${invited.body.data.id}/resend`, { headers: FORGED });
    expect(resent.body.data.invite_url).toMatch(new RegExp(`^${PUBLIC_URL}/invite#code=${CODE}$`));
    const [first, second] = await sink.waitFor(2);
    expect(first?.to).toEqual(["ada@example.com"]);
    expect(first?.raw).toContain(link);
    expect(second?.raw).toContain(resent.body.data.invite_url);
    for (const text of [invited.text, resent.text, first?.raw, second?.raw]) expect(text).not.toContain("evil.example");
  });
});

describe("password reset links", () => {
  it("with LATCHKEY_PUBLIC_URL: the mailed link is on it, never on a forged Host", async () => {
    const h = await openMailHarness({ smtpUrl: sink.url, publicUrl: PUBLIC_URL });
    await h.createUser("ada@example.com", "a long enough password");
    const asked = await h.call("POST", "/v1/password-reset", { token: null, body: { email: "ada@example.com" }, headers: FORGED });
    expect(asked.status).toBe(202);
    const [mail] = await sink.waitFor(1);
    expect(mail?.raw).toMatch(new RegExp(`${PUBLIC_URL}/reset-password#code=${CODE}`));
    expect(mail?.raw).not.toContain("evil.example");
    expect(asked.text).not.toContain("evil.example");
  });

  it("without LATCHKEY_PUBLIC_URL: the same answer, and no mail with a link on the forged Host", async () => {
    const h = await openMailHarness({ smtpUrl: sink.url });
    await h.createUser("ada@example.com", "a long enough password");
    const asked = await h.call("POST", "/v1/password-reset", { token: null, body: { email: "ada@example.com" }, headers: FORGED });
    expect([asked.status, asked.body.data.message]).toEqual([202, RESET_REQUESTED]);
    await h.latchkey.recovery.whenIdle();
    expect(sink.messages).toEqual([]);
  });
});
