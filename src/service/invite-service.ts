/**
 * Invitations (issue 16): how a second person joins an account.
 *
 * An invitation carries a single-use code: 32 random bytes, base64url (256 bits), shown once to the
 * inviter (in the answer of POST /v1/users and of a resend, as a link `<LATCHKEY_PUBLIC_URL>/invite#code=<code>`:
 * in the fragment, so it reaches no server log, proxy or Referer) and e-mailed to the invitee when
 * SMTP and LATCHKEY_PUBLIC_URL are configured. The link is never built from the request's Host header
 * (host-header poisoning would mail a live code to the attacker's site): without LATCHKEY_PUBLIC_URL it
 * is the relative `/invite#code=<code>`, for the dashboard to resolve against its own origin, and no
 * mail is sent, since a mail needs an absolute link latchkey can trust. The database keeps only its SHA-256 (`invites.code_hash`). A code works for
 * {@link INVITE_MILLIS} (7 days) from when it was made; a resend makes a new one and the old stops
 * working at once; accepting deletes the invitation in the same transaction that creates the person,
 * so a code works once even when two accepts race. Accepting sets the password (argon2id, the
 * parameters of src/service/user-service.ts) and signs the person in.
 *
 * Who may invite: `users_full`, and only a role within the inviter's own ceiling (team-view.ts).
 */
import { createHash } from "node:crypto";
import { hash } from "@node-rs/argon2";
import type { Catalogue } from "../core/catalogue.js";
import type { Clock } from "../core/clock.js";
import type { RandomSource } from "../core/random-source.js";
import { parseRole, type Role } from "../core/roles.js";
import type { InvitesTable } from "../store/database-schema.js";
import { deleteInvite, emailHasUser, findInvite, findInviteByCodeHash, insertInvite, listInvites, replaceInviteCode, spendInviteCode } from "../store/team-store.js";
import { UniqueViolation, type PageRequest, type Store } from "../store/store.js";
import { recordAuditEvent } from "./audit-log.js";
import type { IdFactory } from "./id-factory.js";
import { escapeHtml, type Mailer } from "./mailer.js";
import { accountOf, actorRef, requireLevel, type ActorContext } from "./principal.js";
import { ServiceError, validationError } from "./service-error.js";
import { requireRoleDomains } from "./team-service.js";
import { inviteOf, requireRoleWithin, storedRole, type Invite } from "./team-view.js";
import { ARGON2, PASSWORD_MAX_CHARS, PASSWORD_MIN_CHARS, roleOfRow, type OpenedSession, type RequestOrigin, type UserService } from "./user-service.js";

/** How long an invitation's code works, milliseconds (7 days). */
export const INVITE_MILLIS = 7 * 24 * 60 * 60_000;

/** The same address rule as src/service/user-service.ts (a plain `local@domain.tld`). */
const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,253}\.[^\s@]{1,63}$/;

/** What the invitation use cases need. */
export interface InviteServiceDeps {
  readonly store: Store;
  readonly catalogue: Catalogue;
  readonly clock: Clock;
  readonly random: RandomSource;
  readonly ids: IdFactory;
  /** Sends the invitation when SMTP is configured; null: the inviter passes the link on. */
  readonly mailer: Mailer | null;
  /** Told of a mail that could not be sent (never with the code). */
  readonly onError: (error: unknown) => void;
}

/** Input of {@link InviteService.invite}: MailerSend's `UserCreate`, fields unchecked. */
export interface InviteInput {
  readonly email?: unknown;
  readonly role?: unknown;
  readonly permissions?: unknown;
  readonly domains?: unknown;
  /** Accepted for the SDK's sake; latchkey has no templates to limit (docs/teams.md). */
  readonly templates?: unknown;
  /** Accepted for the SDK's sake; latchkey has no periodic password change (docs/teams.md). */
  readonly requires_periodic_password_change?: unknown;
}

