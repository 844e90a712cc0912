/**
 * Security headers on every response (helmet): a strict Content-Security-Policy (scripts only from this
 * origin, no inline script, no eval, no framing, no plugins), HSTS-ready defaults, no MIME sniffing, no
 * referrer leaks, and `Cache-Control: no-store` on the API, whose answers may describe tokens.
 *
 * helmet's headers depend only on its options, so they are computed once, at start, by running
 * helmet's own middleware against a recording response; each request then gets the same headers in
 * one hook. (@fastify/helmet built helmet anew, directives parsed, on every request: about a tenth of
 * the CPU of a verification over HTTP; docs/performance.md.)
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import helmet, { type HelmetOptions } from "helmet";
import type { App } from "./app-instance.js";

/** The Content-Security-Policy directives (exported for the test that checks them). */
export const CSP_DIRECTIVES = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  // Mantine (the dashboard's component library) sets style attributes; no script can be injected this way.
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", "data:"],
  fontSrc: ["'self'", "data:"],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  upgradeInsecureRequests: null,
};

const HELMET_OPTIONS: HelmetOptions = {
  contentSecurityPolicy: { useDefaults: false, directives: CSP_DIRECTIVES },
  crossOriginEmbedderPolicy: false,
  referrerPolicy: { policy: "no-referrer" },
};

/**
 * The headers helmet sets for these options, by header name in lower case.
 *
 * @throws Error when helmet refuses the options (a configuration error, raised at start).
 */
export function helmetHeaders(options: HelmetOptions): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader: (name: string, value: string) => {
      headers[name.toLowerCase()] = value;
    },
    removeHeader: (name: string) => {
      delete headers[name.toLowerCase()];
    },
  };
  helmet(options)({} as IncomingMessage, recorder as unknown as ServerResponse, (error?: unknown) => {
    if (error) throw error instanceof Error ? error : new Error(String(error));
  });
  return Object.freeze(headers);
}

/** Registers the security headers and the API's cache policy. */
export async function registerSecurityHeaders(app: App): Promise<void> {
  const headers = helmetHeaders(HELMET_OPTIONS);
  app.addHook("onRequest", (_request, reply, done) => {
    reply.headers(headers);
    done();
  });
  app.addHook("onSend", (request, reply, payload, done) => {
    if (request.url.startsWith("/v1/")) reply.header("cache-control", "no-store");
    done(null, payload);
  });
}
