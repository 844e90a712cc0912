/**
 * The token secret: format, checksum, hash and preview.
 *
 * Format (version 1), after the GitHub and Cloudflare formats:
 *
 *     <prefix> "1" <32 base62 characters of randomness> <6 base62 characters of CRC-32>
 *     lk_1Jt3k0sVxQ2aNwq8ZcYB5mUeR7oHfL9dP4gi0sFq1a
 *
 * - prefix: LATCHKEY_TOKEN_PREFIX (default `lk_`), `[a-z][a-z0-9]{0,15}_`, so secret scanners and
 *   people recognise the string;
 * - "1": the format version, so a later format can be told apart and old secrets keep working;
 * - 32 base62 characters drawn uniformly (rejection sampling): log2(62) * 32 = 190.5 random bits,
 *   above the 160 asked for;
 * - checksum: CRC-32 (IEEE 802.3, as GitHub's) of everything before it, prefix included, as 6 base62
 *   digits (62^6 > 2^32), so a mistyped, truncated or foreign string is refused with no database read.
 *
 * Only SHA-256 of the whole secret is stored. A fast hash is right here (as in GitHub's and Stripe's
 * key stores): the secret holds 190 random bits, so there is nothing to brute-force, and verification
 * must stay cheap. The preview (`lk_1Jt3…Fq1a`: prefix, version, 3 random characters, an ellipsis, the
 * last 4 characters, which are checksum) identifies a token in a list; it reveals 3 of 32 random
 * characters, leaving 172 unknown bits.
 */
import { hash } from "node:crypto";
import type { RandomSource } from "./random-source.js";

/** Base62 alphabet, digits first (as GitHub's tokens). */
const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const FORMAT_VERSION = "1";
const RANDOM_CHARS = 32;
const CHECKSUM_CHARS = 6;
/** Characters after the prefix: version + random + checksum. */
export const SECRET_BODY_CHARS = 1 + RANDOM_CHARS + CHECKSUM_CHARS;
/** Rule for a token prefix. */
export const TOKEN_PREFIX_PATTERN = /^[a-z][a-z0-9]{0,15}_$/;
/** Longest prefix {@link TOKEN_PREFIX_PATTERN} allows: a letter, 15 letters or digits, and `_`. */
const MAX_PREFIX_CHARS = 17;
/**
 * Longest string {@link parseSecret} considers (the longest prefix plus the body, 56 characters);
 * anything longer is malformed without further work.
 */
export const MAX_SECRET_CHARS = MAX_PREFIX_CHARS + SECRET_BODY_CHARS;

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (IEEE) of an ASCII string. */
function crc32(text: string): number {
  let crc = 0xffffffff;
  for (let i = 0; i < text.length; i++) crc = (CRC_TABLE[(crc ^ text.charCodeAt(i)) & 0xff] ?? 0) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function checksumOf(text: string): string {
  let value = crc32(text);
  let out = "";
  for (let i = 0; i < CHECKSUM_CHARS; i++) {
    out = BASE62[value % 62] + out;
    value = Math.floor(value / 62);
  }
  return out;
}

/**
 * Creates a new secret.
 *
 * @param prefix a prefix matching {@link TOKEN_PREFIX_PATTERN}, e.g. `lk_`.
 * @param random source of random bytes (crypto-strength in production, seeded in tests).
 * @returns the secret, `prefix.length + 39` ASCII characters.
 * @throws Error when the prefix breaks its rule (a configuration error, caught at start).
 */
export function generateSecret(prefix: string, random: RandomSource): string {
  if (!TOKEN_PREFIX_PATTERN.test(prefix)) throw new Error(`token prefix must match ${TOKEN_PREFIX_PATTERN.source}`);
  let body = "";
  while (body.length < RANDOM_CHARS) {
    for (const byte of random.bytes(RANDOM_CHARS)) {
      // 248 = 62 * 4: bytes at or above it would bias the first characters, so they are drawn again.
      if (byte < 248 && body.length < RANDOM_CHARS) body += BASE62[byte % 62];
    }
  }
  const head = `${prefix}${FORMAT_VERSION}${body}`;
  return head + checksumOf(head);
}

/** Result of {@link parseSecret}. A malformed secret is data, not an exception. */
export type ParseSecretResult = { readonly ok: true; readonly version: 1 } | { readonly ok: false };

const WELL_FORMED: ParseSecretResult = Object.freeze({ ok: true, version: 1 });
const MALFORMED: ParseSecretResult = Object.freeze({ ok: false });
const VERSION_CODE = FORMAT_VERSION.charCodeAt(0);
/** CRC_TABLE as signed 32-bit integers, so the checksum loop stays in small-integer arithmetic. */
const CRC_TABLE_INT32 = Int32Array.from(CRC_TABLE);
const BASE62_CODES = Uint8Array.from(BASE62, (c) => c.charCodeAt(0));

/**
 * Checks a presented string is a well-formed secret with one of the accepted prefixes: the right
 * length, the base62 alphabet, a known version and a matching checksum. Reads nothing but the string.
 *
 * It runs on every verification, so it builds no strings: the alphabet check and the CRC-32 share
 * one pass, and the checksum digits are compared in place.
 *
 * @param presented the string as presented (not trimmed here; the caller strips the header syntax).
 * @param prefixes accepted prefixes; the configured one, and earlier ones a deployment still honours.
 */
export function parseSecret(presented: string, prefixes: readonly string[]): ParseSecretResult {
  const length = presented.length;
  if (length > MAX_SECRET_CHARS) return MALFORMED;
  let prefixLength = -1;
  for (const p of prefixes) {
    if (length === p.length + SECRET_BODY_CHARS && presented.startsWith(p)) {
      prefixLength = p.length;
      break;
    }
  }
  if (prefixLength < 0 || presented.charCodeAt(prefixLength) !== VERSION_CODE) return MALFORMED;
  const split = length - CHECKSUM_CHARS;
  let crc = -1;
  for (let i = 0; i < length; i++) {
    const c = presented.charCodeAt(i);
    if (i > prefixLength && !((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122))) return MALFORMED;
    if (i < split) crc = (CRC_TABLE_INT32[(crc ^ c) & 0xff] ?? 0) ^ (crc >>> 8);
  }
  // The checksum is the CRC as 6 base62 digits, most significant first (see checksumOf).
  let value = ~crc >>> 0;
  for (let i = length - 1; i >= split; i--) {
    if (presented.charCodeAt(i) !== BASE62_CODES[value % 62]) return MALFORMED;
    value = Math.floor(value / 62);
  }
  return WELL_FORMED;
}

/** SHA-256 of the secret, as 64 lower-case hex characters: the only form in which it is stored. */
export function hashSecret(secret: string): string {
  // The one-shot `hash` (Node.js 20.12+) skips the Hash object: about 3x faster than createHash for a
  // 42-character secret, and this runs on every verification.
  return hash("sha256", secret, "hex");
}

/** The non-secret preview shown in lists: prefix, version and 3 characters, an ellipsis, the last 4. */
export function previewOf(secret: string, prefix: string): string {
  return `${secret.slice(0, prefix.length + 4)}…${secret.slice(-4)}`;
}