/** An invitation just made or resent: the code exists only here. */
export interface IssuedInvite {
  readonly invite: Invite;
  /** 43 base64url characters. */
  readonly code: string;
  /** `<LATCHKEY_PUBLIC_URL>/invite#code=<code>`, or `/invite#code=<code>` when no public URL is configured. */
  readonly link: string;
  /** Whether it was handed to the SMTP server (never without a mailer and a public URL). */
  readonly mailed: boolean;
}

/** What the accept page shows before a password is set. */
export interface InvitePreview {
  readonly email: string;
  readonly role: Role["name"];
  readonly expiresAt: string;
}

export class InviteService {
  constructor(
    private readonly deps: InviteServiceDeps,
    private readonly users: UserService,
  ) {}

  /**
   * Invites a person (POST /v1/users). Needs `users_full` and a ceiling covering the role.
   *
   * @param publicUrl LATCHKEY_PUBLIC_URL (where the dashboard is reached), or null: the link is relative and not mailed.
   * @throws ServiceError validation_failed (`email`, `role`, `permissions`, `domains`, `templates`,
   *   `requires_periodic_password_change`; all at once), ceiling_exceeded, user_exists, invite_exists.
   */
  async invite(actor: ActorContext, input: InviteInput, publicUrl: string | null): Promise<IssuedInvite> {
    const { catalogue, clock, ids, store } = this.deps;
    requireLevel(catalogue, actor.principal, "users", "full");
    const accountId = accountOf(actor.principal);
    const errors: Record<string, string[]> = {};
    const email = typeof input.email === "string" ? input.email.trim().toLowerCase() : "";
    if (!EMAIL.test(email)) errors.email = ["Enter an e-mail address such as ada@example.com."];
    const parsed = parseRole(catalogue, input);
    if (!parsed.ok) Object.assign(errors, parsed.errors);
    if (input.templates !== undefined && !(Array.isArray(input.templates) && input.templates.every((t) => typeof t === "string"))) errors.templates = ["Give templates as an array of template ids."];
    if (input.requires_periodic_password_change !== undefined && typeof input.requires_periodic_password_change !== "boolean") errors.requires_periodic_password_change = ["Give true or false."];
    if (Object.keys(errors).length > 0 || !parsed.ok) throw validationError(errors);
    const role = parsed.role;
    await requireRoleDomains(store, accountId, role);
    requireRoleWithin(catalogue, actor, role);
    if (await emailHasUser(store, email)) throw new ServiceError("user_exists");
    const code = this.newCode();
    const now = clock.nowMillis();
    const who = actorRef(actor.principal);
    const row: InvitesTable = {
      id: ids("invite"),
      account_id: accountId,
      email,
      ...storedRole(role),
      code_hash: codeHash(code),
      invited_by: who.id === null ? who.type : `${who.type}:${who.id}`,
      created_at: new Date(now).toISOString(),
      updated_at: new Date(now).toISOString(),
      expires_at: new Date(now + INVITE_MILLIS).toISOString(),
    };
    try {
      await store.transaction(async (tx) => {
        await insertInvite(tx, row);
        await recordAuditEvent(tx, ids, clock, actor, { action: "user.invite", targetType: "invite", targetId: row.id, details: { email, role: role.name } });
      });
    } catch (error) {
      if (error instanceof UniqueViolation || isUniqueError(error)) throw new ServiceError("invite_exists");
      throw error;
    }
    return this.issued(row, code, publicUrl);
  }

  /** A page of the account's pending invitations, newest first. Needs `users_read`. */
  async list(actor: ActorContext, page: PageRequest): Promise<{ invites: Invite[]; total: number }> {
    requireLevel(this.deps.catalogue, actor.principal, "users", "read");
    const accountId = accountOf(actor.principal);
    const { rows, total } = await listInvites(this.deps.store, accountId, page);
    const domains = await this.deps.store.listDomains(accountId);
    return { invites: rows.map((row) => inviteOf(row, domains)), total };
  }

  /** One pending invitation. Needs `users_read`. @throws ServiceError not_found. */
  async show(actor: ActorContext, id: string): Promise<Invite> {
    requireLevel(this.deps.catalogue, actor.principal, "users", "read");
    const accountId = accountOf(actor.principal);
    const row = await findInvite(this.deps.store, accountId, id);
    if (row === undefined) throw notFound();
    return inviteOf(row, await this.deps.store.listDomains(accountId));
  }

