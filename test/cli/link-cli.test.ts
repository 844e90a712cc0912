/**
 * The CLI's links with a live code (`latchkey setup-link`, `user reset-password`, `user invite`) follow
 * the API's rule (issue 16): absolute only on LATCHKEY_PUBLIC_URL, else the path with a hint on stderr;
 * `latchkey config check` warns when SMTP is configured without a public URL (nothing would be mailed).
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main.js";

async function cli(env: Record<string, string>, args: string[], stdin = ""): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(["node", "latchkey", ...args], { out: (t) => out.push(t), err: (t) => err.push(t), readStdin: async () => stdin }, env);
  return { code, out: out.join("\n"), err: err.join("\n") };
}

function database(): string {
  return `sqlite:${join(mkdtempSync(join(tmpdir(), "lk-link-cli-")), "l.db")}`;
}

describe.each([
  { name: "without LATCHKEY_PUBLIC_URL", publicUrl: null, base: "" },
  { name: "with LATCHKEY_PUBLIC_URL", publicUrl: "https://keys.example.com/", base: "https://keys.example.com" },
])("links $name", ({ publicUrl, base }) => {
  const env = (db: string): Record<string, string> => ({ LATCHKEY_DATABASE_URL: db, LATCHKEY_HOST: "0.0.0.0", ...(publicUrl === null ? {} : { LATCHKEY_PUBLIC_URL: publicUrl }) });
  const hint = /LATCHKEY_PUBLIC_URL is not set, so this link is a path/;

  it("setup-link, reset-password and invite print the same kind of link", async () => {
    const db = database();
    expect((await cli(env(db), ["migrate"])).code).toBe(0);
    const setup = await cli(env(db), ["setup-link"]);
    expect(setup.code).toBe(0);
    expect(setup.out).toMatch(new RegExp(`^${base}/setup#code=[A-Za-z0-9_-]{22}$`));
    expect(hint.test(setup.err)).toBe(publicUrl === null);
    expect((await cli(env(db), ["user", "create", "--email", "o@example.com", "--password-stdin"], "owner passphrase 1\n")).code).toBe(0);
    const reset = await cli(env(db), ["user", "reset-password", "o@example.com"]);
    expect(reset.code).toBe(0);
    expect(reset.out).toMatch(new RegExp(`^${base}/reset-password#code=[A-Za-z0-9_-]{43}$`));
    expect(hint.test(reset.err)).toBe(publicUrl === null);
    const invite = await cli(env(db), ["user", "invite", "--email", "d@example.com", "--role", "Designer"]);
    expect(invite.code).toBe(0);
    expect(invite.out).toMatch(new RegExp(`^${base}/invite#code=[A-Za-z0-9_-]{43}$`));
    expect(hint.test(invite.err)).toBe(publicUrl === null);
    // The hint never carries the code.
    for (const [printed, said] of [[setup.out, setup.err], [reset.out, reset.err], [invite.out, invite.err]] as const) expect(said).not.toContain(printed.split("#code=")[1]);
  });
});

describe("config check", () => {
  const smtp = { LATCHKEY_SMTP_URL: "smtp://127.0.0.1:2525", LATCHKEY_SMTP_FROM: "latchkey <noreply@example.com>" };

  it("warns, and still passes, when SMTP is configured without LATCHKEY_PUBLIC_URL", async () => {
    const checked = await cli(smtp, ["config", "check"]);
    expect(checked.code).toBe(0);
    expect(checked.err).toMatch(/^warning: LATCHKEY_SMTP_URL is set without LATCHKEY_PUBLIC_URL/);
  });

  it("says nothing more once LATCHKEY_PUBLIC_URL is set", async () => {
    const checked = await cli({ ...smtp, LATCHKEY_PUBLIC_URL: "https://keys.example.com" }, ["config", "check"]);
    expect([checked.code, checked.err]).toEqual([0, ""]);
  });
});
