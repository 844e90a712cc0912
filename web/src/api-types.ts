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
}

export interface CreatedToken extends Token {
  accessToken: string;
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
