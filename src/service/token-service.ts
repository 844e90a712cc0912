/**
 * Token use cases: list, show, create, rename, pause, resume and delete (the seed's "Managing API
 * tokens"). Each checks the actor's rights (`tokens_full`, DESIGN.md), validates its input, writes
 * its change and its audit event in one transaction, and drops the token from the verification cache
 * so that the next verification sees the change.
 */
import type { Catalogue } from "../core/catalogue.js";
import type { Clock } from "../core/clock.js";
import { checkTokenName, parseExpiry } from "../core/input-rules.js";
import { FULL_ACCESS, parseScopes, type PermissionSet } from "../core/permissions.js";
import type { RandomSource } from "../core/random-source.js";
import { exceedsCeiling } from "../core/token-ceiling.js";
import { roleGrant } from "../core/roles.js";
import { generateSecret, hashSecret, previewOf } from "../core/token-secret.js";
import type { PageRequest, Store, TokenWithDomains } from "../store/store.js";
import { ForeignKeyViolation, UniqueViolation } from "../store/store.js";
import { findVisibleToken, listTokensPage, type KeysetPageRequest } from "../store/keyset-list-store.js";
import { creatorStateForCreate, lineagePathOf } from "../store/token-lineage-store.js";
import { recordAuditEvent } from "./audit-log.js";
import { policyOfAccount } from "./account-policy.js";
import { checkCreationConditions, childConditions, type ConditionsInput } from "./creation-conditions.js";
import type { IdFactory } from "./id-factory.js";
import { accountOf, actorRef, requireLevel, type ActorContext } from "./principal.js";
import { ServiceError, validationError } from "./service-error.js";
import { detailsOfRow, permissionsOfRow, type TokenDetails } from "./token-view.js";
import { keysetRequestOf, tokenViewerOf } from "./token-visibility.js";
import type { Verifier } from "./verifier.js";
import type { Propagation, PropagationWaiter } from "./propagation.js";
import type { UsageLimiter } from "./usage-limiter.js";
import { checkNewTokenLimits, writeNewTokenLimits } from "./usage-service.js";

/** What the token use cases need. */
export interface TokenServiceDeps {
  readonly store: Store;
  readonly catalogue: Catalogue;
  readonly clock: Clock;
  readonly random: RandomSource;
  readonly ids: IdFactory;
  readonly verifier: Verifier;
  /** Prefix of new secrets (LATCHKEY_TOKEN_PREFIX). */
  readonly tokenPrefix: string;
  /** Waits for a change to reach every live instance before it is answered (src/service/propagation.ts). */
  readonly propagation: PropagationWaiter;
  /** Counters of rate limits and credits (issue 14): the credits a creating token has left bound its child's. */
  readonly usageLimiter: UsageLimiter;
}

/** Input of {@link TokenService.create}, already of the right JSON types (the HTTP schema checks those). */
export interface CreateTokenInput {
  /** 1..50 characters after trimming. */
  readonly name: string;
  /** Custom access: scope strings. Ignored when `hasFull`. */
  readonly scopes?: readonly string[];
  /** Full access. */
  readonly hasFull?: boolean;
  /** One domain id (MailerSend's field). Exclusive with `domains`. */
  readonly domainId?: string;
  /** `"all"` or domain ids; absent (and no `domainId`): all domains. */
  readonly domains?: "all" | readonly string[];
  /** RFC 3339 date-time with offset, or `YYYY-MM-DD` (through the end of that UTC day). */
  readonly expiresAt?: string;
  /** Conditions of use (issue 13): `notBefore` (RFC 3339) and `allowedIps` (addresses, CIDR ranges). */
  readonly notBefore?: ConditionsInput["notBefore"];
  readonly allowedIps?: ConditionsInput["allowedIps"];
  /** Rate windows and credits in their wire shapes (issue 14; checked by core parseLimits). */
  readonly rateLimits?: unknown;
  readonly credits?: unknown;
  /** A canary token: grants nothing, refused as unknown, every use reported (docs/webhooks.md). Scopes are ignored. */
  readonly canary?: boolean;
}

