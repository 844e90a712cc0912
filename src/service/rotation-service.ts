/**
 * Rotation ("roll", issue 13) and "which token is this?".
 *
 * Rotate: a new secret for the same token (id, name, permissions, domains, expiry, conditions and
 * lineage unchanged). The secret it replaces keeps working for `grace_seconds` (0..30 days; 0: it is
 * refused at once), then is refused with 401 `token_rotated`. One previous secret is kept: rotating
 * again ends the grace of the one before. Pausing, resuming or deleting the token stops (or restarts)
 * both of its secrets. A secret a rotation replaced manages nothing (current_secret_required), but for
 * one thing: the token's own rotation retried with the same Idempotency-Key gets the stored replay
 * (break test B2-6: a token that rotated itself and lost the answer has only its old secret left).
 * Peers: Stripe's "roll key" (the old key expires after a chosen time), LiteLLM's regenerate with
 * grace, better-auth's requests for regeneration that keeps the id.
 *
 * Idempotency (after Stripe's `Idempotency-Key`): a rotation sent with a key stores its reply sealed
 * (AES-256-GCM under a key derived by HKDF-SHA256 from the Idempotency-Key, which is never stored,
 * only a SHA-256 of it with the account); a retry with the same key, token and grace within
 * {@link REPLAY_WINDOW_SECONDS} gets the same secret again. After the window the sealed secret is
 * wiped and a retry gets 409 `idempotency_key_reused` (never a third secret); so does the key reused
 * for another token or grace. Keys are forgotten after {@link FORGET_KEY_SECONDS}. docs/security.md.
 */
import { createCipheriv, createDecipheriv, createHash, hkdfSync } from "node:crypto";
import type { Catalogue } from "../core/catalogue.js";
import type { Clock } from "../core/clock.js";
import type { RandomSource } from "../core/random-source.js";
import { generateSecret, hashSecret, previewOf } from "../core/token-secret.js";
import { ageReplays, findReplay, findTokenIdByAnyHash, insertReplay, lockTokenRow, replaceCurrentSecret, replacePreviousSecret } from "../store/rotation-store.js";
import { currentChangeSeq } from "../store/change-sequence.js";
import { findVisibleToken } from "../store/keyset-list-store.js";
import { UniqueViolation, type Store } from "../store/store.js";
import { recordAuditEvent } from "./audit-log.js";
import type { IdFactory } from "./id-factory.js";
import { accountOf, requireLevel, type ActorContext } from "./principal.js";
import type { Propagation, PropagationWaiter } from "./propagation.js";
import { ServiceError, validationError } from "./service-error.js";
import { exceedsActor, type TokenService } from "./token-service.js";
import type { TokenDetails } from "./token-view.js";
import { tokenViewerOf } from "./token-visibility.js";
import type { Verifier } from "./verifier.js";

/** Longest grace, seconds (30 days). */
export const MAX_GRACE_SECONDS = 2_592_000;

/** How long a retry with the same Idempotency-Key gets the same secret again, seconds. */
export const REPLAY_WINDOW_SECONDS = 600;

/** How long a used Idempotency-Key is remembered (a retry within it gets 409, not a new secret), seconds. */
export const FORGET_KEY_SECONDS = 86_400;

/** An Idempotency-Key: 16..255 visible ASCII characters (a UUID fits; a guessable short key does not). */
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{16,255}$/;

/** What rotation needs. */
export interface RotationServiceDeps {
  readonly store: Store;
  readonly catalogue: Catalogue;
  readonly clock: Clock;
  readonly random: RandomSource;
  readonly ids: IdFactory;
  readonly verifier: Verifier;
  readonly tokenPrefix: string;
  /** Waits for the rotation to reach every live instance before it is answered (src/service/propagation.ts). */
  readonly propagation: PropagationWaiter;
}

/** The input of {@link RotationService.rotate}. */
export interface RotateInput {
  /** 0..2,592,000: how long the replaced secret keeps working. */
  readonly graceSeconds: number;
  /** The Idempotency-Key header, if sent. */
  readonly idempotencyKey?: string;
}

