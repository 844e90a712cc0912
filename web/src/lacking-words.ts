/**
 * What a ceiling_exceeded refusal lacks, in the dialog's own words. The API names each lacking right
 * as it stores it (src/core/token-ceiling.ts: a scope `<area>_<level>`, `full_access`, `all_domains`,
 * `domain:<id>`, `expires_at`, and from src/service/creation-conditions.ts `allowed_ips`, `not_before`);
 * a person picked "Email" and "Full access", so that is what the refusal says: "Email: Full access".
 */
import { ApiError } from "./api-client";
import type { Area, Domain } from "./api-types";
import { LEVEL_LABELS } from "./format";

const OTHER_WORDS: Record<string, string> = {
  full_access: "Full access",
  all_domains: "All domains",
  expires_at: "an expiration date later than your own",
  allowed_ips: "Allowed IP addresses wider than your own",
  not_before: "a start earlier than your own",
};

/** One lacking right in words; an entry it does not know stays as the API gave it. */
export function lackingLabel(entry: string, areas: readonly Area[], domains: readonly Domain[]): string {
  const other = OTHER_WORDS[entry];
  if (other !== undefined) return other;
  if (entry.startsWith("domain:")) {
    const id = entry.slice("domain:".length);
    return `the domain ${domains.find((d) => d.id === id)?.name ?? id}`;
  }
  for (const area of areas) {
    const level = area.levels.find((l) => entry === `${area.area}_${l}`);
    if (level !== undefined) return `${area.label}: ${LEVEL_LABELS[level]}`;
  }
  return entry;
}

/**
 * A refusal's message for a person: for a ceiling_exceeded one whose message ends in the lacking list
 * (`…: email_full.`), the same message with the list in words (`…: Email: Full access.`); any other
 * error's message as it is (a generic one for a non-API error).
 */
export function refusalMessage(error: unknown, areas: readonly Area[], domains: readonly Domain[]): string {
  if (!(error instanceof ApiError)) return "Something went wrong. Try again.";
  if (error.code !== "ceiling_exceeded" || error.lacking.length === 0) return error.message;
  const words = error.lacking.map((entry) => lackingLabel(entry, areas, domains)).join(", ");
  const tail = `: ${error.lacking.join(", ")}.`;
  return error.message.endsWith(tail) ? `${error.message.slice(0, -tail.length)}: ${words}.` : `${error.message} Lacking: ${words}.`;
}
