/** The JSON shapes of latchkey's /v1 API that the dashboard reads (DESIGN.md, "HTTP API"). */

export type Level = "none" | "read" | "full";

export interface DomainRef {
  id: string;
  name: string;
}

export interface Token {
  id: string;
  name: string;
  status: "unpause" | "pause";
  scopes: string[];
  has_full: boolean;
  domains: "all" | DomainRef[];
  domain: DomainRef | null;
  preview: string;
  expires_at: string | null;
  created_at: string;
  updated_at: string;
  last_used_at: string | null;
  not_before: string | null;
  allowed_ips: string[] | null;
  previous_secret: { preview: string; valid_until: string; last_used_at: string | null } | null;
}

export interface CreatedToken extends Token {
  accessToken: string;
}

export interface RotatedToken extends CreatedToken {
  previous_valid_until: string;
}

/** GET/PUT /v1/account/policy. */
export interface AccountPolicy {
  max_lifetime_days: number | null;
  expiry_required: boolean;
  allowed_ips_required: boolean;
  updated_at: string | null;
  out_of_policy: { id: string; name: string; rules: string[] }[];
  out_of_policy_total: number;
}

export interface Domain {
  id: string;
  name: string;
  created_at: string;
}

export interface Area {
  area: string;
  label: string;
  description: string;
  levels: Level[];
  scopes: string[];
}

export interface AuditEvent {
  id: string;
  action: string;
  actor: { type: string; id: string | null };
  target: { type: string; id: string };
  ip: string | null;
  details: Record<string, unknown>;
  created_at: string;
}

export interface PageMeta {
  current_page: number;
  from: number | null;
  last_page: number;
  per_page: number;
  to: number | null;
  total: number;
}

export interface Page<T> {
  data: T[];
  meta: PageMeta;
}

export interface Session {
  user: { id: string; email: string; role: string; account_id: string };
  csrf_token: string;
  expires_at: string;
}
