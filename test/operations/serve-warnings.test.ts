/**
 * `latchkey serve` logs each configuration warning once at start (src/cli/config.ts, configWarnings):
 * SMTP without LATCHKEY_PUBLIC_URL (invitations and reset links are then not mailed, issue 16), and
 * on SQLite it makes the secret key file beside the database (mode 0600). Needs `npm run build`.
 */
import { mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { exitOf, startServe } from "./serve-process.js";

function warnings(output: string): { level: number; msg: string; setting: string | null }[] {
  return output
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as { level: number; msg: string; setting: string | null })
    .filter((line) => line.level === 40);
}

it("warns once of SMTP without LATCHKEY_PUBLIC_URL, and not once it is set; makes the key file on SQLite", async () => {
  const folder = mkdtempSync(join(tmpdir(), "lk-serve-warn-"));
  const smtp = { LATCHKEY_SMTP_URL: "smtp://127.0.0.1:2525", LATCHKEY_SMTP_FROM: "latchkey <noreply@example.com>", LATCHKEY_DATABASE_URL: `sqlite:${join(folder, "l.db")}` };
  const without = await startServe(smtp);
  without.child.kill("SIGTERM");
  await exitOf(without.child);
  const said = warnings(without.output());
  expect(said).toHaveLength(1);
  expect(said[0]).toMatchObject({ setting: "LATCHKEY_SMTP_URL" });
  expect(said[0]?.msg).toContain("LATCHKEY_PUBLIC_URL");
  expect(statSync(join(folder, "latchkey-secret.key")).mode & 0o777).toBe(0o600);
  const withUrl = await startServe({ ...smtp, LATCHKEY_PUBLIC_URL: "https://keys.example.com" });
  withUrl.child.kill("SIGTERM");
  await exitOf(withUrl.child);
  expect(warnings(withUrl.output())).toEqual([]);
});
