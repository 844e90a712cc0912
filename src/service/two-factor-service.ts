/**
 * Two-factor sign-in with TOTP (RFC 6238 through otplib: SHA-1, 6 digits, 30-second steps, one step of
 * clock drift either way) and one-time recovery codes (issue 16).
 *
 * Enrolment: {@link TwoFactorService.beginEnrolment} stores a new secret as pending and returns it
 * with its otpauth:// URI and a QR code of it (the only time they are shown);
 * {@link TwoFactorService.confirmEnrolment} takes a code from the app, turns two-factor on and returns
 * {@link RECOVERY_CODE_COUNT} recovery codes, shown once and stored as SHA-256 only.
 *
 * Sign-in: the right password of an enrolled user yields a challenge (user-service.ts); the session
 * opens with the challenge and a TOTP or recovery code ({@link TwoFactorService.completeSignIn}). A
 * TOTP code is accepted only for a time step later than the last one accepted for that user (kept in
 * the database, advanced in one statement), so a code cannot be replayed, even on another instance; a
 * recovery code works once. Every code checked counts toward the sign-in lock-out
 * (sign-in-attempts.ts) before it is checked, and a wrong one is audited as a failed sign-in.
 *
 * Step-up: creating a Full access token or rotating a token through a session asks an enrolled user
 * for a code made within {@link STEP_UP_MILLIS} (403 `two_factor_step_up_required` otherwise; the
 * dashboard asks for it and tries again). Sign-in with the second factor counts as a step-up.
 *
 * At rest: the TOTP secret is stored sealed (AES-256-GCM under the deployment's secret key, bound to the
 * user id; src/service/secret-key.ts), so a database dump gives no second factor away. Without a key
 * (PostgreSQL with no LATCHKEY_SECRET_KEY) enrolment answers 503 `secret_key_unavailable`; secrets
 * stored plain before sealing existed keep working and are sealed by {@link TwoFactorService.sealPlainSecrets}
 * (run at every start with a key). A sealed secret that does not open (the key was lost or changed)
 * answers 503 too, for TOTP codes only: recovery codes still work. Never returned after enrolment, never
 * logged.
 */
import { generateURI, ScureBase32Plugin, verify as verifyTotp } from "otplib";
import QRCode from "qrcode";
import type { Clock } from "../core/clock.js";
import type { RandomSource } from "../core/random-source.js";
import type { Store } from "../store/store.js";
import {
  advanceTimeStep,
  confirmTwoFactor,
  countRecoveryCodes,
  deleteChallenge,
  deleteTwoFactor,
  findChallenge,
  findTwoFactor,
  saveStepUp,
  savePendingTwoFactor,
  spendRecoveryCode,
  stepUpOf,
} from "../store/sign-in-store.js";
import { listPlainTwoFactorSecrets, replaceTwoFactorSecret } from "../store/two-factor-secret-store.js";
import { recordAuditEvent } from "./audit-log.js";
import type { IdFactory } from "./id-factory.js";
import { isSealed, type SecretBox } from "./secret-key.js";
import { ServiceError, validationError } from "./service-error.js";
import { admitSignInAttempt, clearSignInAttempts, codeHash } from "./sign-in-attempts.js";
import { detailsOf, sessionIdHash, userPrincipal, type OpenedSession, type RequestOrigin, type UserDetails, type UserService } from "./user-service.js";

/** Recovery codes made at enrolment. */
export const RECOVERY_CODE_COUNT = 10;
/** How recent a second factor must be for a step-up, milliseconds (5 minutes). */
export const STEP_UP_MILLIS = 5 * 60_000;
/** The issuer shown in authenticator apps. */
const ISSUER = "latchkey";
const PERIOD_SECONDS = 30;
const TOTP_CODE = /^\d{6}$/;
/** A recovery code as made: two groups of five lower-case base32 characters (50 bits). */
const RECOVERY_CODE = /^[a-z2-7]{5}-?[a-z2-7]{5}$/;
const BASE32 = "abcdefghijklmnopqrstuvwxyz234567";
const base32 = new ScureBase32Plugin();

