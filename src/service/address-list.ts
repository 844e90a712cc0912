/**
 * Address text to the core's address ranges (src/core/token-conditions.ts), parsed with ipaddr.js.
 *
 * Accepted in an address list: IPv4 in dotted decimal (four parts: `127.1` and `0x7f.0.0.1`, which
 * ipaddr.js and inet_aton read, are refused as ambiguous), IPv6 in any RFC 4291 form, each alone (a
 * single address: /32 or /128) or as a CIDR range. Refused: a range with host bits set (`10.1.0.0/8`:
 * say `10.0.0.0/8` or `10.1.0.0/16`), an IPv6 zone (`fe80::1%eth0`: a zone names an interface of
 * one machine, meaningless to latchkey), a prefix out of bounds. An IPv4-mapped IPv6 address or
 * range (`::ffff:192.0.2.1`) is stored as the IPv4 it maps, since Node reports IPv4 clients of a
 * dual-stack socket that way.
 *
 * Client addresses are parsed the same way (IPv4-mapped read as IPv4, a zone ignored) and memoised
 * (up to {@link CLIENT_MEMO_ENTRIES} distinct texts), so that a warm verification of a token with
 * an address list costs a map lookup and a byte compare, not a parse.
 */
import ipaddr from "ipaddr.js";
import { hostBitsSet, type AddressList, type AddressRange } from "../core/token-conditions.js";

/** Most entries of an address list. */
export const MAX_ALLOWED_IPS = 100;

/** Longest entry of an address list, characters. */
const MAX_ENTRY_CHARS = 64;

/** Most client address texts remembered parsed; the memo starts over past it. */
export const CLIENT_MEMO_ENTRIES = 4096;

/** A parsed address list, or the problems of its entries (one sentence each, naming the entry). */
export type ParsedAllowedIps = { readonly ok: true; readonly list: AddressList } | { readonly ok: false; readonly problems: string[] };

/**
 * Parses an address list as given at token creation.
 *
 * @param entries addresses and CIDR ranges, 1..100 of them.
 * @returns the list (canonical text `203.0.113.0/24`, `2001:db8::1/128`), or every problem found.
 */
export function parseAllowedIps(entries: readonly string[]): ParsedAllowedIps {
  const problems: string[] = [];
  if (entries.length === 0) problems.push("Give at least one address or range, or leave allowed_ips out for any address.");
  if (entries.length > MAX_ALLOWED_IPS) problems.push(`At most ${MAX_ALLOWED_IPS} addresses or ranges.`);
  const ranges: AddressRange[] = [];
  const text: string[] = [];
  for (const entry of entries.slice(0, MAX_ALLOWED_IPS)) {
    const parsed = parseRange(entry);
    if (typeof parsed === "string") problems.push(parsed);
    else {
      ranges.push(parsed.range);
      text.push(parsed.text);
    }
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, list: addressListOf(ranges, text) };
}

/**
 * Rebuilds a stored address list (canonical text, as {@link parseAllowedIps} produced it). Entries
 * that no longer parse are dropped, which can only narrow the list.
 *
 * @param stored the column's JSON text, or null/undefined for any address.
 * @returns the list, or null for any address.
 */
export function storedAllowedIps(stored: string | null | undefined): AddressList | null {
  if (stored === null || stored === undefined) return null;
  let entries: unknown;
  try {
    entries = JSON.parse(stored);
  } catch {
    entries = [];
  }
  const ranges: AddressRange[] = [];
  const text: string[] = [];
  for (const entry of Array.isArray(entries) ? entries : []) {
    const parsed = typeof entry === "string" ? parseRange(entry) : "not text";
    if (typeof parsed !== "string") {
      ranges.push(parsed.range);
      text.push(parsed.text);
    }
  }
  // A list that was set stays a list even if every entry were dropped: it then allows no address.
  return addressListOf(ranges, text);
}

/**
 * The list with its test compiled for the warm path: each range as 32-bit words and masks (one word
 * for IPv4, four for IPv6), compared against the client address's words (memoised), so a check is a
 * map lookup and a few integer comparisons. It answers as the core's `addressInRanges` does (a test
 * compares the two).
 */
function addressListOf(ranges: readonly AddressRange[], text: readonly string[]): AddressList {
  const v4: number[] = [];
  const v6: number[] = [];
  for (const range of ranges) {
    const words = wordsOf(range.bytes);
    const target = range.bytes.length === 4 ? v4 : v6;
    for (let w = 0; w < words.length; w++) {
      const bits = Math.max(0, Math.min(32, range.prefixLength - w * 32));
      const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
      target.push(((words[w] ?? 0) & mask) >>> 0, mask);
    }
  }
  return {
    ranges,
    text,
    contains(address: string): boolean {
      const client = clientAddressWords(address);
      if (client === null) return false;
      const [a = 0, b = 0, c = 0, d = 0] = client;
      if (client.length === 1) {
        for (let i = 0; i < v4.length; i += 2) if (((a & (v4[i + 1] ?? 0)) >>> 0) === v4[i]) return true;
        return false;
      }
      for (let i = 0; i < v6.length; i += 8) {
        if (
          ((a & (v6[i + 1] ?? 0)) >>> 0) === v6[i] &&
          ((b & (v6[i + 3] ?? 0)) >>> 0) === v6[i + 2] &&
          ((c & (v6[i + 5] ?? 0)) >>> 0) === v6[i + 4] &&
          ((d & (v6[i + 7] ?? 0)) >>> 0) === v6[i + 6]
        )
          return true;
      }
      return false;
    },
  };
}

