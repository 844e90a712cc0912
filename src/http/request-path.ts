/**
 * Normalising the path of a request that a proxy asks about, before it is matched against the route
 * map, so that no spelling of a path reaches the protected API unchecked.
 *
 * The rule, in order (docs/forward-auth.md, "Path normalisation"):
 * 1. The target starts with `/`; the query is everything after the first `?`; a `#` is refused
 *    (a fragment never travels in HTTP, so one in a request is a trick).
 * 2. Percent-escapes are decoded when they stand for an unreserved character (RFC 3986 section
 *    6.2.2.2: `%61` is `a`, `%2e` is `.`) or for a character a path may hold raw (`:@!$&'()*+,=`,
 *    which nginx decodes before proxying, so `%40me` must be matched as `@me`), and kept, with
 *    upper-case hex, otherwise (section 6.2.2.1).
 * 3. Refused (`path_rejected`), because servers read them differently: an encoded slash `%2F` (nginx
 *    decodes it into a separator, Node.js and Express keep it inside a segment, Apache answers 404), a
 *    backslash raw or as `%5C` (WHATWG URL parsers, browsers and Node's `URL` turn it into `/`, nginx
 *    does not), `;` raw or as `%3B` (Tomcat and Spring cut a segment at it, so `/..;/` climbs a level
 *    there, and nginx decodes `%3B` into it), an encoded `%` (`%25`: decoded twice by some servers), NUL and
 *    other control characters raw or encoded, a malformed escape, raw non-ASCII, and a `..` that would
 *    climb above the root (nginx answers 400 for it).
 * 4. Dot segments are removed (RFC 3986 section 5.2.4), encoded ones included since step 2 made them
 *    dots, as nginx does; doubled slashes are merged, as nginx does by default (`merge_slashes on`).
 * 5. Other printable ASCII that may not appear raw in a path (`|`, `{`, `"`, ...) is percent-encoded,
 *    as nginx re-encodes a normalised URI it passes on.
 *
 * Case is kept: the route matcher compares paths case-insensitively (src/http/route-matcher.ts), so
 * `/V1/Token` is checked as `/v1/token` whether or not the API behind ignores case.
 *
 * No library implements this: WHATWG URL (`new URL`) turns backslashes into slashes, keeps doubled
 * slashes and clamps `..` at the root; `path.posix.normalize` clamps too and knows no escapes.
 */

/** Why a path was refused. */
export type PathRejection = "not_absolute" | "too_long" | "fragment" | "bad_escape" | "encoded_slash" | "backslash" | "semicolon" | "control" | "non_ascii" | "above_root";

/** A normalised request target, or why it was refused. */
export type NormalisedTarget =
  | { readonly ok: true; /** The normalised path, starting with `/`. */ readonly path: string; /** The raw query, without `?` (empty when none). */ readonly query: string }
  | { readonly ok: false; readonly reason: PathRejection };

/** Longest request target accepted, in characters (nginx's default large header buffer is 8 KiB). */
export const MAX_TARGET_LENGTH = 8192;

