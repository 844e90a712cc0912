/**
 * Mass containment (issue 10): pause a token and its whole subtree in one transaction, and the
 * matching resume; and a token's family (who made it, how many it made). The seed promises that a
 * pause stops "all of the applications or users" at once; lineage already refuses a paused token's
 * descendants (token-lineage.ts), and a cascade also marks each of them paused, so they stay stopped
 * when the top one is resumed alone, until a cascading resume.
 *
 * Same rights as a single pause: `tokens_full`, the target within the actor's view (a token: its own
 * subtree and domains; else 404) and within its ceiling. One audit event per token whose state
 * changed (`token.pause` / `token.unpause`, with `cascade_from`), one change notice for the top
 * token: every cached descendant is indexed under it (verifier.ts), here and on other instances.
 * A create racing the cascade under the subtree either commits first and is found (the subtree is
 * re-read until stable under lock) or waits and is refused (TokenService.create; F10).
 */
import { recordAuditEvent } from "./audit-log.js";
import { accountOf, requireLevel, type ActorContext } from "./principal.js";
import type { Propagation } from "./propagation.js";
import { ServiceError } from "./service-error.js";
import { exceedsActor, type TokenServiceDeps } from "./token-service.js";
import { detailsOfRow, type TokenDetails } from "./token-view.js";
import { tokenViewerOf } from "./token-visibility.js";
import { findVisibleToken, listVisibleTokens } from "../store/keyset-list-store.js";
import type { Store } from "../store/store.js";
import { countDescendants, lockSubtreeUntilStable, setPausedMany } from "../store/token-lineage-store.js";

/** The answer of a cascade: the top token as it is now, and how many tokens changed state. */
export interface CascadeResult {
  readonly token: TokenDetails;
  /** Tokens of the subtree (the top one included) whose state the cascade changed. */
  readonly changed: number;
  /** How far the change had reached when it was answered (issue 11; immediate when nothing changed). */
  readonly propagation: Propagation;
}

/** Who made a token and how many it made, as the actor may see it. */
export interface TokenFamily {
  /** `token`, `user:<id>` or `cli`; `token:<id>` only when the actor may see that token. */
  readonly createdBy: string;
  /** The parent token's id when the actor may see it, else null (also for a root). */
  readonly parentId: string | null;
  /** Tokens it made directly. */
  readonly children: number;
  /** Tokens below it in all. */
  readonly descendants: number;
}

export class TokenCascade {
  constructor(private readonly deps: TokenServiceDeps) {}

  /**
   * Pauses a token and every token below it, in one transaction.
   *
   * @throws ServiceError scope_missing, not_found (unknown, or outside the actor's view),
   *   ceiling_exceeded.
   */
  pause(actor: ActorContext, id: string): Promise<CascadeResult> {
    return this.cascade(actor, id, 1);
  }

  /**
   * Resumes a token and every token below it, in one transaction (those paused on their own before
   * included). A paused token cannot resume itself: it is refused before it gets here.
   *
   * @throws ServiceError as {@link TokenCascade.pause}.
   */
  resume(actor: ActorContext, id: string): Promise<CascadeResult> {
    return this.cascade(actor, id, 0);
  }

  /**
   * A token's family. Needs `tokens_full`.
   *
   * @throws ServiceError scope_missing, not_found.
   */
  async family(actor: ActorContext, id: string): Promise<TokenFamily> {
    const { catalogue, store } = this.deps;
    requireLevel(catalogue, actor.principal, "tokens", "full");
    const accountId = accountOf(actor.principal);
    const viewer = tokenViewerOf(actor.principal, this.deps.catalogue);
    const row = await findVisibleToken(store, accountId, id, viewer);
    if (row === undefined) throw notFound();
    const parentId = row.parent_id ?? null;
    const parentVisible = parentId !== null && (await findVisibleToken(store, accountId, parentId, viewer)) !== undefined;
    const { children, descendants } = await countDescendants(store, accountId, id);
    const createdBy = row.created_by.startsWith("token:") && !parentVisible ? "token" : row.created_by;
    return { createdBy, parentId: parentVisible ? parentId : null, children, descendants };
  }

  /**
   * Of a subtree's ids, those a token may manage: within its view and its ceiling. Tokens made under
   * the ceiling always are; a row from before it that holds more is left as it is (while the top token
   * is paused, lineage refuses it anyway).
   */
  private async manageable(tx: Store, actor: ActorContext, accountId: string, ids: readonly string[]): Promise<string[]> {
    const viewer = tokenViewerOf(actor.principal, this.deps.catalogue);
    const kept: string[] = [];
    for (let at = 0; at < ids.length; at += 500) {
      const rows = await listVisibleTokens(tx, accountId, ids.slice(at, at + 500), viewer);
      for (const row of rows) if (exceedsActor(this.deps.catalogue, actor, row).length === 0) kept.push(row.id);
    }
    return kept;
  }

  private async cascade(actor: ActorContext, id: string, paused: 0 | 1): Promise<CascadeResult> {
    const { catalogue, clock, store, ids } = this.deps;
    requireLevel(catalogue, actor.principal, "tokens", "full");
    const accountId = accountOf(actor.principal);
    const found = await store.transaction(async (tx) => {
      const top = await findVisibleToken(tx, accountId, id, tokenViewerOf(actor.principal, this.deps.catalogue));
      if (top === undefined) return null;
      const lacking = exceedsActor(catalogue, actor, top);
      if (lacking.length > 0) throw new ServiceError("ceiling_exceeded", { message: `This token cannot manage a token with more rights than its own: ${lacking.join(", ")}.`, lacking });
      // Locked until stable, so that no token is made below it unpaused meanwhile (F10).
      let subtree = await lockSubtreeUntilStable(tx, accountId, id);
      if (actor.principal.kind !== "operator") subtree = await this.manageable(tx, actor, accountId, subtree);
      const changed = await setPausedMany(tx, accountId, subtree, paused, new Date(clock.nowMillis()).toISOString());
      for (const token of changed) {
        await recordAuditEvent(tx, ids, clock, actor, { action: paused === 1 ? "token.pause" : "token.unpause", targetType: "token", targetId: token.id, details: { name: token.name, cascade_from: id } });
      }
      const seq = changed.length > 0 ? await tx.notifyChange(`token:${id}`) : null;
      return { changed: changed.length, seq };
    });
    if (found === null) throw notFound();
    this.deps.verifier.invalidateToken(id);
    // Answered once every live instance refuses (or again allows) the subtree: acknowledged revocation.
    const propagation = await this.deps.propagation.awaitPropagation(found.seq ?? 0);
    const row = await store.findToken(accountId, id);
    if (row === undefined) throw notFound();
    return { token: detailsOfRow(catalogue, row), changed: found.changed, propagation };
  }
}

function notFound(): ServiceError {
  return new ServiceError("not_found", { message: "No such token." });
}
