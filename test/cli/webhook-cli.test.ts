/**
 * `latchkey webhook ...` over a real SQLite file: create (secret once), list, show, update, the
 * delivery log and redelivery, delete with confirmation; `token create --canary`; bad input exits 1
 * naming the flag; configuration errors of the event settings.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { readEventConfig } from "../../src/cli/config.js";
import { runCli } from "../../src/cli/main.js";
import { Latchkey } from "../../src/service/latchkey.js";

let databaseUrl: string;
beforeEach(async () => {
  databaseUrl = `sqlite:${join(mkdtempSync(join(tmpdir(), "lk-whk-cli-")), "cli.db")}`;
  expect((await cli("migrate")).code).toBe(0);
});

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(["node", "latchkey", ...args], { out: (t) => out.push(t), err: (t) => err.push(t), readStdin: async () => "" }, { LATCHKEY_DATABASE_URL: databaseUrl });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

describe("latchkey webhook", () => {
  it("creates, lists, shows, updates, logs and deletes an endpoint", async () => {
    const created = await cli("webhook", "create", "--name", "ops", "--url", "https://hooks.example.com/x", "--event", "token.paused,token.leaked", "--json");
    expect(created.code).toBe(0);
    const body = JSON.parse(created.out);
    expect(body).toMatchObject({ name: "ops", events: ["token.paused", "token.leaked"], enabled: true });
    expect(body.signing_secret).toMatch(/^whsec_/);
    const list = await cli("webhook", "list");
    expect(list.out).toContain(body.id);
    expect(list.out).not.toContain(body.signing_secret.slice(6));
    const shown = await cli("webhook", "show", body.id);
    expect(shown.out).toMatch(/status:\s+Enabled/);
    expect(shown.out).not.toContain(body.signing_secret.slice(6));
    const updated = await cli("webhook", "update", body.id, "--event", "all", "--disable");
    expect(updated.code).toBe(0);
    expect(updated.out).toMatch(/status:\s+Disabled/);
    expect(updated.out).toContain("canary.used");
    expect((await cli("webhook", "deliveries", body.id)).code).toBe(0);
    expect((await cli("webhook", "redeliver", body.id, "wdl_missing")).code).toBe(1);
    const unconfirmed = await cli("webhook", "delete", body.id);
    expect(unconfirmed.code).toBe(2);
    expect((await cli("webhook", "delete", body.id, "--yes")).code).toBe(0);
    expect((await cli("webhook", "show", body.id)).code).toBe(1);
  });

  it("refuses bad input naming the flag, exit code 1", async () => {
    const res = await cli("webhook", "create", "--name", "x", "--url", "ftp://nope", "--event", "token.nope");
    expect(res.code).toBe(1);
    expect(res.err).toMatch(/--url: /);
    expect(res.err).toMatch(/--event: Unknown events/);
  });

  it("creates a canary token that is refused as unknown", async () => {
    const res = await cli("token", "create", "--name", "bait", "--canary", "--secret-only");
    expect([res.code, res.err]).toEqual([0, ""]);
    const both = await cli("token", "create", "--name", "bait 2", "--canary", "--full");
    expect([both.code, both.err]).toEqual([2, "error: a --canary token grants nothing: give neither --full nor --scope"]);
    const service = await Latchkey.open({ databaseUrl });
    try {
      expect((await service.verify({ token: res.out, method: "GET", area: "domains" })).code).toBe("token_unknown");
    } finally {
      await service.close();
    }
  });
});

describe("event settings", () => {
  it("validates each variable with a clear message", () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ LATCHKEY_SMTP_URL: "http://mail" }, /LATCHKEY_SMTP_URL must be smtp:/],
      [{ LATCHKEY_SMTP_URL: "smtp://mail.example.com" }, /LATCHKEY_SMTP_FROM is required/],
      [{ LATCHKEY_WEBHOOK_ALLOW_PRIVATE: "yes" }, /LATCHKEY_WEBHOOK_ALLOW_PRIVATE must be true or false/],
      [{ LATCHKEY_EXPIRY_REMINDER_DAYS: "7,0" }, /LATCHKEY_EXPIRY_REMINDER_DAYS must be distinct whole days/],
      [{ LATCHKEY_EXPIRY_REMINDER_DAYS: "7,7" }, /distinct/],
      [{ LATCHKEY_EXPIRY_REMINDER_DAYS: "a week" }, /LATCHKEY_EXPIRY_REMINDER_DAYS/],
      [{ LATCHKEY_WEBHOOK_RETENTION_DAYS: "0" }, /LATCHKEY_WEBHOOK_RETENTION_DAYS must be a whole number of days, 1 or more/],
      [{ LATCHKEY_WEBHOOK_RETENTION_DAYS: "30d" }, /LATCHKEY_WEBHOOK_RETENTION_DAYS/],
    ];
    for (const [env, message] of cases) expect(() => readEventConfig(env)).toThrow(message);
    expect(readEventConfig({})).toEqual({ smtpUrl: null, smtpFrom: "", webhookAllowPrivate: false, leakKeysFile: null, expiryReminderDays: [7, 1], webhookRetentionDays: 30 });
    expect(readEventConfig({ LATCHKEY_SMTP_URL: "smtps://u:p@mail.example.com:465", LATCHKEY_SMTP_FROM: "latchkey <n@example.com>", LATCHKEY_WEBHOOK_ALLOW_PRIVATE: "true", LATCHKEY_EXPIRY_REMINDER_DAYS: "1,14,3", LATCHKEY_WEBHOOK_RETENTION_DAYS: "7" })).toMatchObject({
      webhookAllowPrivate: true,
      webhookRetentionDays: 7,
      expiryReminderDays: [14, 3, 1],
    });
  });

  it("serve refuses a bad leak keys file at start, exit code 3", async () => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(["node", "latchkey", "serve", "--port", "0"], { out: (t) => out.push(t), err: (t) => err.push(t), readStdin: async () => "" }, { LATCHKEY_DATABASE_URL: databaseUrl, LATCHKEY_LEAK_KEYS_FILE: "/nonexistent/keys.json" });
    expect(code).toBe(3);
    expect(err.join("\n")).toMatch(/LATCHKEY_LEAK_KEYS_FILE \/nonexistent\/keys.json: /);
  });
});
