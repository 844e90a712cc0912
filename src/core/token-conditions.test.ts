/** The conditions' pure rules: ranges byte by byte, host bits, containment of a child's conditions, and the refusal order. */
import { describe, expect, it } from "vitest";
import { addressInRange, conditionRefusal, conditionsLacking, hostBitsSet, notBeforeProblem, rangeWithin, type AddressList, type AddressRange } from "./token-conditions.js";

const v4 = (text: string, prefixLength: number): AddressRange => ({ bytes: Uint8Array.from(text.split(".").map(Number)), prefixLength });
const v6 = (bytes: number[], prefixLength: number): AddressRange => ({ bytes: Uint8Array.from([...bytes, ...Array(16 - bytes.length).fill(0)]), prefixLength });

describe("addressInRange", () => {
  it.each([
    { label: "inside a /24", address: "203.0.113.9", range: v4("203.0.113.0", 24), inside: true },
    { label: "next /24", address: "203.0.114.0", range: v4("203.0.113.0", 24), inside: false },
    { label: "a /0 holds everything", address: "1.2.3.4", range: v4("0.0.0.0", 0), inside: true },
    { label: "a /32 is one address", address: "10.0.0.1", range: v4("10.0.0.1", 32), inside: true },
    { label: "its neighbour", address: "10.0.0.2", range: v4("10.0.0.1", 32), inside: false },
    { label: "a /9 edge, inside", address: "10.127.255.255", range: v4("10.0.0.0", 9), inside: true },
    { label: "a /9 edge, outside", address: "10.128.0.0", range: v4("10.0.0.0", 9), inside: false },
  ])("$label", ({ address, range, inside }) => {
    expect(addressInRange(v4(address, 32).bytes, range)).toBe(inside);
  });

  it("never matches an IPv4 address against an IPv6 range, even ::/0", () => {
    expect(addressInRange(v4("10.0.0.1", 32).bytes, v6([], 0))).toBe(false);
    expect(addressInRange(v6([0x20, 0x01], 128).bytes, v4("0.0.0.0", 0))).toBe(false);
  });
});

describe("hostBitsSet", () => {
  it.each([
    { range: v4("10.1.0.0", 8), set: true },
    { range: v4("10.0.0.0", 8), set: false },
    { range: v4("10.0.0.1", 31), set: true },
    { range: v4("10.0.0.2", 31), set: false },
    { range: v4("0.0.0.1", 0), set: true },
    { range: v6([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1], 32), set: true },
    { range: v6([0x20, 0x01, 0x0d, 0xb8], 32), set: false },
  ])("$range.prefixLength bits of $range.bytes: $set", ({ range, set }) => {
    expect(hostBitsSet(range)).toBe(set);
  });
});

describe("rangeWithin", () => {
  it("holds a narrower range of the same network, not a wider one nor another family", () => {
    expect(rangeWithin(v4("10.20.0.0", 16), v4("10.0.0.0", 8))).toBe(true);
    expect(rangeWithin(v4("10.0.0.0", 7), v4("10.0.0.0", 8))).toBe(false);
    expect(rangeWithin(v4("11.0.0.0", 8), v4("10.0.0.0", 8))).toBe(false);
    expect(rangeWithin(v6([], 0), v4("0.0.0.0", 0))).toBe(false);
  });
});

