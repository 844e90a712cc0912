import { describe, expect, it } from "vitest";
import { manualClock } from "./clock.js";
import { checkDomainName, checkTokenName, normalizeDomainName, parseExpiry, TOKEN_NAME_MAX_CHARS, TOKEN_NAME_PROBLEMS } from "./input-rules.js";

describe("checkTokenName", () => {
  it("trims surrounding spaces", () => {
    expect(checkTokenName("  CI deploy  ")).toEqual({ ok: true, value: "CI deploy" });
  });

  it("trims surrounding tabs and newlines before checking for control characters", () => {
    expect(checkTokenName("\tci\n")).toEqual({ ok: true, value: "ci" });
  });

  it.each(["", "   ", "\t\n", "\u00a0", "\u2028"])("refuses %j as empty once trimmed", (raw) => {
    expect(checkTokenName(raw).ok).toBe(false);
  });

  it("accepts a name of one character", () => {
    expect(checkTokenName("x")).toEqual({ ok: true, value: "x" });
  });

  it("sets the longest name at 50 characters", () => {
    expect(TOKEN_NAME_MAX_CHARS).toBe(50);
  });

  it("accepts 50 characters", () => {
    expect(checkTokenName("a".repeat(50)).ok).toBe(true);
  });

  it("refuses 51 characters", () => {
    expect(checkTokenName("a".repeat(51)).ok).toBe(false);
  });

  it("counts the length after trimming", () => {
    expect(checkTokenName(`  ${"a".repeat(50)}  `).ok).toBe(true);
  });

  it("counts an emoji outside the BMP as one character, so 50 of them are accepted", () => {
    expect(checkTokenName("😀".repeat(50)).ok).toBe(true);
  });

  it("refuses 51 emoji", () => {
    expect(checkTokenName("😀".repeat(51)).ok).toBe(false);
  });

  it.each([
    ["NUL", "a\u0000b"],
    ["a tab inside", "a\tb"],
    ["a newline inside", "a\nb"],
    ["a carriage return inside", "a\rb"],
    ["unit separator U+001F", "a\u001fb"],
    ["escape", "a\u001b[31mb"],
    ["DEL", "a\u007fb"],
    ["C1 U+0080", "a\u0080b"],
    ["NEL U+0085", "a\u0085b"],
    ["C1 U+009F", "a\u009fb"],
    ["line separator U+2028 inside", "a\u2028b"],
    ["paragraph separator U+2029 inside", "a\u2029b"],
    ["NEL at the end", "ab\u0085"],
  ])("refuses %s", (_what, raw) => {
    expect(checkTokenName(raw).ok).toBe(false);
  });

  it.each([
    ["a lone high surrogate", "a\ud800b"],
    ["a lone low surrogate", "a\udc00b"],
    ["a lone surrogate at the end", "ab\ud83d"],
  ])("refuses %s", (_what, raw) => {
    expect(checkTokenName(raw).ok).toBe(false);
  });

  it.each([
    ["accents", "Déploiement ÉTÉ"],
    ["CJK", "本番トークン"],
    ["a decomposed accent, not normalised", "e\u0301te"],
    ["a family emoji of several code points", "👨‍👩‍👧 family"],
    ["upper and lower case", "CI Token"],
    ["two spaces inside", "a  b"],
    ["punctuation", "prod/eu-1 (read) #2"],
    ["U+00A0 inside", "a\u00a0b"],
    ["U+00A1, just above the C1 range", "a\u00a1b"],
  ])("keeps %s as given", (_what, raw) => {
    expect(checkTokenName(raw)).toEqual({ ok: true, value: raw });
  });
});

