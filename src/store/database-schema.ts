/**
 * Row types of the database, as Kysely sees them. Shared by SQLite and PostgreSQL: instants are
 * RFC 3339 UTC text with milliseconds (`2026-11-30T08:43:27.000Z`, which sorts as it reads), booleans
 * are integers 0/1, JSON columns are text. One representation for both stores keeps their behaviour
 * identical; the migrations (src/store/migrations) are the source of truth for the columns.
 */
import type { Generated } from "kysely";

export interface AccountsTable {
  id: string;
  name: string;
  created_at: string;
}

export interface DomainsTable {
  id: string;
  account_id: string;
  name: string;
  created_at: string;
}

export interface TokensTable {
  id: string;
  account_id: string;
  name: string;
  /** SHA-256 hex of the secret; unique. */
  secret_hash: string;
  preview: string;
  /** Secret format version (token-secret.ts). */
  format_version: number;
  /** Record layout version, for upgrades that reinterpret stored rows. */
  record_version: number;
  has_full: number;
  /** JSON array of scope strings, one per area at the level granted; `[]` with Full access. */
  scopes: string;
  all_domains: number;
  expires_at: string | null;
  paused: number;
  /** Who created it: `token:<id>`, `user:<id>` or `cli`. */
  created_by: string;
  created_at: string;
  updated_at: string;
  last_used_at: string | null;
  /** The token that created it (lineage, issue 10; migration 0003), or null (absent: null) for a root. */
  parent_id?: string | null;
  /** Start instant (issue 13), or null. Set at creation, immutable. Optional on insert (rows of 0.1.0's shape). */
  not_before?: string | null;
  /** JSON array of canonical CIDR strings (issue 13), or null for any address. Immutable. Optional on insert. */
  allowed_ips?: string | null;
  /** 1: a canary token, which grants nothing and reports every use (migration 0006). */
  canary?: number;
}

export interface TokenDomainsTable {
  token_id: string;
  domain_id: string;
}

export interface AuditEventsTable {
  id: string;
  account_id: string;
  /** `token`, `user` or `cli`. */
  actor_type: string;
  actor_id: string | null;
  /** e.g. `token.create`, `token.pause`, `domain.delete`. */
  action: string;
  target_type: string;
  target_id: string;
  ip: string | null;
  /** JSON object of non-secret details (names before and after, and the like). */
  details: string;
  /** For an event about a token: `/<root id>/.../<its id>/` (migration 0003); null otherwise or before. */
  target_lineage?: string | null;
  created_at: string;
}

export interface UsersTable {
  id: string;
  account_id: string;
  email: string;
  password_hash: string;
  role: string;
  created_at: string;
  failed_attempts: Generated<number>;
  locked_until: string | null;
  /** Custom User: JSON array of the role's scope strings (migration 0009); null for the other roles. */
  permissions?: string | null;
  /** JSON array of the domain ids the role is limited to (migration 0009); null for all domains. */
  domains?: string | null;
  /** Last change of role (migration 0009); null when never changed. */
  updated_at?: string | null;
}

/** A pending invitation (migration 0009); only the SHA-256 hex of its code is kept. */
export interface InvitesTable {
  id: string;
  account_id: string;
  /** Lower-cased e-mail address; unique among pending invitations. */
  email: string;
  role: string;
  permissions: string | null;
  domains: string | null;
  code_hash: string;
  /** Who invited: `token:<id>`, `user:<id>` or `cli`. */
  invited_by: string;
  created_at: string;
  updated_at: string;
  /** Seven days after the code in force was made. */
  expires_at: string;
}

export interface SessionsTable {
  /** SHA-256 hex of the session secret. */
  id_hash: string;
  user_id: string;
  csrf_token: string;
  created_at: string;
  expires_at: string;
}

/** The one row (id 1) of the change sequence (migration 0004). */
export interface ChangeSequenceTable {
  id: number;
  /** Last change number handed out; bigint (pg returns it as a string). */
  seq: number | string;
}

