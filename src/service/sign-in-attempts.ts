/**
 * The sign-in lock-out, shared by every step that checks something a person typed: the password, a
 * TOTP or recovery code at sign-in, the current password when changing it. Each attempt on a known
 * user is counted *before* it is checked, so a burst of parallel guesses cannot slip past the limit;
 * the {@link MAX_FAILED_ATTEMPTS}th consecutive attempt without a full sign-in locks the user for
 * {@link LOCK_MILLIS}, and while locked every attempt gets `rate_limited` with the seconds left. Only a
 * complete sign-in (password and, when enrolled, the second factor), `latchkey user unlock` or a
 * password reset clears the count: a right password alone does not, or the password could be used to
 * reset the count between guesses at the second factor. An address no user has is counted the same
 * way, in the database as well (`address_lockouts`, keyed by a hash of the address; F16), so that no
 * instance, restart or answer tells it from a known one.
 */
import { createHash } from "node:crypto";
import type { RandomSource } from "../core/random-source.js";
import { addressLockedUntil, countAddressAttempt, recordAddressAttempt } from "../store/sign-in-store.js";
import type { Store } from "../store/store.js";
import { ServiceError } from "./service-error.js";

/** Consecutive failed sign-in steps that lock a user. */
export const MAX_FAILED_ATTEMPTS = 5;
/** How long a lock-out lasts, milliseconds (15 minutes). */
export const LOCK_MILLIS = 15 * 60_000;

/**
 * Counts one attempt of a user before it is checked.
 *
 * @param nowMillis the clock's now.
 * @returns `locksIfWrong`: this was the last attempt allowed (the lock is already set; a success still clears it).
 * @throws ServiceError rate_limited (with `retryAfterSeconds`) while the user is locked out.
 */
export async function admitSignInAttempt(store: Store, userId: string, nowMillis: number): Promise<{ readonly locksIfWrong: boolean }> {
  return admit(
    {
      count: (nowIso) => store.countSignInAttempt(userId, nowIso),
      lockedUntil: async () => (await store.findUserById(userId))?.locked_until ?? null,
      lock: (untilIso) => store.recordSignInAttempt(userId, 0, untilIso),
    },
    nowMillis,
  );
}

/**
 * Counts one sign-in attempt on an address no user has, exactly as {@link admitSignInAttempt} counts a
 * known user's, and in the database too (F16): every instance and every restart see the same count,
 * so neither the answers nor their timing tell which addresses exist. Keyed by {@link addressKey}.
 *
 * @param email as typed (normalized here).
 * @throws ServiceError rate_limited (with `retryAfterSeconds`) while the address is locked out.
 */
export async function admitAddressAttempt(store: Store, email: string, nowMillis: number): Promise<void> {
  const key = addressKey(email);
  await admit(
    {
      count: (nowIso) => countAddressAttempt(store, key, nowIso),
      lockedUntil: () => addressLockedUntil(store, key),
      lock: (untilIso) => recordAddressAttempt(store, key, 0, untilIso, new Date(nowMillis).toISOString()),
    },
    nowMillis,
  );
}

/** The lock-out key of an address: SHA-256 hex of it trimmed and lower-cased (the address itself is not stored). */
export function addressKey(email: string): string {
  return createHash("sha256").update(`sign-in:${email.trim().toLowerCase()}`).digest("hex");
}

/** Where a lock-out count lives: a user's row, or an unknown address's. */
interface AttemptCounter {
  /** Adds one attempt unless locked at `nowIso`; the count after it, or null while locked. */
  count(nowIso: string): Promise<number | null>;
  /** When the current lock ends, if stored. */
  lockedUntil(): Promise<string | null>;
  /** Sets the lock (and restarts the count). */
  lock(untilIso: string): Promise<void>;
}

async function admit(counter: AttemptCounter, nowMillis: number): Promise<{ readonly locksIfWrong: boolean }> {
  const attempts = await counter.count(new Date(nowMillis).toISOString());
  if (attempts === null || attempts > MAX_FAILED_ATTEMPTS) {
    const stored = await counter.lockedUntil();
    const lockedUntil = stored ? Date.parse(stored) : nowMillis + LOCK_MILLIS;
    throw lockedOut(Math.max(lockedUntil, nowMillis + 1000) - nowMillis);
  }
  // The last allowed attempt locks at once (and restarts the count); it is still checked by the caller.
  if (attempts === MAX_FAILED_ATTEMPTS) await counter.lock(new Date(nowMillis + LOCK_MILLIS).toISOString());
  return { locksIfWrong: attempts === MAX_FAILED_ATTEMPTS };
}

/** Clears a user's count and lock (a complete sign-in, an unlock, a reset). */
export async function clearSignInAttempts(store: Store, userId: string): Promise<void> {
  await store.recordSignInAttempt(userId, 0, null);
}

/** The `rate_limited` refusal of a locked-out user, with the seconds left. */
export function lockedOut(remainingMillis: number): ServiceError {
  const retryAfterSeconds = Math.max(1, Math.ceil(remainingMillis / 1000));
  return new ServiceError("rate_limited", { message: `Too many failed sign-in attempts. Try again in ${Math.ceil(retryAfterSeconds / 60)} minute(s).`, retryAfterSeconds });
}

/** A new random code: `bytes` random bytes as base64url (16 bytes: 22 characters, 32: 43). */
export function newCode(random: RandomSource, bytes: number): string {
  return Buffer.from(random.bytes(bytes)).toString("base64url");
}

/** SHA-256 hex of a code: how set-up, reset, challenge and recovery codes are stored. */
export function codeHash(code: string): string {
  return createHash("sha256").update(code).digest("hex");
}
