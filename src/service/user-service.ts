/**
 * Dashboard users and their sessions: the whole sign-in scheme in one file (after Lucia's practice).
 *
 * Users. An account's people sign in with an e-mail address (trimmed, lower-cased) and a password of
 * at least 12 characters (NIST SP 800-63B section 3.1.1.2 asks for 8 at least; we ask more because
 * nothing else stands in front of the dashboard). Passwords are hashed with argon2id at OWASP's
 * recommended parameters (19 MiB, 2 passes, 1 lane) through `@node-rs/argon2`; the salt comes from the
 * injected {@link RandomSource}.
 *
 * Lock-out (src/service/sign-in-attempts.ts). Every attempt on a known address is counted *before* its
 * password is checked: the {@link MAX_FAILED_ATTEMPTS}th consecutive attempt without a complete
 * sign-in locks the user for {@link LOCK_MILLIS}; while locked every attempt, even with the right
 * password, gets `rate_limited` with the seconds left. A complete sign-in clears the count (with
 * two-factor: the password and the code; wrong codes count too). Caveat: anybody who knows an address
 * can keep its owner locked out; the lock is short and `latchkey user unlock EMAIL` ends it. An
 * unknown address costs the same argon2 work as a known one, so timing does not tell which exist.
 *
 * Two-factor (src/service/two-factor-service.ts). A user who has enrolled gets, for the right
 * password, a challenge instead of a session; the session opens once the challenge and a TOTP or
 * recovery code are presented. Failed sign-ins are audited as done by an unknown person (actor
 * `anonymous`) with the address tried: whoever typed it did not prove to be that user.
 *
 * Sessions. A session secret is 32 random bytes, base64url (256 bits), sent only in the httpOnly
 * cookie; the database keeps its SHA-256 (`sessions.id_hash`), so a leaked database opens no
 * session. A session lives {@link SESSION_MILLIS} from sign-in (absolute, not sliding) and ends at
 * sign-out. Each session has its own CSRF token (32 random bytes, base64url), given to the page in
 * the sign-in answer and required as `X-CSRF-Token` on every state-changing request authenticated by
 * the cookie (the synchroniser token pattern of OWASP's CSRF cheat sheet, on top of SameSite=Strict).
 *
 * Set-up. With no user at all, the first `latchkey serve` of a deployment stores one set-up code (its
 * SHA-256, in `setup_codes`: one for every instance on the database) through
 * {@link UserService.openSetup}, and shows the link on its terminal only; `latchkey setup-link`
 * ({@link UserService.renewSetup}) makes a new one, ending the old. Whoever opens the link creates the
 * owner of the `default` account; the code is spent by its first successful use, in the same
 * transaction that creates the owner.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { hash, verify, type Algorithm, type Options as Argon2Options } from "@node-rs/argon2";
import type { Clock } from "../core/clock.js";
import type { RandomSource } from "../core/random-source.js";
import { isRoleName, type Role } from "../core/roles.js";
import type { UsersTable } from "../store/database-schema.js";
import { UniqueViolation, type Store } from "../store/store.js";
import { findAccountPolicy } from "../store/policy-store.js";
import { findTwoFactor, hasSetupCode, insertChallenge, insertSetupCode, replaceSetupCode, spendSetupCode } from "../store/sign-in-store.js";
import { recordAnonymousAuditEvent, recordAuditEvent } from "./audit-log.js";
import { admitAddressAttempt, admitSignInAttempt, clearSignInAttempts, codeHash, newCode } from "./sign-in-attempts.js";
import type { IdFactory } from "./id-factory.js";
import type { Principal } from "./principal.js";
import { ServiceError, validationError } from "./service-error.js";

export { LOCK_MILLIS, MAX_FAILED_ATTEMPTS } from "./sign-in-attempts.js";
/** How long the second step of a sign-in may wait after the password, milliseconds (5 minutes). */
export const CHALLENGE_MILLIS = 5 * 60_000;
/** Lifetime of a session from sign-in, milliseconds (12 hours). */
export const SESSION_MILLIS = 12 * 60 * 60_000;
/** Shortest password, in characters (code points). */
export const PASSWORD_MIN_CHARS = 12;
/** Longest password, in characters: a bound on hashing work, far above any passphrase. */
export const PASSWORD_MAX_CHARS = 1024;

