/**
 * The scope catalogue: which areas a token's permissions are made of, and which levels each allows.
 *
 * Source: the permission table of MailerSend's "Managing API tokens" page (shared/seed), whose rows are
 * the areas below, in the seed's order, with the seed's labels, descriptions and allowed levels. The
 * scope strings `<area>_read` / `<area>_full` are MailerSend's public API strings (DESIGN.md), so its
 * SDKs work unchanged. A deployment may replace the catalogue with its own JSON file
 * (LATCHKEY_SCOPES_FILE); {@link buildCatalogue} checks such a file.
 */

/** A permission level, lowest first. `full` includes `read` ("Full access" opens GET, POST, PUT, DELETE). */
export type Level = "none" | "read" | "full";

/** The levels in increasing order of power; index order is the order of coverage. */
export const LEVELS: readonly Level[] = ["none", "read", "full"];

/** Rank of a level: none 0, read 1, full 2. */
export function levelRank(level: Level): number {
  return LEVELS.indexOf(level);
}

/** One row of the seed's permission table. */
export interface AreaDefinition {
  /** Machine name, `[a-z][a-z0-9_]*`, e.g. `email_verification`. */
  readonly key: string;
  /** The seed's label, e.g. "Email verification". */
  readonly label: string;
  /** The seed's one-line description. */
  readonly description: string;
  /** Levels this area allows, always starting with `none`, in increasing order. */
  readonly levels: readonly Level[];
}

/** A checked catalogue with its lookup tables (build it with {@link buildCatalogue}). */
export interface Catalogue {
  readonly areas: readonly AreaDefinition[];
  /** Area key -> definition. */
  readonly byKey: ReadonlyMap<string, AreaDefinition>;
  /** Every valid scope string -> its area and level, e.g. `domains_read` -> (domains, read). */
  readonly byScope: ReadonlyMap<string, { readonly area: string; readonly level: Exclude<Level, "none"> }>;
}

/** The seed's fifteen areas (shared/seed/managing-api-tokens.txt, table "Available access permissions"). */
export const SEED_AREAS: readonly AreaDefinition[] = [
  { key: "email", label: "Email", description: "The main API endpoint for sending emails through MailerSend.", levels: ["none", "full"] },
  { key: "domains", label: "Domains", description: "You can access all domains that belong to your account.", levels: ["none", "read", "full"] },
  { key: "activity", label: "Activity", description: "Obtain activity logs of your domain.", levels: ["none", "read", "full"] },
  { key: "analytics", label: "Analytics", description: "Obtain accumulated data of your sendings.", levels: ["none", "read", "full"] },
  { key: "tokens", label: "API tokens", description: "Create, update or delete API tokens.", levels: ["none", "full"] },
  { key: "webhooks", label: "Webhooks", description: "Create and manage webhooks for listening to events and triggering actions.", levels: ["none", "full"] },
  { key: "templates", label: "Templates", description: "Fetch and delete templates created on MailerSend.", levels: ["none", "full"] },
  { key: "suppressions", label: "Suppressions", description: "Manage recipients on a suppressions list.", levels: ["none", "read", "full"] },
  { key: "sms", label: "SMS", description: "Send text messages through MailerSend", levels: ["none", "read", "full"] },
  { key: "email_verification", label: "Email verification", description: "Verify an email address or a list of email addresses", levels: ["none", "read", "full"] },
  { key: "inbounds", label: "Inbound routing", description: "View and manage inbound routes", levels: ["none", "full"] },
  { key: "recipients", label: "Recipients", description: "View and manage recipients", levels: ["none", "read", "full"] },
  { key: "sender_identity", label: "Sender identities", description: "View and manage sender identities", levels: ["none", "read", "full"] },
  { key: "smtp_users", label: "SMTP users", description: "View and manage SMTP users", levels: ["none", "read", "full"] },
  { key: "users", label: "Users", description: "View and manage users, roles, permissions, and invitations", levels: ["none", "read", "full"] },
];

