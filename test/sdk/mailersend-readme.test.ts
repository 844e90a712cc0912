/**
 * The README's "Using the official MailerSend SDK" example, run as written: the fenced block after
 * `<!-- mailersend-sdk-example -->` is given to `node --input-type=module` in the repository's root
 * (so `mailersend` is the installed package) against a listening latchkey. It checks that every
 * module the example points at latchkey exists on a `new MailerSend()` with a `baseUrl` of its own,
 * and that the token it creates is there afterwards (so no call went to api.mailersend.com).
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { MailerSend } from "mailersend";
import { expect, it } from "vitest";
import { openApiHarness } from "../helpers/api-harness.js";
import { exitOf, ROOT } from "../operations/serve-process.js";

const readme = readFileSync(join(ROOT, "README.md"), "utf8");
const example = /<!-- mailersend-sdk-example -->\n```js\n([\s\S]+?)\n```/.exec(readme)?.[1] ?? "";

/** The module paths the example sets `baseUrl` on, such as `email.domain`, from its `[ms.x, ...]` list. */
function modulePaths(source: string): string[] {
  const list = /for \(const module of \[([^\]]+)\]\) module\.baseUrl = base;/.exec(source)?.[1] ?? "";
  return list.split(",").map((item) => item.trim().replace(/^ms\./, ""));
}

/** Runs the example in the repository's root with the given environment; resolves with its stdout. */
async function runExample(env: Record<string, string>): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(process.execPath, ["--input-type=module"], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ["pipe", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout.on("data", (c: Buffer) => (out += c.toString()));
  child.stderr.on("data", (c: Buffer) => (err += c.toString()));
  child.stdin.end(example);
  const { code } = await exitOf(child);
  return { code, out, err };
}

it("names only modules the installed mailersend package has, each with its own baseUrl", () => {
  const paths = modulePaths(example);
  expect(paths).toEqual(["token", "user", "email.domain"]);
  const ms = new MailerSend({ apiKey: "unused" }) as unknown as Record<string, unknown>;
  for (const path of paths) {
    const module = path.split(".").reduce<unknown>((object, key) => (object as Record<string, unknown> | undefined)?.[key], ms);
    expect(module, path).toBeTypeOf("object");
    expect((module as { baseUrl?: unknown }).baseUrl, path).toBe("https://api.mailersend.com/v1");
  }
});

it("runs against a listening latchkey: lists the domain and creates a token there", async () => {
  const h = await openApiHarness();
  await h.addDomain("example.com");
  const address = await h.app.listen({ port: 0, host: "127.0.0.1" });
  const result = await runExample({ LATCHKEY_URL: address, LATCHKEY_TOKEN: h.root.secret });
  expect(result.err).toBe("");
  expect(result.code).toBe(0);
  const id = /^created (\S+); 2 tokens$/.exec(result.out.trim())?.[1];
  expect(id).toBeDefined();
  const shown = await h.call("GET", `/v1/token/${id}`);
  expect(shown.status).toBe(200);
  expect(shown.body).toMatchObject({ data: { name: "from the SDK", scopes: ["email_full"] } });
  expect(result.out).not.toContain(h.root.secret);
});