describe("checkTokenName against names that pass for others (break test)", () => {
  it("refuses bidirectional controls, each with the bidi rule", () => {
    const cases = [
      ["U+202A LRE", "a\u202ab"],
      ["U+202B RLE", "a\u202bb"],
      ["U+202C PDF", "a\u202cb"],
      ["U+202D LRO", "a\u202db"],
      ["U+202E RLO (prod\u202Eved, shown as prod-dev reversed)", "prod\u202Eved"],
      ["U+2066 LRI", "a\u2066b"],
      ["U+2067 RLI", "a\u2067b"],
      ["U+2068 FSI", "a\u2068b"],
      ["U+2069 PDI", "a\u2069b"],
      ["U+061C ALM", "a\u061cb"],
      ["U+200E LRM", "a\u200eb"],
      ["U+200F RLM at the end", "ab\u200f"],
    ] as const;
    for (const [label, raw] of cases) expect(checkTokenName(raw), label).toEqual({ ok: false, problem: TOKEN_NAME_PROBLEMS.bidi });
  });

  it("refuses zero-width and other invisible characters and the BOM, each with the invisible rule", () => {
    const cases = [
      ["U+200B zero-width space", "ad\u200bmin"],
      ["U+200C zero-width non-joiner", "ad\u200cmin"],
      ["U+200D zero-width joiner between letters", "ad\u200dmin"],
      ["U+2060 word joiner", "ad\u2060min"],
      ["U+2061 function application", "ad\u2061min"],
      ["U+180E Mongolian vowel separator", "ad\u180emin"],
      ["U+FEFF BOM inside", "ad\ufeffmin"],
      ["U+FEFF BOM at the start (not trimmed away)", "\ufeffadmin"],
      ["U+00AD soft hyphen", "ad\u00admin"],
      ["U+034F combining grapheme joiner", "ad\u034fmin"],
      ["U+3164 Hangul filler", "ad\u3164min"],
      ["U+E0041 tag letter A (hidden text)", "admin\u{e0041}"],
      ["U+200D at the start", "\u200d😀"],
      ["text hidden in the tags of a made-up flag (shown as a plain black flag)", "🏴\u{e0061}\u{e0064}\u{e006d}\u{e0069}\u{e006e}\u{e007f} ops"],
      ["a variation selector alone", "\ufe0f"],
      ["VS16 after a letter (admin and admin+VS16 look alike)", "admin\ufe0f"],
      ["VS16 after a digit without a keycap", "prod1\ufe0f"],
      ["a ZWJ between two letters of an emoji-less name", "a\u200db"],
      // Found by the break test (issue 10): format characters outside Default_Ignorable_Code_Point.
      ["U+FFF9 interlinear annotation anchor alone", "\ufff9"],
      ["U+FFF9 after a name (admin and admin+U+FFF9 look alike)", "admin\ufff9"],
      ["U+FFFA interlinear annotation separator", "ad\ufffamin"],
      ["U+FFFB interlinear annotation terminator", "ad\ufffbmin"],
      ["U+0600 Arabic number sign", "ad\u0600min"],
      ["U+070F Syriac abbreviation mark", "ad\u070fmin"],
      ["U+08E2 Arabic disputed end of ayah", "ad\u08e2min"],
      ["U+110BD Kaithi number sign", "ad\u{110bd}min"],
      ["U+13430 Egyptian hieroglyph vertical joiner", "ad\u{13430}min"],
      ["U+1D159 musical symbol null notehead (renders as nothing)", "admin\u{1d159}"],
    ] as const;
    for (const [label, raw] of cases) expect(checkTokenName(raw), label).toEqual({ ok: false, problem: TOKEN_NAME_PROBLEMS.invisible });
  });

  it("refuses a name with nothing visible once invisible characters are set aside", () => {
    const cases = [
      ["a braille blank", "\u2800"],
      ["braille blanks and spaces", "\u2800 \u2800"],
      ["a combining mark alone", "\u0301"],
      ["an ideographic space inside braille blanks", "\u2800\u3000\u2800"],
    ] as const;
    for (const [label, raw] of cases) expect(checkTokenName(raw), label).toEqual({ ok: false, problem: TOKEN_NAME_PROBLEMS.noVisible });
  });

  it("keeps emoji sequences, which need a zero-width joiner, variation selectors or tags", () => {
    const cases = [
      ["a family (ZWJ sequence)", "👨\u200d👩\u200d👧 family"],
      ["a rainbow flag (VS16 then ZWJ)", "🏳\ufe0f\u200d🌈 pride"],
      ["a heart with VS16", "❤\ufe0f ops"],
      ["England's flag (tag sequence)", "🏴\u{e0067}\u{e0062}\u{e0065}\u{e006e}\u{e0067}\u{e007f} team"],
      ["Wales's flag (tag sequence)", "🏴\u{e0067}\u{e0062}\u{e0077}\u{e006c}\u{e0073}\u{e007f} team"],
      ["a keycap", "1\ufe0f\u20e3 first"],
    ] as const;
    for (const [label, raw] of cases) expect(checkTokenName(raw), label).toEqual({ ok: true, value: raw });
  });
});

