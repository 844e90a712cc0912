/**
 * Conditions of use of a token (issue 13): a start instant (`not_before`) and a list of client
 * addresses and ranges (`allowed_ips`). Set at creation, immutable afterwards like permissions (the
 * seed: a change means delete and re-create). Pure rules over plain data: address text is parsed to
 * bytes by the service (with ipaddr.js, src/service/address-list.ts); here ranges are compared byte
 * by byte.
 *
 * Peers: Cloudflare API tokens ("Client IP Address Filtering", "TTL: start date"), Stripe restricted
 * keys (IP allow-list), Vault token roles (`token_bound_cidrs`).
 */

/** A range of addresses: the network's bytes (4 for IPv4, 16 for IPv6) and its prefix length in bits. */
export interface AddressRange {
  /** Network address, host bits zero; 4 or 16 bytes. */
  readonly bytes: Uint8Array;
  /** 0..32 (IPv4) or 0..128 (IPv6); a single address is /32 or /128. */
  readonly prefixLength: number;
}

/**
 * A token's address list as verification holds it: the ranges, their canonical text (as stored and
 * shown), and the test of a presented client address (built by the service, which parses the text).
 */
export interface AddressList {
  readonly ranges: readonly AddressRange[];
  /** Canonical CIDR text of each range, in the order given (`203.0.113.0/24`, `2001:db8::1/128`). */
  readonly text: readonly string[];
  /**
   * Whether a client address (text as received, IPv4 or IPv6, IPv4-mapped IPv6 read as IPv4) lies
   * in a range. Text that is not an address lies in none.
   */
  contains(address: string): boolean;
}

/**
 * Whether `address` (4 or 16 bytes) lies within `range`. An IPv4 address never lies in an IPv6
 * range nor the reverse (IPv4-mapped addresses are unwrapped by the parser before they get here).
 */
export function addressInRange(address: Uint8Array, range: AddressRange): boolean {
  if (address.length !== range.bytes.length) return false;
  let bits = range.prefixLength;
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if (((address[i] ?? 0) & mask) !== ((range.bytes[i] ?? 0) & mask)) return false;
  }
  return true;
}

/** Whether `address` lies within any of `ranges`. */
export function addressInRanges(address: Uint8Array, ranges: readonly AddressRange[]): boolean {
  for (const range of ranges) if (addressInRange(address, range)) return true;
  return false;
}

/** Whether a range's bytes have a bit set past its prefix (`10.1.0.0/8`): such a range is refused, not rounded. */
export function hostBitsSet(range: AddressRange): boolean {
  for (let i = 0; i < range.bytes.length; i++) {
    const kept = Math.max(0, Math.min(8, range.prefixLength - i * 8));
    const hostMask = 0xff >> kept;
    if (((range.bytes[i] ?? 0) & hostMask) !== 0) return true;
  }
  return false;
}

/** Whether range `inner` lies wholly within range `outer` (same family, no shorter prefix, same network). */
export function rangeWithin(inner: AddressRange, outer: AddressRange): boolean {
  return inner.bytes.length === outer.bytes.length && inner.prefixLength >= outer.prefixLength && addressInRange(inner.bytes, outer);
}

/** The conditions of a token, as the containment check compares them. */
export interface TokenConditions {
  /** Start instant, epoch milliseconds, or null: valid from creation. */
  readonly notBeforeMillis: number | null;
  /** Expiry instant, epoch milliseconds, or null: never. */
  readonly expiresAtMillis: number | null;
  /** Allowed client ranges, or null: any address. */
  readonly allowedIps: readonly AddressRange[] | null;
}

/**
 * What a child token's conditions lack to lie within its parent's (DESIGN.md round 2, "Children
 * inherit the ceiling"): `allowed_ips` when the child may be used from an address the parent may
 * not (no list under a parent with one, or a range outside every parent range), `not_before` when
 * the child may be used before the parent, `expires_at` when it outlives the parent.
 *
 * @returns the field names, empty when the child lies within; the order is that of the fields.
 */
export function conditionsLacking(parent: TokenConditions, child: TokenConditions): string[] {
  const lacking: string[] = [];
  if (parent.allowedIps !== null) {
    const parentRanges = parent.allowedIps;
    if (child.allowedIps === null || !child.allowedIps.every((range) => parentRanges.some((outer) => rangeWithin(range, outer)))) lacking.push("allowed_ips");
  }
  if (parent.notBeforeMillis !== null && (child.notBeforeMillis === null || child.notBeforeMillis < parent.notBeforeMillis)) lacking.push("not_before");
  if (parent.expiresAtMillis !== null && (child.expiresAtMillis === null || child.expiresAtMillis > parent.expiresAtMillis)) lacking.push("expires_at");
  return lacking;
}

/**
 * Checks a `not_before` against the token's expiry: the token must be usable at some instant, so a
 * start at or after the expiry is refused.
 *
 * @returns a sentence for the `not_before` field, or null when it is fine.
 */
export function notBeforeProblem(notBeforeMillis: number, expiresAtMillis: number | null): string | null {
  if (expiresAtMillis !== null && notBeforeMillis >= expiresAtMillis) return "not_before must be before expires_at.";
  return null;
}

/** What {@link conditionRefusal} looks at of a token record (src/core/verify-decision.ts). */
export interface ConditionedRecord {
  readonly graceEndsAtMillis: number | null;
  readonly notBeforeMillis: number | null;
  readonly allowedIps: AddressList | null;
}

/**
 * The refusal a live token's secret and conditions give, in DESIGN.md's order: `token_rotated` (a
 * previous secret at or after the end of its grace), `token_not_yet_valid` (before `not_before`),
 * `ip_not_allowed` (an address list, and no client address or one outside it).
 *
 * @param nowMillis the current instant, epoch milliseconds.
 * @param ip the client's address, or null/undefined when unknown.
 * @returns the code, or null when the conditions hold. Tokens without conditions cost three null tests.
 */
export function conditionRefusal(record: ConditionedRecord, nowMillis: number, ip: string | null | undefined): "token_rotated" | "token_not_yet_valid" | "ip_not_allowed" | null {
  if (record.graceEndsAtMillis !== null && nowMillis >= record.graceEndsAtMillis) return "token_rotated";
  if (record.notBeforeMillis !== null && nowMillis < record.notBeforeMillis) return "token_not_yet_valid";
  if (record.allowedIps !== null && (ip === null || ip === undefined || !record.allowedIps.contains(ip))) return "ip_not_allowed";
  return null;
}
