/**
 * Domain use cases: list, show, add, remove. A domain-limited token sees only its own domains
 * (DESIGN.md: "only the domains the token may use"); adding and removing needs `domains_full` and a
 * token for all domains. A domain still used by a token cannot be removed (409 domain_in_use): silently
 * shrinking a token's reach, or leaving it with none, would surprise its owner.
 */
import type { Catalogue } from "../core/catalogue.js";
import type { Clock } from "../core/clock.js";
import { checkDomainName } from "../core/input-rules.js";
import type { DomainsTable } from "../store/database-schema.js";
import { ForeignKeyViolation, UniqueViolation, type Store } from "../store/store.js";
import { recordAuditEvent } from "./audit-log.js";
import type { IdFactory } from "./id-factory.js";
import { accountOf, requireAllDomains, requireLevel, type ActorContext } from "./principal.js";
import { ServiceError, validationError } from "./service-error.js";
import type { Verifier } from "./verifier.js";

/** A domain as callers see it. */
export interface DomainDetails {
  readonly id: string;
  readonly name: string;
  readonly createdAt: string;
}

export interface DomainServiceDeps {
  readonly store: Store;
  readonly catalogue: Catalogue;
  readonly clock: Clock;
  readonly ids: IdFactory;
  readonly verifier: Verifier;
}

export class DomainService {
  constructor(private readonly deps: DomainServiceDeps) {}

  /** The domains the actor may use, oldest first. Needs `domains_read`. */
  async list(actor: ActorContext): Promise<DomainDetails[]> {
    requireLevel(this.deps.catalogue, actor.principal, "domains", "read");
    const { principal } = actor;
    const limit = principal.kind === "token" && !principal.record.allDomains ? principal.record.domains.map((d) => d.id) : undefined;
    return (await this.deps.store.listDomains(accountOf(principal), limit)).map(detailsOf);
  }

  /**
   * One domain the actor may use. Needs `domains_read`.
   *
   * @throws ServiceError not_found (unknown, another account's, or outside the token's domains).
   */
  async show(actor: ActorContext, id: string): Promise<DomainDetails> {
    requireLevel(this.deps.catalogue, actor.principal, "domains", "read");
    const { principal } = actor;
    if (principal.kind === "token" && !principal.record.allDomains && !principal.record.domains.some((d) => d.id === id)) throw notFound();
    const row = await this.deps.store.findDomain(accountOf(principal), id);
    if (row === undefined) throw notFound();
    return detailsOf(row);
  }

  /**
   * Adds a domain. Needs `domains_full` and all domains.
   *
   * @throws ServiceError scope_missing, all_domains_required, validation_failed (name), domain_exists.
   */
  async add(actor: ActorContext, rawName: string): Promise<DomainDetails> {
    const { catalogue, clock, store, ids } = this.deps;
    requireLevel(catalogue, actor.principal, "domains", "full");
    requireAllDomains(actor.principal);
    const name = checkDomainName(rawName);
    if (!name.ok) throw validationError({ name: [name.problem] });
    const accountId = accountOf(actor.principal);
    const row: DomainsTable = { id: ids("domain"), account_id: accountId, name: name.value, created_at: new Date(clock.nowMillis()).toISOString() };
    try {
      await store.transaction(async (tx) => {
        await tx.insertDomain(row);
        await recordAuditEvent(tx, ids, clock, actor, { action: "domain.create", targetType: "domain", targetId: row.id, details: { name: row.name } });
        await tx.notifyChange(`account:${accountId}`);
      });
    } catch (error) {
      if (error instanceof UniqueViolation) throw new ServiceError("domain_exists", { message: `The domain ${name.value} already exists in this account.` });
      throw error;
    }
    this.deps.verifier.invalidateAccount(accountId);
    return detailsOf(row);
  }

  /**
   * Removes a domain. Needs `domains_full` and all domains.
   *
   * @throws ServiceError scope_missing, all_domains_required, not_found, domain_in_use.
   */
  async remove(actor: ActorContext, id: string): Promise<void> {
    const { catalogue, clock, store, ids } = this.deps;
    requireLevel(catalogue, actor.principal, "domains", "full");
    requireAllDomains(actor.principal);
    const accountId = accountOf(actor.principal);
    const inUse = (name: string, count: number | null): ServiceError =>
      new ServiceError("domain_in_use", { message: `The domain ${name} is used by ${count ?? "a"} token${count === 1 || count === null ? "" : "s"}; delete them first.` });
    await store.transaction(async (tx) => {
      const row = await tx.findDomain(accountId, id);
      if (row === undefined) throw notFound();
      const users = await tx.countTokensUsingDomain(id);
      if (users > 0) throw inUse(row.name, users);
      try {
        await tx.deleteDomain(accountId, id);
      } catch (error) {
        // A token for this domain was created between the count and the delete.
        if (error instanceof ForeignKeyViolation) throw inUse(row.name, null);
        throw error;
      }
      await recordAuditEvent(tx, ids, clock, actor, { action: "domain.delete", targetType: "domain", targetId: id, details: { name: row.name } });
      await tx.notifyChange(`account:${accountId}`);
    });
    this.deps.verifier.invalidateAccount(accountId);
  }
}

function detailsOf(row: DomainsTable): DomainDetails {
  return { id: row.id, name: row.name, createdAt: row.created_at };
}

function notFound(): ServiceError {
  return new ServiceError("not_found", { message: "No such domain." });
}