describe("normalizeDomainName", () => {
  it.each([
    ["example.com", "example.com"],
    ["Example.COM", "example.com"],
    ["example.com.", "example.com"],
    ["EXAMPLE.COM.", "example.com"],
  ])("turns %j into %j", (raw, normal) => {
    expect(normalizeDomainName(raw)).toBe(normal);
  });

  it("removes only one trailing dot", () => {
    expect(normalizeDomainName("example.com..")).toBe("example.com.");
  });

  it("folds only ASCII letters, so the Kelvin sign does not become k", () => {
    expect(normalizeDomainName("\u212Aey.com")).toBe("\u212Aey.com");
  });
});

describe("checkDomainName", () => {
  it.each([
    ["example.com", "example.com"],
    ["mail.example.co.uk", "mail.example.co.uk"],
    ["Example.COM", "example.com"],
    ["example.com.", "example.com"],
    ["  example.com  ", "example.com"],
    ["a-b.example", "a-b.example"],
    ["1example.com", "1example.com"],
    ["123.example.com", "123.example.com"],
    ["xn--bcher-kva.de", "xn--bcher-kva.de"],
    ["a.io", "a.io"],
  ])("accepts %j as %j", (raw, value) => {
    expect(checkDomainName(raw)).toEqual({ ok: true, value });
  });

  it("accepts a label of 63 characters", () => {
    expect(checkDomainName(`${"a".repeat(63)}.com`).ok).toBe(true);
  });

  it("refuses a label of 64 characters", () => {
    expect(checkDomainName(`${"a".repeat(64)}.com`).ok).toBe(false);
  });

  it("accepts a name of 253 characters", () => {
    const name = `${"a".repeat(61)}.${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(63)}`;
    expect([name.length, checkDomainName(name).ok]).toEqual([253, true]);
  });

  it("refuses a name of 254 characters", () => {
    const name = `${"a".repeat(62)}.${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(63)}`;
    expect([name.length, checkDomainName(name).ok]).toEqual([254, false]);
  });

  it.each([
    ["empty", ""],
    ["spaces", "   "],
    ["a dot", "."],
    ["one label", "localhost"],
    ["a leading hyphen", "-example.com"],
    ["a trailing hyphen", "example-.com"],
    ["an empty label", "example..com"],
    ["a leading dot", ".example.com"],
    ["two trailing dots", "example.com.."],
    ["a space inside", "exa mple.com"],
    ["an underscore", "exa_mple.com"],
    ["a wildcard", "*.example.com"],
    ["a path", "example.com/path"],
    ["a URL", "https://example.com"],
    ["a port", "example.com:443"],
    ["an e-mail address", "user@example.com"],
    ["an IPv4 address", "192.168.0.1"],
    ["an all-digit last label", "example.123"],
    ["a Unicode IDN", "bücher.de"],
    ["a Kelvin sign that lower-cases to k", "\u212Aey.com"],
    ["a dotless-i capital", "\u0130stanbul.com"],
    ["a full-width dot", "example\uff0ecom"],
  ])("refuses %s", (_what, raw) => {
    expect(checkDomainName(raw).ok).toBe(false);
  });
});

