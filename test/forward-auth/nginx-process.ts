/**
 * Runs Debian's nginx for a test: installs it when missing (apt-get, as CI's .ci/run does), renders
 * examples/nginx/nginx.conf.template into a temporary prefix, starts it in the foreground on a free
 * loopback port, and stops it. Also a raw HTTP client, since fetch would normalise the tricky paths
 * (WHATWG URL resolves `%2e%2e`, turns `\` into `/`) before nginx could see them.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request, createServer, type IncomingHttpHeaders } from "node:http";
import { connect, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const NGINX = "/usr/sbin/nginx";
const TEMPLATE = new URL("../../examples/nginx/nginx.conf.template", import.meta.url);

/** Installs nginx from Debian's packages unless it is there. */
export function ensureNginx(): string {
  if (existsSync(NGINX)) return NGINX;
  execFileSync("apt-get", ["update", "-qq"], { stdio: "ignore" });
  execFileSync("apt-get", ["install", "-y", "-qq", "nginx"], { stdio: "ignore", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
  return NGINX;
}

/** A port free on 127.0.0.1 now (the kernel picks it; there is a small window before nginx binds it). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A running nginx. */
export interface NginxProcess {
  readonly port: number;
  /** The error log so far (for a failing test's message). */
  errorLog(): string;
  stop(): Promise<void>;
}

/** Starts nginx in front of the upstream, with auth_request pointed at latchkey. */
export async function startNginx(ports: { readonly latchkey: number; readonly upstream: number }): Promise<NginxProcess> {
  const binary = ensureNginx();
  const prefix = mkdtempSync(join(tmpdir(), "latchkey-nginx-"));
  // Worker processes run as an unprivileged user when the master is root; let them reach the prefix.
  chmodSync(prefix, 0o755);
  const port = await freePort();
  const conf = readFileSync(TEMPLATE, "utf8")
    .replaceAll("{{PREFIX}}", prefix)
    .replaceAll("{{NGINX_PORT}}", String(port))
    .replaceAll("{{LATCHKEY_PORT}}", String(ports.latchkey))
    .replaceAll("{{UPSTREAM_PORT}}", String(ports.upstream));
  const confPath = join(prefix, "nginx.conf");
  writeFileSync(confPath, conf);
  const errorLogPath = join(prefix, "error.log");
  const child: ChildProcess = spawn(binary, ["-p", prefix, "-c", confPath, "-e", errorLogPath], { stdio: "ignore" });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const errorLog = (): string => (existsSync(errorLogPath) ? readFileSync(errorLogPath, "utf8") : "");
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGQUIT");
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    rmSync(prefix, { recursive: true, force: true });
  };
  for (let attempt = 0; attempt < 100; attempt++) {
    if (child.exitCode !== null) break;
    if (await accepts(port)) return { port, errorLog, stop };
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const log = errorLog();
  await stop();
  throw new Error(`nginx did not start: ${log}`);
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/** A response from {@link rawRequest}. */
export interface RawResponse {
  readonly status: number;
  readonly body: string;
  readonly headers: IncomingHttpHeaders;
}

/** Sends a request whose path goes on the wire exactly as given (from `localAddress`, e.g. 127.0.0.2, when given). */
export function rawRequest(port: number, method: string, path: string, headers: Readonly<Record<string, string>> = {}, options: { readonly localAddress?: string } = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, method, path, headers: { ...headers }, agent: false, ...(options.localAddress === undefined ? {} : { localAddress: options.localAddress }) }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8"), headers: res.headers }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}