/** Big-endian 32-bit words of 4 or 16 bytes. */
function wordsOf(bytes: Uint8Array): number[] {
  const words: number[] = [];
  for (let i = 0; i < bytes.length; i += 4) words.push((((bytes[i] ?? 0) << 24) | ((bytes[i + 1] ?? 0) << 16) | ((bytes[i + 2] ?? 0) << 8) | (bytes[i + 3] ?? 0)) >>> 0);
  return words;
}

function parseRange(entry: string): { range: AddressRange; text: string } | string {
  const shown = JSON.stringify(entry.length > MAX_ENTRY_CHARS ? `${entry.slice(0, MAX_ENTRY_CHARS)}…` : entry);
  if (entry.length > MAX_ENTRY_CHARS) return `${shown} is too long for an address or range.`;
  if (entry.includes("%")) return `${shown}: an IPv6 zone (%...) is not allowed; give the address without it.`;
  const slash = entry.indexOf("/");
  const addressText = slash === -1 ? entry : entry.slice(0, slash);
  const address = strictAddress(addressText);
  if (address === null) return `${shown} is not an IPv4 or IPv6 address or CIDR range.`;
  const maxBits = address.kind() === "ipv4" ? 32 : 128;
  let prefixLength = maxBits;
  if (slash !== -1) {
    const bitsText = entry.slice(slash + 1);
    if (!/^(0|[1-9][0-9]{0,2})$/.test(bitsText) || Number(bitsText) > maxBits) return `${shown}: the prefix length must be 0..${maxBits}.`;
    prefixLength = Number(bitsText);
  }
  let bytes = Uint8Array.from(address.toByteArray());
  if (address.kind() === "ipv6" && (address as ipaddr.IPv6).isIPv4MappedAddress() && prefixLength >= 96) {
    bytes = Uint8Array.from((address as ipaddr.IPv6).toIPv4Address().toByteArray());
    prefixLength -= 96;
  }
  const range: AddressRange = { bytes, prefixLength };
  if (hostBitsSet(range)) return `${shown} has host bits set past /${slash === -1 ? maxBits : entry.slice(slash + 1)}; give the network address of the range.`;
  return { range, text: `${ipaddr.fromByteArray([...bytes]).toString()}/${prefixLength}` };
}

/** An address in a form no reader takes differently: four-part decimal IPv4, or IPv6. */
function strictAddress(text: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  if (ipaddr.IPv4.isValidFourPartDecimal(text)) return ipaddr.IPv4.parse(text);
  if (text.includes(":") && ipaddr.IPv6.isValid(text)) return ipaddr.IPv6.parse(text);
  return null;
}

const clientMemo = new Map<string, Uint8Array | null>();
const clientWordsMemo = new Map<string, readonly number[] | null>();

/** The client address as 32-bit words (1 for IPv4, 4 for IPv6), memoised; null when not an address. */
function clientAddressWords(text: string): readonly number[] | null {
  const memo = clientWordsMemo.get(text);
  if (memo !== undefined) return memo;
  const bytes = clientAddressBytes(text);
  const words = bytes === null ? null : wordsOf(bytes);
  if (clientWordsMemo.size >= CLIENT_MEMO_ENTRIES) clientWordsMemo.clear();
  clientWordsMemo.set(text, words);
  return words;
}

/**
 * The bytes of a client address (4 for IPv4, IPv4-mapped IPv6 included; 16 for IPv6, a zone
 * ignored), or null when the text is not an address.
 */
export function clientAddressBytes(text: string): Uint8Array | null {
  const memo = clientMemo.get(text);
  if (memo !== undefined) return memo;
  let bytes: Uint8Array | null = null;
  if (text.length <= MAX_ENTRY_CHARS) {
    const zone = text.indexOf("%");
    const address = strictAddress(zone === -1 ? text : text.slice(0, zone));
    if (address !== null) {
      const plain = address.kind() === "ipv6" && (address as ipaddr.IPv6).isIPv4MappedAddress() ? (address as ipaddr.IPv6).toIPv4Address() : address;
      bytes = Uint8Array.from(plain.toByteArray());
    }
  }
  if (clientMemo.size >= CLIENT_MEMO_ENTRIES) clientMemo.clear();
  clientMemo.set(text, bytes);
  return bytes;
}