describe("conditionsLacking", () => {
  const parent = { notBeforeMillis: 1000, expiresAtMillis: 5000, allowedIps: [v4("10.0.0.0", 8)] };
  it.each([
    { label: "a child within", child: { notBeforeMillis: 1000, expiresAtMillis: 5000, allowedIps: [v4("10.1.0.0", 16)] }, lacking: [] },
    { label: "no list under a list", child: { notBeforeMillis: 1000, expiresAtMillis: 5000, allowedIps: null }, lacking: ["allowed_ips"] },
    { label: "one range outside", child: { notBeforeMillis: 1000, expiresAtMillis: 5000, allowedIps: [v4("10.1.0.0", 16), v4("192.168.0.0", 16)] }, lacking: ["allowed_ips"] },
    { label: "an earlier start", child: { notBeforeMillis: 999, expiresAtMillis: 5000, allowedIps: [v4("10.1.0.0", 16)] }, lacking: ["not_before"] },
    { label: "no start under a start", child: { notBeforeMillis: null, expiresAtMillis: 5000, allowedIps: [v4("10.1.0.0", 16)] }, lacking: ["not_before"] },
    { label: "a later expiry", child: { notBeforeMillis: 1000, expiresAtMillis: 5001, allowedIps: [v4("10.1.0.0", 16)] }, lacking: ["expires_at"] },
    { label: "no expiry under one", child: { notBeforeMillis: 1000, expiresAtMillis: null, allowedIps: [v4("10.1.0.0", 16)] }, lacking: ["expires_at"] },
    { label: "everything outside", child: { notBeforeMillis: null, expiresAtMillis: null, allowedIps: null }, lacking: ["allowed_ips", "not_before", "expires_at"] },
  ])("$label", ({ child, lacking }) => {
    expect(conditionsLacking(parent, child)).toEqual(lacking);
  });

  it("asks nothing under a parent without conditions", () => {
    expect(conditionsLacking({ notBeforeMillis: null, expiresAtMillis: null, allowedIps: null }, { notBeforeMillis: null, expiresAtMillis: null, allowedIps: null })).toEqual([]);
  });
});

describe("notBeforeProblem", () => {
  it("refuses a start at or after the expiry", () => {
    expect([notBeforeProblem(10, 11), notBeforeProblem(11, 11), notBeforeProblem(12, 11), notBeforeProblem(12, null)].map((p) => p === null)).toEqual([true, false, false, true]);
  });
});

describe("conditionRefusal", () => {
  const list = (allowed: string): AddressList => ({ ranges: [], text: [], contains: (ip) => ip === allowed });
  it.each([
    { label: "no conditions", record: { graceEndsAtMillis: null, notBeforeMillis: null, allowedIps: null }, ip: null, code: null },
    { label: "a previous secret one millisecond before its grace ends", record: { graceEndsAtMillis: 101, notBeforeMillis: null, allowedIps: null }, ip: null, code: null },
    { label: "a previous secret at the end of its grace", record: { graceEndsAtMillis: 100, notBeforeMillis: null, allowedIps: null }, ip: null, code: "token_rotated" },
    { label: "one millisecond before not_before", record: { graceEndsAtMillis: null, notBeforeMillis: 101, allowedIps: null }, ip: null, code: "token_not_yet_valid" },
    { label: "at not_before", record: { graceEndsAtMillis: null, notBeforeMillis: 100, allowedIps: null }, ip: null, code: null },
    { label: "a list and no address", record: { graceEndsAtMillis: null, notBeforeMillis: null, allowedIps: list("1.2.3.4") }, ip: null, code: "ip_not_allowed" },
    { label: "a list and an address outside", record: { graceEndsAtMillis: null, notBeforeMillis: null, allowedIps: list("1.2.3.4") }, ip: "1.2.3.5", code: "ip_not_allowed" },
    { label: "a list and an address inside", record: { graceEndsAtMillis: null, notBeforeMillis: null, allowedIps: list("1.2.3.4") }, ip: "1.2.3.4", code: null },
    { label: "rotated before not yet valid before the address", record: { graceEndsAtMillis: 50, notBeforeMillis: 200, allowedIps: list("x") }, ip: null, code: "token_rotated" },
    { label: "not yet valid before the address", record: { graceEndsAtMillis: null, notBeforeMillis: 200, allowedIps: list("x") }, ip: null, code: "token_not_yet_valid" },
  ])("$label: $code", ({ record, ip, code }) => {
    expect(conditionRefusal(record, 100, ip)).toBe(code);
  });
});
