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
  /** Owners and Admins must sign in with two-factor (absent from a server without the policy). */
  two_factor_required_for_admins?: boolean;
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
  user: {
    id: string;
    email: string;
    role: string;
    account_id: string;
    /** The role's scope strings (e.g. `users_read`): the ceiling of what this person may do (docs/teams.md). */
    permissions?: string[];
    /** Domain ids the role is limited to; null: all domains. */
    domains?: string[] | null;
  };
  csrf_token: string;
  expires_at: string;
  /** Two-factor sign-in: on or not, and whether the account policy requires it of this person (then every page but Security is refused until it is on). */
  two_factor?: { enabled: boolean; required: boolean };
}

/** GET /v1/me/two-factor. */
export interface TwoFactorStatus {
  enabled: boolean;
  /** Set-up begun and not yet confirmed with a code. */
  pending: boolean;
  recovery_codes_left: number;
  /** The account policy requires it of you. */
  required: boolean;
}

/** POST /v1/me/two-factor: shown this once. */
export interface TwoFactorEnrolment {
  /** Base32, for typing into the authenticator app. */
  secret: string;
  otpauth_url: string;
  /** `data:image/png;base64,...` of the otpauth URL. */
  qr_code: string;
}

/** POST /v1/session when the user has two-factor on (202). */
export interface TwoFactorChallenge {
  two_factor_required: true;
  challenge: string;
  expires_at: string;
}

/** A role name, as MailerSend's SDK spells it (src/core/roles.ts). */
export type RoleName = "Admin" | "Manager" | "Designer" | "Accountant" | "Custom User";

/** A person of the account (GET /v1/users; docs/teams.md). */
export interface TeamUser {
  id: string;
  email: string;
  role: RoleName;
  /** The role's scope strings. */
  permissions: string[];
  /** The domains the role is limited to; empty with `all_domains`. */
  domains: (DomainRef & { created_at: string })[];
  all_domains: boolean;
  /** Whether two-factor sign-in is on (MailerSend's field). */
  "2fa": boolean;
  created_at: string;
  updated_at: string;
}

/** A pending invitation (GET /v1/invites), never with its code. */
export interface Invite {
  id: string;
  email: string;
  data: { role: RoleName; permissions: string[]; domains: string[] };
  invited_by: string;
  created_at: string;
  updated_at: string;
  /** The link works until then. */
  expires_at: string;
}

/** The answer of an invite or a resend: the link with its single-use code, shown this once. */
export interface IssuedInvite extends Invite {
  /** Absolute, or a path such as `/invite#code=...` when the server has no public URL. */
  invite_url: string;
  /** Whether it was e-mailed to the invitee. */
  mailed: boolean;
}

/** POST /v1/invites/preview. */
export interface InvitePreview {
  email: string;
  role: RoleName;
  expires_at: string;
}