/** Input of {@link TokenService.update}. Any other field is refused by the caller's schema. */
export interface UpdateTokenInput {
  readonly name?: string;
  readonly status?: "pause" | "unpause";
}

/** A created token: its details and the secret, shown this once. */
export interface CreatedToken {
  readonly token: TokenDetails;
  readonly secret: string;
}

/** Fields that fix a token's permissions; changing them means a new token (the seed). */
export const IMMUTABLE_TOKEN_FIELDS = ["scopes", "has_full", "domain_id", "domains", "expires_at", "not_before", "allowed_ips"] as const;

/** The message given when someone tries to change a token's permissions. */
export const IMMUTABLE_MESSAGE = "Permissions, domains and expiry cannot be changed. Delete this token and create a new one.";

export class TokenService {
  constructor(private readonly deps: TokenServiceDeps) {}

  /** @throws ServiceError ceiling_exceeded when a token (or a person, by their role) acts on a token with more rights than its own. */
  private requireWithinCeiling(actor: ActorContext, target: TokenWithDomains): void {
    const lacking = exceedsActor(this.deps.catalogue, actor, target);
    if (lacking.length > 0) throw new ServiceError("ceiling_exceeded", { message: `${actor.principal.kind === "user" ? `Your role (${actor.principal.role.name}) cannot` : "This token cannot"} manage a token with more rights than its own: ${lacking.join(", ")}.`, lacking });
  }

  /**
   * A page of the tokens the actor may see, newest first: a token sees its own subtree within its
   * domains, a person other than an Admin the tokens within their role (token-visibility.ts), an
   * Admin or the operator the whole account. Needs `tokens_full`.
   *
   * @param page a page number (`{page, limit}`) or a keyset position (never skips or repeats a token
   *   while tokens are added or deleted between reads).
   * @returns the page, the total the actor sees, the page's offset and whether more follow.
   */
  async list(actor: ActorContext, page: PageRequest | KeysetPageRequest): Promise<{ tokens: TokenDetails[]; total: number; offset: number; hasMore: boolean }> {
    requireLevel(this.deps.catalogue, actor.principal, "tokens", "full");
    const { rows, total, offset, hasMore } = await listTokensPage(
      this.deps.store,
      accountOf(actor.principal),
      tokenViewerOf(actor.principal, this.deps.catalogue),
      keysetRequestOf(page),
    );
    return { tokens: rows.map((row) => detailsOfRow(this.deps.catalogue, row)), total, offset, hasMore };
  }

  /**
   * One token the actor may see (a token: within its subtree and domains; a person: within their
   * role). Needs `tokens_full`.
   *
   * @throws ServiceError not_found, also for another account's token or one outside the actor's
   *   view (no difference is visible).
   */
  async show(actor: ActorContext, id: string): Promise<TokenDetails> {
    requireLevel(this.deps.catalogue, actor.principal, "tokens", "full");
    const row = await findVisibleToken(this.deps.store, accountOf(actor.principal), id, tokenViewerOf(actor.principal, this.deps.catalogue));
    if (row === undefined) throw notFound();
    return detailsOfRow(this.deps.catalogue, row);
  }