/** A rotated token: its details, the new secret (shown this once, or again on a replay) and the old secret's end. */
export interface RotatedToken {
  readonly token: TokenDetails;
  readonly secret: string;
  /** When the replaced secret stops working, RFC 3339. */
  readonly previousValidUntil: string;
  /** True when this answer replays an earlier rotation with the same Idempotency-Key. */
  readonly replayed: boolean;
  /** How far the rotation had reached every live instance when answered (a replay: every change so far). */
  readonly propagation: Propagation;
}

export class RotationService {
  constructor(
    private readonly deps: RotationServiceDeps,
    private readonly tokens: TokenService,
  ) {}

  /**
   * Rotates a token's secret. Needs `tokens_full`, and the token within the actor's view (a token: its
   * own subtree within its domains, token-visibility.ts) and ceiling, checked before anything is
   * written, for a new rotation and for a replay alike (break-test F1: a replay hands out the secret).
   * Answers once every live instance has applied the rotation (or the bound passed), so that no
   * instance accepts a replaced secret past its grace after the answer (F5); a replay waits for every
   * change made so far (its rotation among them).
   *
   * @throws ServiceError validation_failed (`grace_seconds` not a whole number 0..2592000;
   *   `idempotency_key` of the wrong shape), not_found (no such token, deleted, another account's,
   *   outside the actor's view),
   *   ceiling_exceeded, idempotency_key_reused (409: the key was used for another token or grace,
   *   or its replay window has passed), scope_missing; current_secret_required (403: the actor is a
   *   token's previous secret, and this is not its own token's rotation retried with a stored replay's
   *   Idempotency-Key and grace within the window: whatever else it asks, B2-6).
   */
  async rotate(actor: ActorContext, id: string, input: RotateInput): Promise<RotatedToken> {
    const { catalogue, clock, store, verifier } = this.deps;
    requireLevel(catalogue, actor.principal, "tokens", "full");
    // A secret that a rotation replaced manages nothing: Latchkey.authenticate refuses it (current_secret_required),
    // but for a token's own rotation retried with its Idempotency-Key (B2-6): that gets the stored replay, or 403.
    const retryOnly = isPreviousSecret(actor);
    const refused = (error: ServiceError): ServiceError => (retryOnly ? new ServiceError("current_secret_required") : error);
    if (retryOnly && (actor.principal.kind !== "token" || actor.principal.record.id !== id || input.idempotencyKey === undefined)) throw new ServiceError("current_secret_required");
    const grace = input.graceSeconds;
    const errors: Record<string, string[]> = {};
    if (!Number.isInteger(grace) || grace < 0 || grace > MAX_GRACE_SECONDS) errors.grace_seconds = [`grace_seconds must be a whole number of seconds, 0..${MAX_GRACE_SECONDS} (30 days).`];
    const key = input.idempotencyKey;
    if (key !== undefined && !IDEMPOTENCY_KEY.test(key)) errors.idempotency_key = ["The Idempotency-Key must be 16 to 255 visible ASCII characters, e.g. a UUID."];
    if (Object.keys(errors).length > 0) throw refused(validationError(errors));
    const accountId = accountOf(actor.principal);
    const viewer = tokenViewerOf(actor.principal, catalogue);
    const keyHash = key === undefined ? null : createHash("sha256").update(`latchkey-rotation\0${accountId}\0${key}`).digest("hex");
    // Uses of the old secret noted in memory belong to it: write them before it becomes the previous one.
    await verifier.flushLastUsed();
    // Wipe sealed secrets past their window on their own, so that a refusal below cannot roll it back.
    const agedAtMillis = clock.nowMillis();
    await ageReplays(store, new Date(agedAtMillis).toISOString(), new Date(agedAtMillis - FORGET_KEY_SECONDS * 1000).toISOString());

    for (let attempt = 0; ; attempt++) {
      const nowMillis = clock.nowMillis();
      const now = new Date(nowMillis).toISOString();
      const graceEnds = new Date(nowMillis + grace * 1000).toISOString();
      const secret = generateSecret(this.deps.tokenPrefix, this.deps.random);
      let outcome: { kind: "rotated"; graceEnds: string; seq: number } | { kind: "replayed"; secret: string; graceEnds: string; seq: number } | { kind: "missing" };
      try {
        outcome = await store.transaction(async (tx) => {
          // One rotation of a token at a time (PostgreSQL): a concurrent one waits here, then reads what this one left.
          await lockTokenRow(tx, id);
          // The target first, on both branches: outside the actor's view it is not there (404), and nothing happens.
          const before = await findVisibleToken(tx, accountId, id, viewer);
          if (before === undefined) return { kind: "missing" as const };
          if (keyHash !== null && key !== undefined) {
            const replay = await findReplay(tx, keyHash);
            if (replay !== undefined) {
              if (replay.token_id !== id || replay.grace_seconds !== grace) throw refused(new ServiceError("idempotency_key_reused", { message: "This Idempotency-Key was used for another rotation (another token or grace). Use a new key for a new request." }));
              if (replay.sealed_secret === "" || replay.replay_until <= now) {
                throw refused(
                  new ServiceError("idempotency_key_reused", { message: `This rotation was done more than ${REPLAY_WINDOW_SECONDS} seconds ago and its secret is no longer kept. Rotate again with a new Idempotency-Key if the secret was lost.` }),
                );
              }
              const replayed = unseal(replay.sealed_secret, key, keyHash);
              // Read again: the rotation stored under this key may have committed after `before` was read.
              const current = await findVisibleToken(tx, accountId, id, viewer);
              if (current === undefined) return { kind: "missing" as const };
              // A replay hands out the secret again: only to an actor who could rotate the token now.
              const beyond = exceedsActor(catalogue, actor, current);
              if (beyond.length > 0) throw refused(new ServiceError("ceiling_exceeded", { message: `This token cannot manage a token with more rights than its own: ${beyond.join(", ")}.`, lacking: beyond }));
              if (current.secret_hash !== hashSecret(replayed)) throw refused(new ServiceError("idempotency_key_reused", { message: "This token was rotated again since this Idempotency-Key was used; its secret is no longer the current one." }));
              const graceEndsAt = new Date(Date.parse(replay.created_at) + replay.grace_seconds * 1000).toISOString();
              // A secret handed out again is audited like the first time (break test B2-10), never with the secret.
              await recordAuditEvent(tx, this.deps.ids, clock, actor, { action: "token.rotation_replay", targetType: "token", targetId: id, details: { name: current.name, grace_seconds: replay.grace_seconds, previous_valid_until: graceEndsAt } });
              return { kind: "replayed" as const, secret: replayed, graceEnds: graceEndsAt, seq: await currentChangeSeq(tx.query) };
            }
          }
          // No stored replay of this key: the previous secret may not start a rotation.
          if (retryOnly) throw new ServiceError("current_secret_required");
          const lacking = exceedsActor(catalogue, actor, before);
          if (lacking.length > 0) throw new ServiceError("ceiling_exceeded", { message: `This token cannot manage a token with more rights than its own: ${lacking.join(", ")}.`, lacking });
          // First, so that a concurrent rotation (which holds the row until it commits) is noticed here.
          if (!(await replaceCurrentSecret(tx, id, before.secret_hash, { secret_hash: hashSecret(secret), preview: previewOf(secret, this.deps.tokenPrefix), updated_at: now }))) throw new RotationRaced();
          await replacePreviousSecret(tx, { token_id: id, secret_hash: before.secret_hash, preview: before.preview, grace_ends_at: graceEnds, rotated_at: now, last_used_at: before.last_used_at });
          if (keyHash !== null && key !== undefined) {
            await insertReplay(tx, {
              key_hash: keyHash,
              account_id: accountId,
              token_id: id,
              grace_seconds: grace,
              sealed_secret: seal(secret, key, keyHash, this.deps.random),
              created_at: now,
              replay_until: new Date(nowMillis + REPLAY_WINDOW_SECONDS * 1000).toISOString(),
            });
          }
          await recordAuditEvent(tx, this.deps.ids, clock, actor, { action: "token.rotate", targetType: "token", targetId: id, details: { name: before.name, grace_seconds: grace, previous_valid_until: graceEnds } });
          const seq = await tx.notifyChange(`token:${id}`, accountId);
          return { kind: "rotated" as const, graceEnds, seq };
        });
      } catch (error) {
        // The same key sent twice at once: the other request's reply is stored; read it on the next turn.
        // A new secret's hash taken already (190 random bits): draw again.
        // Another rotation of this token committed after this one read it: start again from its result.
        if ((isUniqueViolation(error) || error instanceof RotationRaced) && attempt < 4) continue;
        throw error;
      }
      if (outcome.kind === "missing") throw new ServiceError("not_found", { message: "No such token." });
      verifier.invalidateToken(id);
      const propagation = await this.deps.propagation.awaitPropagation(outcome.seq);
      const token = await this.tokens.show(actor, id);
      if (outcome.kind === "replayed") return { token, secret: outcome.secret, previousValidUntil: outcome.graceEnds, replayed: true, propagation };
      return { token, secret, previousValidUntil: outcome.graceEnds, replayed: false, propagation };
    }
  }

