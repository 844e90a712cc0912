/**
 * Shares one in-flight read between concurrent callers asking for the same thing (issue 14): 50
 * verifications of a token that is not cached yet make one database read, not 50. Each key maps to
 * the promise of the read under way; the entry is removed when that promise settles (fulfilled or
 * rejected), so a later caller reads afresh and a failed read is never handed out again.
 *
 * The key must name everything the answer depends on: the verifier keys by cache generation and
 * secret hash, so a read begun before an invalidation is never shared with a caller after it.
 */
export class SharedReads<T> {
  private readonly inFlight = new Map<string, Promise<T>>();

  /**
   * The read under way for `key`, or a new one started by `read`.
   *
   * @param key what is read (callers with equal keys get the same promise).
   * @param read starts the read; called only when none is under way for `key`.
   * @returns the shared promise; it rejects as the read does, for every caller sharing it.
   */
  get(key: string, read: () => Promise<T>): Promise<T> {
    const pending = this.inFlight.get(key);
    if (pending !== undefined) return pending;
    const started = read();
    this.inFlight.set(key, started);
    const clear = (): void => {
      if (this.inFlight.get(key) === started) this.inFlight.delete(key);
    };
    started.then(clear, clear);
    return started;
  }

  /** Reads under way (for tests and metrics). */
  get size(): number {
    return this.inFlight.size;
  }
}
