/** The webhook shapes the dashboard reads, and the events in the words a person reads them. */

/** An endpoint as GET /v1/webhooks answers it. */
export interface Webhook {
  id: string;
  name: string;
  url: string;
  events: string[];
  enabled: boolean;
  disabled_reason: "failing" | null;
  failing_since: string | null;
  created_at: string;
  updated_at: string;
}

/** One delivery of an endpoint's log. */
export interface Delivery {
  id: string;
  event_id: string;
  event_type: string;
  status: "pending" | "succeeded" | "failed";
  attempts: number;
  next_attempt_at: string | null;
  last_attempt_at: string | null;
  response_status: number | null;
  duration_ms: number | null;
  response: string | null;
  created_at: string;
}

/** The events, in the words a person reads them. */
export const EVENTS: { type: string; label: string }[] = [
  { type: "token.created", label: "Token created" },
  { type: "token.renamed", label: "Token renamed" },
  { type: "token.paused", label: "Token paused" },
  { type: "token.resumed", label: "Token resumed" },
  { type: "token.rotated", label: "Token rotated" },
  { type: "token.deleted", label: "Token deleted" },
  { type: "token.expiring", label: "Token about to expire" },
  { type: "token.expired", label: "Token expired" },
  { type: "token.leaked", label: "Token found in public (paused)" },
  { type: "token.rate_limited", label: "Token over a rate limit" },
  { type: "canary.used", label: "Canary token used" },
];
