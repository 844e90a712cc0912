/**
 * People's roles (issue 16): MailerSend's five user types as sets of the catalogue's areas and levels,
 * plus an optional list of domains. A role is its holder's ceiling: through their dashboard session a
 * person creates and manages only tokens within it, checked by the same {@link exceedsCeiling} as a
 * token creating a token.
 *
 * Source: MailerSend's help page "How to manage multiple users in your account"
 * (mailersend.com/help/user-management), which lists five user types:
 * - Administrator: "full access and can perform all actions in the account" -> Full access, all domains.
 * - Manager: "full access, but can not create new users, access API or access billing" -> every area
 *   at its highest level, except Users (Read only: may see people, not invite or change them) and
 *   API tokens (No access: the tokens a Manager makes cannot make tokens). Billing has no area here.
 * - Designer: "can only create and view templates" -> Templates: Full access, nothing else.
 * - Accountant: "can only manage payments and access invoices" -> no area (latchkey has no billing),
 *   so an Accountant can grant nothing.
 * - Custom user: "pick and choose which actions this user has access to" -> the areas and levels
 *   chosen, as scope strings (`domains_read`) or MailerSend's permission names (`read-domains` is not
 *   one of them; see {@link MAILERSEND_PERMISSIONS}).
 * The role names on the wire are the official SDK's `UserRole` values: `Admin`, `Manager`, `Designer`,
 * `Accountant`, `Custom User`. docs/teams.md has the table.
 */
import { highestLevel, levelRank, type Catalogue, type Level } from "./catalogue.js";
import { FULL_ACCESS, parseScopes, printable, scopeStrings, type PermissionSet } from "./permissions.js";
import type { Grant } from "./token-ceiling.js";

/** The role names, as MailerSend's SDK spells them (`UserRole`). */
export const ROLE_NAMES = ["Admin", "Manager", "Designer", "Accountant", "Custom User"] as const;

/** A role name. */
export type RoleName = (typeof ROLE_NAMES)[number];

/** A person's role as stored: its name, the chosen scopes (Custom User only) and the domains. */
export interface Role {
  readonly name: RoleName;
  /** Scope strings chosen for a Custom User (canonical: one per area, catalogue order); empty for the others. */
  readonly scopes: readonly string[];
  /** Domain ids the role is limited to, or null for all domains (later ones included). */
  readonly domainIds: readonly string[] | null;
}

/**
 * MailerSend's permission names (the SDK's `UserPermission`) that have an area here, and the scope
 * string each stands for. Names without an area (billing, IP addresses, templates' read levels, the
 * file manager, tracking options, error log) are refused with a message saying so.
 */
export const MAILERSEND_PERMISSIONS: Readonly<Record<string, string>> = {
  "manage-template": "templates_full",
  "manage-domain": "domains_full",
  "manage-inbound": "inbounds_full",
  "manage-webhook": "webhooks_full",
  "control-sendings": "email_full",
  "view-smtp-users": "smtp_users_read",
  "manage-smtp-users": "smtp_users_full",
  "read-recipient": "recipients_read",
  "read-activity": "activity_read",
  "read-analytics": "analytics_read",
  "read-sender-identities": "sender_identity_read",
  "manage-sender-identities": "sender_identity_full",
  "read-email-verification": "email_verification_read",
  "manage-email-verification": "email_verification_full",
  "read-sms": "sms_read",
  "manage-sms": "sms_full",
  "manage-api-token": "tokens_full",
  "read-suppressions": "suppressions_read",
  "manage-suppressions": "suppressions_full",
};

/** Whether a string is one of the five role names (exact spelling). */
export function isRoleName(value: unknown): value is RoleName {
  return typeof value === "string" && (ROLE_NAMES as readonly string[]).includes(value);
}

/**
 * The areas and levels a role holds (see the file's docstring for the mapping and its source).
 *
 * @param catalogue the areas in force; a replaced catalogue's areas are mapped by the same rules
 *   (Manager: every area at its highest except `tokens` and `users`).
 * @returns Full access for Admin; a Custom access set for the others (possibly empty).
 */
export function rolePermissions(catalogue: Catalogue, role: Role): PermissionSet {
  switch (role.name) {
    case "Admin":
      return FULL_ACCESS;
    case "Manager": {
      const levels = new Map<string, Exclude<Level, "none">>();
      for (const area of catalogue.areas) {
        if (area.key === "tokens") continue;
        if (area.key === "users") {
          if (area.levels.includes("read")) levels.set("users", "read");
          continue;
        }
        const top = highestLevel(area);
        if (top !== "none") levels.set(area.key, top);
      }
      return { hasFull: false, levels };
    }
    case "Designer":
      return catalogue.byScope.has("templates_full") ? { hasFull: false, levels: new Map([["templates", "full"]]) } : { hasFull: false, levels: new Map() };
    case "Accountant":
      return { hasFull: false, levels: new Map() };
    case "Custom User": {
      const known = role.scopes.filter((scope) => catalogue.byScope.has(scope));
      if (known.length === 0) return { hasFull: false, levels: new Map() };
      const parsed = parseScopes(catalogue, known);
      return parsed.ok ? parsed.permissions : { hasFull: false, levels: new Map() };
    }
  }
}

