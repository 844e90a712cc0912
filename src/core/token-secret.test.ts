import { crc32 } from "node:zlib";
import { describe, expect, it } from "vitest";
import { seededRandom, type RandomSource } from "./random-source.js";
import { generateSecret, hashSecret, MAX_SECRET_CHARS, parseSecret, previewOf, SECRET_BODY_CHARS, TOKEN_PREFIX_PATTERN } from "./token-secret.js";

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const PREFIX = "lk_";
const LONGEST_PREFIX = `a${"b".repeat(15)}_`;

/** The checksum computed independently: zlib's CRC-32 (IEEE) as six base62 digits, most significant first. */
function checksumOf(text: string): string {
  let value = crc32(text);
  let out = "";
  for (let i = 0; i < 6; i++) {
    out = BASE62[value % 62] + out;
    value = Math.floor(value / 62);
  }
  return out;
}

/** A string with a correct checksum over whatever head it is given, to test one rule at a time. */
function withChecksum(head: string): string {
  return head + checksumOf(head);
}

const VALID_BODY = "Jt3k0sVxQ2aNwq8ZcYB5mUeR7oHfL9dP";

describe("generateSecret", () => {
  it("is prefix, version 1, 32 base62 characters and 6 base62 checksum characters", () => {
    expect(generateSecret(PREFIX, seededRandom(42))).toMatch(/^lk_1[0-9A-Za-z]{32}[0-9A-Za-z]{6}$/);
  });

  it("is 39 characters longer than its prefix", () => {
    expect(generateSecret("acme_", seededRandom(42))).toHaveLength(5 + 39);
  });

  it("ends with the CRC-32 of everything before it, prefix included", () => {
    const secret = generateSecret(PREFIX, seededRandom(42));
    expect(secret.slice(-6)).toBe(checksumOf(secret.slice(0, -6)));
  });

  it("draws from all 62 characters, so 32 of them hold at least 160 bits", () => {
    const random = seededRandom(7);
    const seen = new Set<string>();
    for (let i = 0; i < 500; i++) for (const c of generateSecret(PREFIX, random).slice(4, 36)) seen.add(c);
    expect(seen.size).toBe(62);
    expect(32 * Math.log2(seen.size)).toBeGreaterThanOrEqual(160);
  });

  it("draws again for bytes 248 and above instead of biasing the first characters", () => {
    let calls = 0;
    const random: RandomSource = {
      bytes: (length) => new Uint8Array(length).fill(calls++ === 0 ? 248 : 61),
    };
    expect(generateSecret(PREFIX, random).slice(4, 36)).toBe("z".repeat(32));
  });

  it("maps byte 247 to the last character, z", () => {
    const random: RandomSource = { bytes: (length) => new Uint8Array(length).fill(247) };
    expect(generateSecret(PREFIX, random).slice(4, 36)).toBe("z".repeat(32));
  });

  it("is the same for the same seed", () => {
    expect(generateSecret(PREFIX, seededRandom(42))).toBe(generateSecret(PREFIX, seededRandom(42)));
  });

  it("differs between seeds", () => {
    expect(generateSecret(PREFIX, seededRandom(42))).not.toBe(generateSecret(PREFIX, seededRandom(43)));
  });

  it("differs between two draws from one source", () => {
    const random = seededRandom(42);
    expect(generateSecret(PREFIX, random)).not.toBe(generateSecret(PREFIX, random));
  });

  it.each(["", "lk", "LK_", "1k_", "_", "lk-", "l k_", `${LONGEST_PREFIX.slice(0, -1)}c_`])("refuses the prefix %j", (prefix) => {
    expect(() => generateSecret(prefix, seededRandom(42))).toThrow();
  });

  it.each(["l_", "lk_", "acme2_", LONGEST_PREFIX])("accepts the prefix %j", (prefix) => {
    expect(TOKEN_PREFIX_PATTERN.test(prefix) && generateSecret(prefix, seededRandom(42)).startsWith(`${prefix}1`)).toBe(true);
  });
});

