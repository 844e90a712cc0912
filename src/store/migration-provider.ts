/**
 * The ordered list of migrations, compiled in (no directory scanning, so the built package and the
 * tests run the same set). Names sort in the order they must run.
 */
import type { Migration, MigrationProvider } from "kysely";
import * as initial from "./migrations/0001-initial.js";
import * as usersSessions from "./migrations/0002-users-sessions.js";
import * as tokenLineage from "./migrations/0003-token-lineage.js";
import * as instancesChanges from "./migrations/0004-instances-changes.js";
import * as rotationConditionsPolicy from "./migrations/0005-rotation-conditions-policy.js";
import * as usageLimits from "./migrations/0008-usage-limits.js";
import * as webhooks from "./migrations/0006-webhooks.js";
import * as usersRolesInvites from "./migrations/0009-users-roles-invites.js";
import * as signInRecoveryTotp from "./migrations/0010-sign-in-recovery-totp.js";
import * as addressLockouts from "./migrations/0011-address-lockouts.js";
import * as tokenCounts from "./migrations/0012-token-counts.js";
import * as webhookMakers from "./migrations/0013-webhook-makers.js";

/** Every migration by name. */
export const migrationProvider: MigrationProvider = {
  async getMigrations(): Promise<Record<string, Migration>> {
    return {
      "0001-initial": initial,
      "0002-users-sessions": usersSessions,
      "0003-token-lineage": tokenLineage,
      "0004-instances-changes": instancesChanges,
      "0005-rotation-conditions-policy": rotationConditionsPolicy,
      "0008-usage-limits": usageLimits,
      "0006-webhooks": webhooks,
      "0009-users-roles-invites": usersRolesInvites,
      "0010-sign-in-recovery-totp": signInRecoveryTotp,
      "0011-address-lockouts": addressLockouts,
      "0012-token-counts": tokenCounts,
      "0013-webhook-makers": webhookMakers,
    };
  },
};
