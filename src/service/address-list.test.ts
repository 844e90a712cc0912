/** Address lists parsed with ipaddr.js: the compiled warm-path test answers as the core's byte-wise rule, over random ranges and addresses. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addressInRanges } from "../core/token-conditions.js";
import { clientAddressBytes, parseAllowedIps, storedAllowedIps } from "./address-list.js";

const v4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((b) => b.join("."));
const v6 = fc.array(fc.nat(0xffff), { minLength: 8, maxLength: 8 }).map((w) => w.map((x) => x.toString(16)).join(":"));

/** A range from an address and a prefix, with its host bits cleared (so that it parses). */
function networkOf(address: string, prefix: number): string {
  const bytes = clientAddressBytes(address);
  if (bytes === null) throw new Error("set-up");
  const cleared = bytes.map((b, i) => b & (0xff << (8 - Math.max(0, Math.min(8, prefix - i * 8)))) & 0xff);
  const text = cleared.length === 4 ? [...cleared].join(".") : Array.from({ length: 8 }, (_, i) => ((cleared[2 * i]! << 8) | cleared[2 * i + 1]!).toString(16)).join(":");
  return `${text}/${prefix}`;
}

describe("the compiled address test", () => {
  it("answers as addressInRanges for random IPv4 and IPv6 ranges and addresses (seeded)", () => {
    const range = fc.oneof(fc.tuple(v4, fc.nat(32)), fc.tuple(v6, fc.nat(128))).map(([a, p]) => networkOf(a, p));
    fc.assert(
      fc.property(fc.array(range, { minLength: 1, maxLength: 6 }), fc.oneof(v4, v6), (entries, address) => {
        const parsed = parseAllowedIps(entries);
        if (!parsed.ok) throw new Error(parsed.problems.join("; "));
        const bytes = clientAddressBytes(address);
        expect(parsed.list.contains(address)).toBe(bytes !== null && addressInRanges(bytes, parsed.list.ranges));
      }),
      { seed: 13, numRuns: 2000 },
    );
  });

  it("matches addresses near the edges of a range", () => {
    const parsed = parseAllowedIps(["10.0.0.0/9", "2001:db8::/33"]);
    if (!parsed.ok) throw new Error("set-up");
    expect(["10.127.255.255", "10.128.0.0", "9.255.255.255", "2001:db8:7fff:ffff::1", "2001:db8:8000::", "::ffff:10.0.0.1"].map((a) => parsed.list.contains(a))).toEqual([true, false, false, true, false, true]);
  });

  it("rebuilds a stored list as it was, and a list whose entries no longer parse as allowing nothing", () => {
    expect(storedAllowedIps('["203.0.113.0/24"]')?.text).toEqual(["203.0.113.0/24"]);
    expect(storedAllowedIps('["garbage"]')?.contains("203.0.113.1")).toBe(false);
    expect(storedAllowedIps("not json")?.contains("203.0.113.1")).toBe(false);
    expect(storedAllowedIps(null)).toBeNull();
  });
});
