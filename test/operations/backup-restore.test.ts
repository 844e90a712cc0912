/**
 * Backups (issue 17; docs/operations.md, "Backups"): `latchkey backup --to` runs while a real server
 * creates, pauses and verifies tokens; the backup is restored into a second folder with `latchkey
 * restore --from`, and every token acknowledged before the backup began verifies there as it did
 * (paused ones refused), and the copy is whole (each token with its creation audit event, SQLite's
 * integrity check). Restore refuses a database a running server holds, a backup of a newer schema,
 * and an existing database without --force; each refusal leaves the target as it was.
 */
import { spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, expect, it } from "vitest";
import { Latchkey } from "../../src/service/latchkey.js";
import { rememberSecret } from "../helpers/trace-log.js";
import { exitOf, ROOT, startServe, type ServeProcess } from "./serve-process.js";

const started: ServeProcess[] = [];
afterAll(() => {
  for (const s of started) if (s.child.exitCode === null) s.child.kill("SIGKILL");
});

/** Runs the CLI; resolves with its exit code and output. */
function cli(args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(process.execPath, [join(ROOT, "bin/latchkey.js"), ...args], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout.on("data", (c: Buffer) => (out += c.toString()));
  child.stderr.on("data", (c: Buffer) => (err += c.toString()));
  return exitOf(child).then(({ code }) => ({ code, out, err }));
}

interface Issued {
  readonly id: string;
  readonly secret: string;
  readonly paused: boolean;
}

it("backs up while the server serves, restores into a second folder, and every token verifies there", async () => {
  const folder = mkdtempSync(join(tmpdir(), "lk-backup-"));
  const live = `sqlite:${join(folder, "live", "latchkey.db")}`;
  const issued: Issued[] = [];
  const setup = await Latchkey.open({ databaseUrl: live });
  const actor = { principal: await setup.operator("default"), ip: null };
  const domain = await setup.domains.add(actor, "example.com");
  const admin = await setup.tokens.create(actor, { name: "admin", hasFull: true });
  rememberSecret(admin.secret);
  issued.push({ id: admin.token.id, secret: admin.secret, paused: false });
  for (let i = 0; i < 10; i++) {
    const { token, secret } = await setup.tokens.create(actor, { name: `before ${i}`, scopes: ["domains_read"], domainId: domain.id });
    rememberSecret(secret);
    issued.push({ id: token.id, secret, paused: false });
  }
  await setup.close();

  const server = await startServe({ LATCHKEY_DATABASE_URL: live, LATCHKEY_LOG_LEVEL: "warn" });
  started.push(server);
  const api = (method: string, path: string, body?: unknown): Promise<Response> =>
    fetch(`${server.base}${path}`, { method, headers: { authorization: `Bearer ${admin.secret}`, "content-type": "application/json" }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });

  // Traffic: creates (half of them paused at once) and verifications, until told to stop.
  let stop = false;
  let backupStartedAt = Number.POSITIVE_INFINITY;
  const acknowledgedBefore: Issued[] = [];
  const failures: string[] = [];
  const traffic = async (n: number): Promise<void> => {
    for (let i = 0; !stop; i++) {
      const created = await api("POST", "/v1/token", { name: `during ${n}.${i}`, scopes: ["domains_read"] });
      if (created.status !== 201) {
        failures.push(`create: ${created.status} ${await created.text()}`);
        return;
      }
      const { data } = (await created.json()) as { data: { id: string; accessToken: string } };
      rememberSecret(data.accessToken);
      const pause = i % 2 === 0;
      if (pause) {
        const paused = await api("PUT", `/v1/token/${data.id}/settings`, { status: "pause" });
        if (paused.status !== 200) failures.push(`pause: ${paused.status} ${await paused.text()}`);
      }
      if (Date.now() < backupStartedAt) acknowledgedBefore.push({ id: data.id, secret: data.accessToken, paused: pause });
      const verified = await api("POST", "/v1/verify", { token: data.accessToken, method: "GET", area: "domains" });
      const { code } = (await verified.json()) as { code: string };
      if (code !== (pause ? "token_paused" : "ok")) failures.push(`verify: ${code}`);
    }
  };
  const workers = [traffic(0), traffic(1), traffic(2)];
  // The backup starts once some changes are acknowledged (at least 1.5 s of traffic, longer on a loaded
  // machine), so that the check below is about the backup, not about the machine's speed.
  const trafficStartedAt = Date.now();
  while ((Date.now() - trafficStartedAt < 1500 || acknowledgedBefore.length < 10) && failures.length === 0 && Date.now() - trafficStartedAt < 30_000) {
    await new Promise((r) => setTimeout(r, 50));
  }

  const backupFile = join(folder, "latchkey-backup.db");
  backupStartedAt = Date.now();
  const backup = await cli(["backup", "--to", backupFile], { LATCHKEY_DATABASE_URL: live });
  await new Promise((r) => setTimeout(r, 500)); // traffic goes on after the backup too
  stop = true;
  await Promise.all(workers);
  expect(failures).toEqual([]);
  expect(backup, backup.err).toMatchObject({ code: 0, out: expect.stringMatching(/^Backed up \d+ tokens, schema \S+ to .*latchkey-backup\.db\n$/) });
  expect(statSync(backupFile).mode & 0o777).toBe(0o600);
  expect(acknowledgedBefore.length).toBeGreaterThan(5);

  // The running server's database cannot be restored over.
  const overLive = await cli(["restore", "--from", backupFile, "--force"], { LATCHKEY_DATABASE_URL: live });
  expect(overLive.code).toBe(3);
  expect(overLive.err).toMatch(new RegExp(`latchkey serve \\(pid ${server.child.pid} on .*\\) holds .*latchkey\\.db; stop it first`));

  const restoredUrl = `sqlite:${join(folder, "second", "latchkey.db")}`;
  const restore = await cli(["restore", "--from", backupFile], { LATCHKEY_DATABASE_URL: restoredUrl });
  expect(restore, restore.err).toMatchObject({ code: 0, out: expect.stringMatching(/^Restored \d+ tokens, schema \S+ into .*second\/latchkey\.db\n$/) });

  const db = new Database(join(folder, "second", "latchkey.db"), { readonly: true });
  expect(db.pragma("integrity_check", { simple: true })).toBe("ok");
  const unmatched = db.prepare("select count(*) from tokens t where not exists (select 1 from audit_events a where a.action = 'token.create' and a.target_id = t.id)").pluck().get();
  const orphanEvents = db.prepare("select count(*) from audit_events a where a.action = 'token.create' and not exists (select 1 from tokens t where t.id = a.target_id)").pluck().get();
  db.close();
  expect([unmatched, orphanEvents]).toEqual([0, 0]);

  const restored = await Latchkey.open({ databaseUrl: restoredUrl });
  try {
    for (const token of [...issued, ...acknowledgedBefore]) {
      const decision = await restored.verify({ token: token.secret, method: "GET", area: "domains", domain: "example.com" });
      expect(decision.code, token.id).toBe(token.paused ? "token_paused" : "ok");
    }
  } finally {
    await restored.close();
  }
  server.child.kill("SIGTERM");
  expect(await exitOf(server.child)).toEqual({ code: 0, signal: null });
}, 120_000);

it("refuses a backup of a newer schema and an existing database without --force, changing nothing", async () => {
  const folder = mkdtempSync(join(tmpdir(), "lk-backup-"));
  const url = `sqlite:${join(folder, "latchkey.db")}`;
  const setup = await Latchkey.open({ databaseUrl: url });
  const { secret } = await setup.tokens.create({ principal: await setup.operator("default"), ip: null }, { name: "kept", hasFull: true });
  await setup.close();
  const backupFile = join(folder, "backup.db");
  expect((await cli(["backup", "--to", backupFile], { LATCHKEY_DATABASE_URL: url })).code).toBe(0);
  const again = await cli(["backup", "--to", backupFile], { LATCHKEY_DATABASE_URL: url });
  expect(again).toMatchObject({ code: 3, err: expect.stringContaining("exists; choose another file or pass --force") });

  const future = join(folder, "future.db");
  copyFileSync(backupFile, future);
  const edit = new Database(future);
  edit.prepare("insert into kysely_migration (name, timestamp) values ('9999-from-a-later-release', '2099-01-01T00:00:00.000Z')").run();
  edit.close();
  const elsewhere = `sqlite:${join(folder, "other", "latchkey.db")}`;
  const newer = await cli(["restore", "--from", future], { LATCHKEY_DATABASE_URL: elsewhere });
  expect(newer.code).toBe(3);
  expect(newer.err).toContain(`was written by a newer latchkey than this one (${JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).version}): its schema has 9999-from-a-later-release`);
  expect(existsSync(join(folder, "other", "latchkey.db"))).toBe(false);

  const before = readFileSync(join(folder, "latchkey.db"));
  const existing = await cli(["restore", "--from", backupFile], { LATCHKEY_DATABASE_URL: url });
  expect(existing).toMatchObject({ code: 3, err: expect.stringContaining("a database exists at") });
  expect(readFileSync(join(folder, "latchkey.db")).equals(before)).toBe(true);
  const notDb = await cli(["restore", "--from", join(ROOT, "package.json")], { LATCHKEY_DATABASE_URL: elsewhere });
  expect(notDb).toMatchObject({ code: 3, err: expect.stringMatching(/package\.json: not a SQLite database/) });
  const postgres = await cli(["restore", "--from", backupFile], { LATCHKEY_DATABASE_URL: "postgres://latchkey@127.0.0.1:5432/latchkey" });
  expect(postgres).toMatchObject({ code: 3, err: expect.stringContaining("for PostgreSQL use pg_restore") });

  const forced = await cli(["restore", "--from", backupFile, "--force"], { LATCHKEY_DATABASE_URL: url });
  expect(forced.code, forced.err).toBe(0);
  const reopened = await Latchkey.open({ databaseUrl: url });
  expect((await reopened.verify({ token: secret, method: "DELETE", area: "users" })).code).toBe("ok");
  await reopened.close();
}, 60_000);