/** A pending enrolment: shown once. */
export interface TwoFactorEnrolment {
  /** Base32 secret, for typing into an app. */
  readonly secret: string;
  /** otpauth://totp/latchkey:EMAIL?secret=...&issuer=latchkey */
  readonly otpauthUrl: string;
  /** The URI as a QR code, a `data:image/png;base64,...` URL. */
  readonly qrCode: string;
}

/** A user's two-factor state. */
export interface TwoFactorStatus {
  readonly enabled: boolean;
  /** An enrolment was begun and not confirmed. */
  readonly pending: boolean;
  /** Unused recovery codes left. */
  readonly recoveryCodesLeft: number;
}

/** What {@link TwoFactorService} needs. */
export interface TwoFactorDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly random: RandomSource;
  readonly ids: IdFactory;
  readonly users: UserService;
  /** Seals TOTP secrets (purpose `totp-secret`), or null when no secret key is available. */
  readonly secrets: SecretBox | null;
}

export class TwoFactorService {
  constructor(private readonly deps: TwoFactorDeps) {}

  /** Whether a user has two-factor on, a pending enrolment, and how many recovery codes are left. */
  async status(userId: string): Promise<TwoFactorStatus> {
    const row = await findTwoFactor(this.deps.store, userId);
    const enabled = row?.confirmed_at != null;
    return { enabled, pending: row !== undefined && !enabled, recoveryCodesLeft: enabled ? await countRecoveryCodes(this.deps.store, userId) : 0 };
  }

  /**
   * Begins (or begins again) an enrolment with a new secret, stored sealed.
   *
   * @throws ServiceError two_factor_already_enabled, secret_key_unavailable (no key to seal it with).
   */
  async beginEnrolment(user: UserDetails): Promise<TwoFactorEnrolment> {
    const { store, clock, random, secrets } = this.deps;
    if ((await this.status(user.id)).enabled) throw new ServiceError("two_factor_already_enabled");
    if (secrets === null) throw new ServiceError("secret_key_unavailable");
    const secret = base32.encode(random.bytes(20)).replace(/=+$/, "");
    await savePendingTwoFactor(store, user.id, secrets.seal(secret, user.id), new Date(clock.nowMillis()).toISOString());
    const otpauthUrl = generateURI({ issuer: ISSUER, label: user.email, secret });
    const qrCode = await QRCode.toDataURL(otpauthUrl, { errorCorrectionLevel: "M", margin: 2, width: 240 });
    return { secret, otpauthUrl, qrCode };
  }

  /**
   * Confirms the pending enrolment with a code from the app; two-factor is on from now.
   *
   * @returns the recovery codes (shown once; `abcde-fghij`).
   * @throws ServiceError two_factor_already_enabled, validation_failed (`code`: no pending enrolment,
   *   not six digits, or not the app's current code), secret_key_unavailable (the pending secret does not open).
   */
  async confirmEnrolment(user: UserDetails, code: string, origin: RequestOrigin): Promise<string[]> {
    const { store, clock, ids, random } = this.deps;
    const row = await findTwoFactor(store, user.id);
    if (row?.confirmed_at != null) throw new ServiceError("two_factor_already_enabled");
    const typed = code.replace(/\s+/g, "");
    if (row === undefined) throw validationError({ code: ["Start setting up two-factor sign-in first."] });
    if (!TOTP_CODE.test(typed)) throw validationError({ code: ["Enter the 6-digit code your authenticator app shows."] });
    const step = await this.matchingStep(this.secretOf(row), typed, null);
    if (step === null) throw validationError({ code: ["That code is not the one your app shows now. Check the app's clock and try the newest code."] });
    const codes = Array.from({ length: RECOVERY_CODE_COUNT }, () => recoveryCode(random));
    await store.transaction(async (tx) => {
      await confirmTwoFactor(tx, user.id, new Date(clock.nowMillis()).toISOString(), step, codes.map((c) => codeHash(normalRecovery(c))));
      await recordAuditEvent(tx, ids, clock, { principal: userPrincipal(user), ip: origin.ip }, { action: "user.two_factor_enable", targetType: "user", targetId: user.id, details: { email: user.email } });
    });
    return codes;
  }