  /**
   * Creates a token and returns its secret, the only time it is ever available (the seed: "you will
   * only be shown your API token one time").
   *
   * @throws ServiceError scope_missing (actor lacks tokens_full), validation_failed (field problems,
   *   all reported at once), ceiling_exceeded (a token granting beyond itself; `lacking` lists what),
   *   token_paused / token_parent_inactive (the creating token or an ancestor was paused since it was
   *   authenticated, e.g. by a cascade running meanwhile; F10).
   */
  async create(actor: ActorContext, input: CreateTokenInput): Promise<CreatedToken> {
    const { catalogue, clock, store } = this.deps;
    requireLevel(catalogue, actor.principal, "tokens", "full");
    const accountId = accountOf(actor.principal);
    const errors: Record<string, string[]> = {};
    const problem = (field: string, message: string): void => {
      (errors[field] ??= []).push(message);
    };

    const name = checkTokenName(input.name);
    if (!name.ok) problem("name", name.problem);

    let permissions: PermissionSet | null = null;
    if (input.canary === true) permissions = { hasFull: false, levels: new Map() };
    else if (input.hasFull === true) permissions = FULL_ACCESS;
    else if (input.scopes === undefined) problem("scopes", "Choose Full access (has_full: true) or at least one scope.");
    else {
      const parsed = parseScopes(catalogue, input.scopes);
      if (parsed.ok) permissions = parsed.permissions;
      else for (const p of parsed.problems) problem("scopes", p);
    }

    let domainIds: string[] = [];
    let allDomains = true;
    if (input.domainId !== undefined && input.domains !== undefined) problem("domains", "Give domain_id or domains, not both.");
    else if (input.domainId !== undefined || (input.domains !== undefined && input.domains !== "all")) {
      const wanted = [...new Set(input.domainId !== undefined ? [input.domainId] : (input.domains as readonly string[]))];
      const field = input.domainId !== undefined ? "domain_id" : "domains";
      if (wanted.length === 0) problem(field, 'Choose at least one domain, or "all".');
      else {
        const found = await store.listDomains(accountId, wanted);
        const known = new Set(found.map((d) => d.id));
        const unknown = wanted.filter((id) => !known.has(id));
        if (unknown.length > 0) problem(field, `No such domain in this account: ${unknown.slice(0, 5).map((id) => JSON.stringify(id).slice(0, 40)).join(", ")}.`);
        allDomains = false;
        domainIds = wanted;
      }
    }

    const nowMillis = clock.nowMillis();
    let expiresAtMillis: number | null = null;
    if (input.expiresAt !== undefined) {
      const expiry = parseExpiry(input.expiresAt, nowMillis);
      if (expiry.ok) expiresAtMillis = expiry.value;
      else problem("expires_at", expiry.problem);
    }
    let conditions = checkCreationConditions(input, await policyOfAccount(store, accountId), expiresAtMillis, input.expiresAt !== undefined, nowMillis, problem);

    const limits = checkNewTokenLimits(input.rateLimits, input.credits);
    for (const [field, problems] of Object.entries(limits.problems)) for (const p of problems) problem(field, p);

    if (Object.keys(errors).length > 0 || permissions === null || !name.ok) throw validationError(errors);

    if (actor.principal.kind === "token") {
      const creator = actor.principal.record;
      const lacking = exceedsCeiling(
        catalogue,
        { permissions: creator.permissions, allDomains: creator.allDomains, domainIds: creator.domains.map((d) => d.id), expiresAtMillis: creator.expiresAtMillis },
        { permissions, allDomains, domainIds, expiresAtMillis },
      );
      const child = childConditions(creator, conditions, expiresAtMillis);
      conditions = child.conditions;
      lacking.push(...child.lacking);
      if (lacking.length > 0) {
        throw new ServiceError("ceiling_exceeded", { message: `This token cannot grant what it does not hold: ${lacking.join(", ")}.`, lacking });
      }
    } else if (actor.principal.kind === "user") {
      // A person's role is their ceiling (issue 16), checked by the same code as a token's.
      const lacking = exceedsCeiling(catalogue, roleGrant(catalogue, actor.principal.role), { permissions, allDomains, domainIds, expiresAtMillis });
      if (lacking.length > 0) {
        throw new ServiceError("ceiling_exceeded", { message: `Your role (${actor.principal.role.name}) does not allow: ${lacking.join(", ")}.`, lacking });
      }
    }

    const now = new Date(nowMillis).toISOString();
    const who = actorRef(actor.principal);
    for (let attempt = 0; ; attempt++) {
      const secret = generateSecret(this.deps.tokenPrefix, this.deps.random);
      const id = this.deps.ids("token");
      try {
        await store.transaction(async (tx) => {
          if (actor.principal.kind === "token") await requireCreatorActive(tx, accountId, actor.principal.record.id, nowMillis);
          await tx.insertToken(
            {
              id,
              account_id: accountId,
              name: name.value,
              secret_hash: hashSecret(secret),
              preview: previewOf(secret, this.deps.tokenPrefix),
              format_version: 1,
              record_version: 1,
              has_full: permissions.hasFull ? 1 : 0,
              scopes: JSON.stringify(permissions.hasFull ? [] : [...permissions.levels].map(([area, level]) => `${area}_${level}`)),
              all_domains: allDomains ? 1 : 0,
              expires_at: expiresAtMillis === null ? null : new Date(expiresAtMillis).toISOString(),
              paused: 0,
              created_by: who.id === null ? who.type : `${who.type}:${who.id}`,
              parent_id: actor.principal.kind === "token" ? actor.principal.record.id : null,
              created_at: now,
              updated_at: now,
              last_used_at: null,
              not_before: conditions.notBeforeMillis === null ? null : new Date(conditions.notBeforeMillis).toISOString(),
              allowed_ips: conditions.allowedIps === null ? null : JSON.stringify(conditions.allowedIps.text),
              canary: input.canary === true ? 1 : 0,
            },
            domainIds,
          );
          await writeNewTokenLimits(tx, actor, id, accountId, limits.limits, nowMillis, this.deps.usageLimiter);
          await recordAuditEvent(tx, this.deps.ids, clock, actor, { action: "token.create", targetType: "token", targetId: id, details: input.canary === true ? { name: name.value, canary: true } : { name: name.value } });
          await tx.notifyChange(`token:${id}`);
        });
      } catch (error) {
        // A secret hash collision is astronomically unlikely (190 random bits); draw again rather than fail.
        if (error instanceof UniqueViolation && attempt < 2) continue;
        // A domain removed between the check above and this write.
        if (error instanceof ForeignKeyViolation) throw validationError({ [input.domainId !== undefined ? "domain_id" : "domains"]: ["A chosen domain was removed meanwhile; choose again."] });
        throw error;
      }
      this.deps.verifier.invalidateToken(id);
      const row = await store.findToken(accountId, id);
      if (row === undefined) throw new Error("token vanished after create");
      return { token: detailsOfRow(catalogue, row), secret };
    }
  }