/** argon2id with OWASP's Password Storage Cheat Sheet parameters (m=19456 KiB, t=2, p=1). */
export const ARGON2: Argon2Options = { algorithm: 2 as Algorithm, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

/** A user as callers see it (never the password hash). */
export interface UserDetails {
  readonly id: string;
  readonly accountId: string;
  /** Lower-cased e-mail address. */
  readonly email: string;
  /** The role's name (`Admin`, `Manager`, `Designer`, `Accountant`, `Custom User`; src/core/roles.ts). */
  readonly role: string;
  /** The role with its Custom User scopes and domains: the person's ceiling. */
  readonly roleGrant: Role;
  readonly createdAt: string;
}

/** A session just opened: the secret goes into the cookie, the CSRF token to the page. */
export interface OpenedSession {
  readonly user: UserDetails;
  /** 43 base64url characters; shown to the browser once, in Set-Cookie. */
  readonly secret: string;
  /** 43 base64url characters; sent back by the page as X-CSRF-Token. */
  readonly csrfToken: string;
  /** RFC 3339 UTC. */
  readonly expiresAt: string;
}

/** A live session found from its secret. */
export interface ActiveSession {
  readonly user: UserDetails;
  readonly csrfToken: string;
  /** RFC 3339 UTC. */
  readonly expiresAt: string;
  /** Two-factor of the session's user: enrolled, and whether the account policy requires it of them. */
  readonly twoFactor?: { readonly enabled: boolean; readonly required: boolean };
}

/** The right password of a user enrolled in two-factor: the second step is still to come. */
export interface PendingSecondFactor {
  /** 43 base64url characters; presented with the code to POST /v1/session/two-factor. */
  readonly challenge: string;
  /** RFC 3339 UTC, {@link CHALLENGE_MILLIS} after the password. */
  readonly expiresAt: string;
}

/** Roles the account policy's `two_factor_required_for_admins` binds (any case). */
export const ADMIN_ROLES: readonly string[] = ["owner", "admin"];

/** Input of {@link UserService.create}. */
export interface CreateUserInput {
  readonly accountId: string;
  readonly email: string;
  readonly password: string;
}

/** Who asked, for the audit log: an address, or null for the CLI. */
export interface RequestOrigin {
  readonly ip: string | null;
}

/** What the user use cases need (the same injected clock and randomness as the rest of the service). */
export interface UserServiceDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly random: RandomSource;
  readonly ids: IdFactory;
}

const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,253}\.[^\s@]{1,63}$/;

/** Dashboard users: creation, sign-in with lock-out, sessions and the first-start set-up code. */
export class UserService {
  /** A hash to verify against for unknown addresses, so they take as long as known ones. */
  private decoyHash: Promise<string> | null = null;

  constructor(private readonly deps: UserServiceDeps) {}

  /**
   * Creates a user (role `Admin`: the owner) in an account.
   *
   * @param input e-mail (trimmed and lower-cased; a plain `local@domain.tld` shape), password
   *   (12 to 1024 characters, kept exactly as typed), account id.
   * @param origin the requester's address for the audit event `user.create` (null: the CLI).
   * @throws ServiceError validation_failed (`email`, `password`), user_exists.
   */
  async create(input: CreateUserInput, origin: RequestOrigin = { ip: null }): Promise<UserDetails> {
    const row = await this.prepareUser(input);
    await this.deps.store.transaction(async (tx) => this.insertUser(tx, row, origin));
    return detailsOf(row);
  }

