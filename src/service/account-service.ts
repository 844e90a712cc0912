/**
 * Accounts (tenants). A fresh database gets the account `default` on first start (DESIGN.md). Accounts
 * are created by the operator (CLI); no API token can create or see another account.
 */
import type { Clock } from "../core/clock.js";
import type { AccountsTable } from "../store/database-schema.js";
import { UniqueViolation, type Store } from "../store/store.js";
import { recordAuditEvent } from "./audit-log.js";
import type { IdFactory } from "./id-factory.js";
import { ServiceError, validationError } from "./service-error.js";

/** Name of the account a fresh database starts with. */
export const DEFAULT_ACCOUNT = "default";

/** An account as callers see it. */
export interface AccountDetails {
  readonly id: string;
  readonly name: string;
  readonly createdAt: string;
}

const ACCOUNT_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

export class AccountService {
  constructor(private readonly deps: { readonly store: Store; readonly clock: Clock; readonly ids: IdFactory }) {}

  /** Creates the `default` account when it does not exist; returns it either way. */
  async ensureDefault(): Promise<AccountDetails> {
    const existing = await this.deps.store.findAccountByName(DEFAULT_ACCOUNT);
    if (existing !== undefined) return detailsOf(existing);
    try {
      return await this.create(DEFAULT_ACCOUNT);
    } catch (error) {
      // Another instance created it at the same moment.
      const row = await this.deps.store.findAccountByName(DEFAULT_ACCOUNT);
      if (row !== undefined) return detailsOf(row);
      throw error;
    }
  }

  /**
   * Creates an account (operator only).
   *
   * @param name 1..63 of `a-z0-9-`, starting with a letter or digit.
   * @throws ServiceError validation_failed, account_exists.
   */
  async create(name: string): Promise<AccountDetails> {
    if (!ACCOUNT_NAME.test(name)) throw validationError({ name: ["The account name must be 1 to 63 lower-case letters, digits or hyphens, starting with a letter or digit."] });
    const { store, clock, ids } = this.deps;
    const row: AccountsTable = { id: ids("account"), name, created_at: new Date(clock.nowMillis()).toISOString() };
    try {
      await store.transaction(async (tx) => {
        await tx.insertAccount(row);
        await recordAuditEvent(tx, ids, clock, { principal: { kind: "operator", accountId: row.id }, ip: null }, { action: "account.create", targetType: "account", targetId: row.id, details: { name } });
      });
    } catch (error) {
      if (error instanceof UniqueViolation) throw new ServiceError("account_exists", { message: `The account ${name} already exists.` });
      throw error;
    }
    return detailsOf(row);
  }

  /** Every account, oldest first. */
  async list(): Promise<AccountDetails[]> {
    return (await this.deps.store.listAccounts()).map(detailsOf);
  }

  /**
   * Finds an account by name or id.
   *
   * @throws ServiceError not_found.
   */
  async find(nameOrId: string): Promise<AccountDetails> {
    const row = (await this.deps.store.findAccountByName(nameOrId)) ?? (await this.deps.store.findAccountById(nameOrId));
    if (row === undefined) throw new ServiceError("not_found", { message: `No such account: ${nameOrId.slice(0, 64)}.` });
    return detailsOf(row);
  }
}

function detailsOf(row: AccountsTable): AccountDetails {
  return { id: row.id, name: row.name, createdAt: row.created_at };
}
