/** `latchkey token rotate|lookup`, `token create --not-before --allowed-ip` and `account policy` over a real SQLite file. */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseGrace } from "../../src/cli/rotation-commands.js";
import { runCli } from "../../src/cli/main.js";
import { Latchkey } from "../../src/service/latchkey.js";

let databaseUrl: string;
let service: Latchkey | undefined;

beforeEach(async () => {
  databaseUrl = `sqlite:${join(mkdtempSync(join(tmpdir(), "lk-rot-")), "cli.db")}`;
  expect((await cli([], "migrate")).code).toBe(0);
});

afterEach(async () => {
  await service?.close();
  service = undefined;
});

async function cli(stdin: string[], ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(["node", "latchkey", ...args], { out: (t) => out.push(t), err: (t) => err.push(t), readStdin: async () => stdin.join("\n") }, { LATCHKEY_DATABASE_URL: databaseUrl });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

async function idOf(secret: string): Promise<string> {
  service ??= await Latchkey.open({ databaseUrl });
  const decision = await service.verify({ token: secret, method: "GET", area: "domains" });
  if (!decision.allowed) throw new Error(decision.code);
  return decision.record.id;
}

describe("token rotate", () => {
  it("prints a new secret; the old one works through the grace as the previous secret", async () => {
    const old = (await cli([], "token", "create", "--name", "bot", "--scope", "domains_read", "--secret-only")).out;
    const id = await idOf(old);
    await service?.close();
    service = undefined;
    const rotated = await cli([], "token", "rotate", id, "--grace", "1h", "--secret-only");
    expect(rotated.code).toBe(0);
    expect(rotated.out).toMatch(/^lk_1[0-9A-Za-z]{38}$/);
    service = await Latchkey.open({ databaseUrl });
    const [previous, current] = [await service.verify({ token: old, method: "GET", area: "domains" }), await service.verify({ token: rotated.out, method: "GET", area: "domains" })];
    expect([previous.allowed && previous.record.secret, current.allowed && current.record.secret]).toEqual(["previous", "current"]);
  });

  it("refuses a bad --grace with exit code 2, rotating nothing", async () => {
    const old = (await cli([], "token", "create", "--name", "bot", "--scope", "domains_read", "--secret-only")).out;
    const id = await idOf(old);
    const res = await cli([], "token", "rotate", id, "--grace", "31d");
    expect([res.code, res.err]).toEqual([2, expect.stringContaining("--grace")]);
    const decision = await service?.verify({ token: old, method: "GET", area: "domains" });
    expect(decision?.allowed && decision.record.secret).toBe("current");
  });

  it.each([
    ["0", 0],
    ["90", 90],
    ["90s", 90],
    ["15m", 900],
    ["1h", 3600],
    ["30d", 2_592_000],
  ])("reads --grace %s as %i seconds", (text, seconds) => {
    expect(parseGrace(text)).toBe(seconds);
  });

  it.each(["-1", "1.5h", "1w", "", "31d"])("refuses --grace %j", (text) => {
    expect(() => parseGrace(text)).toThrow(/--grace/);
  });
});

describe("token lookup", () => {
  it("reads the secret from standard input and names its token", async () => {
    const secret = (await cli([], "token", "create", "--name", "found in a log", "--scope", "domains_read", "--secret-only")).out;
    const res = await cli([secret], "token", "lookup");
    expect(res.code).toBe(0);
    expect(res.out).toMatch(/name:\s+found in a log/);
    expect(res.out).not.toContain(secret);
  });

  it("answers not found (exit code 1) for an unknown secret", async () => {
    const res = await cli(["lk_1nothingofthekind"], "token", "lookup");
    expect(res.code).toBe(1);
  });
});

describe("token create with conditions", () => {
  it("stores --not-before and --allowed-ip", async () => {
    const res = await cli([], "token", "create", "--name", "office", "--scope", "domains_read", "--allowed-ip", "203.0.113.0/24,2001:db8::/32", "--not-before", "2020-01-01T00:00:00Z", "--json");
    expect(res.code).toBe(0);
    expect(JSON.parse(res.out)).toMatchObject({ allowed_ips: ["203.0.113.0/24", "2001:db8::/32"], not_before: "2020-01-01T00:00:00.000Z" });
  });

  it("refuses a range with host bits set, naming the field", async () => {
    const res = await cli([], "token", "create", "--name", "office", "--scope", "domains_read", "--allowed-ip", "10.1.0.0/8");
    expect(res.code).not.toBe(0);
    expect(res.err).toMatch(/allowed_ips|allowed-ip/);
  });
});

describe("account policy", () => {
  it("sets the policy, which then refuses a token without an expiry", async () => {
    const set = await cli([], "account", "policy", "set", "--max-lifetime-days", "30", "--expiry-required", "yes", "--allowed-ips-required", "no");
    expect(set.code).toBe(0);
    expect(set.out).toMatch(/max lifetime:\s+30 days/);
    const refused = await cli([], "token", "create", "--name", "forever", "--scope", "domains_read");
    expect(refused.code).not.toBe(0);
    expect(refused.err).toMatch(/expiry_required/);
    const shown = await cli([], "account", "policy", "--json");
    expect(JSON.parse(shown.out)).toMatchObject({ max_lifetime_days: 30, expiry_required: true, allowed_ips_required: false });
  });
});
