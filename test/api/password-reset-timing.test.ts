/**
 * "Forgot password?" (POST /v1/password-reset, issue 16) must not tell by its timing whether an address
 * belongs to a user: the answer comes first, the look-up, the code and the mail after it. A real SMTP
 * server (smtp-server) that is slow to accept, or that refuses the message quoting it back, on SQLite
 * and (postgres project) PostgreSQL.
 */
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import { afterEach, describe, expect, it } from "vitest";
import { RESET_REQUESTED } from "../../src/http/routes/password-reset.js";
import { openMailHarness } from "../helpers/mail-harness.js";

const PUBLIC_URL = "https://keys.example.com";
const EMAIL = "ada@example.com";
const ACCEPT_DELAY_MS = 1500;

interface TestSmtp {
  readonly url: string;
  /** performance.now() of each message's acceptance (or refusal). */
  readonly acceptedAt: number[];
  close(): Promise<void>;
}

const servers: TestSmtp[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

/** An SMTP server that takes ACCEPT_DELAY_MS to accept a message, or refuses it quoting its body. */
async function startSmtp(mode: "slow" | "refusing"): Promise<TestSmtp> {
  const acceptedAt: number[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        if (mode === "refusing") {
          acceptedAt.push(performance.now());
          const body = Buffer.concat(chunks).toString("latin1").replace(/=\r?\n/g, "").replace(/\s+/g, " ");
          callback(Object.assign(new Error(`refused: ${body}`), { responseCode: 550 }));
          return;
        }
        setTimeout(() => {
          acceptedAt.push(performance.now());
          callback();
        }, ACCEPT_DELAY_MS);
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const smtp = { url: `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`, acceptedAt, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
  servers.push(smtp);
  return smtp;
}

describe("POST /v1/password-reset timing", () => {
  it("answers a known address before the slow SMTP server has accepted its mail", async () => {
    const smtp = await startSmtp("slow");
    const h = await openMailHarness({ smtpUrl: smtp.url, publicUrl: PUBLIC_URL });
    await h.createUser(EMAIL, "a long enough password");
    const startedAt = performance.now();
    const asked = await h.call("POST", "/v1/password-reset", { token: null, body: { email: EMAIL } });
    const answeredAt = performance.now();
    expect([asked.status, asked.body.data.message]).toEqual([202, RESET_REQUESTED]);
    expect(smtp.acceptedAt).toEqual([]);
    expect(answeredAt - startedAt).toBeLessThan(ACCEPT_DELAY_MS);
    await h.latchkey.recovery.whenIdle();
    expect(smtp.acceptedAt).toHaveLength(1);
    expect(smtp.acceptedAt[0]).toBeGreaterThan(answeredAt);
  });

  it("answers an unknown address the same, and mails nothing", async () => {
    const smtp = await startSmtp("slow");
    const h = await openMailHarness({ smtpUrl: smtp.url, publicUrl: PUBLIC_URL });
    await h.createUser(EMAIL, "a long enough password");
    const known = await h.call("POST", "/v1/password-reset", { token: null, body: { email: EMAIL } });
    const unknown = await h.call("POST", "/v1/password-reset", { token: null, body: { email: "nobody@example.com" } });
    expect([unknown.status, unknown.text]).toEqual([known.status, known.text]);
    await h.latchkey.recovery.whenIdle();
    expect(smtp.acceptedAt).toHaveLength(1);
  });

  it("lets a stop wait for the code's database work, not for the slow SMTP server", async () => {
    const smtp = await startSmtp("slow");
    const h = await openMailHarness({ smtpUrl: smtp.url, publicUrl: PUBLIC_URL });
    await h.createUser(EMAIL, "a long enough password");
    expect((await h.call("POST", "/v1/password-reset", { token: null, body: { email: EMAIL } })).status).toBe(202);
    await h.latchkey.recovery.settle();
    expect(await h.latchkey.store.query.selectFrom("password_resets").select("user_id").execute()).toHaveLength(1);
    expect(smtp.acceptedAt).toEqual([]);
    await h.latchkey.recovery.whenIdle();
    expect(smtp.acceptedAt).toHaveLength(1);
  });

  it("tells of a refused mail by its codes only, not the server's reply that quotes the link", async () => {
    const smtp = await startSmtp("refusing");
    const h = await openMailHarness({ smtpUrl: smtp.url, publicUrl: PUBLIC_URL });
    await h.createUser(EMAIL, "a long enough password");
    const errors: string[] = [];
    h.latchkey.recovery.requestReset(EMAIL, PUBLIC_URL, { ip: null }, (error) => errors.push((error as Error).message));
    await h.latchkey.recovery.whenIdle();
    expect(smtp.acceptedAt).toHaveLength(1);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^the password reset mail was not sent \(EMESSAGE 550 DATA\)$/);
  });
});