  /** Checks and hashes a new user's input. @throws ServiceError validation_failed (`email`, `password`). */
  private async prepareUser(input: CreateUserInput): Promise<Omit<UsersTable, "failed_attempts">> {
    const email = input.email.trim().toLowerCase();
    const errors: Record<string, string[]> = {};
    if (!EMAIL.test(email)) errors.email = ["Enter an e-mail address such as ada@example.com."];
    const problem = passwordProblem(input.password);
    if (problem !== null) errors.password = [problem];
    if (Object.keys(errors).length > 0) throw validationError(errors);
    const passwordHash = await hashPassword(input.password, this.deps.random);
    return { id: this.deps.ids("user"), account_id: input.accountId, email, password_hash: passwordHash, role: "Admin", created_at: new Date(this.deps.clock.nowMillis()).toISOString(), locked_until: null };
  }

  /** Inserts a prepared user with its audit event in `tx`. @throws ServiceError user_exists. */
  private async insertUser(tx: Store, row: Omit<UsersTable, "failed_attempts">, origin: RequestOrigin): Promise<void> {
    const { clock, ids } = this.deps;
    const principal: Principal = origin.ip === null ? { kind: "operator", accountId: row.account_id } : userPrincipal(detailsOf(row));
    try {
      await tx.insertUser(row);
    } catch (error) {
      if (error instanceof UniqueViolation) throw new ServiceError("user_exists");
      throw error;
    }
    await recordAuditEvent(tx, ids, clock, { principal, ip: origin.ip }, { action: "user.create", targetType: "user", targetId: row.id, details: { email: row.email } });
  }

  /** Number of users in every account (0 means set-up is still to be done). */
  async count(): Promise<number> {
    return this.deps.store.countUsers();
  }

  /**
   * Signs a person in: opens a session, or (for a user enrolled in two-factor) a challenge for the
   * second step (src/service/two-factor-service.ts).
   *
   * @param email as typed (trimmed and lower-cased here).
   * @param password as typed.
   * @returns the new session (its secret goes into the cookie), or the pending second step.
   * @throws ServiceError invalid_credentials (unknown address or wrong password; the two are not
   *   told apart), rate_limited (locked out; `retryAfterSeconds` says how long).
   */
  async signIn(email: string, password: string, origin: RequestOrigin): Promise<OpenedSession | PendingSecondFactor> {
    const { store, clock } = this.deps;
    const user = await store.findUserByEmail(email.trim().toLowerCase());
    if (user === undefined) {
      // An unknown address is locked out exactly as a known one, and stored alike (in the database), so
      // that neither the answers nor another instance tell which addresses exist (break test, F16).
      await admitAddressAttempt(store, email, clock.nowMillis());
      await verify(await this.decoy(), password).catch(() => false);
      throw new ServiceError("invalid_credentials");
    }
    const { locksIfWrong } = await admitSignInAttempt(store, user.id, clock.nowMillis());
    const ok = await verify(user.password_hash, password).catch(() => false);
    if (!ok) {
      await this.recordFailedStep(detailsOf(user), origin, locksIfWrong, "password");
      throw new ServiceError("invalid_credentials");
    }
    const twoFactor = await findTwoFactor(store, user.id);
    if (twoFactor?.confirmed_at) {
      // The count is not cleared yet: only the second step completes the sign-in.
      const challenge = newCode(this.deps.random, 32);
      const now = clock.nowMillis();
      const expiresAt = new Date(now + CHALLENGE_MILLIS).toISOString();
      await insertChallenge(store, { id_hash: codeHash(challenge), user_id: user.id, expires_at: expiresAt }, new Date(now).toISOString());
      return { challenge, expiresAt };
    }
    await clearSignInAttempts(store, user.id);
    return this.openSession(detailsOf(user));
  }

