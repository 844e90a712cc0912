/**
 * The CLI over a real SQLite file: each command, its output, its exit codes, and that a change made
 * by the CLI is seen by a running service's next verification.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main.js";
import { Latchkey } from "../../src/service/latchkey.js";

const run = promisify(execFile);

let databaseUrl: string;
beforeEach(async () => {
  databaseUrl = `sqlite:${join(mkdtempSync(join(tmpdir(), "lk-cli-")), "cli.db")}`;
  expect((await cli("migrate")).code).toBe(0);
});

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(["node", "latchkey", ...args], { out: (t) => out.push(t), err: (t) => err.push(t), readStdin: async () => "" }, { LATCHKEY_DATABASE_URL: databaseUrl });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

let service: Latchkey | undefined;
afterEach(async () => {
  await service?.close();
  service = undefined;
});

describe("token create", () => {
  it("prints only a working secret with --secret-only", async () => {
    const { code, out } = await cli("token", "create", "--name", "admin", "--full", "--secret-only");
    expect(code).toBe(0);
    expect(out).toMatch(/^lk_1[0-9A-Za-z]{38}$/);
    service = await Latchkey.open({ databaseUrl });
    expect((await service.verify({ token: out, method: "DELETE", area: "tokens" })).code).toBe("ok");
  });

  it("prints the details and the secret, with the one-time warning on stderr", async () => {
    const { code, out, err } = await cli("token", "create", "--name", "reader", "--scope", "domains_read", "analytics_read");
    expect(code).toBe(0);
    expect(out).toMatch(/access:\s+Custom access/);
    expect(out).toMatch(/scopes:\s+domains_read, analytics_read/);
    expect(out).toMatch(/secret:\s+lk_1/);
    expect(err).toMatch(/will not be shown again/);
  });

  it("limits a token to a domain given by name", async () => {
    expect((await cli("domain", "add", "example.com")).code).toBe(0);
    const { out } = await cli("token", "create", "--name", "one", "--scope", "email_full", "--domain", "Example.com", "--secret-only");
    service = await Latchkey.open({ databaseUrl });
    expect((await service.verify({ token: out, method: "POST", area: "email", domain: "example.com" })).code).toBe("ok");
    expect((await service.verify({ token: out, method: "POST", area: "email", domain: "example.org" })).code).toBe("domain_not_allowed");
  });

  it("refuses an unknown scope with exit code 1 and a one-line reason naming the field", async () => {
    const { code, err, out } = await cli("token", "create", "--name", "x", "--scope", "email_read");
    expect(code).toBe(1);
    expect(out).toBe("");
    expect(err).toMatch(/^error: --scope: .*email_read/);
    expect(err.split("\n")).toHaveLength(1);
  });

  it("shows a date-only expiry as the day chosen", async () => {
    const { out } = await cli("token", "create", "--name", "dated", "--full", "--expires", "2099-12-31");
    expect(out).toMatch(/expires:\s+2099-12-31 \(through the end of that day, UTC\)/);
  });

  it("refuses a past expiry with exit code 1", async () => {
    const { code, err } = await cli("token", "create", "--name", "x", "--full", "--expires", "2001-01-01");
    expect(code).toBe(1);
    expect(err).toMatch(/--expires/);
  });

  it("lists the area's real scopes for an unknown one", async () => {
    const { err } = await cli("token", "create", "--name", "x", "--scope", "email_read");
    expect(err).toBe('error: --scope: "email_read" is not a scope of this catalogue; Email has email_full');
  });

  it("asks for --full or --scope in its own terms when neither is given (not has_full)", async () => {
    for (const args of [[], ["--scope", ""], ["--scope", ","]]) {
      const { code, err } = await cli("token", "create", "--name", "x", ...args);
      expect([code, err], args.join(" ")).toEqual([2, "error: give --full (Full access) or --scope with at least one scope (Custom access), e.g. --scope domains_read"]);
    }
  });

  it("refuses --full with --scope as a usage error", async () => {
    expect((await cli("token", "create", "--name", "x", "--full", "--scope", "email_full")).code).toBe(2);
  });

  it("exits 2 on a missing required option", async () => {
    expect((await cli("token", "create", "--full")).code).toBe(2);
  });
});

describe("token management", () => {
  async function created(): Promise<{ id: string; secret: string }> {
    const { out } = await cli("token", "create", "--name", "managed", "--full", "--json");
    const parsed = JSON.parse(out) as { id: string; accessToken: string };
    return { id: parsed.id, secret: parsed.accessToken };
  }

  it("lists tokens without their secrets", async () => {
    const { id, secret } = await created();
    const { code, out } = await cli("token", "list");
    expect(code).toBe(0);
    expect(out).toContain(id);
    expect(out).not.toContain(secret);
  });

  it("shows, renames, pauses, resumes and deletes a token", async () => {
    const { id, secret } = await created();
    expect((await cli("token", "rename", id, "renamed")).out).toContain("renamed");
    expect((await cli("token", "show", id)).out).toMatch(/name:\s+renamed/);
    expect((await cli("token", "pause", id)).code).toBe(0);
    expect((await cli("token", "show", id)).out).toMatch(/status:\s+Paused/);
    expect((await cli("token", "resume", id)).code).toBe(0);
    expect((await cli("token", "delete", id)).code).toBe(2);
    expect((await cli("token", "delete", id, "--yes")).code).toBe(0);
    expect((await cli("token", "show", id)).code).toBe(1);
    service = await Latchkey.open({ databaseUrl });
    expect((await service.verify({ token: secret, method: "GET", area: "sms" })).code).toBe("token_unknown");
  });

  it("is seen by a running service on its very next verification", async () => {
    const { id, secret } = await created();
    service = await Latchkey.open({ databaseUrl });
    expect((await service.verify({ token: secret, method: "GET", area: "sms" })).code).toBe("ok");
    await cli("token", "pause", id);
    expect((await service.verify({ token: secret, method: "GET", area: "sms" })).code).toBe("token_paused");
    await cli("token", "resume", id);
    expect((await service.verify({ token: secret, method: "GET", area: "sms" })).code).toBe("ok");
    await cli("token", "delete", id, "--yes");
    expect((await service.verify({ token: secret, method: "GET", area: "sms" })).code).toBe("token_unknown");
  });

  it("shows a name stored before the name rule with its hidden and look-alike characters visible (break test)", async () => {
    const { id } = await created();
    service = await Latchkey.open({ databaseUrl });
    const account = await service.store.findAccountByName("default");
    await service.store.updateToken(account?.id ?? "", id, { name: "p\u0430yp\u202Eal\u200B", updated_at: new Date().toISOString() });
    await service.close();
    service = undefined;
    expect((await cli("token", "show", id)).out).toMatch(/name:\s+p\u0430<U\+0430 \(Cyrillic\)>yp<U\+202E>al<U\+200B>$/m);
    expect((await cli("token", "list")).out).toContain("p\u0430<U+0430 (Cyrillic)>yp<U+202E>al<U+200B>");
    expect(JSON.parse((await cli("token", "show", id, "--json")).out).name).toBe("p\u0430yp\u202Eal\u200B");
    expect((await cli("token", "rename", id, "paypal")).code).toBe(0);
  });

  it("refuses a name with a hidden character, naming the rule", async () => {
    const { code, err } = await cli("token", "create", "--name", "ad\u200Bmin", "--full");
    expect(code).toBe(1);
    expect(err).toMatch(/name: The name may not contain invisible characters/);
  });

  it("pauses a token with its subtree (--cascade), seen by a running service at once, and resumes it", async () => {
    const { id, secret } = await created();
    service = await Latchkey.open({ databaseUrl });
    const kid = await service.tokens.create({ principal: await service.authenticate(secret), ip: null }, { name: "kid", scopes: ["sms_read"] });
    expect((await service.verify({ token: kid.secret, method: "GET", area: "sms" })).code).toBe("ok");
    const paused = await cli("token", "pause", id, "--cascade");
    expect(paused.code).toBe(0);
    expect(paused.out).toContain("2 tokens changed");
    expect((await service.verify({ token: kid.secret, method: "GET", area: "sms" })).code).toBe("token_paused");
    expect((await cli("token", "resume", id)).code).toBe(0);
    expect((await service.verify({ token: kid.secret, method: "GET", area: "sms" })).code).toBe("token_paused");
    expect((await cli("token", "resume", id, "--cascade")).out).toContain("1 token changed");
    expect((await service.verify({ token: kid.secret, method: "GET", area: "sms" })).code).toBe("ok");
  });

  it("takes a token's name wherever it takes its id, and asks for the id when the name is shared", async () => {
    const { id } = await created();
    expect((await cli("token", "show", "managed")).out).toContain(id);
    expect((await cli("token", "rename", "managed", "by name")).out).toBe(`Renamed ${id} to by name`);
    expect((await cli("token", "pause", "by name")).out).toBe(`Paused ${id} (by name)`);
    expect((await cli("token", "resume", "by name")).out).toBe(`Resumed ${id} (by name)`);
    const twin = (await cli("token", "create", "--name", "by name", "--full", "--json")).out;
    const twinId = JSON.parse(twin).id as string;
    const shared = await cli("token", "delete", "by name", "--yes");
    expect([shared.code, shared.err]).toEqual([2, `error: 2 tokens are named "by name" (${twinId}, ${id}); give the id`]);
    expect((await cli("token", "delete", "by name", "--yes")).code).toBe(2);
    expect((await cli("token", "delete", id, "--yes")).out).toBe(`Deleted ${id} (by name)`);
    expect((await cli("token", "delete", "by name", "--yes")).out).toBe(`Deleted ${twinId} (by name)`);
  });

  it("names the <name> argument, not a --name flag, when a rename is refused", async () => {
    const { id } = await created();
    const { code, err } = await cli("token", "rename", id, " ");
    expect([code, err]).toEqual([1, "error: <name>: The name is required."]);
  });

  it("answers not found for an unknown id with exit code 1", async () => {
    const { code, err } = await cli("token", "pause", "tok_nope");
    expect(code).toBe(1);
    expect(err).toMatch(/No such token/);
  });
});

describe("domains and accounts", () => {
  it("adds, lists and removes a domain", async () => {
    expect((await cli("domain", "add", "Example.COM.")).out).toMatch(/Added example\.com/);
    expect((await cli("domain", "list")).out).toContain("example.com");
    expect((await cli("domain", "remove", "example.com", "--yes")).code).toBe(0);
    expect((await cli("domain", "list")).out).not.toContain("example.com");
  });

  it("names the <name> argument, not a --name flag, for a bad domain name (break test)", async () => {
    const { code, err } = await cli("domain", "add", "not a domain");
    expect(code).toBe(1);
    expect(err).toMatch(/^error: <name>: The domain name must be a DNS name/);
    expect(err).not.toContain("--name");
  });

  it("removes a domain by id or by name, only with --yes", async () => {
    const added = JSON.parse((await cli("domain", "add", "example.com", "--json")).out) as { id: string };
    await cli("domain", "add", "example.org");
    const unconfirmed = await cli("domain", "remove", "example.com");
    expect([unconfirmed.code, unconfirmed.err]).toEqual([2, `error: this removes example.com (${added.id}); run again with --yes to confirm`]);
    expect((await cli("domain", "list")).out).toContain("example.com");
    expect((await cli("domain", "remove", added.id, "--yes")).out).toBe("Removed example.com");
    expect((await cli("domain", "remove", "Example.ORG", "--yes")).out).toBe("Removed example.org");
    expect((await cli("domain", "list")).out).not.toContain("example.");
  });

  it("refuses an invalid domain name", async () => {
    expect((await cli("domain", "add", "not a domain")).code).toBe(1);
  });

  it("creates and lists accounts, and keeps their tokens apart", async () => {
    expect((await cli("account", "create", "acme")).code).toBe(0);
    expect((await cli("account", "list")).out).toMatch(/default[\s\S]*acme/);
    await cli("token", "create", "--name", "acme-token", "--full", "--account", "acme");
    expect((await cli("token", "list")).out).not.toContain("acme-token");
    expect((await cli("token", "list", "--account", "acme")).out).toContain("acme-token");
  });

  it("refuses a duplicate account", async () => {
    await cli("account", "create", "acme");
    expect((await cli("account", "create", "acme")).code).toBe(1);
  });
});

describe("configuration", () => {
  it("refuses a database file that does not exist, rather than creating an empty one", async () => {
    const missing = join(mkdtempSync(join(tmpdir(), "lk-cli-")), "typo.db");
    const err: string[] = [];
    const code = await runCli(["node", "latchkey", "token", "list"], { out: () => undefined, err: (t) => err.push(t), readStdin: async () => "" }, { LATCHKEY_DATABASE_URL: `sqlite:${missing}` });
    expect(code).toBe(3);
    expect(err.join("")).toMatch(/no database at .*typo\.db/);
    expect(existsSync(missing)).toBe(false);
  });

  it("refuses a bad database URL with exit code 3", async () => {
    const err: string[] = [];
    const code = await runCli(["node", "latchkey", "token", "list"], { out: () => undefined, err: (t) => err.push(t), readStdin: async () => "" }, { LATCHKEY_DATABASE_URL: "mysql://x" });
    expect(code).toBe(3);
    expect(err.join("")).toMatch(/LATCHKEY_DATABASE_URL/);
  });

  it("lets a flag win over its environment variable", async () => {
    const other = `sqlite:${join(mkdtempSync(join(tmpdir(), "lk-cli-")), "flag.db")}`;
    await runCli(["node", "latchkey", "--database-url", other, "migrate"], { out: () => undefined, err: () => undefined, readStdin: async () => "" }, {});
    await runCli(["node", "latchkey", "--database-url", other, "account", "create", "flagged"], { out: () => undefined, err: () => undefined, readStdin: async () => "" }, { LATCHKEY_DATABASE_URL: databaseUrl });
    expect((await cli("account", "list")).out).not.toContain("flagged");
  });
});

describe("the installed binary", () => {
  it("runs `latchkey token create --secret-only` from bin/ (after npm run build)", async () => {
    await run(process.execPath, ["bin/latchkey.js", "migrate"], { env: { ...process.env, LATCHKEY_DATABASE_URL: databaseUrl } });
    const { stdout } = await run(process.execPath, ["bin/latchkey.js", "token", "create", "--name", "bin", "--full", "--secret-only"], { env: { ...process.env, LATCHKEY_DATABASE_URL: databaseUrl } });
    expect(stdout.trim()).toMatch(/^lk_1[0-9A-Za-z]{38}$/);
  });
});
