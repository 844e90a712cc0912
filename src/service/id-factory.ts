/**
 * Prefixed, time-ordered ids from one registry (after Unkey's): `acc_`, `dom_`, `tok_`, `aev_`,
 * `usr_`, each followed by a lower-case ULID, so that sorting ids sorts by creation time and a listing
 * "newest first" is an index scan on the primary key.
 */
import { monotonicFactory } from "ulidx";
import type { Clock } from "../core/clock.js";
import type { RandomSource } from "../core/random-source.js";

/** The kinds of object that have ids, with their prefixes. */
export const ID_PREFIXES = {
  account: "acc",
  domain: "dom",
  token: "tok",
  auditEvent: "aev",
  user: "usr",
  invite: "inv",
  webhook: "whk",
  webhookEvent: "msg",
  webhookDelivery: "wdl",
} as const;

export type IdKind = keyof typeof ID_PREFIXES;

/** Makes new ids. */
export type IdFactory = (kind: IdKind) => string;

/** Builds an id factory over a clock and a random source (both injected for repeatable tests). */
export function createIdFactory(clock: Clock, random: RandomSource): IdFactory {
  const next = monotonicFactory(() => (random.bytes(1)[0] ?? 0) / 256);
  return (kind) => `${ID_PREFIXES[kind]}_${next(clock.nowMillis()).toLowerCase()}`;
}
