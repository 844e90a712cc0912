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
 * the link `<LATCHKEY_PUBLIC_URL>/reset-password#code=...` when a mailer and the public URL are
 * configured (never a link on the request's Host header). The answer to the person asking is the same
 * whether the address exists or not, and comes as fast: the work and the mail happen after it. Without SMTP the operator prints a
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
import { escapeHtml, type Mailer, type MailMessage } from "./mailer.js";
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
  /** Background reset work whose database part is still running ({@link PasswordRecovery.requestReset}). */
  private readonly issuing = new Set<Promise<void>>();
  /** Reset mails still being handed to the SMTP server. */
  private readonly sending = new Set<Promise<void>>();

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
   * "Forgot password?": when a mailer and a public URL are configured, starts in the background the
   * look-up of the address, and for a user a new code and the mail of its link; returns at once, before
   * any of it, so neither the answer nor how long it takes tells whether the address belongs to a user
   * (a known address would otherwise wait for the SMTP server). Does nothing otherwise.
   *
   * @param email as typed.
   * @param publicUrl LATCHKEY_PUBLIC_URL, e.g. `https://keys.example.com`; null: no absolute link can be
   *   trusted (never the request's Host header), nothing is mailed.
   * @param onError told of a failure of the background work (database or mail server); a mail
   *   failure comes as an error naming only its codes (never the server's reply, link or code).
   */
  requestReset(email: string, publicUrl: string | null, origin: RequestOrigin, onError: (error: unknown) => void): void {
    if (this.deps.mailer === null || publicUrl === null) return;
    const mailer = this.deps.mailer;
    // setImmediate: the work starts once the caller's answer is on its way, not within its await chain.
    const issuing = new Promise<void>((resolve) => setImmediate(resolve)).then(async () => {
      const row = await this.deps.store.findUserByEmail(email.trim().toLowerCase());
      if (row === undefined) return;
      const issued = await this.issueFor(detailsOf(row), null, origin);
      const sending = mailer.send(resetMail(row.email, resetLink(publicUrl, issued.code))).catch((error: unknown) => {
        throw mailFailure(error);
      });
      // Tracked apart: closing the store waits for the database part only, never for a slow SMTP server.
      this.sending.add(sending);
      void sending.catch(onError).finally(() => this.sending.delete(sending));
    });
    this.issuing.add(issuing);
    void issuing.catch(onError).finally(() => this.issuing.delete(issuing));
  }

  /**
   * Waits for the database part of background resets (before the store closes); a mail still on its
   * way to the SMTP server is not waited for (nodemailer's own timeouts end it).
   */
  async settle(): Promise<void> {
    await Promise.allSettled([...this.issuing]);
  }

  /** Waits for every background reset, mail included (for tests and an orderly stop). */
  async whenIdle(): Promise<void> {
    while (this.issuing.size > 0 || this.sending.size > 0) await Promise.allSettled([...this.issuing, ...this.sending]);
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

/**
 * The dashboard's reset link for a code.
 *
 * @param base LATCHKEY_PUBLIC_URL (a trailing slash is dropped), or null for the relative link.
 * @returns `<base>/reset-password#code=<code>`, or `/reset-password#code=<code>`.
 */
export function resetLink(base: string | null, code: string): string {
  return `${(base ?? "").replace(/\/+$/, "")}/reset-password#code=${code}`;
}

/**
 * A reset mail's failure as it may be logged: nodemailer's error code, the SMTP reply code and the
 * command refused, never the server's reply text (a server may quote the message, link and code).
 */
function mailFailure(error: unknown): Error {
  const { code, responseCode, command } = error as { code?: unknown; responseCode?: unknown; command?: unknown };
  const parts = [code, responseCode, command].filter((p) => typeof p === "string" || typeof p === "number");
  return new Error(`the password reset mail was not sent${parts.length === 0 ? "" : ` (${parts.join(" ")})`}`);
}

/** The reset mail: the link and what to do if it was not you. */
function resetMail(to: string, link: string): MailMessage {
  const text = `Someone asked to reset the password of ${to} on latchkey.\n\nSet a new password here (the link works once, for one hour):\n${link}\n\nIf it was not you, ignore this message: your password stays as it is.`;
  const html = `<p>Someone asked to reset the password of ${escapeHtml(to)} on latchkey.</p><p><a href="${escapeHtml(link)}">Set a new password</a> (the link works once, for one hour).</p><p>If it was not you, ignore this message: your password stays as it is.</p>`;
  return { to: [to], subject: "Reset your latchkey password", text, html };
}
