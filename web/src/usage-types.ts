/** Shapes of the usage API (GET /v1/usage, GET /v1/token/{id}/usage, /v1/token/{id}/limits; issue 14). */

/** Counts per outcome code: `ok`, `scope_missing`, `rate_limited`, ... */
export type Counts = Record<string, number>;

export interface UsageReport {
  from: string;
  to: string;
  granularity: "hour" | "day";
  series: { start: string; counts: Counts }[];
  totals: Counts;
  areas: Record<string, Counts>;
  tokens: { token_id: string; name: string | null; total: number; refused: number }[];
}

export interface TokenUsageReport extends UsageReport {
  last_use: { used_at: string; ip: string | null; area: string; method: string } | null;
}

export interface RateWindow {
  name: string;
  limit: number;
  window_seconds: number;
}

export interface TokenLimits {
  rate_limits: RateWindow[];
  credits: { remaining: number; refill: { amount: number; interval: "daily" | "monthly" } | null } | null;
}
