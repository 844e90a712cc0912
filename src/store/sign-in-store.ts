/**
 * Storage of sign-in set-up and recovery (issue 16, migration 0010): the deployment's set-up code,
 * password reset codes, TOTP secrets, recovery codes, second-step challenges and step-ups. Functions
 * over a {@link Store} (or the transaction's store). Every code arrives here already hashed (SHA-256
 * hex); nothing here sees a code itself.
 */
import type { PasswordResetsTable, SignInChallengesTable, UserTwoFactorTable } from "./database-schema.js";
import type { Store } from "./store.js";

/** The id of the set-up code's one row. */
const SETUP_ROW = "deployment";

/**
 * Stores the deployment's set-up code unless one is stored already.
 *
 * @returns true when this call stored it, false when another instance (or an earlier start) had.
 */
export async function insertSetupCode(store: Store, codeHash: string, createdAt: string): Promise<boolean> {
  const result = await store.query
    .insertInto("setup_codes")
    .values({ id: SETUP_ROW, code_hash: codeHash, created_at: createdAt })
    .onConflict((oc) => oc.column("id").doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
}

/** Replaces the set-up code (`latchkey setup-link`): the code before it stops working. */
export async function replaceSetupCode(store: Store, codeHash: string, createdAt: string): Promise<void> {
  await store.transaction(async (tx) => {
    await tx.query.deleteFrom("setup_codes").where("id", "=", SETUP_ROW).execute();
    await tx.query.insertInto("setup_codes").values({ id: SETUP_ROW, code_hash: codeHash, created_at: createdAt }).execute();
  });
}

/** Whether a set-up code is stored. */
export async function hasSetupCode(store: Store): Promise<boolean> {
  return (await store.query.selectFrom("setup_codes").select("id").where("id", "=", SETUP_ROW).executeTakeFirst()) !== undefined;
}

/**
 * Spends the set-up code if `codeHash` is it, in one statement (of many simultaneous requests with the
 * right code exactly one deletes the row; the others find it gone).
 *
 * @returns true when the code was right and is now spent.
 */
export async function spendSetupCode(store: Store, codeHash: string): Promise<boolean> {
  const result = await store.query.deleteFrom("setup_codes").where("id", "=", SETUP_ROW).where("code_hash", "=", codeHash).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Stores a reset code for a user, ending the user's earlier ones. */
export async function replacePasswordReset(store: Store, row: PasswordResetsTable): Promise<void> {
  await store.query.deleteFrom("password_resets").where("user_id", "=", row.user_id).execute();
  await store.query.insertInto("password_resets").values(row).execute();
}

/**
 * Spends a reset code: deletes it and returns its row, or undefined when no such code exists (never
 * issued, used, or replaced). An expired code is deleted too; the caller checks `expires_at`.
 */
export async function spendPasswordReset(store: Store, codeHash: string): Promise<PasswordResetsTable | undefined> {
  const row = await store.query.selectFrom("password_resets").selectAll().where("code_hash", "=", codeHash).executeTakeFirst();
  if (row === undefined) return undefined;
  const result = await store.query.deleteFrom("password_resets").where("code_hash", "=", codeHash).executeTakeFirst();
  return Number(result.numDeletedRows) > 0 ? row : undefined;
}

/** Sets a user's password hash. */
export async function updatePasswordHash(store: Store, userId: string, passwordHash: string): Promise<void> {
  await store.query.updateTable("users").set({ password_hash: passwordHash }).where("id", "=", userId).execute();
}

/** Ends every session of a user but the one of `keepIdHash` (null: all of them); returns how many ended. */
export async function deleteSessionsOfUser(store: Store, userId: string, keepIdHash: string | null): Promise<number> {
  let query = store.query.deleteFrom("sessions").where("user_id", "=", userId);
  if (keepIdHash !== null) query = query.where("id_hash", "!=", keepIdHash);
  const result = await query.executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** A user's TOTP row (pending or confirmed), or undefined. */
export async function findTwoFactor(store: Store, userId: string): Promise<UserTwoFactorTable | undefined> {
  return store.query.selectFrom("user_two_factor").selectAll().where("user_id", "=", userId).executeTakeFirst();
}

/** Starts (or restarts) a pending enrolment with a new secret. */
export async function savePendingTwoFactor(store: Store, userId: string, secret: string, createdAt: string): Promise<void> {
  await store.query.deleteFrom("user_two_factor").where("user_id", "=", userId).execute();
  await store.query.insertInto("user_two_factor").values({ user_id: userId, secret, created_at: createdAt, confirmed_at: null, last_time_step: null }).execute();
}

/** Confirms a pending enrolment and stores its recovery codes (hashes), replacing any earlier ones. */
export async function confirmTwoFactor(store: Store, userId: string, confirmedAt: string, timeStep: number, recoveryCodeHashes: readonly string[]): Promise<void> {
  await store.query.updateTable("user_two_factor").set({ confirmed_at: confirmedAt, last_time_step: timeStep }).where("user_id", "=", userId).execute();
  await store.query.deleteFrom("recovery_codes").where("user_id", "=", userId).execute();
  if (recoveryCodeHashes.length > 0) await store.query.insertInto("recovery_codes").values(recoveryCodeHashes.map((code_hash) => ({ code_hash, user_id: userId, used_at: null }))).execute();
}

/**
 * Records an accepted TOTP time step, in one statement, only when it is later than the last one, so
 * two simultaneous uses of one code cannot both pass.
 *
 * @returns true when recorded (the code is fresh), false when this or a later step was already used.
 */
export async function advanceTimeStep(store: Store, userId: string, timeStep: number): Promise<boolean> {
  const result = await store.query
    .updateTable("user_two_factor")
    .set({ last_time_step: timeStep })
    .where("user_id", "=", userId)
    .where((eb) => eb.or([eb("last_time_step", "is", null), eb("last_time_step", "<", timeStep)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Removes a user's two-factor: secret and recovery codes. */
export async function deleteTwoFactor(store: Store, userId: string): Promise<void> {
  await store.query.deleteFrom("recovery_codes").where("user_id", "=", userId).execute();
  await store.query.deleteFrom("user_two_factor").where("user_id", "=", userId).execute();
}

/** Spends an unused recovery code of a user, in one statement; true when it was there and unused. */
export async function spendRecoveryCode(store: Store, userId: string, codeHash: string, usedAt: string): Promise<boolean> {
  const result = await store.query
    .updateTable("recovery_codes")
    .set({ used_at: usedAt })
    .where("user_id", "=", userId)
    .where("code_hash", "=", codeHash)
    .where("used_at", "is", null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** How many unused recovery codes a user has. */
export async function countRecoveryCodes(store: Store, userId: string): Promise<number> {
  const row = await store.query.selectFrom("recovery_codes").select((eb) => eb.fn.countAll<string | number>().as("n")).where("user_id", "=", userId).where("used_at", "is", null).executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** Stores a sign-in challenge (and drops expired ones). */
export async function insertChallenge(store: Store, row: SignInChallengesTable, nowIso: string): Promise<void> {
  await store.query.deleteFrom("sign_in_challenges").where("expires_at", "<=", nowIso).execute();
  await store.query.insertInto("sign_in_challenges").values(row).execute();
}

/** A challenge that has not expired at `nowIso`, or undefined. */
export async function findChallenge(store: Store, idHash: string, nowIso: string): Promise<SignInChallengesTable | undefined> {
  return store.query.selectFrom("sign_in_challenges").selectAll().where("id_hash", "=", idHash).where("expires_at", ">", nowIso).executeTakeFirst();
}

/** Deletes a challenge; true when this call deleted it (a challenge opens one session only). */
export async function deleteChallenge(store: Store, idHash: string): Promise<boolean> {
  const result = await store.query.deleteFrom("sign_in_challenges").where("id_hash", "=", idHash).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Records that a session proved the second factor at `verifiedAt`. */
export async function saveStepUp(store: Store, sessionIdHash: string, verifiedAt: string): Promise<void> {
  await store.query.deleteFrom("session_step_ups").where("session_id_hash", "=", sessionIdHash).execute();
  await store.query.insertInto("session_step_ups").values({ session_id_hash: sessionIdHash, verified_at: verifiedAt }).execute();
}

/** When a session last proved the second factor, or null. */
export async function stepUpOf(store: Store, sessionIdHash: string): Promise<string | null> {
  const row = await store.query.selectFrom("session_step_ups").select("verified_at").where("session_id_hash", "=", sessionIdHash).executeTakeFirst();
  return row?.verified_at ?? null;
}

/** A user's id by e-mail address, or undefined. */
export async function findUserIdByEmail(store: Store, email: string): Promise<string | undefined> {
  return (await store.query.selectFrom("users").select("id").where("email", "=", email).executeTakeFirst())?.id;
}

/**
 * Counts one sign-in attempt on an address no user has (F16), in one statement as
 * Store.countSignInAttempt counts a known user's: `failed_attempts + 1` (a first attempt: 1), unless
 * the address is locked at `nowIso`.
 *
 * @param addressHash SHA-256 hex of the normalized address.
 * @returns the count after this attempt, or null while the address is locked.
 */
export async function countAddressAttempt(store: Store, addressHash: string, nowIso: string): Promise<number | null> {
  const row = await store.query
    .insertInto("address_lockouts")
    .values({ address_hash: addressHash, failed_attempts: 1, locked_until: null })
    .onConflict((oc) =>
      oc
        .column("address_hash")
        .doUpdateSet((eb) => ({ failed_attempts: eb("address_lockouts.failed_attempts", "+", 1) }))
        .where((eb) => eb.or([eb("address_lockouts.locked_until", "is", null), eb("address_lockouts.locked_until", "<=", nowIso)])),
    )
    .returning("failed_attempts")
    .executeTakeFirst();
  return row === undefined ? null : Number(row.failed_attempts);
}

/** Sets an address's count and lock (as Store.recordSignInAttempt a user's); drops locks ended before `nowIso`. */
export async function recordAddressAttempt(store: Store, addressHash: string, failedAttempts: number, lockedUntil: string | null, nowIso: string): Promise<void> {
  await store.query.updateTable("address_lockouts").set({ failed_attempts: failedAttempts, locked_until: lockedUntil }).where("address_hash", "=", addressHash).execute();
  // A lock that has ended with no attempt since is the same as no row: forget it.
  await store.query.deleteFrom("address_lockouts").where("failed_attempts", "=", 0).where("locked_until", "<=", nowIso).execute();
}

/** When an address's lock ends (RFC 3339), or null when it is not locked or unknown here. */
export async function addressLockedUntil(store: Store, addressHash: string): Promise<string | null> {
  return (await store.query.selectFrom("address_lockouts").select("locked_until").where("address_hash", "=", addressHash).executeTakeFirst())?.locked_until ?? null;
}
