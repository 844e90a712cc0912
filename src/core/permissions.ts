/**
 * The permission model: what a token holds, and what a request needs.
 *
 * Source: the seed. "Full access allows the API token to access GET, PUT, DELETE and POST endpoints for
 * all parts of your account"; "Custom access allows you to choose which access to provide", one level
 * per area among those the area allows. Read only opens GET (and, as HTTP defines them safe, HEAD and
 * OPTIONS); Full access opens every method. "Full access" covers areas added to the catalogue later.
 */
import { highestLevel, levelRank, type AreaDefinition, type Catalogue, type Level } from "./catalogue.js";

/** What a token may do: either Full access, or one level per area (absent areas are `none`). */
export interface PermissionSet {
  /** Full access: every area at its highest level, areas added later included. */
  readonly hasFull: boolean;
  /** Custom access: area key -> level above `none`. Empty when `hasFull`. */
  readonly levels: ReadonlyMap<string, Exclude<Level, "none">>;
}

/** Result of {@link parseScopes}: the set, or the offending strings with the rule each breaks. */
export type ParseScopesResult =
  | { readonly ok: true; readonly permissions: PermissionSet }
  | { readonly ok: false; readonly problems: readonly string[] };

/**
 * Parses scope strings into a Custom access set.
 *
 * Strings are matched exactly against the catalogue (never by prefix, case or trimming: `Email_full`,
 * ` email_full`, `email` and `email_read` are all refused, the last because Email allows only No access
 * and Full access). Of two levels of one area the higher wins (DESIGN.md). Duplicates are harmless.
 *
 * @param catalogue the areas in force.
 * @param scopes non-empty array of scope strings such as `domains_read`.
 * @returns the set, or `problems`: one message per refused string (naming the real scopes of the area
 *   it seems to mean), or "at least one scope is required".
 */
export function parseScopes(catalogue: Catalogue, scopes: readonly string[]): ParseScopesResult {
  if (scopes.length === 0) return { ok: false, problems: ["at least one scope is required"] };
  const levels = new Map<string, Exclude<Level, "none">>();
  const problems: string[] = [];
  for (const scope of scopes) {
    const entry = catalogue.byScope.get(scope);
    if (entry === undefined) {
      problems.push(`"${printable(scope)}" is not a scope of this catalogue${scopesOfAreaMeant(catalogue, scope)}`);
      continue;
    }
    const held = levels.get(entry.area);
    if (held === undefined || levelRank(entry.level) > levelRank(held)) levels.set(entry.area, entry.level);
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, permissions: { hasFull: false, levels } };
}

/**
 * For a refused scope string, the area it seems to mean and that area's real scopes, as `; Email has
 * email_full`: the longest area key the string names, ignoring case and surrounding spaces, alone or
 * followed by `_` (`email_read`, `Domains`, `email_verification_write`). Empty when it names none.
 */
function scopesOfAreaMeant(catalogue: Catalogue, scope: string): string {
  const given = scope.trim().toLowerCase();
  let meant: AreaDefinition | undefined;
  for (const area of catalogue.areas) {
    if ((given === area.key || given.startsWith(`${area.key}_`)) && (meant === undefined || area.key.length > meant.key.length)) meant = area;
  }
  if (meant === undefined) return "";
  const scopes = meant.levels.filter((level) => level !== "none").map((level) => `${meant.key}_${level}`);
  return `; ${meant.label} has ${scopes.join(", ")}`;
}

/** The Full access set. */
export const FULL_ACCESS: PermissionSet = { hasFull: true, levels: new Map() };

/**
 * The level a token holds on an area: the area's highest for Full access, the granted one for Custom
 * access, `none` otherwise or when the area is not in the catalogue.
 */
export function levelHeld(catalogue: Catalogue, permissions: PermissionSet, area: string): Level {
  const definition = catalogue.byKey.get(area);
  if (definition === undefined) return "none";
  if (permissions.hasFull) return highestLevel(definition);
  const level = permissions.levels.get(area);
  // A stored level the (replaced) catalogue no longer allows for this area counts as nothing.
  return level !== undefined && definition.levels.includes(level) ? level : "none";
}

/**
 * The level an HTTP method needs: GET, HEAD and OPTIONS need `read`; every other method (POST, PUT,
 * PATCH, DELETE and any extension method) needs `full` (DESIGN.md, "Verification decision").
 *
 * @param method an HTTP method token, compared case-insensitively.
 */
export function levelForMethod(method: string): Exclude<Level, "none"> {
  if (method === "GET") return "read"; // the common case, without upper-casing a string on every verification
  const upper = method.toUpperCase();
  return upper === "GET" || upper === "HEAD" || upper === "OPTIONS" ? "read" : "full";
}

/**
 * The scope string a request on `area` at `level` asks for: the lowest level the area allows that
 * covers `level`. Email has no Read only, so a GET on email needs `email_full`.
 *
 * @returns the scope string, or null when the area is unknown.
 */
export function requiredScope(catalogue: Catalogue, area: string, level: Exclude<Level, "none">): string | null {
  const definition = catalogue.byKey.get(area);
  if (definition === undefined) return null;
  const needed = definition.levels.find((l) => levelRank(l) >= levelRank(level)) ?? highestLevel(definition);
  return `${area}_${needed}`;
}

/**
 * The scope strings a set stands for, one per area at the level held, in catalogue order. Full access
 * lists every area at its highest level (so a reader sees what it opens today).
 */
export function scopeStrings(catalogue: Catalogue, permissions: PermissionSet): string[] {
  const out: string[] = [];
  for (const area of catalogue.areas) {
    const level = levelHeld(catalogue, permissions, area.key);
    if (level !== "none") out.push(`${area.key}_${level}`);
  }
  return out;
}

/**
 * The scope strings of `wanted` that `holder` does not cover: what a creator lacks to grant `wanted`.
 * Full access wanted by a Custom holder is reported as `"full_access"`, Full access being more than
 * every area's level (it includes areas added later).
 *
 * @returns an empty array when `holder` covers `wanted`.
 */
export function scopesLacking(catalogue: Catalogue, holder: PermissionSet, wanted: PermissionSet): string[] {
  if (holder.hasFull) return [];
  if (wanted.hasFull) return ["full_access"];
  const lacking: string[] = [];
  for (const [area, level] of wanted.levels) {
    if (levelRank(levelHeld(catalogue, holder, area)) < levelRank(level)) lacking.push(`${area}_${level}`);
  }
  return lacking;
}

/** Makes a client-supplied string safe to quote in an error: control characters escaped, cut to 60. */
export function printable(value: string): string {
  const escaped = JSON.stringify(value).slice(1, -1);
  return escaped.length > 60 ? `${escaped.slice(0, 57)}...` : escaped;
}