  /**
   * Which token of the actor's account a secret belongs to ("which token is this?", for an operator
   * who found a secret in a log). Needs `tokens_full`; answers only tokens within the actor's reach
   * (its view, token-visibility.ts: a token's own subtree within its domains, break-test F2; and its
   * ceiling: scopes, domains, expiry), and the same not_found for a secret of a token beyond it,
   * of another account, deleted, never issued or malformed. Audited as `token.lookup`.
   *
   * @param secret the secret as found (never logged, never stored).
   * @returns the token's id and name, and which of its secrets this is.
   * @throws ServiceError scope_missing, not_found.
   */
  async lookup(actor: ActorContext, secret: string): Promise<{ id: string; name: string; secret: "current" | "previous" }> {
    const { catalogue, clock, store } = this.deps;
    requireLevel(catalogue, actor.principal, "tokens", "full");
    const accountId = accountOf(actor.principal);
    const notFound = new ServiceError("not_found", { message: "No token you may manage has this secret." });
    if (!this.deps.verifier.isWellFormed(secret)) throw notFound;
    const found = await findTokenIdByAnyHash(store, accountId, hashSecret(secret));
    if (found === undefined) throw notFound;
    const row = await findVisibleToken(store, accountId, found.id, tokenViewerOf(actor.principal, this.deps.catalogue));
    if (row === undefined || exceedsActor(catalogue, actor, row).length > 0) throw notFound;
    await store.transaction(async (tx) => {
      await recordAuditEvent(tx, this.deps.ids, clock, actor, { action: "token.lookup", targetType: "token", targetId: row.id, details: { name: row.name, secret: found.secret } });
    });
    return { id: row.id, name: row.name, secret: found.secret };
  }
}

