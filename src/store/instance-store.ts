/**
 * The instance registry's rows (migration 0004, PostgreSQL only): who is running, when each last
 * beat, which change each has applied. Times are the database's clock (`clock_timestamp()`, epoch
 * milliseconds), so instances on machines whose clocks disagree still agree on who is live.
 * The use of these rows (heartbeat cadence, what "live" means) is src/service/instance-registry.ts.
 */
import { sql, type Kysely } from "kysely";
import type { Database } from "./database-schema.js";

const NOW_MS = sql<string>`(extract(epoch from clock_timestamp()) * 1000)::bigint`;

/** An instance as the propagation wait reads it. */
export interface InstanceState {
  readonly id: string;
  readonly name: string;
  readonly appliedSeq: number;
  readonly bypassing: boolean;
}

/** Who an instance is. */
export interface InstanceIdentity {
  readonly id: string;
  readonly name: string;
  /** RFC 3339 UTC. */
  readonly startedAt: string;
}

/**
 * Writes an instance's heartbeat (creating its row when missing) and, in the same statement, sends
 * `line` on `channel` (the heartbeat the instance must hear back through its own listener).
 *
 * @param appliedSeq the last change applied (the row keeps the larger of this and what it holds).
 * @param bypassing whether the instance reads the database on every verification right now.
 */
export async function beat(db: Kysely<Database>, who: InstanceIdentity, appliedSeq: number, bypassing: boolean, channel: string, line: string): Promise<void> {
  await sql`
    with beat as (
      insert into instances (id, name, started_at, heartbeat_ms, applied_seq, bypassing)
      values (${who.id}, ${who.name}, ${who.startedAt}, ${NOW_MS}, ${appliedSeq}, ${bypassing ? 1 : 0})
      on conflict (id) do update set heartbeat_ms = excluded.heartbeat_ms, bypassing = excluded.bypassing,
        applied_seq = greatest(instances.applied_seq, excluded.applied_seq)
      returning id)
    select pg_notify(${channel}, ${line}) from beat`.execute(db);
}

/** Records that an instance has applied every change up to `appliedSeq`, and announces it with `line`. */
export async function acknowledge(db: Kysely<Database>, id: string, appliedSeq: number, channel: string, line: string): Promise<void> {
  await sql`
    with ack as (update instances set applied_seq = greatest(applied_seq, ${appliedSeq}) where id = ${id} returning id)
    select pg_notify(${channel}, ${line}) from ack`.execute(db);
}

/** Instances whose last heartbeat is less than `liveWindowMs` old by the database's clock. */
export async function liveInstances(db: Kysely<Database>, liveWindowMs: number): Promise<InstanceState[]> {
  const rows = await db
    .selectFrom("instances")
    .select(["id", "name", "applied_seq", "bypassing"])
    .where(sql<boolean>`heartbeat_ms > ${NOW_MS} - ${liveWindowMs}`)
    .orderBy("id")
    .execute();
  return rows.map((r) => ({ id: r.id, name: r.name, appliedSeq: Number(r.applied_seq), bypassing: r.bypassing === 1 }));
}

/** Removes an instance's row (on a clean stop) and rows silent for longer than `staleMs` (crashed ones). */
export async function removeInstance(db: Kysely<Database>, id: string, staleMs: number): Promise<void> {
  await db
    .deleteFrom("instances")
    .where((eb) => eb.or([eb("id", "=", id), eb(sql<string>`heartbeat_ms`, "<", sql<string>`${NOW_MS} - ${staleMs}`)]))
    .execute();
}
