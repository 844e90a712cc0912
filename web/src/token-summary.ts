/**
 * What a token about to be created will be able to do, in one line (issue 13, after GitHub's
 * fine-grained token page): access, domains, lifetime and addresses.
 */
import type { Area, Domain, Level } from "./api-types";
import { LEVEL_LABELS } from "./format";

/** What the summary reads of the create form. */
export interface SummaryInput {
  readonly full: boolean;
  /** Area -> level chosen (Custom access). */
  readonly levels: Readonly<Record<string, Level>>;
  readonly areas: readonly Area[];
  readonly allDomains: boolean;
  readonly domainIds: readonly string[];
  readonly domains: readonly Domain[];
  /** The expiry's day, `YYYY-MM-DD`, or null. */
  readonly expiresOn: string | null;
  readonly allowedIps: readonly string[];
}

/** e.g. "Email: Full access, Domains: Read only · on example.com · until Mar 9, 2031 · from 203.0.113.0/24 only". */
export function tokenSummary(input: SummaryInput): string {
  const granted = input.areas.filter((a) => (input.levels[a.area] ?? "none") !== "none").map((a) => `${a.label}: ${LEVEL_LABELS[input.levels[a.area] ?? "none"]}`);
  const access = input.full ? "Full access to every area" : granted.length === 0 ? "Nothing yet: choose at least one area" : granted.join(", ");
  const names = input.domainIds.map((id) => input.domains.find((d) => d.id === id)?.name ?? id);
  const where = input.allDomains ? "on all domains" : names.length === 0 ? "on no domain yet" : `on ${names.join(", ")}`;
  const until = input.expiresOn === null ? "never expires" : `until the end of ${new Date(`${input.expiresOn}T12:00:00`).toLocaleDateString(undefined, { month: "short", day: "numeric", year: "numeric" })}`;
  const from = input.allowedIps.length === 0 ? "" : ` · from ${input.allowedIps.join(", ")} only`;
  return `${access} · ${where} · ${until}${from}`;
}
