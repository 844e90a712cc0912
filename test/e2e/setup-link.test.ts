/**
 * The set-up code is never written to the server's output when it is not a terminal; `latchkey
 * setup-link` prints a link on the configured public URL that creates the owner (issue 16).
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { expect, it } from "vitest";
import { waitForExit } from "../helpers/child-process.js";

const ROOT = resolve(import.meta.dirname, "../..");

it("keeps the code out of the server's output and gives a working link through latchkey setup-link", async () => {
  const dir = mkdtempSync(join(tmpdir(), "latchkey-setup-"));
  const databaseUrl = `sqlite:${join(dir, "latchkey.db")}`;
  const child = spawn(process.execPath, [join(ROOT, "bin/latchkey.js"), "serve"], { env: { ...process.env, LATCHKEY_HOST: "0.0.0.0", LATCHKEY_PORT: "0", LATCHKEY_DATABASE_URL: databaseUrl, LATCHKEY_LOG_LEVEL: "info" }, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr.on("data", (c: Buffer) => (output += c.toString()));
  try {
    const deadline = Date.now() + 20_000;
    while (!/listening on http:\/\/\S+:(\d+)/.test(output) || !output.includes("setup-link")) {
      if (Date.now() > deadline) throw new Error(`no start: ${output}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const port = /listening on http:\/\/\S+:(\d+)/.exec(output)![1];
    const base = `http://127.0.0.1:${port}`;
    const link = execFileSync(process.execPath, [join(ROOT, "bin/latchkey.js"), "setup-link"], { env: { ...process.env, LATCHKEY_DATABASE_URL: databaseUrl, LATCHKEY_PUBLIC_URL: "https://keys.example.com" } }).toString().trim();
    expect(link).toMatch(/^https:\/\/keys\.example\.com\/setup#code=[A-Za-z0-9_-]{22}$/);
    const code = link.split("#code=")[1]!;
    const res = await fetch(`${base}/v1/setup`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ code, email: "owner@example.com", password: "a long and careful passphrase" }) });
    expect(res.status).toBe(200);
    expect(output).not.toContain(code);
    expect(output).not.toMatch(/setup#code=/);
  } finally {
    child.kill("SIGTERM");
    await waitForExit(child);
    rmSync(dir, { recursive: true, force: true });
  }
});
