/**
 * Recovery of dashboard sign-in (issue 16): changing a password, resetting a forgotten one with a
 * link, and ending a lock-out.
 *
 * Change: a signed-in user gives the current password (counted toward the lock-out like a sign-in,
 * so a stolen session cannot guess it unhindered) and a new one; every other session of the user
 * ends, the current one stays.
 *
 * Reset: {@link PasswordRecovery.requestReset} makes a single-use code (32 random bytes, base64url;
 * stored as its SHA-256) that lives {@link RESET_MILLIS}, replacing the user's earlier ones, and mails
 * the link `<public URL>/reset-password#code=...` when a mailer is configured. The answer to the
 * person asking is the same whether the address exists or not. Without SMTP the operator prints a
 * link with `latchkey user reset-password EMAIL` ({@link PasswordRecovery.issueResetCode}). The code
 * sits in the link's fragment, which browsers never send, so it reaches no access log. Using it sets
 * the new password, ends every session of the user and clears the lock-out; two-factor stays on.
 *
 * Unlock: `latchkey user unlock EMAIL` clears the count and the lock ({@link PasswordRecovery.unlock}).
 */
import type { Clock } from "../core/clock.js";
import type { RandomSource } from "../core/random-source.js";
import { deleteSessionsOfUser, replacePasswordReset, spendPasswordReset, updatePasswordHash } from "../store/sign-in-store.js";
import type { Store } from "../store/store.js";
import { recordAnonymousAuditEvent, recordAuditEvent } from "./audit-log.js";
import type { IdFactory } from "./id-factory.js";
import { escapeHtml, type Mailer } from "./mailer.js";
import type { Principal } from "./principal.js";
import { ServiceError, validationError } from "./service-error.js";
import { admitSignInAttempt, clearSignInAttempts, codeHash, newCode } from "./sign-in-attempts.js";
import { detailsOf, hashPassword, passwordMatches, passwordProblem, sessionIdHash, userPrincipal, type RequestOrigin, type UserDetails, type UserService } from "./user-service.js";

/** How long a reset code works, milliseconds (1 hour). */
export const RESET_MILLIS = 60 * 60_000;

/** What {@link PasswordRecovery} needs. */
export interface PasswordRecoveryDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly random: RandomSource;
  readonly ids: IdFactory;
  readonly users: UserService;
  /** Sends reset links, or null when LATCHKEY_SMTP_URL is not set. */
  readonly mailer: Mailer | null;
}

/** A reset code just made, for the operator (`latchkey user reset-password`). */
export interface IssuedReset {
  readonly user: UserDetails;
  /** 43 base64url characters. */
  readonly code: string;
  /** RFC 3339 UTC. */
  readonly expiresAt: string;
}

export class PasswordRecovery {
  constructor(private readonly deps: PasswordRecoveryDeps) {}

  /**
   * Changes a signed-in user's password and ends their other sessions.
   *
   * @param sessionSecret the current session's cookie secret (that session stays open).
   * @throws ServiceError validation_failed (`current_password` wrong, `new_password` too short or
   *   long, or the same as the current one), rate_limited (locked out).
   */
  async changePassword(user: UserDetails, sessionSecret: string, currentPassword: string, newPassword: string, origin: RequestOrigin): Promise<void> {
    const { store, clock, ids, random } = this.deps;
    const problem = passwordProblem(newPassword);
    if (problem !== null) throw validationError({ new_password: [problem] });
    const row = await store.findUserById(user.id);
    if (row === undefined) throw new ServiceError("session_missing");
    const { locksIfWrong } = await admitSignInAttempt(store, user.id, clock.nowMillis());
    if (!(await passwordMatches(row.password_hash, currentPassword))) {
      await this.deps.users.recordFailedStep(user, origin, locksIfWrong, "current_password");
      throw validationError({ current_password: ["The current password is wrong."] });
    }
    await clearSignInAttempts(store, user.id);
    if (currentPassword === newPassword) throw validationError({ new_password: ["Choose a password different from the current one."] });
    const passwordHash = await hashPassword(newPassword, random);
    await store.transaction(async (tx) => {
      await updatePasswordHash(tx, user.id, passwordHash);
      const ended = await deleteSessionsOfUser(tx, user.id, sessionIdHash(sessionSecret));
      await recordAuditEvent(tx, ids, clock, { principal: userPrincipal(user), ip: origin.ip }, { action: "user.password_change", targetType: "user", targetId: user.id, details: { email: user.email, sessions_ended: ended } });
    });
  }

  /**
   * "Forgot password?": mails a reset link when the address belongs to a user and a mailer is
   * configured; does nothing otherwise. The caller answers the same in every case.
   *
   * @param email as typed.
   * @param linkBase the dashboard's public address (LATCHKEY_PUBLIC_URL), e.g. `https://keys.example.com`;
   *   null: no link can be built, nothing is mailed.
   * @returns nothing; errors of the mail server are handed to `onMailError` and not thrown (so they
   *   tell nothing about the address).
   */
  async requestReset(email: string, linkBase: string | null, origin: RequestOrigin, onMailError: (error: unknown) => void = () => undefined): Promise<void> {
    const { store, mailer } = this.deps;
    if (mailer === null || linkBase === null) return;
    const row = await store.findUserByEmail(email.trim().toLowerCase());
    if (row === undefined) return;
    const issued = await this.issueFor(detailsOf(row), null, origin);
    const link = resetLink(linkBase, issued.code);
    const text = `Someone asked to reset the password of ${row.email} on latchkey.\n\nSet a new password here (the link works once, for one hour):\n${link}\n\nIf it was not you, ignore this message: your password stays as it is.`;
    const html = `<p>Someone asked to reset the password of ${escapeHtml(row.email)} on latchkey.</p><p><a href="${escapeHtml(link)}">Set a new password</a> (the link works once, for one hour).</p><p>If it was not you, ignore this message: your password stays as it is.</p>`;
    await mailer.send({ to: [row.email], subject: "Reset your latchkey password", text, html }).catch(onMailError);
  }

