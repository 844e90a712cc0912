/** The secret key's forms and the sealing of values under it (src/service/secret-key.ts); the key file: test/api/totp-sealing.test.ts. */
import { describe, expect, it } from "vitest";
import { seededRandom } from "../core/random-source.js";
import { isSealed, parseSecretKey, SecretBox, UnsealError } from "./secret-key.js";

const KEY = new Uint8Array(32).map((_, i) => i);

describe("parseSecretKey", () => {
  it.each([
    ["64 hex digits", Buffer.from(KEY).toString("hex")],
    ["base64", Buffer.from(KEY).toString("base64")],
    ["base64url without padding", Buffer.from(KEY).toString("base64url")],
    ["base64 with a trailing newline", `${Buffer.from(KEY).toString("base64")}\n`],
  ])("reads %s", (_name, text) => {
    expect(parseSecretKey(text)).toEqual(KEY);
  });

  it.each([
    ["empty", ""],
    ["a passphrase", "correct horse battery staple"],
    ["31 bytes of hex", Buffer.from(KEY.slice(1)).toString("hex")],
    ["16 bytes of base64", Buffer.from(KEY.slice(16)).toString("base64")],
    ["33 bytes of base64", Buffer.concat([Buffer.from(KEY), Buffer.from([1])]).toString("base64")],
  ])("refuses %s", (_name, text) => {
    expect(parseSecretKey(text)).toBeNull();
  });
});

describe("SecretBox", () => {
  const box = new SecretBox(KEY, "totp-secret", seededRandom(1));

  it("opens what it sealed, and the sealed text shows nothing of the value", () => {
    const sealed = box.seal("JBSWY3DPEHPK3PXP", "usr_1");
    expect(isSealed(sealed)).toBe(true);
    expect(isSealed("JBSWY3DPEHPK3PXP")).toBe(false);
    expect(sealed).not.toContain("JBSWY3DPEHPK3PXP");
    expect(box.open(sealed, "usr_1")).toBe("JBSWY3DPEHPK3PXP");
  });

  it("seals the same value differently each time (a random IV)", () => {
    expect(box.seal("JBSWY3DPEHPK3PXP", "usr_1")).not.toBe(box.seal("JBSWY3DPEHPK3PXP", "usr_1"));
  });

  it("refuses another owner, another key, another purpose, and an altered value", () => {
    const sealed = box.seal("JBSWY3DPEHPK3PXP", "usr_1");
    expect(() => box.open(sealed, "usr_2")).toThrow(UnsealError);
    expect(() => new SecretBox(new Uint8Array(32).fill(9), "totp-secret", seededRandom(1)).open(sealed, "usr_1")).toThrow(UnsealError);
    expect(() => new SecretBox(KEY, "other", seededRandom(1)).open(sealed, "usr_1")).toThrow(UnsealError);
    const [v, iv, body, tag] = sealed.split(".") as [string, string, string, string];
    const flipped = Buffer.from(body, "base64url");
    flipped[0] = (flipped[0] ?? 0) ^ 1;
    expect(() => box.open([v, iv, flipped.toString("base64url"), tag].join("."), "usr_1")).toThrow(UnsealError);
    expect(() => box.open("v1.garbage", "usr_1")).toThrow(UnsealError);
  });
});
