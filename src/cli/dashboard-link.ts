/**
 * Links into the dashboard that the CLI shows a person (set-up, password reset, invitation): absolute
 * only on the configured public address (LATCHKEY_PUBLIC_URL), the one base latchkey can vouch for, as
 * the API builds them (never from a Host header). Without it a link is the path (`/setup#code=...`)
 * and the CLI adds a hint, on stderr, to open it on the address the browser reaches latchkey at; the
 * address latchkey listens on is only offered as a likely example (a wildcard address, 0.0.0.0 or ::,
 * is nowhere a browser can go, so the machine's host name stands in for it).
 */
import { hostname } from "node:os";
import type { CliIo } from "./cli-output.js";
import type { Config } from "./config.js";

/** LATCHKEY_PUBLIC_URL without a trailing slash, or null when it is not set (links are then paths). */
export function dashboardBase(config: Config): string | null {
  return config.publicUrl === null ? null : config.publicUrl.replace(/\/+$/, "");
}

/** The set-up link of a code: `<base>/setup#code=<code>` (in the fragment, which no browser sends); base null: the path. */
export function setupLink(base: string | null, code: string): string {
  return `${base ?? ""}/setup#code=${code}`;
}

/**
 * What the CLI says beside a relative link: where to open it, with the listening address as a likely
 * example, and how to get whole links (and mail). Holds no code.
 *
 * @param port the port listened on, when known (serve on port 0); default the configured one.
 */
export function relativeLinkHint(config: Config, port: number = config.port): string {
  return `LATCHKEY_PUBLIC_URL is not set, so this link is a path: open it on the address your browser reaches latchkey at (probably http://${linkHost(config.host)}:${port}); set LATCHKEY_PUBLIC_URL for whole links and for mail`;
}

/**
 * Prints a dashboard link for the operator: the link on stdout (for scripts), and when it is a path
 * the hint of {@link relativeLinkHint} on stderr.
 */
export function printDashboardLink(io: CliIo, config: Config, link: string): void {
  io.out(link);
  if (link.startsWith("/")) io.err(relativeLinkHint(config));
}

function linkHost(host: string): string {
  if (host === "0.0.0.0" || host === "" || host === "::") return hostname();
  return host.includes(":") ? `[${host}]` : host;
}
