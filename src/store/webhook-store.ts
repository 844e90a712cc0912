/**
 * The webhook store: endpoints, the outbox of lifecycle events, their deliveries (leased by the
 * delivery worker), expiry reminders already sent and leak quarantines. Every function takes a
 * {@link Store}; called with the store handed to `Store.transaction`'s callback it joins that
 * transaction, which is how an event lands in the outbox together with its change.
 *
 * Leasing (several instances on one database, docs/webhooks.md): a due delivery is taken in a short
 * transaction that selects it (PostgreSQL: `FOR UPDATE OF d SKIP LOCKED`, so two instances never take
 * the same row; SQLite: one writer at a time) and stamps `lease_owner` / `lease_until`. A delivery is
 * due only when no older delivery of the same endpoint and order key (the token) is still pending, so
 * the events of one token leave in order. A lease that outlives its holder (a crash) expires and the
 * row is taken again: at least once.
 */
import { sql, type SqlBool } from "kysely";
import type { TokenQuarantinesTable, WebhookDeliveriesTable, WebhookEventsTable, WebhooksTable } from "./database-schema.js";
import type { Page, PageRequest, Store } from "./store.js";

/** A leased delivery with what sending it needs. */
export interface LeasedDelivery {
  readonly delivery: WebhookDeliveriesTable;
  readonly event: WebhookEventsTable;
  readonly webhook: Pick<WebhooksTable, "id" | "account_id" | "name" | "url" | "signing_secret" | "failing_since">;
}

/** A delivery row with its event's type, for the delivery log. */
export type DeliveryLogRow = WebhookDeliveriesTable & { readonly event_type: string };

/** Columns of an endpoint that may change. */
export type WebhookChanges = Partial<Pick<WebhooksTable, "name" | "url" | "events" | "enabled" | "failing_since" | "disabled_reason">> & { updated_at: string };

export async function insertWebhook(store: Store, row: WebhooksTable): Promise<void> {
  await store.kysely.insertInto("webhooks").values(row).execute();
}

/** An account's endpoints, newest first. */
/**
 * A page of an account's endpoints, newest first; with `managerTokenId`, only those made by that
 * token or a token of its subtree (`maker_lineage` holds `/<its id>/`; finding F7).
 */
export async function listWebhooks(store: Store, accountId: string, page: PageRequest, managerTokenId: string | null = null): Promise<Page<WebhooksTable>> {
  const db = store.kysely;
  const mine = managerTokenId === null ? sql<SqlBool>`1 = 1` : sql<SqlBool>`maker_lineage like ${lineagePattern(managerTokenId)} escape '\\'`;
  const [rows, count] = await Promise.all([
    db.selectFrom("webhooks").selectAll().where("account_id", "=", accountId).where(mine).orderBy("id", "desc").limit(page.limit).offset((page.page - 1) * page.limit).execute(),
    db.selectFrom("webhooks").select((eb) => eb.fn.countAll<string | number>().as("n")).where("account_id", "=", accountId).where(mine).executeTakeFirst(),
  ]);
  return { rows, total: Number(count?.n ?? 0) };
}

/** A LIKE pattern matching a lineage path that holds the token id (its `%`, `_` and `\` escaped). */
function lineagePattern(tokenId: string): string {
  return `%/${tokenId.replace(/[\\%_]/g, (c) => `\\${c}`)}/%`;
}

export async function findWebhook(store: Store, accountId: string, id: string): Promise<WebhooksTable | undefined> {
  return store.kysely.selectFrom("webhooks").selectAll().where("account_id", "=", accountId).where("id", "=", id).executeTakeFirst();
}