  /**
   * Renames and/or pauses or resumes a token (the seed's Manage and Pause/Resume). A pause takes
   * effect on the next verification ("pauses your access token immediately").
   *
   * Answers once every live instance has applied the change (or the bound passed): `propagation`.
   *
   * @throws ServiceError scope_missing, not_found, validation_failed (bad name, or nothing to change).
   */
  async update(actor: ActorContext, id: string, input: UpdateTokenInput): Promise<TokenDetails & { readonly propagation: Propagation }> {
    const { catalogue, clock, store } = this.deps;
    requireLevel(catalogue, actor.principal, "tokens", "full");
    const accountId = accountOf(actor.principal);
    let name: string | undefined;
    if (input.name !== undefined) {
      const checked = checkTokenName(input.name);
      if (!checked.ok) throw validationError({ name: [checked.problem] });
      name = checked.value;
    }
    if (name === undefined && input.status === undefined) throw validationError({ name: ["Give a new name, or a status (pause or unpause)."] });
    const updated = await store.transaction(async (tx) => {
      const before = await findVisibleToken(tx, accountId, id, tokenViewerOf(actor.principal, this.deps.catalogue));
      if (before === undefined) return false;
      this.requireWithinCeiling(actor, before);
      const changes: { name?: string; paused?: number; updated_at: string } = { updated_at: new Date(clock.nowMillis()).toISOString() };
      if (name !== undefined && name !== before.name) changes.name = name;
      if (input.status !== undefined && (input.status === "pause") !== (before.paused === 1)) changes.paused = input.status === "pause" ? 1 : 0;
      if (changes.name === undefined && changes.paused === undefined) return 0;
      await tx.updateToken(accountId, id, changes);
      if (changes.name !== undefined) {
        await recordAuditEvent(tx, this.deps.ids, clock, actor, { action: "token.rename", targetType: "token", targetId: id, details: { from: before.name, to: changes.name } });
      }
      if (changes.paused !== undefined) {
        await recordAuditEvent(tx, this.deps.ids, clock, actor, { action: changes.paused === 1 ? "token.pause" : "token.unpause", targetType: "token", targetId: id, details: { name: changes.name ?? before.name } });
      }
      return tx.notifyChange(`token:${id}`, accountId);
    });
    if (updated === false) throw notFound();
    this.deps.verifier.invalidateToken(id);
    const propagation = await this.deps.propagation.awaitPropagation(updated);
    return { ...(await this.show(actor, id)), propagation };
  }

