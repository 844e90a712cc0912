/**
 * GET /v1/changes: the change stream (server-sent events, src/service/change-stream.ts) for caches
 * outside latchkey: the remote middleware, or any client that caches decisions.
 *
 * Who may subscribe: the shared verify key (`X-Latchkey-Verify-Key`, when LATCHKEY_VERIFY_KEY is set)
 * hears every account, as it may verify every account's tokens; an API token with `tokens_full` hears
 * only the tokens in its reach (its subtree, of it the tokens it may see; a change of a hidden one of
 * its subtree or of its own ancestors comes as a `reset`: src/service/change-reach.ts, finding F4),
 * for as long as it stays valid (paused, deleted or expired, its stream ends). Anything else is refused as the other
 * authenticated routes refuse it (401, 403 `scope_missing`), and a wrong verify key counts as a
 * failed guess (429 past the limit).
 *
 * Stream: `event: ready` first (`{seq, account_id, token_id}`, account_id null for every account,
 * token_id the subscribing token's or null), then
 * `change`, `heartbeat` and `reset` events as the hub describes. A subscriber caches nothing until
 * the first heartbeat, and nothing past a heartbeat's `trust_ms`; on a reset or a reconnection it
 * drops everything. Nothing is replayed (no event ids): a reconnecting subscriber starts empty.
 */
import { createHash } from "node:crypto";
import type { ServerResponse } from "node:http";
import type { ChangeEvent } from "../../service/change-stream.js";
import { changeStreamAccount } from "../../service/change-stream.js";
import { ChangeReach } from "../../service/change-reach.js";
import type { Principal } from "../../service/principal.js";
import { tokenViewerOf } from "../../service/token-visibility.js";
import type { Latchkey } from "../../service/latchkey.js";
import { ServiceError } from "../../service/service-error.js";
import type { App } from "../app-instance.js";
import { actorFor, CHANGES_SECURITY, refuseGuess } from "../request-actor.js";
import { readBearerToken } from "../bearer-token.js";
import { hasVerifyKey } from "./verify.js";

/** Unsent bytes a subscriber may fall behind by before its stream is closed. */
const MAX_BUFFERED_BYTES = 256 * 1024;

/** One event as server-sent-events text. */
export function eventText(event: ChangeEvent): string {
  switch (event.kind) {
    case "change":
      return `event: change\ndata: ${JSON.stringify({ seq: event.seq, account_id: event.accountId, token_ids: event.tokenIds, domains: event.domains })}\n\n`;
    case "heartbeat":
      return `event: heartbeat\ndata: {"seq":${event.seq},"trust_ms":${event.trustMs}}\n\n`;
    case "reset":
      return `event: reset\ndata: {"seq":${event.seq}}\n\n`;
  }
}

export function registerChangeStream(app: App, latchkey: Latchkey, verifyKey: string | null): void {
  const expectedDigest = verifyKey === null ? null : createHash("sha256").update(verifyKey).digest();
  const open = new Set<ServerResponse>();
  // Fastify's close waits for open connections; a stream never ends by itself.
  app.addHook("preClose", async () => {
    for (const response of open) response.end();
  });
  app.get(
    "/v1/changes",
    {
      schema: {
        operationId: "streamChanges",
        security: CHANGES_SECURITY,
        summary: "Stream changes (server-sent events) for caches outside latchkey",
        description:
          "Authenticate with `X-Latchkey-Verify-Key` (every account; only when LATCHKEY_VERIFY_KEY is set) or a Bearer token with tokens_full (the tokens in its reach: its subtree, of it the tokens it may see; a change of another token of its subtree or of its ancestors comes as a `reset`). Events: `ready` `{seq, account_id, token_id}`, `change` `{seq, account_id, token_ids, domains}`, `heartbeat` `{seq, trust_ms}`, `reset` `{seq}`. Cache only within a heartbeat's trust_ms; drop everything on reset or reconnection.",
        tags: ["changes"],
        response: {
          200: { description: "text/event-stream", content: { "text/event-stream": { schema: { type: "string" } } } },
          401: { $ref: "Error#" },
          403: { $ref: "Error#" },
          429: { $ref: "Error#" },
        },
      },
    },
    async (request, reply) => {
      let accountId: string | null;
      let secret: string | null = null;
      let reach: ChangeReach | null = null;
      let viewerKey = "";
      /** The subscribing token, whose reach the stream is limited to (null: the verify key's stream). */
      let streamTokenId: string | null = null;
      if (expectedDigest !== null && request.headers["x-latchkey-verify-key"] !== undefined) {
        if (!hasVerifyKey(request, expectedDigest)) await refuseGuess(request, new ServiceError("verify_key_invalid"));
        accountId = null;
      } else {
        // API tokens only (no session resolvers): a stream outlives a request, and a token's standing is re-checked below.
        const { principal } = await actorFor(latchkey, request, []);
        accountId = changeStreamAccount(latchkey.catalogue, principal);
        const presented = readBearerToken(request.headers.authorization);
        secret = presented.kind === "bearer" ? presented.token : null;
        // A token hears only the tokens in its reach (break-test finding F4; src/service/change-reach.ts).
        const viewer = tokenViewerOf(principal, latchkey.catalogue);
        if (viewer !== null && viewer.tokenId !== null && principal.kind === "token") {
          reach = await ChangeReach.open(latchkey.store, accountId, viewer, principal.record.ancestorIds);
          viewerKey = viewerKeyOf(principal);
          streamTokenId = viewer.tokenId;
        }
      }
      reply.hijack();
      const response = reply.raw;
      response.writeHead(200, {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-store",
        "x-content-type-options": "nosniff",
        "x-accel-buffering": "no",
      });
      response.write(`event: ready\ndata: ${JSON.stringify({ seq: latchkey.changes.seq, account_id: accountId, token_id: streamTokenId })}\n\n`);
      open.add(response);
      // A token paused, deleted or expired (or whose rights shrank) while subscribed ends its stream:
      // it is authenticated again on each event (a cache hit but right after a change), one at a time.
      let checking = false;
      let refused = false;
      const recheck = (): void => {
        if (secret === null || checking) return;
        checking = true;
        latchkey
          .authenticate(secret)
          .then((principal) => {
            changeStreamAccount(latchkey.catalogue, principal);
            // Its domains changed: what it may see changed too; it reconnects and starts afresh.
            if (reach !== null && viewerKeyOf(principal) !== viewerKey) throw new ServiceError("scope_missing");
          })
          .catch(() => {
            refused = true;
            response.destroy();
          })
          .finally(() => {
            checking = false;
          });
      };
      const unsubscribe = latchkey.changes.subscribe({
        accountId,
        send: (event) => {
          if (refused) return;
          // A subscriber that stops reading is cut off rather than buffered without end; it reconnects
          // and starts empty, which is always safe.
          const write = (allowed: ChangeEvent): void => {
            if (refused || response.destroyed) return;
            if (response.writableLength > MAX_BUFFERED_BYTES) response.destroy();
            else response.write(eventText(allowed));
          };
          if (reach === null) write(event);
          else reach.filter(event, write);
          recheck();
        },
      });
      response.on("close", () => {
        unsubscribe();
        open.delete(response);
      });
    },
  );
}

/** A token principal's view (its id and domains), as text to compare; "" for anything else. */
function viewerKeyOf(principal: Principal): string {
  const viewer = tokenViewerOf(principal);
  return viewer === null ? "" : `${viewer.tokenId} ${viewer.domainIds === null ? "all" : [...viewer.domainIds].sort().join(",")}`;
}
