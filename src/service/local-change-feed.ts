/**
 * The change stream's source on SQLite (one process serves): every change this process commits is
 * published before its write returns (Store.onCommittedChange); a heartbeat every 250 ms vouches for
 * half a second; a change another process committed (the CLI on the same file) moves the change
 * sequence without passing through here, and is published as a `reset` at the next heartbeat, so
 * stream subscribers see it within 250 ms (the server's own verifications see it at once, through
 * SQLite's change counter).
 */
import { currentChangeSeq } from "../store/change-sequence.js";
import type { Store } from "../store/store.js";
import type { ChangeStream } from "./change-stream.js";

/** Heartbeat interval of the local feed, milliseconds. */
const HEARTBEAT_MS = 250;

/**
 * Starts feeding `stream` from this process's commits and heartbeats.
 *
 * @returns a function that stops it.
 */
export function startLocalChangeFeed(store: Store, stream: ChangeStream, onError: (error: unknown) => void = () => undefined): () => void {
  const unsubscribe = store.onCommittedChange((change) => stream.publishChange(change));
  let checking = false;
  const timer = setInterval(() => {
    if (checking || stream.size === 0) return;
    checking = true;
    currentChangeSeq(store.kysely)
      .then((seq) => {
        if (seq > stream.seq) stream.publishReset(seq);
        stream.publishHeartbeat(performance.now() + 2 * HEARTBEAT_MS);
      })
      .catch(onError)
      .finally(() => {
        checking = false;
      });
  }, HEARTBEAT_MS);
  timer.unref();
  return () => {
    clearInterval(timer);
    unsubscribe();
  };
}
