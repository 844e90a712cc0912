/**
 * Every proxy configuration documented in docs/forward-auth.md (and the runnable nginx example) sets or
 * clears each X-Latchkey-* header latchkey sets, so a client's own never reaches the API (found by the
 * break test: the nginx snippet passed a client's X-Latchkey-Account-Id on). nginx itself is run in
 * test/forward-auth/nginx.test.ts; Traefik and Envoy are checked here on their text.
 */
import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { FORWARD_AUTH_HEADERS } from "../../src/http/routes/forward-auth.js";

const doc = readFileSync(new URL("../../docs/forward-auth.md", import.meta.url), "utf8");
const template = readFileSync(new URL("../../examples/nginx/nginx.conf.template", import.meta.url), "utf8");

/** The fenced code blocks of the doc in one language. */
function blocks(language: string): string[] {
  return [...doc.matchAll(new RegExp(`\`\`\`${language}\\n([\\s\\S]*?)\`\`\``, "g"))].map((m) => m[1] ?? "");
}

/** The headers an nginx configuration sets with proxy_set_header (in its proxied location), lower-case. */
function nginxSetHeaders(config: string): string[] {
  return [...config.matchAll(/proxy_set_header\s+(X-Latchkey-[A-Za-z-]+)\s/gi)].map((m) => (m[1] ?? "").toLowerCase());
}

it("sets or clears every X-Latchkey-* header in the nginx snippet and in the nginx example", () => {
  const [snippet] = blocks("nginx");
  expect(snippet, "docs/forward-auth.md has an nginx block").toBeDefined();
  for (const [label, config] of [["docs/forward-auth.md", snippet ?? ""], ["examples/nginx/nginx.conf.template", template]] as const) {
    expect(nginxSetHeaders(config).sort(), label).toEqual([...FORWARD_AUTH_HEADERS].sort());
  }
});

/** The directives of an nginx configuration, one per entry, without comments and with single spaces. */
function nginxDirectives(config: string): string[] {
  return config
    .split("\n")
    .map((line) => line.replace(/#.*$/, "").trim().replace(/\s+/g, " "))
    .filter((line) => line !== "" && line !== "}" && !line.endsWith("{") && !line.startsWith("server 127.0.0.1:"));
}

it("documents only nginx directives the tested example holds, keep-alive to latchkey among them", () => {
  const [snippet] = blocks("nginx");
  const tested = new Set(nginxDirectives(template));
  const documented = nginxDirectives(snippet ?? "");
  expect(documented.length).toBeGreaterThan(20);
  expect(documented.filter((directive) => !tested.has(directive))).toEqual([]);
  for (const directive of ["keepalive 16;", "proxy_http_version 1.1;", 'proxy_set_header Connection "";']) expect(documented).toContain(directive);
});

it("has Traefik strip every X-Latchkey-* header of the client's request before copying latchkey's", () => {
  const traefik = blocks("yaml").find((block) => block.includes("forwardAuth:")) ?? "";
  const regex = /authResponseHeadersRegex:\s*"([^"]+)"/.exec(traefik)?.[1];
  expect(regex, "authResponseHeadersRegex").toBeDefined();
  // Traefik matches the regex against Go's canonical header names (X-Latchkey-Token-Id).
  const canonical = (name: string): string => name.replace(/(^|-)([a-z])/g, (_m, dash: string, letter: string) => dash + letter.toUpperCase());
  for (const name of FORWARD_AUTH_HEADERS) expect(new RegExp(regex ?? "^$").test(canonical(name)), name).toBe(true);
});

it("has Envoy remove every X-Latchkey-* header of the client's request before ext_authz adds latchkey's", () => {
  const envoy = blocks("yaml").find((block) => block.includes("ext_authz")) ?? "";
  const mutation = envoy.indexOf("envoy.filters.http.header_mutation");
  const extAuthz = envoy.indexOf("envoy.filters.http.ext_authz");
  expect(mutation, "a header_mutation filter").toBeGreaterThanOrEqual(0);
  expect(mutation, "header_mutation runs before ext_authz").toBeLessThan(extAuthz);
  const removed = [...envoy.slice(mutation, extAuthz).matchAll(/remove:\s*(x-latchkey-[a-z-]+)/g)].map((m) => m[1]);
  expect(removed.sort()).toEqual([...FORWARD_AUTH_HEADERS].sort());
});