  /**
   * Makes a new code for an invitation, good for another 7 days; the old one stops working at once.
   * Needs `users_full` and a ceiling covering the invitation's role.
   *
   * @param publicUrl LATCHKEY_PUBLIC_URL, or null: the link is relative and not mailed.
   * @throws ServiceError not_found, ceiling_exceeded.
   */
  async resend(actor: ActorContext, id: string, publicUrl: string | null): Promise<IssuedInvite> {
    const { catalogue, clock, ids, store } = this.deps;
    requireLevel(catalogue, actor.principal, "users", "full");
    const accountId = accountOf(actor.principal);
    const before = await findInvite(store, accountId, id);
    if (before === undefined) throw notFound();
    requireRoleWithin(catalogue, actor, roleOfRow(before));
    const code = this.newCode();
    const now = clock.nowMillis();
    const updatedAt = new Date(now).toISOString();
    const expiresAt = new Date(now + INVITE_MILLIS).toISOString();
    await store.transaction(async (tx) => {
      if (!(await replaceInviteCode(tx, accountId, id, codeHash(code), updatedAt, expiresAt))) throw notFound();
      await recordAuditEvent(tx, ids, clock, actor, { action: "user.invite_resend", targetType: "invite", targetId: id, details: { email: before.email } });
    });
    return this.issued({ ...before, code_hash: codeHash(code), updated_at: updatedAt, expires_at: expiresAt }, code, publicUrl);
  }

  /**
   * Cancels a pending invitation: its code stops working. Needs `users_full` and a ceiling covering
   * its role.
   *
   * @throws ServiceError not_found (also a second time).
   */
  async cancel(actor: ActorContext, id: string): Promise<void> {
    const { catalogue, clock, ids, store } = this.deps;
    requireLevel(catalogue, actor.principal, "users", "full");
    const accountId = accountOf(actor.principal);
    const before = await findInvite(store, accountId, id);
    if (before === undefined) throw notFound();
    requireRoleWithin(catalogue, actor, roleOfRow(before));
    await store.transaction(async (tx) => {
      if (!(await deleteInvite(tx, accountId, id))) throw notFound();
      await recordAuditEvent(tx, ids, clock, actor, { action: "user.invite_cancel", targetType: "invite", targetId: id, details: { email: before.email } });
    });
  }

  /**
   * What an invitation link is for, before its password is chosen (no authentication: the code is it).
   *
   * @throws ServiceError invite_invalid (unknown, replaced, cancelled, used or expired; not told apart).
   */
  async preview(code: string): Promise<InvitePreview> {
    const row = await this.live(code);
    return { email: row.email, role: roleOfRow(row).name, expiresAt: row.expires_at };
  }

