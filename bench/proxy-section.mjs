/**
 * The "proxies" part of the benchmark (issue 18): what latchkey costs the APIs people already run, in
 * the two ways docs/forward-auth.md offers, each beside the same stack without latchkey:
 * - nginx: the tested configuration (examples/nginx/nginx.conf.template, keep-alive to latchkey) in
 *   front of a bare node:http API, asking `latchkey serve` about every request with auth_request,
 *   against the same nginx proxying to the same API with no check;
 * - Express: an API guarded in-process by `requireScope` (latchkey/middleware/express), against the
 *   same Express app with no guard (bench/express-server.mjs).
 * Each pair is loaded in turn, run after run (loadInTurn), from another process with autocannon.
 */
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BENCH_DIR, freePort, ROOT_DIR, startServer } from "./bench-processes.mjs";
import { loadInTurn } from "./http-section.mjs";
import { openFixture } from "./latchkey-fixture.mjs";

const NGINX = process.env.NGINX ?? "/usr/sbin/nginx";

/** Whether `port` on 127.0.0.1 accepts a connection. */
function accepts(port) {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/**
 * Starts nginx on the example configuration, plus a second server block proxying straight to the same
 * API (the stack without latchkey).
 *
 * @returns `{pid, stop()}` shaped like startServer's servers, or a string saying why nginx is unavailable.
 */
async function startNginx({ checkedPort, directPort, latchkeyPort, upstreamPort }) {
  if (!existsSync(NGINX) || spawnSync(NGINX, ["-v"]).status !== 0) return `no nginx at ${NGINX} (apt-get install nginx)`;
  const prefix = mkdtempSync(join(tmpdir(), "latchkey-bench-nginx-"));
  chmodSync(prefix, 0o755);
  const direct = `
    server {
        listen 127.0.0.1:${directPort};
        location / {
            proxy_pass http://protected_api/;
        }
    }
`;
  const template = readFileSync(join(ROOT_DIR, "examples", "nginx", "nginx.conf.template"), "utf8");
  const filled = template
    .replaceAll("{{PREFIX}}", prefix)
    .replaceAll("{{NGINX_PORT}}", String(checkedPort))
    .replaceAll("{{LATCHKEY_PORT}}", String(latchkeyPort))
    .replaceAll("{{UPSTREAM_PORT}}", String(upstreamPort));
  // The direct server goes inside the http block, before its closing brace (the file's last "}").
  const conf = `${filled.slice(0, filled.lastIndexOf("}"))}${direct}}\n`;
  writeFileSync(join(prefix, "nginx.conf"), conf);
  const child = spawn(NGINX, ["-p", prefix, "-c", join(prefix, "nginx.conf"), "-e", join(prefix, "error.log")], { stdio: "ignore" });
  for (let i = 0; i < 200 && child.exitCode === null && !((await accepts(checkedPort)) && (await accepts(directPort))); i++) await new Promise((r) => setTimeout(r, 25));
  if (child.exitCode !== null) return `nginx exited with ${child.exitCode}: ${readFileSync(join(prefix, "error.log"), "utf8").slice(0, 300)}`;
  return {
    pid: child.pid,
    async stop() {
      if (child.exitCode === null) {
        child.kill("SIGQUIT");
        await new Promise((r) => child.once("exit", r));
      }
      rmSync(prefix, { recursive: true, force: true });
    },
  };
}

/**
 * Measures both pairs.
 *
 * @param settings `{connections, durationSeconds, warmupSeconds, runs}`.
 * @param scratchDir folder for the database and the route map.
 * @returns `{nginxDirect, nginxChecked, expressBare, expressGuarded}`, each `{runs}` or `{runs: [], unavailable}`.
 */
export async function measureProxies(settings, scratchDir, { log }) {
  const servers = [];
  try {
    const databasePath = join(scratchDir, "latchkey-proxies.db");
    const fixture = await openFixture(databasePath, 1);
    await fixture.latchkey.close();
    const secret = fixture.secrets[0];
    const path = `/v1/domains/${fixture.domainId}`;
    const get = (port) => ({ url: `http://127.0.0.1:${port}${path}`, method: "GET", headers: { authorization: `Bearer ${secret}` } });

    const upstreamPort = await freePort();
    const upstream = await startServer({ args: [join(BENCH_DIR, "bare-http-server.mjs"), String(upstreamPort)], readyPrefix: "ready" });
    servers.push(upstream);
    const routesFile = join(scratchDir, "proxies-routes.json");
    writeFileSync(routesFile, JSON.stringify({ routes: [{ path: "/v1/domains/:domain_id", methods: ["GET"], area: "domains", domain: { param: "domain_id" } }] }));
    const latchkeyPort = await freePort();
    const latchkey = await startServer({
      args: [join(ROOT_DIR, "bin", "latchkey.js"), "serve"],
      env: { LATCHKEY_DATABASE_URL: `sqlite:${databasePath}`, LATCHKEY_HOST: "127.0.0.1", LATCHKEY_PORT: String(latchkeyPort), LATCHKEY_ROUTES_FILE: routesFile },
      healthUrl: `http://127.0.0.1:${latchkeyPort}/healthz`,
    });
    servers.push(latchkey);
    const [checkedPort, directPort] = [await freePort(), await freePort()];
    const nginx = await startNginx({ checkedPort, directPort, latchkeyPort, upstreamPort });
    const targets = {};
    const unavailable = {};
    if (typeof nginx === "string") unavailable.nginxDirect = unavailable.nginxChecked = nginx;
    else {
      servers.push(nginx);
      targets.nginxDirect = { server: nginx, request: get(directPort) };
      targets.nginxChecked = { server: nginx, request: get(checkedPort) };
    }
    for (const mode of ["bare", "guarded"]) {
      const port = await freePort();
      const express = await startServer({ args: [join(BENCH_DIR, "express-server.mjs"), String(port), databasePath, mode], readyPrefix: "ready" });
      servers.push(express);
      targets[mode === "bare" ? "expressBare" : "expressGuarded"] = { server: express, request: get(port) };
    }
    const results = await loadInTurn(targets, settings, log);
    for (const [name, why] of Object.entries(unavailable)) results[name] = { runs: [], unavailable: why };
    return results;
  } finally {
    for (const server of servers) await server.stop();
  }
}