  /**
   * Deletes a token for good (the seed's Delete, confirmed by the caller). The next verification of
   * its secret answers token_unknown.
   *
   * Answers once every live instance has applied it (or the bound passed).
   *
   * @throws ServiceError scope_missing, not_found (also on a second delete).
   */
  async delete(actor: ActorContext, id: string): Promise<Propagation> {
    const { catalogue, clock, store } = this.deps;
    requireLevel(catalogue, actor.principal, "tokens", "full");
    const accountId = accountOf(actor.principal);
    const deleted = await store.transaction(async (tx) => {
      const before = await findVisibleToken(tx, accountId, id, tokenViewerOf(actor.principal, this.deps.catalogue));
      if (before === undefined) return false;
      this.requireWithinCeiling(actor, before);
      const targetLineage = await lineagePathOf(tx, accountId, id);
      if (!(await tx.deleteToken(accountId, id))) return false;
      await recordAuditEvent(tx, this.deps.ids, clock, actor, { action: "token.delete", targetType: "token", targetId: id, details: { name: before.name }, targetLineage });
      return tx.notifyChange(`token:${id}`, accountId);
    });
    if (deleted === false) throw notFound();
    this.deps.verifier.invalidateToken(id);
    return this.deps.propagation.awaitPropagation(deleted);
  }
}

/**
 * A token may rename, pause, resume or delete only tokens it could have created itself: otherwise a
 * weak token with `tokens_full` could resume a stronger token that an administrator paused, or pause
 * and delete the administrator's own (found by the break test). A person is bound by their role (the
 * ceiling of issue 16; they see only tokens within it, token-visibility.ts); the operator acts for the
 * whole account.
 */
export function exceedsActor(catalogue: Catalogue, actor: ActorContext, target: TokenWithDomains): string[] {
  if (actor.principal.kind === "operator") return [];
  const principal = actor.principal;
  return exceedsCeiling(
    catalogue,
    principal.kind === "user"
      ? roleGrant(catalogue, principal.role)
      : { permissions: principal.record.permissions, allDomains: principal.record.allDomains, domainIds: principal.record.domains.map((d) => d.id), expiresAtMillis: principal.record.expiresAtMillis },
    {
      permissions: permissionsOfRow(catalogue, target),
      allDomains: target.all_domains === 1,
      domainIds: target.domains.map((d) => d.id),
      expiresAtMillis: target.expires_at === null ? null : Date.parse(target.expires_at),
    },
  );
}

/**
 * Inside a create's transaction: the creating token and its ancestors are still active (F10). A
 * principal is authenticated before the transaction; a cascading pause may have committed since.
 *
 * @throws ServiceError token_paused (the creator), token_parent_inactive (an ancestor paused or
 *   expired), token_unknown (the creator was deleted).
 */
async function requireCreatorActive(tx: Store, accountId: string, creatorId: string, nowMillis: number): Promise<void> {
  const state = await creatorStateForCreate(tx, accountId, creatorId);
  if (state === undefined) throw new ServiceError("token_unknown");
  if (state.paused) throw new ServiceError("token_paused");
  if (state.ancestors.some((a) => a.paused === 1 || (a.expires_at !== null && Date.parse(a.expires_at) <= nowMillis))) throw new ServiceError("token_parent_inactive");
}

function notFound(): ServiceError {
  return new ServiceError("not_found", { message: "No such token." });
}
