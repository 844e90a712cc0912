/**
 * Time, injected so that core and service code is deterministic in tests (after oslo's and Lucia's
 * practice). Nothing in core or service calls `Date.now()` directly.
 */

/** A source of the current instant. */
export interface Clock {
  /** The current instant, in milliseconds since the Unix epoch (UTC). */
  nowMillis(): number;
}

/** The system clock. */
export const systemClock: Clock = { nowMillis: () => Date.now() };

/** A clock for tests that stands still until moved. */
export interface ManualClock extends Clock {
  /** Moves time forward (or back, with a negative value) by `millis`. */
  advance(millis: number): void;
  /** Sets the current instant. */
  set(epochMillis: number): void;
}

/** Makes a {@link ManualClock} starting at `startMillis` (epoch milliseconds). */
export function manualClock(startMillis: number): ManualClock {
  let now = startMillis;
  return {
    nowMillis: () => now,
    advance: (millis) => {
      now += millis;
    },
    set: (epochMillis) => {
      now = epochMillis;
    },
  };
}
