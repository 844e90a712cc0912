/**
 * The characters of a name that a reader cannot see, and how to show a name so that no name can pass
 * for another (found by the break test: `prod\u202Eved` displays as "proddev" reversed, and
 * `ad\u200Bmin` as "admin"). Pure and dependency-free, so the CLI and the dashboard (web/) share it.
 *
 * Hidden characters (Unicode's Default_Ignorable_Code_Point, UAX #44, every format character
 * (category Cf), plus controls and line and paragraph separators) are refused in new names, except where a visible sequence needs them
 * (UTS #51 emoji sequences): a zero-width joiner between two emoji, VS15/VS16 after an emoji (and after
 * 0-9, # or * of a keycap), an ideographic variation selector after an ideograph, a Mongolian variation
 * selector after a Mongolian letter, and the tag characters of the flags of England, Scotland and Wales. Bidirectional
 * controls (U+202A-U+202E, U+2066-U+2069, U+061C, U+200E, U+200F; UTS #39 section 3.3 and CVE-2021-42574,
 * "Trojan Source") are hidden characters too, named apart so the refusal says which rule.
 */

/** Bidirectional formatting characters: embeddings, overrides, isolates and the three marks. */
const BIDI_CONTROL = /[\u202A-\u202E\u2066-\u2069\u061C\u200E\u200F]/u;

// Hidden: default-ignorable code points, every format character (general category Cf: the
// interlinear annotation marks U+FFF9-U+FFFB, prepended concatenation marks such as U+0600, the
// Egyptian format controls, ...; found by the break test), C0/C1 controls and DEL, line and paragraph
// separators, and U+1D159 MUSICAL SYMBOL NULL NOTEHEAD (a symbol that renders as nothing).
const HIDDEN = /[\p{Default_Ignorable_Code_Point}\p{Cf}\p{Cc}\u2028\u2029\u{1D159}]/u;
const HIDDEN_GLOBAL = /[\p{Default_Ignorable_Code_Point}\p{Cf}\p{Cc}\u2028\u2029\u{1D159}]/gu;