/** Raised by {@link buildCatalogue} for a catalogue that breaks a rule; `problems` lists each one. */
export class CatalogueError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid scope catalogue: ${problems.join("; ")}`);
    this.name = "CatalogueError";
  }
}

const AREA_KEY = /^[a-z][a-z0-9_]{0,49}$/;

/**
 * Checks a list of areas and builds the lookup tables.
 *
 * Rules: at least one area; keys match `[a-z][a-z0-9_]{0,49}` and are unique; labels are non-empty
 * strings; levels start with `none`, are known, unique, in increasing order, and hold at least one
 * level above `none`; no two areas produce the same scope string (as every scope string ends in
 * `_read` or `_full`, only a repeated key can do that: area `a` at read gives `a_read`, while an area
 * keyed `a_read` gives `a_read_read` and `a_read_full`, so both areas may exist).
 *
 * @param input parsed JSON: an array of `{key, label, description?, levels}` or `{areas: [...]}`.
 * @returns the catalogue.
 * @throws CatalogueError listing every problem found.
 */
export function buildCatalogue(input: unknown): Catalogue {
  const list = Array.isArray(input) ? input : isRecord(input) && Array.isArray(input.areas) ? input.areas : null;
  if (list === null) throw new CatalogueError(["expected an array of areas or {\"areas\": [...]}"]);
  const problems: string[] = [];
  const areas: AreaDefinition[] = [];
  const byKey = new Map<string, AreaDefinition>();
  const byScope = new Map<string, { area: string; level: Exclude<Level, "none"> }>();
  if (list.length === 0) problems.push("at least one area is required");
  list.forEach((raw: unknown, index: number) => {
    const where = `areas[${index}]`;
    if (!isRecord(raw)) {
      problems.push(`${where}: expected an object`);
      return;
    }
    const { key, label, description, levels } = raw;
    if (typeof key !== "string" || !AREA_KEY.test(key)) {
      problems.push(`${where}.key: must match [a-z][a-z0-9_]{0,49}`);
      return;
    }
    if (byKey.has(key)) problems.push(`${where}.key: duplicate area "${key}"`);
    if (typeof label !== "string" || label.trim() === "") problems.push(`${where}.label: must be a non-empty string`);
    if (description !== undefined && typeof description !== "string") problems.push(`${where}.description: must be a string`);
    if (!Array.isArray(levels) || !levels.every((l): l is Level => typeof l === "string" && (LEVELS as readonly string[]).includes(l))) {
      problems.push(`${where}.levels: must be an array of "none", "read", "full"`);
      return;
    }
    const ranks = levels.map(levelRank);
    if (levels[0] !== "none") problems.push(`${where}.levels: must start with "none"`);
    if (!ranks.every((r, i) => i === 0 || r > (ranks[i - 1] ?? -1))) problems.push(`${where}.levels: must be unique and in increasing order`);
    if (levels.length < 2) problems.push(`${where}.levels: must allow at least one level above "none"`);
    const area: AreaDefinition = {
      key,
      label: typeof label === "string" ? label : key,
      description: typeof description === "string" ? description : "",
      levels: [...levels],
    };
    for (const level of levels) {
      if (level === "none") continue;
      const scope = `${key}_${level}`;
      if (byScope.has(scope)) problems.push(`${where}: scope string "${scope}" is produced twice`);
      byScope.set(scope, { area: key, level });
    }
    areas.push(area);
    byKey.set(key, area);
  });
  if (problems.length > 0) throw new CatalogueError(problems);
  return { areas, byKey, byScope };
}

/** The default catalogue: the seed's fifteen areas. */
export const SEED_CATALOGUE: Catalogue = buildCatalogue(SEED_AREAS);

/** Highest level an area allows (`full` for every seed area). */
export function highestLevel(area: AreaDefinition): Level {
  return area.levels[area.levels.length - 1] ?? "none";
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