/**
 * A role as a {@link Grant}, the shape {@link exceedsCeiling} compares: its permissions, its domains,
 * and no expiry (a person's tokens may be given any lifetime).
 */
export function roleGrant(catalogue: Catalogue, role: Role): Grant {
  return { permissions: rolePermissions(catalogue, role), allDomains: role.domainIds === null, domainIds: role.domainIds ?? [], expiresAtMillis: null };
}

/** The scope strings a role stands for, in catalogue order (every area at its highest for Admin). */
export function roleScopes(catalogue: Catalogue, role: Role): string[] {
  return scopeStrings(catalogue, rolePermissions(catalogue, role));
}

/**
 * The scope strings a token may hold and still lie within a role (F14: what a person sees and
 * manages): for each area the role holds, every scope string of that area at or below the role's
 * level (`domains_full` held: `domains_read` and `domains_full`), in catalogue order. A token holding
 * any other scope, or Full access, is beyond the role. Null for an Admin (Full access: every token).
 *
 * @returns the strings; empty when the role holds no area (an Accountant: no token lies within it).
 */
export function roleReachScopes(catalogue: Catalogue, role: Role): string[] | null {
  const held = rolePermissions(catalogue, role);
  if (held.hasFull) return null;
  const reach: string[] = [];
  for (const [scope, { area, level }] of catalogue.byScope) {
    const top = held.levels.get(area);
    if (top !== undefined && levelRank(level) <= levelRank(top)) reach.push(scope);
  }
  return reach;
}

/** Input of {@link parseRole}, as a client sends it (every field unchecked). */
export interface RoleInput {
  readonly role?: unknown;
  /** Custom User: scope strings or MailerSend permission names; absent or empty for the others. */
  readonly permissions?: unknown;
  /** Domain ids, or absent/null for all domains. Their existence is the caller's to check. */
  readonly domains?: unknown;
}

/** Result of {@link parseRole}: the role, or field -> problems (fields `role`, `permissions`, `domains`). */
export type ParseRoleResult = { readonly ok: true; readonly role: Role } | { readonly ok: false; readonly errors: Record<string, string[]> };

/** Most domains a role may list. */
export const MAX_ROLE_DOMAINS = 100;

/**
 * Checks a role as given on the wire (POST /v1/users, PUT /v1/users/{id}).
 *
 * Rules: `role` is one of {@link ROLE_NAMES}, spelled exactly; `permissions` is given (non-empty) for a
 * Custom User only, each a scope string of the catalogue or a name of {@link MAILERSEND_PERMISSIONS};
 * `domains` is an array of 1..100 distinct non-empty strings, not allowed for an Admin (who holds all).
 *
 * @returns the role with canonical scopes (one per area, the higher level winning), or every problem.
 */
export function parseRole(catalogue: Catalogue, input: RoleInput): ParseRoleResult {
  const errors: Record<string, string[]> = {};
  const problem = (field: string, message: string): void => {
    (errors[field] ??= []).push(message);
  };
  const name = isRoleName(input.role) ? input.role : null;
  if (name === null) problem("role", `Choose a role: ${ROLE_NAMES.join(", ")}.`);

  let scopes: string[] = [];
  const permissions = input.permissions;
  if (permissions !== undefined && permissions !== null && !(Array.isArray(permissions) && permissions.length === 0)) {
    if (name !== null && name !== "Custom User") problem("permissions", "Permissions are chosen for a Custom User only; the other roles have fixed ones.");
    else if (!Array.isArray(permissions) || permissions.some((p) => typeof p !== "string")) problem("permissions", "Give permissions as an array of strings.");
    else {
      const wanted: string[] = [];
      for (const given of permissions as string[]) {
        const scope = catalogue.byScope.has(given) ? given : MAILERSEND_PERMISSIONS[given];
        if (scope === undefined || !catalogue.byScope.has(scope)) problem("permissions", `"${printable(given)}" is neither a scope of this catalogue nor a MailerSend permission with an area here.`);
        else wanted.push(scope);
      }
      if (wanted.length > 0 && errors.permissions === undefined) {
        const parsed = parseScopes(catalogue, wanted);
        if (parsed.ok) scopes = scopeStrings(catalogue, parsed.permissions);
        else for (const p of parsed.problems) problem("permissions", p);
      }
    }
  } else if (name === "Custom User") problem("permissions", "Choose at least one permission for a Custom User.");

  let domainIds: string[] | null = null;
  const domains = input.domains;
  if (domains !== undefined && domains !== null) {
    if (!Array.isArray(domains) || domains.some((d) => typeof d !== "string" || d.length === 0 || d.length > 100)) problem("domains", "Give domains as an array of domain ids.");
    else if (domains.length === 0 || domains.length > MAX_ROLE_DOMAINS) problem("domains", `Choose 1 to ${MAX_ROLE_DOMAINS} domains, or leave domains out for all of them.`);
    else if (name === "Admin") problem("domains", "An Admin holds every domain; leave domains out.");
    else domainIds = [...new Set(domains as string[])];
  }

  if (Object.keys(errors).length > 0 || name === null) return { ok: false, errors };
  return { ok: true, role: { name, scopes: name === "Custom User" ? scopes : [], domainIds } };
}

/** Whether a role holds Full access on every area and domain (the one that keeps an account managed). */
export function isAdmin(role: Pick<Role, "name">): boolean {
  return role.name === "Admin";
}
