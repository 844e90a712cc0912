/**
 * What the Users page and its dialogs share: the five roles in the words of MailerSend's help page
 * "How to manage multiple users in your account" (src/core/roles.ts, docs/teams.md), who may see and
 * manage people, and the invitation link as the inviter can open it.
 */
import type { Level, RoleName, Session } from "./api-types";

/** The roles, in MailerSend's order, each with what it allows here. */
export const ROLES: readonly { name: RoleName; description: string }[] = [
  { name: "Admin", description: "Full access and can perform all actions in the account." },
  { name: "Manager", description: "Full access, but can not create new users or access the API: Users read only, API tokens no access." },
  { name: "Designer", description: "Can only create and view templates: Templates full access." },
  { name: "Accountant", description: "Can only manage payments and access invoices; latchkey has no billing, so no area." },
  { name: "Custom User", description: "Pick and choose which areas this user has access to." },
];

/** Whether a string is one of the five role names. */
export function isRoleName(value: string | null): value is RoleName {
  return ROLES.some((role) => role.name === value);
}

/** Whether the signed-in person's role holds `users_read` (or more): the Users page is theirs to see. */
export function canReadUsers(session: Session): boolean {
  return (session.user.permissions ?? []).some((scope) => scope === "users_read" || scope === "users_full");
}

/** Whether the signed-in person's role holds `users_full`: invite, change role, remove, resend, cancel. */
export function canManageUsers(session: Session): boolean {
  return (session.user.permissions ?? []).includes("users_full");
}

/** Whether the signed-in person's role may list the account's domains (to limit a user to some). */
export function canReadDomains(session: Session): boolean {
  return (session.user.permissions ?? []).some((scope) => scope === "domains_read" || scope === "domains_full");
}

/**
 * Whether the signed-in person is an Admin (an owner, or a role stored as `admin` before the five
 * roles): only they may manage webhooks (src/service/webhook-service.ts) and read or set the account
 * policy, the Settings page (src/service/account-policy.ts).
 */
export function isAdmin(session: Session): boolean {
  return ["Admin", "admin", "owner"].includes(session.user.role);
}

/**
 * Whether the person's role may use the page at `path`: Users needs `users_read`, Domains
 * `domains_read`, Webhooks and Settings an Admin; every other page is anyone's. The navigation lists
 * only these, and a page typed into the address bar that the role cannot use says so instead.
 */
export function mayUsePage(session: Session, path: string): boolean {
  if (path === "/users") return canReadUsers(session);
  if (path === "/domains") return canReadDomains(session);
  if (path === "/webhooks" || path === "/settings") return isAdmin(session);
  return true;
}

/**
 * The invitation link as it can be opened: `invite_url` as given when absolute, else resolved against
 * this page's origin (the server answers a path, `/invite#code=...`, when it has no public URL).
 */
export function absoluteInviteUrl(inviteUrl: string, origin: string = window.location.origin): string {
  return /^https?:\/\//i.test(inviteUrl) ? inviteUrl : new URL(inviteUrl, origin).href;
}

/** Scope strings (`email_full`, `domains_read`) as area -> level, the permissions field's value. */
export function levelsOf(scopes: readonly string[]): Record<string, Level> {
  const levels: Record<string, Level> = {};
  for (const scope of scopes) {
    const match = /^(.+)_(read|full)$/.exec(scope);
    if (match?.[1] !== undefined) levels[match[1]] = match[2] as Level;
  }
  return levels;
}