// The visible sequences that need a default-ignorable character, each replaced by its base so that
// what remains can be searched for hidden characters.
// Only the three subdivision flags Unicode recommends (UTS #51: England, Scotland, Wales): any other
// tag sequence after U+1F3F4 shows as a plain black flag, hiding the text its tags spell.
const FLAG_TAGS = /\u{1F3F4}(?:\u{E0067}\u{E0062}(?:\u{E0065}\u{E006E}\u{E0067}|\u{E0073}\u{E0063}\u{E0074}|\u{E0077}\u{E006C}\u{E0073}))\u{E007F}/gu;
const EMOJI_ZWJ = /(?<=\p{Extended_Pictographic}[\uFE0F\u{1F3FB}-\u{1F3FF}]?)\u200D(?=\p{Extended_Pictographic})/gu;
const KEYCAP_VS16 = /(?<=[0-9#*])\uFE0F(?=\u20E3)/gu;
const EMOJI_VS = /(?<=[^\p{ASCII}])(?<=\p{Emoji})[\uFE0E\uFE0F]/gu;
const IDEOGRAPHIC_VS = /(?<=\p{Ideographic})[\u{E0100}-\u{E01EF}]/gu;
const MONGOLIAN_VS = /(?<=\p{Script=Mongolian})[\u180B-\u180D\u180F]/gu;

/** A name with the visible sequences that need a hidden character reduced to their bases. */
function withoutAllowedSequences(name: string): string {
  return name.replace(FLAG_TAGS, "\u{1F3F4}").replace(EMOJI_ZWJ, "").replace(KEYCAP_VS16, "").replace(EMOJI_VS, "").replace(IDEOGRAPHIC_VS, "").replace(MONGOLIAN_VS, "");
}

/** What a name holds that a reader cannot see. */
export type HiddenCharacters = "none" | "bidi" | "invisible";

/**
 * Finds hidden characters in a name, the allowed emoji, variation and flag sequences set aside.
 *
 * @returns `bidi` when a bidirectional control is present (checked first), `invisible` for any other
 *   hidden character (zero-width space or joiner, word joiner, BOM, soft hyphen, Hangul filler, tag
 *   characters, a control character, ...), else `none`.
 */
export function hiddenCharactersIn(name: string): HiddenCharacters {
  if (BIDI_CONTROL.test(name)) return "bidi";
  return HIDDEN.test(withoutAllowedSequences(name)) ? "invisible" : "none";
}

/**
 * Whether a name has something to see: any character but white space, hidden characters, combining
 * marks (nothing to sit on) and the braille blank U+2800 (which renders as nothing).
 */
export function hasVisibleCharacter(name: string): boolean {
  return name.replace(HIDDEN_GLOBAL, "").replace(/[\s\p{M}\u2800]/gu, "") !== "";
}

/** A run of a name for display: plain text, or one character to show by its code point. */
export type NameSegment =
  | { readonly kind: "text"; readonly text: string }
  | { readonly kind: "hidden"; /** e.g. `U+202E` */ readonly codePoint: string }
  | { readonly kind: "confusable"; readonly text: string; /** e.g. `U+0430 (Cyrillic)` */ readonly codePoint: string };

const SCRIPTS = [
  ["Latin", /\p{Script=Latin}/u],
  ["Cyrillic", /\p{Script=Cyrillic}/u],
  ["Greek", /\p{Script=Greek}/u],
] as const;

function scriptOf(char: string): string | null {
  for (const [script, pattern] of SCRIPTS) if (pattern.test(char)) return script;
  return null;
}

function codePointOf(char: string): string {
  return `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`;
}

/**
 * Splits a name for display so that no name passes for another: each hidden character (as
 * {@link hiddenCharactersIn} counts them, so names stored before the rule show what they hold) becomes
 * a `hidden` segment; when the letters mix the Latin, Cyrillic and Greek scripts (whose look-alikes,
 * such as Cyrillic а for Latin a, are UTS #39's commonest confusables), each letter outside the
 * name's most used of them becomes a `confusable` segment. Everything else is `text`, adjacent runs
 * joined. Display the whole in a bidirectional isolate (`<bdi>`, `unicode-bidi: isolate`).
 */
export function nameSegments(name: string): NameSegment[] {
  const allowed = new Set<number>();
  // Mark the positions of hidden characters that belong to an allowed sequence.
  for (const pattern of [FLAG_TAGS, EMOJI_ZWJ, KEYCAP_VS16, EMOJI_VS, IDEOGRAPHIC_VS, MONGOLIAN_VS]) {
    for (const match of name.matchAll(pattern)) for (let i = 0; i < match[0].length; i++) allowed.add((match.index ?? 0) + i);
  }
  const counts = new Map<string, number>();
  for (const char of name) {
    const script = scriptOf(char);
    if (script !== null) counts.set(script, (counts.get(script) ?? 0) + 1);
  }
  const main = counts.size > 1 ? [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] : undefined;
  const segments: NameSegment[] = [];
  let index = 0;
  for (const char of name) {
    const at = index;
    index += char.length;
    const script = scriptOf(char);
    if (HIDDEN.test(char) && !allowed.has(at)) segments.push({ kind: "hidden", codePoint: codePointOf(char) });
    else if (main !== undefined && script !== null && script !== main) segments.push({ kind: "confusable", text: char, codePoint: `${codePointOf(char)} (${script})` });
    else {
      const last = segments[segments.length - 1];
      if (last?.kind === "text") segments[segments.length - 1] = { kind: "text", text: last.text + char };
      else segments.push({ kind: "text", text: char });
    }
  }
  return segments;
}

/**
 * A name as plain text for a terminal: each hidden character as `<U+202E>`, each confusable letter
 * followed by its code point and script (a Cyrillic а in `pаypal` prints as `pа<U+0430 (Cyrillic)>ypal`),
 * so that two names that look alike print differently.
 */
export function nameForTerminal(name: string): string {
  return nameSegments(name)
    .map((segment) => (segment.kind === "text" ? segment.text : segment.kind === "hidden" ? `<${segment.codePoint}>` : `${segment.text}<${segment.codePoint}>`))
    .join("");
}
