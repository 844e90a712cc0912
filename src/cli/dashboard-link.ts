/**
 * Links into the dashboard that the CLI shows a person (set-up, password reset): on the configured
 * public address (LATCHKEY_PUBLIC_URL) when there is one, else on the address latchkey listens on. A
 * wildcard address (0.0.0.0, ::) is nowhere a browser can go, so the machine's host name stands in
 * for it; 127.0.0.1 only when latchkey listens there.
 */
import { hostname } from "node:os";
import type { Config } from "./config.js";

/**
 * The dashboard's base address for links, without a trailing slash.
 *
 * @param port the port listened on, when known (serve on port 0); default the configured one.
 */
export function dashboardBase(config: Config, port: number = config.port): string {
  if (config.publicUrl !== null) return config.publicUrl.replace(/\/+$/, "");
  return `http://${linkHost(config.host)}:${port}`;
}

/** The set-up link of a code: `<base>/setup#code=<code>` (in the fragment, which no browser sends). */
export function setupLink(base: string, code: string): string {
  return `${base}/setup#code=${code}`;
}

function linkHost(host: string): string {
  if (host === "0.0.0.0" || host === "" || host === "::") return hostname();
  return host.includes(":") ? `[${host}]` : host;
}