/** Returns false when no such endpoint is in the account. */
export async function updateWebhook(store: Store, accountId: string, id: string, changes: WebhookChanges): Promise<boolean> {
  const result = await store.kysely.updateTable("webhooks").set(changes).where("account_id", "=", accountId).where("id", "=", id).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Deletes an endpoint and its deliveries; false when there was none. */
export async function deleteWebhook(store: Store, accountId: string, id: string): Promise<boolean> {
  await store.kysely.deleteFrom("webhook_deliveries").where("webhook_id", "in", (eb) => eb.selectFrom("webhooks").select("id").where("account_id", "=", accountId).where("id", "=", id)).execute();
  const result = await store.kysely.deleteFrom("webhooks").where("account_id", "=", accountId).where("id", "=", id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** The enabled endpoints of an account with the events each takes (the outbox's fan-out). */
export async function subscribedWebhooks(store: Store, accountId: string): Promise<Pick<WebhooksTable, "id" | "events" | "maker_lineage">[]> {
  return store.kysely.selectFrom("webhooks").select(["id", "events", "maker_lineage"]).where("account_id", "=", accountId).where("enabled", "=", 1).execute();
}

/** Writes an event and its deliveries (call inside the change's transaction). */
export async function insertEvent(store: Store, event: WebhookEventsTable, deliveries: readonly WebhookDeliveriesTable[]): Promise<void> {
  await store.kysely.insertInto("webhook_events").values(event).execute();
  if (deliveries.length > 0) await store.kysely.insertInto("webhook_deliveries").values([...deliveries]).execute();
}

/**
 * Due deliveries, oldest first: pending, `next_attempt_at` reached, no live lease, endpoint enabled,
 * and no older pending delivery of the same endpoint and order key (so a token's events go in order).
 */
function dueQuery(store: Store, nowIso: string, limit: number) {
  return store.kysely
    .selectFrom("webhook_deliveries as d")
    .innerJoin("webhooks as w", "w.id", "d.webhook_id")
    .select("d.id")
    .where("d.status", "=", "pending")
    .where("d.next_attempt_at", "<=", nowIso)
    .where((eb) => eb.or([eb("d.lease_until", "is", null), eb("d.lease_until", "<=", nowIso)]))
    .where("w.enabled", "=", 1)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom("webhook_deliveries as p")
            .select(sql<number>`1`.as("one"))
            .whereRef("p.webhook_id", "=", "d.webhook_id")
            .whereRef("p.order_key", "=", "d.order_key")
            .where("p.status", "=", "pending")
            .whereRef("p.id", "<", "d.id"),
        ),
      ),
    )
    .orderBy("d.id")
    .limit(limit);
}

/**
 * Leases up to `limit` due deliveries for `owner` until `leaseUntilIso`.
 *
 * @param nowIso the current instant (RFC 3339 UTC); due means `next_attempt_at <= now` and no live lease.
 * @returns the leased deliveries, oldest first, with their events and endpoints.
 */
export async function leaseDueDeliveries(store: Store, owner: string, nowIso: string, leaseUntilIso: string, limit: number): Promise<LeasedDelivery[]> {
  // Most polls find nothing: look without a transaction first, so an idle worker takes no write lock
  // (SQLite transactions begin IMMEDIATE) and holds no PostgreSQL row lock.
  if ((await dueQuery(store, nowIso, 1).execute()).length === 0) return [];
  const ids = await store.transaction(async (tx) => {
    let query = dueQuery(tx, nowIso, limit);
    if (tx.dialect.kind === "postgres") query = query.forUpdate("d").skipLocked();
    const due = (await query.execute()).map((r) => r.id);
    if (due.length === 0) return [];
    await tx.kysely.updateTable("webhook_deliveries").set({ lease_owner: owner, lease_until: leaseUntilIso }).where("id", "in", due).execute();
    return due;
  });
  if (ids.length === 0) return [];
  const rows = await store.kysely
    .selectFrom("webhook_deliveries as d")
    .innerJoin("webhook_events as e", "e.id", "d.event_id")
    .innerJoin("webhooks as w", "w.id", "d.webhook_id")
    .selectAll("d")
    .select(["e.account_id as e_account_id", "e.type as e_type", "e.payload as e_payload", "e.created_at as e_created_at"])
    .select(["w.account_id as w_account_id", "w.name as w_name", "w.url as w_url", "w.signing_secret as w_signing_secret", "w.failing_since as w_failing_since"])
    .where("d.id", "in", ids)
    .where("d.lease_owner", "=", owner)
    .orderBy("d.id")
    .execute();
  return rows.map((r) => {
    const { e_account_id, e_type, e_payload, e_created_at, w_account_id, w_name, w_url, w_signing_secret, w_failing_since, ...delivery } = r;
    return {
      delivery,
      event: { id: delivery.event_id, account_id: e_account_id, type: e_type, payload: e_payload, created_at: e_created_at },
      webhook: { id: delivery.webhook_id, account_id: w_account_id, name: w_name, url: w_url, signing_secret: w_signing_secret, failing_since: w_failing_since },
    };
  });
}

/**
 * Records the outcome of an attempt, if `owner` still holds the lease (a lease taken over after
 * expiry is not overwritten). Returns whether it did.
 */
export async function finishAttempt(
  store: Store,
  id: string,
  owner: string,
  outcome: Pick<WebhookDeliveriesTable, "status" | "attempts" | "next_attempt_at" | "last_attempt_at" | "last_status_code" | "last_duration_ms" | "last_response" | "last_error" | "delivered_at">,
): Promise<boolean> {
  const result = await store.kysely
    .updateTable("webhook_deliveries")
    .set({ ...outcome, lease_owner: null, lease_until: null })
    .where("id", "=", id)
    .where("lease_owner", "=", owner)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Marks an endpoint failing since `sinceIso` unless it already is; clears it with null. */
export async function setWebhookFailing(store: Store, id: string, sinceIso: string | null): Promise<void> {
  let query = store.kysely.updateTable("webhooks").set({ failing_since: sinceIso }).where("id", "=", id);
  if (sinceIso !== null) query = query.where("failing_since", "is", null);
  else query = query.where("failing_since", "is not", null);
  await query.execute();
}

/** Disables an enabled endpoint; returns false when it was already disabled (another instance did it). */
export async function disableWebhook(store: Store, id: string, reason: string, nowIso: string): Promise<boolean> {
  const result = await store.kysely.updateTable("webhooks").set({ enabled: 0, disabled_reason: reason, updated_at: nowIso }).where("id", "=", id).where("enabled", "=", 1).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** An endpoint's deliveries, newest first. */
export async function listDeliveries(store: Store, webhookId: string, page: PageRequest): Promise<Page<DeliveryLogRow>> {
  const db = store.kysely;
  const [rows, count] = await Promise.all([
    db
      .selectFrom("webhook_deliveries as d")
      .innerJoin("webhook_events as e", "e.id", "d.event_id")
      .selectAll("d")
      .select("e.type as event_type")
      .where("d.webhook_id", "=", webhookId)
      .orderBy("d.id", "desc")
      .limit(page.limit)
      .offset((page.page - 1) * page.limit)
      .execute(),
    db.selectFrom("webhook_deliveries").select((eb) => eb.fn.countAll<string | number>().as("n")).where("webhook_id", "=", webhookId).executeTakeFirst(),
  ]);
  return { rows, total: Number(count?.n ?? 0) };
}

export async function findDelivery(store: Store, webhookId: string, id: string): Promise<DeliveryLogRow | undefined> {
  return store.kysely
    .selectFrom("webhook_deliveries as d")
    .innerJoin("webhook_events as e", "e.id", "d.event_id")
    .selectAll("d")
    .select("e.type as event_type")
    .where("d.webhook_id", "=", webhookId)
    .where("d.id", "=", id)
    .executeTakeFirst();
}

export async function insertDelivery(store: Store, row: WebhookDeliveriesTable): Promise<void> {
  await store.kysely.insertInto("webhook_deliveries").values(row).execute();
}

/**
 * Non-canary tokens whose expiry lies in (`fromIso`, `toIso`] and that have no reminder for
 * `thresholdDays` yet, soonest first, at most `limit`: candidates for a reminder. Those already
 * reminded are left out in the query, so a batch always makes progress.
 */
export async function tokensToRemind(
  store: Store,
  fromIso: string,
  toIso: string,
  thresholdDays: number,
  limit: number,
): Promise<{ id: string; account_id: string; name: string; preview: string; expires_at: string }[]> {
  const rows = await store.kysely
    .selectFrom("tokens as t")
    .select(["t.id", "t.account_id", "t.name", "t.preview", "t.expires_at"])
    .where("t.expires_at", ">", fromIso)
    .where("t.expires_at", "<=", toIso)
    .where("t.canary", "=", 0)
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom("token_reminders as r").select("r.token_id").whereRef("r.token_id", "=", "t.id").where("r.threshold_days", "=", thresholdDays))),
    )
    .orderBy("t.expires_at")
    .limit(limit)
    .execute();
  return rows.map((r) => ({ ...r, expires_at: r.expires_at ?? toIso }));
}