  /**
   * Audits a failed sign-in step (a wrong password or code) as done by an unknown person, with the
   * address tried: `user.sign_in_failed`, or `user.lock` when it was the last attempt allowed.
   *
   * @param step `password`, `two_factor` or `recovery_code` (kept in the event's details).
   */
  async recordFailedStep(user: UserDetails, origin: RequestOrigin, locked: boolean, step: string): Promise<void> {
    const { store, clock, ids } = this.deps;
    await store.transaction(async (tx) => {
      await recordAnonymousAuditEvent(tx, ids, clock, user.accountId, origin.ip, {
        action: locked ? "user.lock" : "user.sign_in_failed",
        targetType: "user",
        targetId: user.id,
        details: { email: user.email, step },
      });
    });
  }

  /**
   * Finds the live session a cookie's secret belongs to.
   *
   * @param secret the cookie's value (any string; a malformed one finds nothing).
   * @returns the session and its user, or null when unknown or expired (an expired one is deleted).
   */
  async findSession(secret: string): Promise<ActiveSession | null> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(secret)) return null;
    const { store, clock } = this.deps;
    const idHash = sessionIdHash(secret);
    const session = await store.findSession(idHash);
    if (session === undefined) return null;
    if (Date.parse(session.expires_at) <= clock.nowMillis()) {
      await store.deleteSession(idHash);
      return null;
    }
    const user = await store.findUserById(session.user_id);
    if (user === undefined) return null;
    const enrolled = await findTwoFactor(store, user.id);
    const enabled = enrolled !== undefined && enrolled.confirmed_at !== null;
    const required = ADMIN_ROLES.includes(user.role.toLowerCase()) && (await findAccountPolicy(store, user.account_id))?.two_factor_required_for_admins === 1;
    return { user: detailsOf(user), csrfToken: session.csrf_token, expiresAt: session.expires_at, twoFactor: { enabled, required } };
  }

  /** Ends the session of a cookie's secret (sign-out); nothing happens for an unknown one. */
  async signOut(secret: string): Promise<void> {
    await this.deps.store.deleteSession(sessionIdHash(secret));
  }

  /**
   * Stores the deployment's set-up code when no user exists and none is stored yet (the first
   * instance to start). Instances starting later, or again, get null: the code is stored hashed and
   * cannot be shown twice (`latchkey setup-link` makes a new one).
   *
   * @returns the code (22 base64url characters, 128 bits), or null when users exist or a code is stored.
   */
  async openSetup(): Promise<string | null> {
    if ((await this.count()) > 0) return null;
    const code = newCode(this.deps.random, 16);
    const stored = await insertSetupCode(this.deps.store, codeHash(code), new Date(this.deps.clock.nowMillis()).toISOString());
    return stored ? code : null;
  }

  /**
   * Makes a new set-up code for the deployment, ending the one before (`latchkey setup-link`).
   *
   * @returns the code, or null when a user exists (set-up is done).
   */
  async renewSetup(): Promise<string | null> {
    if ((await this.count()) > 0) return null;
    const code = newCode(this.deps.random, 16);
    await replaceSetupCode(this.deps.store, codeHash(code), new Date(this.deps.clock.nowMillis()).toISOString());
    return code;
  }

  /** Whether set-up can still be done: no user exists and a set-up code is stored. */
  async isSetupOpen(): Promise<boolean> {
    return (await this.count()) === 0 && (await hasSetupCode(this.deps.store));
  }

  /**
   * Creates the owner of the `default` account with the set-up code and signs them in. The code is
   * spent in the transaction that creates the owner, so of simultaneous uses exactly one succeeds.
   *
   * @param accountId the `default` account's id.
   * @throws ServiceError setup_closed (a user exists, no code is stored, or the code is wrong),
   *   validation_failed (e-mail, password; checked first, so the code stays valid for another try).
   */
  async completeSetup(code: string, input: CreateUserInput, origin: RequestOrigin): Promise<OpenedSession> {
    const row = await this.prepareUser(input);
    await this.deps.store.transaction(async (tx) => {
      if (!(await spendSetupCode(tx, codeHash(code)))) throw new ServiceError("setup_closed");
      if ((await tx.countUsers()) > 0) throw new ServiceError("setup_closed");
      await this.insertUser(tx, row, origin);
    });
    return this.openSession(detailsOf(row));
  }

  /**
   * Opens a session for a user whose sign-in is complete.
   *
   * @returns the session; its secret goes into the cookie.
   */
  async openSession(user: UserDetails): Promise<OpenedSession> {
    const { store, clock, random } = this.deps;
    const now = clock.nowMillis();
    const secret = base64url(random.bytes(32));
    const csrfToken = base64url(random.bytes(32));
    const expiresAt = new Date(now + SESSION_MILLIS).toISOString();
    await store.deleteExpiredSessions(new Date(now).toISOString());
    await store.insertSession({ id_hash: sessionIdHash(secret), user_id: user.id, csrf_token: csrfToken, created_at: new Date(now).toISOString(), expires_at: expiresAt });
    return { user, secret, csrfToken, expiresAt };
  }

  private decoy(): Promise<string> {
    this.decoyHash ??= hash(base64url(this.deps.random.bytes(16)), { ...ARGON2, salt: this.deps.random.bytes(16) });
    return this.decoyHash;
  }
}