  /**
   * Turns two-factor off; needs a current code (TOTP or recovery). Counts toward the lock-out.
   *
   * @throws ServiceError two_factor_not_enabled, validation_failed (`code` malformed),
   *   two_factor_invalid, rate_limited, secret_key_unavailable (a TOTP code, and the secret does not open).
   */
  async disable(user: UserDetails, code: string, origin: RequestOrigin): Promise<void> {
    const { store, clock, ids } = this.deps;
    if (!(await this.status(user.id)).enabled) throw new ServiceError("two_factor_not_enabled");
    await this.proveSecondFactor(user, code, origin);
    await store.transaction(async (tx) => {
      await deleteTwoFactor(tx, user.id);
      await recordAuditEvent(tx, ids, clock, { principal: userPrincipal(user), ip: origin.ip }, { action: "user.two_factor_disable", targetType: "user", targetId: user.id, details: { email: user.email } });
    });
  }

  /**
   * The second step of a sign-in: the challenge of the right password and a TOTP or recovery code.
   *
   * @returns the new session (which counts as a fresh second factor for step-up).
   * @throws ServiceError two_factor_challenge_expired (unknown, used or older than 5 minutes),
   *   validation_failed (`code` malformed), two_factor_invalid (wrong or replayed), rate_limited,
   *   secret_key_unavailable (a TOTP code, and the secret does not open with this key; recovery codes work).
   */
  async completeSignIn(challenge: string, code: string, origin: RequestOrigin): Promise<OpenedSession> {
    const { store, clock } = this.deps;
    const idHash = codeHash(challenge);
    const found = await findChallenge(store, idHash, new Date(clock.nowMillis()).toISOString());
    const row = found === undefined ? undefined : await store.findUserById(found.user_id);
    if (found === undefined || row === undefined) throw new ServiceError("two_factor_challenge_expired");
    const user = detailsOf(row);
    await this.proveSecondFactor(user, code, origin);
    if (!(await deleteChallenge(store, idHash))) throw new ServiceError("two_factor_challenge_expired");
    await clearSignInAttempts(store, user.id);
    const opened = await this.deps.users.openSession(user);
    await saveStepUp(store, sessionIdHash(opened.secret), new Date(clock.nowMillis()).toISOString());
    return opened;
  }

  /**
   * Step-up: a signed-in user proves the second factor again, for the next {@link STEP_UP_MILLIS}.
   *
   * @param sessionSecret the session cookie's secret.
   * @throws ServiceError two_factor_not_enabled, validation_failed, two_factor_invalid, rate_limited,
   *   secret_key_unavailable.
   */
  async stepUp(sessionSecret: string, user: UserDetails, code: string, origin: RequestOrigin): Promise<void> {
    if (!(await this.status(user.id)).enabled) throw new ServiceError("two_factor_not_enabled");
    await this.proveSecondFactor(user, code, origin);
    await saveStepUp(this.deps.store, sessionIdHash(sessionSecret), new Date(this.deps.clock.nowMillis()).toISOString());
  }

  /**
   * Refuses a sensitive action (a Full access token, a rotation) through a session whose enrolled
   * user has not proved the second factor within {@link STEP_UP_MILLIS}. Users not enrolled pass.
   *
   * @throws ServiceError two_factor_step_up_required.
   */
  async requireRecentSecondFactor(sessionSecret: string, userId: string): Promise<void> {
    if (!(await this.status(userId)).enabled) return;
    const at = await stepUpOf(this.deps.store, sessionIdHash(sessionSecret));
    if (at !== null && this.deps.clock.nowMillis() - Date.parse(at) < STEP_UP_MILLIS) return;
    throw new ServiceError("two_factor_step_up_required");
  }

