/** `latchkey user list|invite|role|remove` (issue 16) on a real SQLite file. */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { runCli } from "../../src/cli/main.js";

async function cli(db: string, args: string[], stdin = ""): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(["node", "latchkey", ...args], { out: (t) => out.push(t), err: (t) => err.push(t), readStdin: async () => stdin }, { LATCHKEY_DATABASE_URL: db });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

it("invites, lists, changes the role of and removes a person; the last Admin stays", async () => {
  const db = `sqlite:${join(mkdtempSync(join(tmpdir(), "lk-user-cli-")), "l.db")}`;
  expect((await cli(db, ["migrate"])).code).toBe(0);
  const created = await cli(db, ["user", "create", "--email", "o@example.com", "--password-stdin"], "owner passphrase 1\n");
  expect([created.code, created.err]).toEqual([0, ""]);
  const invited = await cli(db, ["user", "invite", "--email", "d@example.com", "--role", "Designer"]);
  expect(invited.code).toBe(0);
  expect(invited.out).toMatch(/\/invite#code=[A-Za-z0-9_-]{43}$/);
  expect((await cli(db, ["user", "invite", "--email", "x@example.com", "--role", "Boss"])).code).not.toBe(0);
  const listed = await cli(db, ["user", "list"]);
  expect(listed.out).toContain("o@example.com\tAdmin");
  expect(listed.out).toContain("d@example.com\tDesigner\tinvited");
  const ownerId = /^(usr_\S+)\to@example.com/m.exec(listed.out)?.[1] as string;
  expect((await cli(db, ["user", "role", ownerId, "--role", "Manager"])).code).not.toBe(0);
  expect((await cli(db, ["user", "remove", ownerId])).code).not.toBe(0);
  expect((await cli(db, ["user", "list"])).out).toContain("o@example.com\tAdmin");
});
