/**
 * The people of an account (issue 16): list, show, change role, remove. Guarded by `users_read` /
 * `users_full` (a token's scopes, a person's role) and by the actor's ceiling: nobody gives or touches
 * a role beyond their own (team-view.ts). The account always keeps one Admin: removing or demoting the
 * last one is refused with `last_admin`, checked inside the transaction with the Admins' rows locked
 * (PostgreSQL), so two concurrent demotions cannot both pass.
 *
 * Removing a person keeps their tokens (owned by the account; `created_by` still names them, and the
 * audit log shows who made them); with `pauseTokens` their tokens (and every token below them) are
 * paused too, through the cascade pause of src/service/token-cascade.ts.
 */
import type { Catalogue } from "../core/catalogue.js";
import type { Clock } from "../core/clock.js";
import { parseRole, type Role } from "../core/roles.js";
import { countAdmins, deleteTeamUser, findTeamUser, listTeamUsers, listTokenIdsCreatedBy, lockAdmins, updateTeamUserRole } from "../store/team-store.js";
import type { PageRequest, Store } from "../store/store.js";
import { recordAuditEvent } from "./audit-log.js";
import type { IdFactory } from "./id-factory.js";
import { accountOf, requireLevel, type ActorContext } from "./principal.js";
import { ServiceError, validationError } from "./service-error.js";
import type { TokenCascade } from "./token-cascade.js";
import { exceedsActor } from "./token-service.js";
import { requireRoleWithin, storedRole, teamUserOf, type TeamUser } from "./team-view.js";

/** What the people use cases need. */
export interface TeamServiceDeps {
  readonly store: Store;
  readonly catalogue: Catalogue;
  readonly clock: Clock;
  readonly ids: IdFactory;
}

/** Input of {@link TeamService.update}: any of the three (MailerSend's `UserUpdate`). */
export interface UpdateUserInput {
  readonly role?: unknown;
  readonly permissions?: unknown;
  readonly domains?: unknown;
}

/** Options of {@link TeamService.remove}. */
export interface RemoveUserOptions {
  /** Also pause every token the person created (and the tokens below them). Default false. */
  readonly pauseTokens?: boolean;
}

export class TeamService {
  constructor(
    private readonly deps: TeamServiceDeps,
    private readonly cascade: TokenCascade,
  ) {}

  /** A page of the account's people, oldest first. Needs `users_read`. */
  async list(actor: ActorContext, page: PageRequest): Promise<{ users: TeamUser[]; total: number }> {
    requireLevel(this.deps.catalogue, actor.principal, "users", "read");
    const accountId = accountOf(actor.principal);
    const { rows, total } = await listTeamUsers(this.deps.store, accountId, page);
    const domains = await this.deps.store.listDomains(accountId);
    return { users: rows.map((row) => teamUserOf(row, domains)), total };
  }

  /**
   * One person. Needs `users_read`.
   *
   * @throws ServiceError not_found (also another account's person).
   */
  async show(actor: ActorContext, id: string): Promise<TeamUser> {
    requireLevel(this.deps.catalogue, actor.principal, "users", "read");
    const accountId = accountOf(actor.principal);
    const row = await findTeamUser(this.deps.store, accountId, id);
    if (row === undefined) throw notFound();
    return teamUserOf(row, await this.deps.store.listDomains(accountId));
  }