const UNRESERVED = /^[A-Za-z0-9\-._~]$/;
// Sub-delims (without `;`), `:` and `@`: the RFC 3986 pchar characters kept raw besides unreserved.
const RAW_ALLOWED = /^[A-Za-z0-9\-._~!$&'()*+,=:@]$/;

/**
 * Normalises a request target (path and query) as sent by a client.
 *
 * @param target origin-form request target, e.g. `/v1/domains/%2e%2e/token?x=1` (nginx's
 *   `$request_uri`, Traefik's X-Forwarded-Uri, the suffix of Envoy's check request path).
 * @returns `{ok: true, path, query}`, or `{ok: false, reason}` for a spelling that is refused.
 */
export function normaliseRequestTarget(target: string): NormalisedTarget {
  if (target.length > MAX_TARGET_LENGTH) return { ok: false, reason: "too_long" };
  if (!target.startsWith("/")) return { ok: false, reason: "not_absolute" };
  if (target.includes("#")) return { ok: false, reason: "fragment" };
  const queryStart = target.indexOf("?");
  const rawPath = queryStart === -1 ? target : target.slice(0, queryStart);
  const query = queryStart === -1 ? "" : target.slice(queryStart + 1);
  const decoded = decodePath(rawPath);
  if (typeof decoded !== "string") return decoded;
  const path = removeDotSegments(decoded);
  return path === null ? { ok: false, reason: "above_root" } : { ok: true, path, query };
}

/** Step 2, 3 and 5: decodes unreserved escapes, refuses the ambiguous characters, encodes the rest. */
function decodePath(rawPath: string): string | { ok: false; reason: PathRejection } {
  let out = "";
  for (let i = 0; i < rawPath.length; i++) {
    const ch = rawPath.charAt(i);
    if (ch === "%") {
      const hex = rawPath.slice(i + 1, i + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) return { ok: false, reason: "bad_escape" };
      const byte = Number.parseInt(hex, 16);
      const char = String.fromCharCode(byte);
      if (byte === 0x2f) return { ok: false, reason: "encoded_slash" };
      if (byte === 0x5c) return { ok: false, reason: "backslash" };
      if (byte < 0x20 || byte === 0x7f) return { ok: false, reason: "control" };
      // An encoded `;` becomes a real one at nginx, so it is refused like a raw one; an encoded `%`
      // would be decoded twice by some upstreams (`%252e` -> `%2e` -> `.`).
      if (byte === 0x3b) return { ok: false, reason: "semicolon" };
      if (byte === 0x25) return { ok: false, reason: "bad_escape" };
      // Unreserved characters and the pchar sub-delims `:@!$&'()*+,=` are decoded, as nginx decodes
      // them before routing and proxying: `%40me` is matched as the `@me` the upstream receives.
      out += UNRESERVED.test(char) || RAW_ALLOWED.test(char) ? char : `%${hex.toUpperCase()}`;
      i += 2;
    } else if (ch === "/" || RAW_ALLOWED.test(ch)) {
      out += ch;
    } else if (ch === "\\") {
      return { ok: false, reason: "backslash" };
    } else if (ch === ";") {
      return { ok: false, reason: "semicolon" };
    } else {
      const code = ch.charCodeAt(0);
      if (code <= 0x20 || code === 0x7f) return { ok: false, reason: "control" };
      if (code > 0x7e) return { ok: false, reason: "non_ascii" };
      out += `%${code.toString(16).toUpperCase().padStart(2, "0")}`;
    }
  }
  return out;
}

/**
 * Step 4: removes `.` and `..` segments and empty segments (doubled slashes); keeps a trailing
 * slash, which a last `.` or `..` segment also implies (RFC 3986 section 5.2.4: `/a/b/..` is `/a/`).
 *
 * @returns the path, or null when a `..` climbs above the root.
 */
function removeDotSegments(path: string): string | null {
  const segments = path.split("/").slice(1);
  const out: string[] = [];
  let trailingSlash = false;
  for (const segment of segments) {
    trailingSlash = segment === "" || segment === "." || segment === "..";
    if (segment === "" || segment === ".") continue;
    if (segment === "..") {
      if (out.length === 0) return null;
      out.pop();
      continue;
    }
    out.push(segment);
  }
  const joined = `/${out.join("/")}`;
  return trailingSlash && out.length > 0 ? `${joined}/` : joined;
}

/** The value a query names for one parameter: a value, none, or a spelling that is refused. */
export type QueryParameterValue = { readonly kind: "value"; readonly value: string } | { readonly kind: "none" } | { readonly kind: "ambiguous" };

// Characters some server drops from, or trims off, a parameter's name before reading it: white space
// (JavaScript's `\s`, Unicode's White_Space), control and format characters (NUL, tab, DEL, C1, zero
// width, bidirectional controls, BOM) and U+FFFD, which URLSearchParams makes of an invalid escape.
const IGNORABLE_IN_NAME = /[\s\p{Cc}\p{Cf}\uFFFD]/gu;

/**
 * Reads one query parameter, refusing every spelling under which another server may read a
 * different value for it (found by the break test; docs/forward-auth.md, "The route map").
 *
 * Ambiguous: the parameter given twice with different values, an empty one included (`domain=a&domain=`:
 * a reader of the last one sees no domain); `;` anywhere (older Go and Python split on it); another
 * key that some server reads as this one: another case (`DOMAIN`, ASP.NET), an array or object
 * spelling (`domain[]`, `domain[a]`, qs and PHP), leading or trailing white space or `+` (PHP trims
 * leading spaces), control or invisible characters (`domain%00`, C servers stop at NUL; `domain%09`),
 * and `.` or a space for `_` (PHP's `domain.id` is `domain_id`).
 *
 * @param query the raw query, without `?` (as {@link normaliseRequestTarget} returns it).
 * @param name the parameter's name as the route map gives it, e.g. `domain`.
 * @returns `{kind: "value", value}` (decoded as URLSearchParams decodes), `{kind: "none"}` when the
 *   parameter is absent or only empty, or `{kind: "ambiguous"}`.
 */
export function readQueryParameter(query: string, name: string): QueryParameterValue {
  if (query.includes(";")) return { kind: "ambiguous" };
  const params = new URLSearchParams(query);
  const lowerName = name.toLowerCase();
  for (const key of params.keys()) {
    if (key === name) continue;
    const beforeNul = key.split("\0")[0] ?? "";
    const readings = [beforeNul.replace(IGNORABLE_IN_NAME, ""), beforeNul.trim().replace(/[ .]/g, "_").replace(IGNORABLE_IN_NAME, "")];
    for (const reading of readings) {
      const lower = reading.toLowerCase();
      if (lower === lowerName || lower.startsWith(`${lowerName}[`)) return { kind: "ambiguous" };
    }
  }
  const values = new Set(params.getAll(name));
  if (values.size > 1) return { kind: "ambiguous" };
  const value = values.values().next().value;
  return value === undefined || value === "" ? { kind: "none" } : { kind: "value", value };
}
