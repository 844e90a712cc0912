/**
 * The sealing of stored TOTP secrets (issue 16; src/service/secret-key.ts): finding the secrets stored
 * plain (before sealing existed) and replacing one with its sealed form. Functions over a {@link Store}.
 */
import type { Store } from "./store.js";

/** The TOTP rows whose secret is not sealed yet (sealed ones start with `v1.`). */
export async function listPlainTwoFactorSecrets(store: Store): Promise<{ user_id: string; secret: string }[]> {
  return store.query.selectFrom("user_two_factor").select(["user_id", "secret"]).where("secret", "not like", "v1.%").execute();
}

/**
 * Replaces a user's stored secret, only while it is still `before` (so a new enrolment meanwhile is
 * never overwritten).
 *
 * @returns true when replaced.
 */
export async function replaceTwoFactorSecret(store: Store, userId: string, before: string, after: string): Promise<boolean> {
  const result = await store.query.updateTable("user_two_factor").set({ secret: after }).where("user_id", "=", userId).where("secret", "=", before).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