/** The principal of a signed-in user: acts for their account within their role (an Admin: all of it). */
export function userPrincipal(user: UserDetails): Principal {
  return { kind: "user", userId: user.id, accountId: user.accountId, email: user.email, role: user.roleGrant };
}

/**
 * A stored role (users.role, users.permissions, users.domains of migration 0009) as a {@link Role}.
 * A name that is no role (a row older than 0009 says `owner`) reads as Admin, the power it had.
 */
export function roleOfRow(row: { readonly role: string; readonly permissions?: string | null; readonly domains?: string | null }): Role {
  const name = isRoleName(row.role) ? row.role : "Admin";
  const scopes = name === "Custom User" && row.permissions ? (JSON.parse(row.permissions) as string[]) : [];
  const domainIds = row.domains ? (JSON.parse(row.domains) as string[]) : null;
  return { name, scopes, domainIds: name === "Admin" ? null : domainIds };
}

/** SHA-256 hex of a session secret: the `sessions.id_hash` key. */
export function sessionIdHash(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

/** Compares a presented CSRF token with the session's in constant time. */
export function csrfTokenMatches(presented: string | undefined, expected: string): boolean {
  if (presented === undefined) return false;
  return timingSafeEqual(sha256(presented), sha256(expected));
}

/**
 * What is wrong with a new password, or null: 12 to 1024 characters (code points), kept exactly as typed.
 */
export function passwordProblem(password: string): string | null {
  const length = [...password].length;
  if (length < PASSWORD_MIN_CHARS) return `The password must be at least ${PASSWORD_MIN_CHARS} characters long.`;
  if (length > PASSWORD_MAX_CHARS) return `The password may not be longer than ${PASSWORD_MAX_CHARS} characters.`;
  return null;
}

/** The argon2id hash of a password (OWASP's parameters, a 16-byte salt from `random`). */
export function hashPassword(password: string, random: RandomSource): Promise<string> {
  return hash(password, { ...ARGON2, salt: random.bytes(16) });
}

/** Whether a password matches an argon2 hash (false for a malformed hash, never a throw). */
export function passwordMatches(passwordHash: string, password: string): Promise<boolean> {
  return verify(passwordHash, password).catch(() => false);
}

/** A user row as callers see it. */
export function detailsOf(row: Omit<UsersTable, "failed_attempts">): UserDetails {
  const roleGrant = roleOfRow(row);
  return { id: row.id, accountId: row.account_id, email: row.email, role: roleGrant.name, roleGrant, createdAt: row.created_at };
}

function sha256(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}

function base64url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("base64url");
}