describe("parseSecret", () => {
  it("accepts a generated secret", () => {
    expect(parseSecret(generateSecret(PREFIX, seededRandom(42)), [PREFIX])).toEqual({ ok: true, version: 1 });
  });

  it("accepts a hand-made secret with a correct checksum", () => {
    expect(parseSecret(withChecksum(`lk_1${VALID_BODY}`), [PREFIX]).ok).toBe(true);
  });

  it("accepts a secret made with the longest prefix allowed", () => {
    expect(parseSecret(generateSecret(LONGEST_PREFIX, seededRandom(42)), [LONGEST_PREFIX]).ok).toBe(true);
  });

  it("accepts a secret under an earlier prefix still honoured", () => {
    expect(parseSecret(withChecksum(`old_1${VALID_BODY}`), [PREFIX, "old_"]).ok).toBe(true);
  });

  it("refuses a secret under a prefix not honoured, even with a correct checksum", () => {
    expect(parseSecret(withChecksum(`xx_1${VALID_BODY}`), [PREFIX]).ok).toBe(false);
  });

  it("refuses a prefix in another case", () => {
    expect(parseSecret(withChecksum(`LK_1${VALID_BODY}`), [PREFIX]).ok).toBe(false);
  });

  it("refuses everything when no prefix is honoured", () => {
    expect(parseSecret(generateSecret(PREFIX, seededRandom(42)), []).ok).toBe(false);
  });

  it.each(["2", "0", "a"])("refuses version %j, even with a correct checksum", (version) => {
    expect(parseSecret(withChecksum(`lk_${version}${VALID_BODY}`), [PREFIX]).ok).toBe(false);
  });

  it.each(["-", "_", "+", "/", "=", " ", "é", "\u0000", "０"])("refuses the character %j in the body, even with a correct checksum", (c) => {
    expect(parseSecret(withChecksum(`lk_1${c}${VALID_BODY.slice(1)}`), [PREFIX]).ok).toBe(false);
  });

  it("refuses a non-base62 character in the checksum", () => {
    const secret = generateSecret(PREFIX, seededRandom(42));
    expect(parseSecret(`${secret.slice(0, -1)}-`, [PREFIX]).ok).toBe(false);
  });

  it("refuses a wrong checksum", () => {
    const secret = generateSecret(PREFIX, seededRandom(42));
    const last = secret.slice(-1) === "0" ? "1" : "0";
    expect(parseSecret(secret.slice(0, -1) + last, [PREFIX]).ok).toBe(false);
  });

  it("refuses two swapped random characters", () => {
    const head = `lk_1${VALID_BODY}`;
    const swapped = `lk_1${VALID_BODY[1]}${VALID_BODY[0]}${VALID_BODY.slice(2)}`;
    expect(parseSecret(swapped + checksumOf(head), [PREFIX]).ok).toBe(false);
  });

  it("refuses every substitution of one character by a base62 character or a look-alike", () => {
    const secret = generateSecret(PREFIX, seededRandom(42));
    const accepted: string[] = [];
    for (let i = 0; i < secret.length; i++) {
      for (const c of `${BASE62}-_.lkLK `) {
        const changed = secret.slice(0, i) + c + secret.slice(i + 1);
        if (changed !== secret && parseSecret(changed, [PREFIX]).ok) accepted.push(changed);
      }
    }
    expect(accepted).toEqual([]);
  });

  it("refuses a secret one character short", () => {
    expect(parseSecret(generateSecret(PREFIX, seededRandom(42)).slice(0, -1), [PREFIX]).ok).toBe(false);
  });

  it("refuses a secret with a character added, even with a correct checksum", () => {
    expect(parseSecret(withChecksum(`lk_1${VALID_BODY}x`), [PREFIX]).ok).toBe(false);
  });

  it.each([
    ["a leading space", (s: string) => ` ${s}`],
    ["a trailing space", (s: string) => `${s} `],
    ["a trailing newline", (s: string) => `${s}\n`],
    ["the Bearer scheme", (s: string) => `Bearer ${s}`],
  ])("refuses a secret with %s", (_what, change) => {
    expect(parseSecret(change(generateSecret(PREFIX, seededRandom(42))), [PREFIX]).ok).toBe(false);
  });

  it("refuses the empty string", () => {
    expect(parseSecret("", [PREFIX]).ok).toBe(false);
  });

  it("refuses a string one character longer than the longest", () => {
    expect(parseSecret("a".repeat(MAX_SECRET_CHARS + 1), [PREFIX]).ok).toBe(false);
  });

  it("refuses a megabyte-long string that starts like a secret", () => {
    expect(parseSecret(generateSecret(PREFIX, seededRandom(42)) + "a".repeat(1_000_000), [PREFIX]).ok).toBe(false);
  });

  it("sets its longest string to the longest prefix plus the body", () => {
    expect(MAX_SECRET_CHARS).toBe(LONGEST_PREFIX.length + SECRET_BODY_CHARS);
  });
});

describe("hashSecret", () => {
  it("is SHA-256 as 64 lower-case hex characters", () => {
    expect(hashSecret("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });

  it("is the same for the same secret", () => {
    const secret = generateSecret(PREFIX, seededRandom(42));
    expect(hashSecret(secret)).toBe(hashSecret(secret));
  });

  it("differs for secrets that differ in one character", () => {
    expect(hashSecret("lk_1a")).not.toBe(hashSecret("lk_1b"));
  });
});

describe("previewOf", () => {
  const secret = generateSecret(PREFIX, seededRandom(42));
  const preview = previewOf(secret, PREFIX);

  it("is prefix, version and 3 characters, an ellipsis, then the last 4", () => {
    expect(preview).toBe(`${secret.slice(0, PREFIX.length + 4)}…${secret.slice(-4)}`);
  });

  it("shows no more than prefix plus 4 characters of the start", () => {
    expect(preview.split("…")[0]).toHaveLength(PREFIX.length + 4);
  });

  it("shows at its end only checksum characters", () => {
    expect(secret.slice(-6).endsWith(preview.split("…")[1] ?? "missing")).toBe(true);
  });

  it("reveals 3 of the 32 random characters and not the random body", () => {
    const randomBody = secret.slice(PREFIX.length + 1, PREFIX.length + 33);
    const revealed = preview.replace("…", "");
    expect([revealed.includes(randomBody.slice(0, 3)), revealed.includes(randomBody.slice(0, 4)), revealed.includes(randomBody)]).toEqual([true, false, false]);
  });

  it("works for another prefix", () => {
    const acme = generateSecret("acme_", seededRandom(42));
    expect(previewOf(acme, "acme_")).toBe(`${acme.slice(0, 9)}…${acme.slice(-4)}`);
  });
});