/** A running PostgreSQL instance (migration 0004; src/store/instance-store.ts). */
export interface InstancesTable {
  id: string;
  /** Host and process, for people reading a propagation answer. */
  name: string;
  started_at: string;
  /** Database clock at the last heartbeat, epoch milliseconds. */
  heartbeat_ms: number | string;
  /** Last change sequence number this instance has applied. */
  applied_seq: number | string;
  /** 1 while the instance reads the database on every verification. */
  bypassing: number;
}

/** The secret a rotation replaced, kept until its grace ends (issue 13); at most one per token. */
export interface TokenPreviousSecretsTable {
  token_id: string;
  /** SHA-256 hex of the replaced secret; unique. */
  secret_hash: string;
  preview: string;
  /** From this instant the secret is refused with token_rotated. */
  grace_ends_at: string;
  rotated_at: string;
  /** Last use of this secret (its uses before the rotation included). */
  last_used_at: string | null;
}

/** The reply of an idempotent rotation, sealed, for a retry within the replay window (issue 13). */
export interface TokenRotationReplaysTable {
  /** SHA-256 hex of (account, token, Idempotency-Key). */
  key_hash: string;
  account_id: string;
  token_id: string;
  grace_seconds: number;
  /** AES-256-GCM of the new secret under a key derived from the Idempotency-Key (never stored). */
  sealed_secret: string;
  created_at: string;
  replay_until: string;
}

/** An account's token policy (issue 13); no row: no policy. */
export interface AccountPoliciesTable {
  account_id: string;
  max_lifetime_days: number | null;
  expiry_required: number;
  allowed_ips_required: number;
  updated_at: string;
  /** 1: Admins and owners must sign in with two-factor (migration 0010). */
  two_factor_required_for_admins?: number;
}

/** A token's limits (issue 14; src/store/usage-store.ts). */
export interface TokenLimitsTable {
  token_id: string;
  account_id: string;
  /** JSON `{rate_limits, credits}` in the API's wire shape (src/core/rate-limits.ts). */
  limits: string;
  /** Credits left as last written (counted in memory or Redis between batches); null without credits. */
  credits_remaining: number | string | null;
  /** Refill period of `credits_remaining` (core `refillPeriod`); null without refill. */
  credits_period: number | null;
  /** Bumped on every change of the limits, so instances start their counters afresh. */
  version: number;
  updated_at: string;
}

/** Verifications of a token per UTC hour, area and outcome code, written in batches. */
export interface TokenUsageTable {
  token_id: string;
  account_id: string;
  /** Start of the UTC hour, RFC 3339 (`2026-12-06T01:00:00.000Z`). */
  hour: string;
  area: string;
  code: string;
  count: number | string;
}

/** The last verification of each token. */
export interface TokenLastUseTable {
  token_id: string;
  account_id: string;
  used_at: string;
  ip: string | null;
  area: string;
  method: string;
}

/** A webhook endpoint of an account (migration 0006; docs/webhooks.md). */
export interface WebhooksTable {
  id: string;
  account_id: string;
  name: string;
  url: string;
  /** JSON array of event types. */
  events: string;
  enabled: number;
  /** The Standard Webhooks signing secret, `whsec_<base64>`; read only by the delivery worker. */
  signing_secret: string;
  /** When the current run of failed deliveries began, or null. */
  failing_since: string | null;
  /** Why latchkey disabled it (`failing`), or null. */
  disabled_reason: string | null;
  created_at: string;
  updated_at: string;
  /**
   * Made by an API token: its lineage, `/<root id>/.../<its id>/` (migration 0013, finding F7); null:
   * made by a person or the operator. Absent in rows read before migration 0013 ran.
   */
  maker_lineage?: string | null;
}

/** One lifecycle event, written in the transaction of its change. */
export interface WebhookEventsTable {
  /** `msg_<ulid>`: also the `webhook-id` header. */
  id: string;
  account_id: string;
  type: string;
  /** The JSON body sent, never holding a secret. */
  payload: string;
  created_at: string;
}

