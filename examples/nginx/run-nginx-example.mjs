// nginx in front of a small API, asking latchkey about every request with auth_request. Starts
// latchkey (with routes.yaml as its route map), the API (upstream.mjs) and nginx (nginx.conf.template)
// on loopback. Needs Debian's nginx (apt-get install nginx).
// Run: npm run build && node examples/nginx/run-nginx-example.mjs [PORT=8090]
import { spawn } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildApp, loadRouteMapFile } from "latchkey";
import { openDemoLatchkey, printTry, stopOnSignal } from "../demo-tokens.mjs";
import { startUpstream } from "./upstream.mjs";

const here = new URL(".", import.meta.url);
const { latchkey, tokens } = await openDemoLatchkey();
const routeMap = loadRouteMapFile(new URL("routes.yaml", here).pathname, latchkey.catalogue);
const service = await buildApp(latchkey, { logger: false, routeMap });
await service.listen({ host: "127.0.0.1", port: 0 });
const upstream = await startUpstream(0);

const prefix = mkdtempSync(join(tmpdir(), "latchkey-nginx-example-"));
chmodSync(prefix, 0o755);
const port = Number(process.env.PORT ?? 8090);
const conf = readFileSync(new URL("nginx.conf.template", here), "utf8")
  .replaceAll("{{PREFIX}}", prefix)
  .replaceAll("{{NGINX_PORT}}", String(port))
  .replaceAll("{{LATCHKEY_PORT}}", String(service.server.address().port))
  .replaceAll("{{UPSTREAM_PORT}}", String(upstream.address().port));
writeFileSync(join(prefix, "nginx.conf"), conf);
const nginx = spawn(process.env.NGINX ?? "/usr/sbin/nginx", ["-p", prefix, "-c", join(prefix, "nginx.conf"), "-e", join(prefix, "error.log")], { stdio: "inherit" });
nginx.once("error", (error) => {
  console.error(`could not start nginx (${error.message}); install it with: apt-get install nginx`);
  process.exit(1);
});
nginx.once("exit", (code) => {
  if (code !== 0 && code !== null) console.error(`nginx exited with ${code}: ${readFileSync(join(prefix, "error.log"), "utf8")}`);
});
// Wait until nginx accepts connections (at most 5 s).
const accepts = () => new Promise((resolve) => connect(port, "127.0.0.1").once("connect", function () { this.destroy(); resolve(true); }).once("error", () => resolve(false)));
for (let i = 0; i < 100 && nginx.exitCode === null && !(await accepts()); i++) await new Promise((resolve) => setTimeout(resolve, 50));
console.log(`nginx example listening on http://127.0.0.1:${port} (config: ${join(prefix, "nginx.conf")})`);
printTry(`http://127.0.0.1:${port}`, tokens);

stopOnSignal(async () => {
  nginx.kill("SIGQUIT");
  await new Promise((resolve) => nginx.once("exit", resolve));
  rmSync(prefix, { recursive: true, force: true });
  await new Promise((resolve) => upstream.close(resolve));
  await service.close();
  await latchkey.close();
});
