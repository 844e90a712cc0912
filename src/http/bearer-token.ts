/**
 * Reading the API token from a request. Only the Authorization header counts (RFC 6750 section 2.1);
 * a token in the URL is never read, since URLs end up in logs, histories and Referer headers.
 */

/** What the Authorization header held. */
export type PresentedToken = { readonly kind: "none" } | { readonly kind: "malformed" } | { readonly kind: "bearer"; readonly token: string };

const BEARER = /^\s*bearer\s+(\S+)\s*$/i;

/**
 * Parses an Authorization header: `Bearer <token>`, the scheme case-insensitive (RFC 7235 section
 * 2.1), surrounding spaces tolerated. No header or an empty one: none. Any other scheme (Basic), a
 * doubled scheme, or several tokens: malformed. Several headers (an array of more than one value, as
 * {@link authorizationHeaders} gives for a request that repeats the header): malformed, never the
 * first or the last, since a proxy or the API behind may read another one than latchkey (found by
 * the break test; RFC 9110 section 5.3 allows no list in Authorization).
 *
 * @param header one value, all of a request's values, or undefined when there is none.
 */
export function readBearerToken(header: string | readonly string[] | undefined): PresentedToken {
  if (typeof header !== "string" && header !== undefined && header.length > 1) return { kind: "malformed" };
  const value = typeof header === "string" ? header : header?.[0];
  if (value === undefined || value.trim() === "") return { kind: "none" };
  const match = BEARER.exec(value);
  if (match === null || match[1] === undefined || /^bearer$/i.test(match[1])) return { kind: "malformed" };
  return { kind: "bearer", token: match[1] };
}

/**
 * Every Authorization value of a request, in order, from Node's `rawHeaders` (name, value, name,
 * value, ...). Node's `headers.authorization` keeps only the first of several, so a reader of it
 * cannot tell one header from two.
 *
 * @param rawHeaders `IncomingMessage.rawHeaders`.
 * @returns the values (empty when there is no such header).
 */
export function authorizationHeaders(rawHeaders: readonly string[]): string[] {
  const values: string[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) if (rawHeaders[i]?.toLowerCase() === "authorization") values.push(rawHeaders[i + 1] ?? "");
  return values;
}