  /**
   * Changes a person's role, permissions (Custom User) and/or domains. A field left out keeps its
   * value (permissions only while the role stays Custom User). Needs `users_full` and a ceiling that
   * covers both the person's current role and the new one.
   *
   * @throws ServiceError validation_failed (`role`, `permissions`, `domains`; nothing given), not_found,
   *   ceiling_exceeded, last_admin (the account's only Admin would be demoted).
   */
  async update(actor: ActorContext, id: string, input: UpdateUserInput): Promise<TeamUser> {
    const { catalogue, clock, ids, store } = this.deps;
    requireLevel(catalogue, actor.principal, "users", "full");
    const accountId = accountOf(actor.principal);
    if (input.role === undefined && input.permissions === undefined && input.domains === undefined) throw validationError({ role: ["Give a role, permissions or domains to change."] });
    const before = await findTeamUser(store, accountId, id);
    if (before === undefined) throw notFound();
    const current = teamUserOf(before, []).role;
    const name = input.role ?? current.name;
    const parsed = parseRole(catalogue, {
      role: name,
      permissions: input.permissions !== undefined ? input.permissions : name === current.name ? current.scopes : undefined,
      domains: input.domains !== undefined ? input.domains : name === "Admin" ? undefined : current.domainIds,
    });
    if (!parsed.ok) throw validationError(parsed.errors);
    const role = parsed.role;
    await this.requireDomainsExist(accountId, role);
    requireRoleWithin(catalogue, actor, current);
    requireRoleWithin(catalogue, actor, role);
    await store.transaction(async (tx) => {
      await lockAdmins(tx, accountId);
      if (!(await updateTeamUserRole(tx, accountId, id, storedRole(role), new Date(clock.nowMillis()).toISOString()))) throw notFound();
      if (current.name === "Admin" && (await countAdmins(tx, accountId)) === 0) throw new ServiceError("last_admin");
      await recordAuditEvent(tx, ids, clock, actor, { action: "user.role", targetType: "user", targetId: id, details: { email: before.email, from: current.name, to: role.name } });
    });
    return this.show(actor, id);
  }

  /**
   * Removes a person from the account: their sessions end at once; their tokens stay (paused too
   * with `pauseTokens`). Needs `users_full` and a ceiling covering the person's role (and, with
   * `pauseTokens`, each of their tokens; checked before anything changes).
   *
   * @returns how many tokens were paused (0 without `pauseTokens`).
   * @throws ServiceError not_found, ceiling_exceeded, last_admin.
   */
  async remove(actor: ActorContext, id: string, options: RemoveUserOptions = {}): Promise<{ pausedTokens: number }> {
    const { catalogue, clock, ids, store } = this.deps;
    requireLevel(catalogue, actor.principal, "users", "full");
    const accountId = accountOf(actor.principal);
    const before = await findTeamUser(store, accountId, id);
    if (before === undefined) throw notFound();
    requireRoleWithin(catalogue, actor, teamUserOf(before, []).role);
    const tokenIds = options.pauseTokens === true ? await listTokenIdsCreatedBy(store, accountId, `user:${id}`) : [];
    for (const tokenId of tokenIds) {
      const token = await store.findToken(accountId, tokenId);
      const lacking = token === undefined ? [] : exceedsActor(catalogue, actor, token);
      if (lacking.length > 0) throw new ServiceError("ceiling_exceeded", { message: `A token of this person holds more than you may manage: ${lacking.join(", ")}.`, lacking });
    }
    await store.transaction(async (tx) => {
      await lockAdmins(tx, accountId);
      if (!(await deleteTeamUser(tx, accountId, id))) throw notFound();
      if (before.role === "Admin" && (await countAdmins(tx, accountId)) === 0) throw new ServiceError("last_admin");
      await recordAuditEvent(tx, ids, clock, actor, { action: "user.remove", targetType: "user", targetId: id, details: { email: before.email, role: before.role, tokens_kept: tokenIds.length === 0, pause_tokens: options.pauseTokens === true } });
    });
    let pausedTokens = 0;
    for (const tokenId of tokenIds) {
      try {
        pausedTokens += (await this.cascade.pause(actor, tokenId)).changed;
      } catch (error) {
        // A token deleted meanwhile (or already inside a paused subtree that went) is no failure.
        if (!(error instanceof ServiceError && error.code === "not_found")) throw error;
      }
    }
    return { pausedTokens };
  }

  /** @throws ServiceError validation_failed (`domains`) for an id that is no domain of the account. */
  private async requireDomainsExist(accountId: string, role: Role): Promise<void> {
    await requireRoleDomains(this.deps.store, accountId, role);
  }
}

/**
 * Requires every domain of a role to be a domain of the account.
 *
 * @throws ServiceError validation_failed naming `domains`.
 */
export async function requireRoleDomains(store: Store, accountId: string, role: Role): Promise<void> {
  if (role.domainIds === null) return;
  const found = new Set((await store.listDomains(accountId, role.domainIds)).map((d) => d.id));
  const unknown = role.domainIds.filter((d) => !found.has(d));
  if (unknown.length > 0) throw validationError({ domains: [`No such domain in this account: ${unknown.slice(0, 5).map((d) => JSON.stringify(d).slice(0, 40)).join(", ")}.`] });
}

function notFound(): ServiceError {
  return new ServiceError("not_found", { message: "No such user." });
}