  /**
   * Accepts an invitation: creates the person with the invitation's role and the password chosen,
   * spends the code and signs them in.
   *
   * @param password 12 to 1024 characters, kept exactly as typed.
   * @returns the new session (its secret goes into the cookie).
   * @throws ServiceError invite_invalid, validation_failed (`password`; the code stays good),
   *   user_exists (the address joined meanwhile by another way).
   */
  async accept(code: string, password: string, origin: RequestOrigin): Promise<OpenedSession> {
    const { clock, ids, random, store } = this.deps;
    const row = await this.live(code);
    const length = [...password].length;
    if (length < PASSWORD_MIN_CHARS) throw validationError({ password: [`The password must be at least ${PASSWORD_MIN_CHARS} characters long.`] });
    if (length > PASSWORD_MAX_CHARS) throw validationError({ password: [`The password may not be longer than ${PASSWORD_MAX_CHARS} characters.`] });
    const passwordHash = await hash(password, { ...ARGON2, salt: random.bytes(16) });
    const userId = ids("user");
    const now = new Date(clock.nowMillis()).toISOString();
    const role = roleOfRow(row);
    const domains = role.domainIds === null ? null : (await store.listDomains(row.account_id, role.domainIds)).map((d) => d.id);
    try {
      await store.transaction(async (tx) => {
        if (!(await spendInviteCode(tx, row.code_hash))) throw new ServiceError("invite_invalid");
        if (await emailHasUser(tx, row.email)) throw new ServiceError("user_exists");
        await tx.insertUser({ id: userId, account_id: row.account_id, email: row.email, password_hash: passwordHash, ...storedRole({ ...role, domainIds: domains }), created_at: now, updated_at: now, locked_until: null });
        const principal = { kind: "user" as const, userId, accountId: row.account_id, email: row.email, role };
        await recordAuditEvent(tx, ids, clock, { principal, ip: origin.ip }, { action: "user.accept_invite", targetType: "user", targetId: userId, details: { email: row.email, role: role.name, invite_id: row.id, invited_by: row.invited_by } });
      });
    } catch (error) {
      if (error instanceof UniqueViolation) throw new ServiceError("user_exists");
      throw error;
    }
    // A person who has just accepted has no second factor yet: signing in opens the session at once.
    const opened = await this.users.signIn(row.email, password, origin);
    if ("challenge" in opened) throw new Error("a new user cannot have two-factor sign-in yet");
    return opened;
  }

  /** The invitation a code opens, while it is in force. @throws ServiceError invite_invalid. */
  private async live(code: string): Promise<InvitesTable> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(code)) throw new ServiceError("invite_invalid");
    const row = await findInviteByCodeHash(this.deps.store, codeHash(code));
    if (row === undefined || Date.parse(row.expires_at) <= this.deps.clock.nowMillis()) throw new ServiceError("invite_invalid");
    return row;
  }

  private newCode(): string {
    return Buffer.from(this.deps.random.bytes(32)).toString("base64url");
  }

  private async issued(row: InvitesTable, code: string, publicUrl: string | null): Promise<IssuedInvite> {
    const link = inviteLink(publicUrl, code);
    const invite = inviteOf(row, await this.deps.store.listDomains(row.account_id));
    let mailed = false;
    // A relative link means nothing in a mail, and no other base is trustworthy: no public URL, no mail.
    if (this.deps.mailer !== null && publicUrl !== null) {
      try {
        await this.deps.mailer.send(invitationMail(row.email, invite.role.name, link, row.expires_at));
        mailed = true;
      } catch (error) {
        this.deps.onError(error);
      }
    }
    return { invite, code, link, mailed };
  }
}

/** The invitation e-mail: the only message latchkey sends that carries a secret (the code in the link). */
function invitationMail(to: string, role: string, link: string, expiresAt: string): { to: string[]; subject: string; text: string; html: string } {
  const text = `You are invited to join latchkey as ${role}.\n\nOpen this link to choose your password and sign in:\n${link}\n\nThe link works once, until ${expiresAt}.\n`;
  const html = `<p>You are invited to join latchkey as <strong>${escapeHtml(role)}</strong>.</p><p><a href="${escapeHtml(link)}">Choose your password and sign in</a></p><p>The link works once, until ${escapeHtml(expiresAt)}.</p>`;
  return { to: [to], subject: "Your invitation to latchkey", text, html };
}

/**
 * The dashboard's invitation link of a code.
 *
 * @param publicUrl LATCHKEY_PUBLIC_URL (a trailing slash is dropped), or null for the relative link.
 * @returns `<publicUrl>/invite#code=<code>`, or `/invite#code=<code>`.
 */
export function inviteLink(publicUrl: string | null, code: string): string {
  return `${(publicUrl ?? "").replace(/\/+$/, "")}/invite#code=${code}`;
}

/** SHA-256 hex of an invitation code: the `invites.code_hash` key. */
export function codeHash(code: string): string {
  return createHash("sha256").update(code).digest("hex");
}

function isUniqueError(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return code === "23505" || code === "SQLITE_CONSTRAINT_UNIQUE";
}

function notFound(): ServiceError {
  return new ServiceError("not_found", { message: "No such invitation." });
}
