/**
 * Rules for the values people type: token names, domain names and expiry dates. Each check returns
 * the normalised value or a message naming the rule, never throws on input.
 */

import { hasVisibleCharacter, hiddenCharactersIn } from "./name-characters.js";

/** A checked value, or the rule it breaks (a sentence to put beside the field). */
export type Checked<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: string };

/** Longest token name, in characters (code points) after trimming (DESIGN.md). */
export const TOKEN_NAME_MAX_CHARS = 50;

/** The sentence for each way a token name can break the rules (the 422's message for `name`). */
export const TOKEN_NAME_PROBLEMS = {
  unicode: "The name must be valid Unicode (no lone surrogates).",
  required: "The name is required.",
  tooLong: `The name may not be longer than ${TOKEN_NAME_MAX_CHARS} characters.`,
  control: "The name may not contain control characters.",
  bidi: "The name may not contain bidirectional control characters (U+202A-U+202E, U+2066-U+2069, U+061C, U+200E, U+200F).",
  invisible: "The name may not contain invisible characters (zero-width spaces and joiners, word joiners, byte order marks, soft hyphens, fillers, tags).",
  noVisible: "The name must contain a visible character.",
} as const;

/**
 * Checks a token name: trimmed, 1 to 50 characters (Unicode code points), no control characters
 * (C0, DEL, C1) or line/paragraph separators, no lone surrogates, no bidirectional controls and no
 * invisible characters (a BOM anywhere, the ends included; emoji, variation and flag sequences that
 * need a zero-width joiner, a variation selector or tags are kept), and something visible
 * (src/core/name-characters.ts; found by the break test: `ad\u200Bmin` passed for `admin`). Any other
 * Unicode is kept as given (no case folding, no normalisation form applied). The seed: "You're free to
 * use any name you want, as long as it's clear to you."
 *
 * @returns the trimmed name, or the problem: one of {@link TOKEN_NAME_PROBLEMS}.
 */
export function checkTokenName(raw: string): Checked<string> {
  if (!raw.isWellFormed()) return { ok: false, problem: TOKEN_NAME_PROBLEMS.unicode };
  // trim() removes a BOM at either end; refuse it instead, as anywhere else.
  const name = raw.includes("\uFEFF") ? raw : raw.trim();
  if (name.length === 0) return { ok: false, problem: TOKEN_NAME_PROBLEMS.required };
  if ([...name].length > TOKEN_NAME_MAX_CHARS) return { ok: false, problem: TOKEN_NAME_PROBLEMS.tooLong };
  if (/[\p{Cc}\u2028\u2029]/u.test(name)) return { ok: false, problem: TOKEN_NAME_PROBLEMS.control };
  const hidden = hiddenCharactersIn(name);
  if (hidden !== "none") return { ok: false, problem: TOKEN_NAME_PROBLEMS[hidden] };
  if (!hasVisibleCharacter(name)) return { ok: false, problem: TOKEN_NAME_PROBLEMS.noVisible };
  return { ok: true, value: name };
}

/**
 * Normalises a domain name for comparison and storage: ASCII letters lower-cased, one trailing dot
 * removed (`Example.COM.` -> `example.com`). Only A-Z is folded, as DNS compares names (RFC 4343):
 * a full Unicode lower-casing would turn the Kelvin sign U+212A into `k`, so `\u212Aey.com` would
 * pass as `key.com`. It does not check validity; see {@link checkDomainName}.
 */
export function normalizeDomainName(raw: string): string {
  // Names mostly arrive in lower case already, and this runs on every verification that names a domain.
  const lower = /[A-Z]/.test(raw) ? raw.replace(/[A-Z]+/g, (letters) => letters.toLowerCase()) : raw;
  return lower.endsWith(".") ? lower.slice(0, -1) : lower;
}

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * Checks a DNS name for a domain (RFC 1035 / RFC 1123 host names, written as ASCII; an IDN must be
 * given in its `xn--` form): 1 to 253 characters, at least two labels, each 1 to 63 of `a-z0-9-`
 * not starting or ending with `-`, the last not all digits. Surrounding spaces are trimmed, case and
 * one trailing dot are normalised.
 */
export function checkDomainName(raw: string): Checked<string> {
  const name = normalizeDomainName(raw.trim());
  if (name.length === 0) return { ok: false, problem: "The domain name is required." };
  if (name.length > 253) return { ok: false, problem: "The domain name may not be longer than 253 characters." };
  const labels = name.split(".");
  if (labels.length < 2 || !labels.every((label) => LABEL.test(label)) || /^[0-9]+$/.test(labels[labels.length - 1] ?? "")) {
    return { ok: false, problem: "The domain name must be a DNS name such as example.com (letters, digits and hyphens; IDNs in xn-- form)." };
  }
  return { ok: true, value: name };
}

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const INSTANT = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;

/**
 * Parses an expiry: an RFC 3339 date-time with an offset (`2026-12-31T18:00:00+02:00`) or a date
 * (`2026-12-31`), which means "through the end of that UTC day", i.e. expiring at the next day's
 * 00:00:00Z. The instant must be after `nowMillis` (DESIGN.md: "must be in the future").
 *
 * @param raw the string given.
 * @param nowMillis the current instant, epoch milliseconds.
 * @returns the expiry instant in epoch milliseconds (UTC).
 */
export function parseExpiry(raw: string, nowMillis: number): Checked<number> {
  const date = DATE_ONLY.exec(raw);
  let millis: number;
  if (date) {
    const [, y, m, d] = date.map(Number) as [number, number, number, number];
    const start = Date.UTC(y, m - 1, d);
    const check = new Date(start);
    if (check.getUTCFullYear() !== y || check.getUTCMonth() !== m - 1 || check.getUTCDate() !== d) {
      return { ok: false, problem: "The expiry date is not a real calendar date." };
    }
    millis = start + 86_400_000;
  } else {
    const instant = INSTANT.exec(raw);
    if (!instant) return { ok: false, problem: "The expiry must be an RFC 3339 date-time with an offset (2026-12-31T23:59:59Z) or a date (2026-12-31)." };
    const [, y, mo, d, h, mi, s] = instant.map(Number) as number[] as [number, number, number, number, number, number, number];
    const check = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
    if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) {
      return { ok: false, problem: "The expiry is not a real date and time." };
    }
    millis = Date.parse(raw.replace(" ", "T"));
    if (Number.isNaN(millis)) return { ok: false, problem: "The expiry is not a real date and time." };
  }
  if (millis > Date.UTC(9999, 11, 31, 23, 59, 59)) return { ok: false, problem: "The expiry may not be after the year 9999." };
  if (millis <= nowMillis) return { ok: false, problem: "The expiry must be in the future." };
  return { ok: true, value: millis };
}
