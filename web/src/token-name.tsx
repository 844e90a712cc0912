/**
 * A token name as the dashboard shows it, so that no name can pass for another (found by the break
 * test): in a bidirectional isolate (`<bdi>`, so a right-to-left override or Arabic text cannot
 * reorder what surrounds it), each hidden character (zero-width, bidi control, BOM, in names stored
 * before the name rule) as a visible `U+200B` marker, and letters of a second script among Latin,
 * Cyrillic and Greek (a Cyrillic а in "pаypal") underlined with their code point. The rule that
 * decides each character is core's (src/core/name-characters.ts), shared with the CLI.
 */
import { nameSegments } from "../../src/core/name-characters.js";

/**
 * Renders `name` for reading; put it where the plain text went. `marks="hidden"` shows hidden
 * characters only, for labels that mix a name with words of the dashboard's (the Activity page), where
 * marking a second script would mark the dashboard's own words.
 */
export function TokenName({ name, marks = "all" }: { readonly name: string; readonly marks?: "all" | "hidden" }) {
  return (
    <bdi className="lk-name">
      {nameSegments(name).map((segment, index) => {
        const key = `${index}`;
        if (segment.kind === "text" || (segment.kind === "confusable" && marks === "hidden")) return segment.text;
        if (segment.kind === "hidden")
          return (
            <span key={key} className="lk-name-hidden" title={`Hidden character ${segment.codePoint}`}>
              {segment.codePoint}
            </span>
          );
        return (
          <span key={key} className="lk-name-confusable" title={`Look-alike letter ${segment.codePoint}`}>
            {segment.text}
          </span>
        );
      })}
    </bdi>
  );
}

/**
 * A token name as plain text (for a title, an aria-label, a notification): each hidden character as
 * `<U+200B>`, so none is left to reorder or hide the text around it.
 */
export function plainTokenName(name: string): string {
  return nameSegments(name)
    .map((segment) => (segment.kind === "hidden" ? `<${segment.codePoint}>` : segment.text))
    .join("");
}