  /**
   * Makes a reset code for a user, for the operator to hand over (`latchkey user reset-password`).
   *
   * @throws ServiceError not_found (no user with that address).
   */
  async issueResetCode(email: string): Promise<IssuedReset> {
    const row = await this.deps.store.findUserByEmail(email.trim().toLowerCase());
    if (row === undefined) throw new ServiceError("not_found", { message: `No user has the e-mail address ${email.trim().toLowerCase()}.` });
    return this.issueFor(detailsOf(row), { kind: "operator", accountId: row.account_id }, { ip: null });
  }

  /**
   * Sets a new password with a reset code; ends every session of the user and clears the lock-out.
   *
   * @throws ServiceError validation_failed (`code`: unknown, used, replaced or expired; `password`:
   *   too short or long; a code is spent only by a successful reset).
   */
  async completeReset(code: string, password: string, origin: RequestOrigin): Promise<void> {
    const { store, clock, ids, random } = this.deps;
    const problem = passwordProblem(password);
    const codeProblem = /^[A-Za-z0-9_-]{43}$/.test(code) ? null : "This is not a reset link latchkey made. Copy the whole link.";
    if (problem !== null || codeProblem !== null) throw validationError({ ...(codeProblem === null ? {} : { code: [codeProblem] }), ...(problem === null ? {} : { password: [problem] }) });
    const passwordHash = await hashPassword(password, random);
    await store.transaction(async (tx) => {
      const reset = await spendPasswordReset(tx, codeHash(code));
      if (reset === undefined || Date.parse(reset.expires_at) <= clock.nowMillis()) throw validationError({ code: ["This reset link has expired or was already used. Ask for a new one."] });
      const row = await tx.findUserById(reset.user_id);
      if (row === undefined) throw validationError({ code: ["This reset link has expired or was already used. Ask for a new one."] });
      await updatePasswordHash(tx, row.id, passwordHash);
      await tx.recordSignInAttempt(row.id, 0, null);
      const ended = await deleteSessionsOfUser(tx, row.id, null);
      await recordAuditEvent(tx, ids, clock, { principal: userPrincipal(detailsOf(row)), ip: origin.ip }, { action: "user.password_reset", targetType: "user", targetId: row.id, details: { email: row.email, sessions_ended: ended } });
    });
  }

  /**
   * Ends a user's sign-in lock-out (`latchkey user unlock`).
   *
   * @returns the user, and whether they were locked at the time.
   * @throws ServiceError not_found.
   */
  async unlock(email: string): Promise<{ user: UserDetails; wasLocked: boolean }> {
    const { store, clock, ids } = this.deps;
    const row = await store.findUserByEmail(email.trim().toLowerCase());
    if (row === undefined) throw new ServiceError("not_found", { message: `No user has the e-mail address ${email.trim().toLowerCase()}.` });
    const wasLocked = row.locked_until !== null && Date.parse(row.locked_until) > clock.nowMillis();
    await store.transaction(async (tx) => {
      await tx.recordSignInAttempt(row.id, 0, null);
      await recordAuditEvent(tx, ids, clock, { principal: { kind: "operator", accountId: row.account_id }, ip: null }, { action: "user.unlock", targetType: "user", targetId: row.id, details: { email: row.email, was_locked: wasLocked } });
    });
    return { user: detailsOf(row), wasLocked };
  }

  /** Makes and stores a code; `principal` null: asked from the sign-in page, by someone not signed in. */
  private async issueFor(user: UserDetails, principal: Principal | null, origin: RequestOrigin): Promise<IssuedReset> {
    const { store, clock, ids, random } = this.deps;
    const code = newCode(random, 32);
    const now = clock.nowMillis();
    const expiresAt = new Date(now + RESET_MILLIS).toISOString();
    await store.transaction(async (tx) => {
      await replacePasswordReset(tx, { code_hash: codeHash(code), user_id: user.id, created_at: new Date(now).toISOString(), expires_at: expiresAt });
      const event = { action: "user.password_reset_request", targetType: "user", targetId: user.id, details: { email: user.email } };
      if (principal === null) await recordAnonymousAuditEvent(tx, ids, clock, user.accountId, origin.ip, event);
      else await recordAuditEvent(tx, ids, clock, { principal, ip: origin.ip }, event);
    });
    return { user, code, expiresAt };
  }
}

/** The dashboard's reset link for a code: `<base>/reset-password#code=<code>`. */
export function resetLink(base: string, code: string): string {
  return `${base.replace(/\/+$/, "")}/reset-password#code=${code}`;
}
