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
 * doubled scheme, or several tokens: malformed.
 */
export function readBearerToken(header: string | string[] | undefined): PresentedToken {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value.trim() === "") return { kind: "none" };
  const match = BEARER.exec(value);
  if (match === null || match[1] === undefined || /^bearer$/i.test(match[1])) return { kind: "malformed" };
  return { kind: "bearer", token: match[1] };
}
