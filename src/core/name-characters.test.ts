import { expect, it } from "vitest";
import { nameForTerminal, nameSegments } from "./name-characters.js";

it("shows each hidden character by its code point and keeps allowed emoji sequences as text", () => {
  const cases: ReadonlyArray<readonly [label: string, name: string, shown: string]> = [
    ["a plain name", "CI deploy", "CI deploy"],
    ["a right-to-left override", "prod\u202Eved", "prod<U+202E>ved"],
    ["a zero-width space", "ad\u200Bmin", "ad<U+200B>min"],
    ["a BOM", "\uFEFFadmin", "<U+FEFF>admin"],
    ["a tag letter", "admin\u{E0041}", "admin<U+E0041>"],
    ["a family emoji", "👨\u200D👩\u200D👧", "👨\u200D👩\u200D👧"],
    ["England's flag", "🏴\u{E0067}\u{E0062}\u{E0065}\u{E006E}\u{E0067}\u{E007F}", "🏴\u{E0067}\u{E0062}\u{E0065}\u{E006E}\u{E0067}\u{E007F}"],
    ["Arabic, whole", "مفتاح", "مفتاح"],
    ["a Cyrillic а among Latin letters", "p\u0430ypal", "p\u0430<U+0430 (Cyrillic)>ypal"],
    ["a Greek ο among Latin letters", "g\u03BFogle", "g\u03BF<U+03BF (Greek)>ogle"],
    ["Cyrillic alone", "Ключ", "Ключ"],
  ];
  for (const [label, name, shown] of cases) expect(nameForTerminal(name), label).toBe(shown);
});

it("splits a name into text, hidden and confusable segments", () => {
  expect(nameSegments("a\u202Eb\u0430c")).toEqual([
    { kind: "text", text: "a" },
    { kind: "hidden", codePoint: "U+202E" },
    { kind: "text", text: "b" },
    { kind: "confusable", text: "\u0430", codePoint: "U+0430 (Cyrillic)" },
    { kind: "text", text: "c" },
  ]);
});