describe("parseExpiry", () => {
  const clock = manualClock(Date.UTC(2026, 0, 15, 12, 0, 0));
  const now = clock.nowMillis();
  const expiryOf = (raw: string): number | null => {
    const checked = parseExpiry(raw, now);
    return checked.ok ? checked.value : null;
  };

  it.each([
    ["2026-12-31T18:00:00Z", Date.UTC(2026, 11, 31, 18)],
    ["2026-12-31T18:00:00+02:00", Date.UTC(2026, 11, 31, 16)],
    ["2026-12-31T18:00:00-05:30", Date.UTC(2026, 11, 31, 23, 30)],
    ["2026-12-31T23:00:00-02:00", Date.UTC(2027, 0, 1, 1)],
    ["2026-12-31T18:00:00+00:00", Date.UTC(2026, 11, 31, 18)],
    ["2026-12-31T18:00:00.250Z", Date.UTC(2026, 11, 31, 18, 0, 0, 250)],
    ["2026-12-31T18:00:00.5Z", Date.UTC(2026, 11, 31, 18, 0, 0, 500)],
    ["2026-12-31T18:00:00.123456789Z", Date.UTC(2026, 11, 31, 18, 0, 0, 123)],
    ["2026-12-31t18:00:00z", Date.UTC(2026, 11, 31, 18)],
    ["2026-12-31 18:00:00Z", Date.UTC(2026, 11, 31, 18)],
  ])("reads the RFC 3339 date-time %j", (raw, millis) => {
    expect(expiryOf(raw)).toBe(millis);
  });

  it.each([
    ["2026-12-31", Date.UTC(2027, 0, 1)],
    ["2026-02-28", Date.UTC(2026, 2, 1)],
    ["2028-02-29", Date.UTC(2028, 2, 1)],
    ["2026-06-30", Date.UTC(2026, 6, 1)],
  ])("reads the date %j as through the end of that UTC day", (raw, millis) => {
    expect(expiryOf(raw)).toBe(millis);
  });

  it("accepts today's date, which runs until tomorrow 00:00Z", () => {
    expect(expiryOf("2026-01-15")).toBe(Date.UTC(2026, 0, 16));
  });

  it("refuses yesterday's date, which ended at today 00:00Z", () => {
    expect(expiryOf("2026-01-14")).toBeNull();
  });

  it("refuses the current instant", () => {
    expect(expiryOf("2026-01-15T12:00:00Z")).toBeNull();
  });

  it("accepts one millisecond after the current instant", () => {
    expect(expiryOf("2026-01-15T12:00:00.001Z")).toBe(now + 1);
  });

  it("refuses an instant in the past", () => {
    expect(expiryOf("2020-01-01T00:00:00Z")).toBeNull();
  });

  it("refuses a time that is in the future as local time but in the past once its offset is applied", () => {
    expect(expiryOf("2026-01-15T13:00:00+02:00")).toBeNull();
  });

  it("accepts an instant that a clock moved forward has not reached", () => {
    const later = manualClock(now);
    later.advance(3_600_000);
    expect(parseExpiry("2026-01-15T13:00:01Z", later.nowMillis()).ok).toBe(true);
  });

  it.each([
    ["February 30", "2026-02-30"],
    ["February 29 of a common year", "2027-02-29"],
    ["April 31", "2026-04-31"],
    ["month 13", "2026-13-01"],
    ["month 0", "2026-00-10"],
    ["day 0", "2026-05-00"],
    ["February 30 with a time", "2026-02-30T10:00:00Z"],
    ["hour 24", "2026-12-31T24:00:00Z"],
    ["minute 60", "2026-12-31T23:60:00Z"],
    ["offset hour 24", "2026-12-31T18:00:00+24:00"],
    ["offset minute 60", "2026-12-31T18:00:00+02:60"],
  ])("refuses %s", (_what, raw) => {
    expect(expiryOf(raw)).toBeNull();
  });

  it.each([
    ["no offset", "2026-12-31T18:00:00"],
    ["no seconds", "2026-12-31T18:00Z"],
    ["an offset without a colon", "2026-12-31T18:00:00+0200"],
    ["an hour-only offset", "2026-12-31T18:00:00+02"],
    ["ten fraction digits", "2026-12-31T18:00:00.1234567891Z"],
    ["a space before the offset", "2026-12-31T18:00:00 Z"],
  ])("refuses a date-time with %s", (_what, raw) => {
    expect(expiryOf(raw)).toBeNull();
  });

  it.each(["", "tomorrow", "never", "1798761600000", "2026-1-5", "31/12/2026", "2026/12/31", " 2026-12-31", "2026-12-31 ", "2026-12-31Z", "2026-12-31T18:00:00Z trailing", "+02026-12-31", "２０２６-12-31"])(
    "refuses %j",
    (raw) => {
      expect(expiryOf(raw)).toBeNull();
    },
  );

  it("accepts the last day before the year 10000", () => {
    expect(expiryOf("9999-12-30")).toBe(Date.UTC(9999, 11, 31));
  });

  it("refuses 9999-12-31, which would run into the year 10000", () => {
    expect(expiryOf("9999-12-31")).toBeNull();
  });
});