/** Claims a reminder; false when it was already sent (by this or another instance). */
export async function claimReminder(store: Store, tokenId: string, thresholdDays: number, nowIso: string): Promise<boolean> {
  const result = await store.kysely
    .insertInto("token_reminders")
    .values({ token_id: tokenId, threshold_days: thresholdDays, sent_at: nowIso })
    .onConflict((oc) => oc.columns(["token_id", "threshold_days"]).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
}

/** Records (or replaces) why latchkey paused a token. */
export async function setQuarantine(store: Store, row: TokenQuarantinesTable): Promise<void> {
  await store.kysely
    .insertInto("token_quarantines")
    .values(row)
    .onConflict((oc) => oc.column("token_id").doUpdateSet({ reason: row.reason, url: row.url, created_at: row.created_at }))
    .execute();
}

export async function clearQuarantine(store: Store, tokenId: string): Promise<void> {
  await store.kysely.deleteFrom("token_quarantines").where("token_id", "=", tokenId).execute();
}

export async function findQuarantine(store: Store, tokenId: string): Promise<TokenQuarantinesTable | undefined> {
  return store.kysely.selectFrom("token_quarantines").selectAll().where("token_id", "=", tokenId).executeTakeFirst();
}

/** E-mail addresses of an account's owners and admins (who hear of expiries, leaks and disabled endpoints). */
export async function ownerAddresses(store: Store, accountId: string): Promise<string[]> {
  const rows = await store.kysely.selectFrom("users").select("email").where("account_id", "=", accountId).where("role", "in", ["owner", "admin", "Admin"]).orderBy("email").execute();
  return rows.map((r) => r.email);
}

/** The role of a user, or undefined. */
export async function roleOfUser(store: Store, userId: string): Promise<string | undefined> {
  return (await store.kysely.selectFrom("users").select("role").where("id", "=", userId).executeTakeFirst())?.role;
}

/**
 * The windows a token's rate-limit events (`token.rate_limit` audit events) already name since
 * `sinceIso`, inside the caller's transaction. On PostgreSQL it first takes a transaction-scoped
 * advisory lock on the token, so that two instances reporting the same window take turns and the
 * second sees the first's event (SQLite has one writer at a time).
 *
 * @returns the token's name and the windows reported; null when the token is gone.
 */
export async function rateLimitWindowsReportedSince(tx: Store, accountId: string, tokenId: string, sinceIso: string): Promise<{ readonly tokenName: string; readonly windows: ReadonlySet<string> } | null> {
  if (tx.dialect.kind === "postgres") await sql`select pg_advisory_xact_lock(hashtext(${`latchkey.rate_limit.${tokenId}`}))`.execute(tx.query);
  const token = await tx.query.selectFrom("tokens").select("name").where("account_id", "=", accountId).where("id", "=", tokenId).executeTakeFirst();
  if (token === undefined) return null;
  const rows = await tx.query
    .selectFrom("audit_events")
    .select("details")
    .where("account_id", "=", accountId)
    .where("action", "=", "token.rate_limit")
    .where("target_type", "=", "token")
    .where("target_id", "=", tokenId)
    .where("created_at", ">=", sinceIso)
    .execute();
  const windows = new Set<string>();
  for (const row of rows) {
    const details = JSON.parse(row.details) as { window?: unknown };
    if (typeof details.window === "string") windows.add(details.window);
  }
  return { tokenName: token.name, windows };
}

/**
 * Removes the webhook history older than `beforeIso`: finished deliveries (`succeeded` or `failed`),
 * then the events no delivery refers to any more. A pending delivery and its event are kept whatever
 * their age. Returns how many deliveries and events were removed.
 */
export async function pruneWebhookHistory(store: Store, beforeIso: string): Promise<{ deliveries: number; events: number }> {
  return store.transaction(async (tx) => {
    const deliveries = await tx.query.deleteFrom("webhook_deliveries").where("status", "in", ["succeeded", "failed"]).where("created_at", "<", beforeIso).executeTakeFirst();
    const events = await tx.query
      .deleteFrom("webhook_events")
      .where("created_at", "<", beforeIso)
      .where(({ not, exists, selectFrom }) => not(exists(selectFrom("webhook_deliveries").select("webhook_deliveries.id").whereRef("webhook_deliveries.event_id", "=", "webhook_events.id"))))
      .executeTakeFirst();
    return { deliveries: Number(deliveries.numDeletedRows), events: Number(events.numDeletedRows) };
  });
}