/** One event for one endpoint: the unit the worker leases, sends and retries. */
export interface WebhookDeliveriesTable {
  id: string;
  webhook_id: string;
  event_id: string;
  /** Deliveries of one key (a token id) go out one after the other, oldest first. */
  order_key: string;
  /** `pending`, `succeeded` or `failed` (given up). */
  status: string;
  attempts: number;
  next_attempt_at: string;
  lease_owner: string | null;
  lease_until: string | null;
  last_attempt_at: string | null;
  last_status_code: number | null;
  last_duration_ms: number | null;
  /** The first bytes of the last answer (or the error), for the delivery log. */
  last_response: string | null;
  last_error: string | null;
  created_at: string;
  delivered_at: string | null;
}

/** An expiry reminder already sent (threshold 0: the token.expired event). */
export interface TokenRemindersTable {
  token_id: string;
  threshold_days: number;
  sent_at: string;
}

/** Why a token was paused by latchkey itself (a leak report). */
export interface TokenQuarantinesTable {
  token_id: string;
  reason: string;
  url: string | null;
  created_at: string;
}

export interface Database {
  accounts: AccountsTable;
  domains: DomainsTable;
  tokens: TokensTable;
  token_domains: TokenDomainsTable;
  audit_events: AuditEventsTable;
  users: UsersTable;
  sessions: SessionsTable;
  invites: InvitesTable;
  change_sequence: ChangeSequenceTable;
  instances: InstancesTable;
  token_previous_secrets: TokenPreviousSecretsTable;
  token_rotation_replays: TokenRotationReplaysTable;
  account_policies: AccountPoliciesTable;
  token_limits: TokenLimitsTable;
  token_usage: TokenUsageTable;
  token_last_use: TokenLastUseTable;
  webhooks: WebhooksTable;
  webhook_events: WebhookEventsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  token_reminders: TokenRemindersTable;
  token_quarantines: TokenQuarantinesTable;
  setup_codes: SetupCodesTable;
  password_resets: PasswordResetsTable;
  user_two_factor: UserTwoFactorTable;
  recovery_codes: RecoveryCodesTable;
  sign_in_challenges: SignInChallengesTable;
  session_step_ups: SessionStepUpsTable;
  address_lockouts: AddressLockoutsTable;
  account_token_counts: AccountTokenCountsTable;
}

/** Each account's number of tokens, kept by triggers on `tokens` (migration 0012): a list's total. */
export interface AccountTokenCountsTable {
  account_id: string;
  /** Tokens of the account now (bigint: a string from PostgreSQL, a number from SQLite). */
  n: number | string;
}

/** The deployment's one set-up code (migration 0010): one row, id `deployment`, while set-up is open. */
export interface SetupCodesTable {
  id: string;
  /** SHA-256 hex of the code. */
  code_hash: string;
  created_at: string;
}

/** A password reset code (migration 0010): single use, deleted when used or replaced. */
export interface PasswordResetsTable {
  /** SHA-256 hex of the code. */
  code_hash: string;
  user_id: string;
  created_at: string;
  expires_at: string;
}

/** A user's TOTP secret (migration 0010); `confirmed_at` null while enrolment is pending. */
export interface UserTwoFactorTable {
  user_id: string;
  /** The TOTP secret, sealed (`v1.…`, src/service/secret-key.ts) or, from before sealing, plain base32; never returned after enrolment. */
  secret: string;
  created_at: string;
  confirmed_at: string | null;
  /** The last accepted RFC 6238 time step (replays of it or earlier are refused); bigint. */
  last_time_step: number | string | null;
}

/** A one-time recovery code (migration 0010). */
export interface RecoveryCodesTable {
  /** SHA-256 hex of the normalised code. */
  code_hash: string;
  user_id: string;
  used_at: string | null;
}

/** The second step of a sign-in with two-factor (migration 0010): the password was right. */
export interface SignInChallengesTable {
  /** SHA-256 hex of the challenge secret. */
  id_hash: string;
  user_id: string;
  expires_at: string;
}

/**
 * The sign-in lock-out of an address no user has (migration 0011, F16), counted as `users` counts a
 * known one's. `address_hash`: SHA-256 hex of the trimmed, lower-cased address.
 */
export interface AddressLockoutsTable {
  address_hash: string;
  failed_attempts: number;
  locked_until: string | null;
}

/** When a session last proved the second factor (migration 0010), for step-up. */
export interface SessionStepUpsTable {
  session_id_hash: string;
  verified_at: string;
}
