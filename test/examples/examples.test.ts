/**
 * The examples run as the README says (`node examples/...`, over the built package: `npm test` builds
 * first), each on a free loopback port, and protect their API: a read token can GET but not DELETE, a
 * token limited to example.com cannot send for other.org, no token is a 401.
 */
import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { ensureNginx, freePort, rawRequest } from "../forward-auth/nginx-process.js";

interface RunningExample {
  readonly port: number;
  readonly tokens: Readonly<Record<string, string>>;
  stop(): Promise<void>;
}

async function runExample(script: string): Promise<RunningExample> {
  const port = await freePort();
  const child = spawn(process.execPath, [script], { cwd: new URL("../../", import.meta.url).pathname, env: { ...process.env, PORT: String(port) }, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async (): Promise<void> => {
    child.kill("SIGTERM");
    await exited;
  };
  for (let waited = 0; !/Ctrl-C stops it/.test(output); waited += 100) {
    if (child.exitCode !== null || waited > 20_000) {
      await stop();
      throw new Error(`${script} did not start:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const tokens = Object.fromEntries([...output.matchAll(/^(READER|SENDER|ADMIN)=(\S+)$/gm)].map((m) => [m[1], m[2]]));
  return { port, tokens, stop };
}

describe.each([
  ["Express", "examples/express/express-example.mjs"],
  ["Hono", "examples/hono/hono-example.mjs"],
  ["nginx", "examples/nginx/run-nginx-example.mjs"],
])("the %s example", (name, script) => {
  it("lets each token do what it may and nothing more", async () => {
    if (name === "nginx") ensureNginx();
    const example = await runExample(script);
    try {
      const call = async (method: string, path: string, token: string | undefined, headers: Record<string, string> = {}) => {
        const response = await rawRequest(example.port, method, path, { ...(token === undefined ? {} : { authorization: `Bearer ${token}` }), ...headers });
        return [response.status, response.status >= 400 ? JSON.parse(response.body).code : "ok"];
      };
      expect(await call("GET", "/api/domains", example.tokens.READER)).toEqual([200, "ok"]);
      expect(await call("DELETE", "/api/domains/example.com", example.tokens.READER)).toEqual([403, "scope_missing"]);
      expect(await call("POST", "/api/email", example.tokens.SENDER, { "x-domain": "example.com" })).toEqual([200, "ok"]);
      expect(await call("POST", "/api/email", example.tokens.SENDER, { "x-domain": "other.org" })).toEqual([403, "domain_not_allowed"]);
      expect(await call("GET", "/api/domains", undefined)).toEqual([401, "token_missing"]);
    } finally {
      await example.stop();
    }
  });
});
