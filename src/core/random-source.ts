/**
 * Randomness, injected so that core code is deterministic in tests (after oslo's `RandomReader`).
 */
import { randomBytes } from "node:crypto";

/** A source of random bytes. */
export interface RandomSource {
  /** Returns `length` random bytes. */
  bytes(length: number): Uint8Array;
}

/** Cryptographically strong randomness from the operating system (node:crypto). */
export const cryptoRandom: RandomSource = {
  bytes: (length) => randomBytes(length),
};

/**
 * A deterministic source for tests: xorshift32 from a 32-bit seed. Never for secrets in production.
 *
 * @param seed any 32-bit integer except 0.
 */
export function seededRandom(seed: number): RandomSource {
  let state = seed >>> 0 || 1;
  return {
    bytes(length) {
      const out = new Uint8Array(length);
      for (let i = 0; i < length; i++) {
        state ^= state << 13;
        state >>>= 0;
        state ^= state >>> 17;
        state ^= state << 5;
        state >>>= 0;
        out[i] = state & 0xff;
      }
      return out;
    },
  };
}
