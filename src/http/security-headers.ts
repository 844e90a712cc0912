/**
 * Security headers on every response (helmet): a strict Content-Security-Policy (scripts only from this
 * origin, no inline script, no eval, no framing, no plugins), HSTS-ready defaults, no MIME sniffing, no
 * referrer leaks, and `Cache-Control: no-store` on the API, whose answers may describe tokens.
 */
import helmet from "@fastify/helmet";
import type { App } from "./app.js";

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

/** Registers helmet and the API's cache policy. */
export async function registerSecurityHeaders(app: App): Promise<void> {
  await app.register(helmet, {
    contentSecurityPolicy: { useDefaults: false, directives: CSP_DIRECTIVES },
    crossOriginEmbedderPolicy: false,
    referrerPolicy: { policy: "no-referrer" },
  });
  app.addHook("onSend", async (request, reply, payload) => {
    if (request.url.startsWith("/v1/")) reply.header("cache-control", "no-store");
    return payload;
  });
}