/** Whether the actor is a token authenticated with its previous secret (only its own rotation's replay is open to it). */
function isPreviousSecret(actor: ActorContext): boolean {
  return actor.principal.kind === "token" && actor.principal.record.secret === "previous";
}

/** Raised inside the transaction when another rotation changed the token's secret since it was read. */
class RotationRaced extends Error {
  override name = "RotationRaced";
}

function isUniqueViolation(error: unknown): boolean {
  if (error instanceof UniqueViolation) return true;
  const e = error as { code?: string };
  return e.code === "23505" || e.code === "SQLITE_CONSTRAINT_UNIQUE" || e.code === "SQLITE_CONSTRAINT_PRIMARYKEY";
}

/** The AES-256-GCM key of a replay: HKDF-SHA256 of the Idempotency-Key, salted with its stored hash. */
function replayKey(idempotencyKey: string, keyHash: string): Buffer {
  return Buffer.from(hkdfSync("sha256", idempotencyKey, keyHash, "latchkey rotation replay v1", 32));
}

/** `v1.<iv>.<ciphertext>.<tag>`, base64url. */
function seal(secret: string, idempotencyKey: string, keyHash: string, random: RandomSource): string {
  const iv = Buffer.from(random.bytes(12));
  const cipher = createCipheriv("aes-256-gcm", replayKey(idempotencyKey, keyHash), iv);
  const sealed = Buffer.concat([cipher.update(secret, "utf8"), cipher.final()]);
  return ["v1", iv.toString("base64url"), sealed.toString("base64url"), cipher.getAuthTag().toString("base64url")].join(".");
}

function unseal(sealed: string, idempotencyKey: string, keyHash: string): string {
  const [version, iv, body, tag] = sealed.split(".");
  if (version !== "v1" || iv === undefined || body === undefined || tag === undefined) throw new Error("unreadable rotation replay");
  const decipher = createDecipheriv("aes-256-gcm", replayKey(idempotencyKey, keyHash), Buffer.from(iv, "base64url"));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString("utf8");
}