  /**
   * Checks a TOTP or recovery code of an enrolled user; counts the attempt first, audits a failure.
   *
   * @throws ServiceError validation_failed (`code`), two_factor_invalid, rate_limited, secret_key_unavailable.
   */
  private async proveSecondFactor(user: UserDetails, code: string, origin: RequestOrigin): Promise<void> {
    const { store, clock } = this.deps;
    const typed = code.replace(/\s+/g, "").toLowerCase();
    const isTotp = TOTP_CODE.test(typed);
    if (!isTotp && !RECOVERY_CODE.test(typed)) throw validationError({ code: ["Enter the 6-digit code from your authenticator app, or a recovery code such as abcde-fghij."] });
    const { locksIfWrong } = await admitSignInAttempt(store, user.id, clock.nowMillis());
    const row = await findTwoFactor(store, user.id);
    let ok = false;
    if (row?.confirmed_at != null) {
      if (isTotp) {
        const step = await this.matchingStep(this.secretOf(row), typed, row.last_time_step === null ? null : Number(row.last_time_step));
        ok = step !== null && (await advanceTimeStep(store, user.id, step));
      } else {
        ok = await spendRecoveryCode(store, user.id, codeHash(normalRecovery(typed)), new Date(clock.nowMillis()).toISOString());
      }
    }
    if (!ok) {
      await this.deps.users.recordFailedStep(user, origin, locksIfWrong, isTotp ? "two_factor" : "recovery_code");
      throw new ServiceError("two_factor_invalid");
    }
  }

  /**
   * Seals every TOTP secret still stored plain (from before sealing existed); run at start when a key
   * is available. Each row is replaced only while it still holds the plain secret read.
   *
   * @returns how many were sealed (0 without a key).
   */
  async sealPlainSecrets(): Promise<number> {
    const { store, secrets } = this.deps;
    if (secrets === null) return 0;
    let sealed = 0;
    for (const row of await listPlainTwoFactorSecrets(store)) {
      if (await replaceTwoFactorSecret(store, row.user_id, row.secret, secrets.seal(row.secret, row.user_id))) sealed += 1;
    }
    return sealed;
  }

  /**
   * The plain TOTP secret of a row: opened when sealed, as stored when from before sealing.
   *
   * @throws ServiceError secret_key_unavailable (sealed, and no key or another key).
   */
  private secretOf(row: { user_id: string; secret: string }): string {
    if (!isSealed(row.secret)) return row.secret;
    const { secrets } = this.deps;
    if (secrets === null) throw new ServiceError("secret_key_unavailable");
    try {
      return secrets.open(row.secret, row.user_id);
    } catch {
      throw new ServiceError("secret_key_unavailable", { message: "The two-factor secret does not open with this LATCHKEY_SECRET_KEY (was the key changed?). Sign in with a recovery code, or restore the key." });
    }
  }

  /** The time step a TOTP code matches now (within one step either way), later than `afterStep`; else null. */
  private async matchingStep(secret: string, code: string, afterStep: number | null): Promise<number | null> {
    const epoch = Math.floor(this.deps.clock.nowMillis() / 1000);
    try {
      const result = await verifyTotp({ secret, token: code, epoch, period: PERIOD_SECONDS, epochTolerance: PERIOD_SECONDS, ...(afterStep === null ? {} : { afterTimeStep: afterStep }) });
      return result.valid && "timeStep" in result ? result.timeStep : null;
    } catch {
      return null;
    }
  }
}

/** A new recovery code, `abcde-fghij` (50 random bits). */
function recoveryCode(random: RandomSource): string {
  const bytes = random.bytes(10);
  const chars = Array.from(bytes, (b) => BASE32[b % 32]).join("");
  return `${chars.slice(0, 5)}-${chars.slice(5)}`;
}

/** A recovery code as hashed: lower case, no dash. */
function normalRecovery(code: string): string {
  return code.toLowerCase().replace(/-/g, "");
}
