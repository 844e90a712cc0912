/**
 * The composition root of the service: opens the store, migrates it, makes sure the `default` account
 * exists, and wires the use cases over one verifier. HTTP, CLI, dashboard and middleware all receive
 * a {@link Latchkey}; none of them touches the database.
 */
import { readFileSync } from "node:fs";
import { buildCatalogue, SEED_CATALOGUE, type Catalogue } from "../core/catalogue.js";
import { systemClock, type Clock } from "../core/clock.js";
import { levelForMethod } from "../core/permissions.js";
import { cryptoRandom, type RandomSource } from "../core/random-source.js";
import { parentInactive } from "../core/token-lineage.js";
import { TOKEN_PREFIX_PATTERN } from "../core/token-secret.js";
import type { VerifyDecision, VerifyQuestion } from "../core/verify-decision.js";
import { conditionRefusal } from "../core/token-conditions.js";
import { openStore } from "../store/open-store.js";
import { changeChannel } from "../store/store.js";
import type { PageRequest, Store } from "../store/store.js";
import { AccountService } from "./account-service.js";
import { listAuditEvents, type AuditEvent } from "./audit-log.js";
import { DomainService } from "./domain-service.js";
import { createIdFactory, type IdFactory } from "./id-factory.js";
import { accountOf, requireLevel, type ActorContext, type Principal } from "./principal.js";
import { ChangeListener } from "./change-listener.js";
import { ChangeStream } from "./change-stream.js";
import { InstanceRegistry } from "./instance-registry.js";
import { startLocalChangeFeed } from "./local-change-feed.js";
import { DEFAULT_REVOCATION_TIMEOUT_MS, PropagationWaiter } from "./propagation.js";
import { ServiceError } from "./service-error.js";
import { TokenCascade } from "./token-cascade.js";
import { TokenService } from "./token-service.js";
import { auditViewerOf } from "./token-visibility.js";
import type { AuditFilter, KeysetPageRequest } from "../store/keyset-list-store.js";
import { UserService } from "./user-service.js";
import { PasswordRecovery } from "./password-recovery.js";
import { TwoFactorService } from "./two-factor-service.js";
import { TeamService } from "./team-service.js";
import { InviteService } from "./invite-service.js";
import { AccountPolicyService } from "./account-policy.js";
import { RotationService } from "./rotation-service.js";
import { Verifier } from "./verifier.js";
import { UsageStore } from "../store/usage-store.js";
import { UsageGate } from "./usage-gate.js";
import { UsageLimiter, type WindowsWhenRedisDown } from "./usage-limiter.js";
import { UsageRecorder } from "./usage-recorder.js";
import { UsageService } from "./usage-service.js";
import { LeakIntake } from "./leak-intake.js";
import type { Mailer } from "./mailer.js";
import { WebhookService } from "./webhook-service.js";
import { WebhookWorker, type WebhookWorkerOptions } from "./webhook-worker.js";
import { SILENT_OBSERVER, type ServiceObserver } from "./service-observer.js";
import { defaultSecretKey, SecretBox } from "./secret-key.js";

/** How to open a {@link Latchkey}. */
export interface LatchkeyOptions {
  /** `sqlite:PATH` or `postgres://...` (LATCHKEY_DATABASE_URL). */
  readonly databaseUrl: string;
  /** The scope catalogue (default: the seed's). */
  readonly catalogue?: Catalogue;
  /** Prefix of new secrets, `[a-z][a-z0-9]{0,15}_` (default `lk_`). */
  readonly tokenPrefix?: string;
  /** Further prefixes still accepted on verification (after a prefix change). */
  readonly acceptedPrefixes?: readonly string[];
  readonly clock?: Clock;
  readonly random?: RandomSource;
  /** Most cached verification records (default 100,000). */
  readonly cacheEntries?: number;
  /** Interval of last-used writes, milliseconds (default 60,000). */
  readonly lastUsedFlushMillis?: number;
  /** PostgreSQL pool size (default 10). */
  readonly poolSize?: number;
  /** Called with errors of background work (last-used flush). */
  readonly onBackgroundError?: (error: unknown) => void;
  /** PostgreSQL: application_name of the change listener's connection (default `latchkey-listener`). */
  readonly listenerName?: string;
  /** PostgreSQL: told when this instance starts or stops hearing other instances' changes. */
  readonly onListenerStateChange?: (subscribed: boolean, error?: unknown) => void;
  /** Bound of a change's propagation wait, milliseconds (LATCHKEY_REVOCATION_TIMEOUT_MS; default 1,000). */
  readonly revocationTimeoutMs?: number;
  /** PostgreSQL: connection string of the change feed's connection (default the database URL's; tests put a proxy there). */
  readonly listenerConnectionString?: string;
  /** PostgreSQL: this instance's name in propagation answers (default `<host>:<pid>`). */
  readonly instanceName?: string;
  /** Rate limits, credits and usage records (issue 14; src/service/usage-limiter.ts). */
  readonly usage?: {
    /** redis://... sharing limit counters between instances (LATCHKEY_REDIS_URL); absent: in memory. */
    readonly redisUrl?: string | null;
    /** Windows while Redis is unreachable (LATCHKEY_RATE_LIMIT_WHEN_REDIS_DOWN, default open). */
    readonly windowsWhenRedisDown?: WindowsWhenRedisDown;
    /** Days of usage counts kept (LATCHKEY_USAGE_RETENTION_DAYS, default 90). */
    readonly retentionDays?: number;
    /** Interval of the usage and credits batches, milliseconds (default 10,000). */
    readonly flushMillis?: number;
    /** Prefix of Redis keys (default `latchkey:usage`). */
    readonly keyPrefix?: string;
  };
  /** Webhooks, e-mail and leak reports (docs/webhooks.md); all off by default. */
  readonly events?: LatchkeyEventOptions;
  /** Told of verifications, refusals, propagation waits and webhook deliveries (metrics; default: nobody). */
  readonly observer?: ServiceObserver;
  /**
   * The deployment's 32-byte secret key (LATCHKEY_SECRET_KEY), sealing TOTP secrets at rest
   * (src/service/secret-key.ts). Absent or null: on a SQLite file the key of `latchkey-secret.key`
   * beside it (made on first use), on in-memory SQLite a key for this process, on PostgreSQL none
   * (two-factor enrolment answers 503 `secret_key_unavailable`).
   */
  readonly secretKey?: Uint8Array | null;
}

/** Settings of lifecycle events: webhooks, mail, leak reports (docs/webhooks.md). */
export interface LatchkeyEventOptions {
  /** LATCHKEY_WEBHOOK_ALLOW_PRIVATE: allow private, loopback and link-local destinations. */
  readonly allowPrivate?: boolean;
  /** Sends the owners' mail (src/service/mailer.ts), or null/absent for none. */
  readonly mailer?: Mailer | null;
  /** LATCHKEY_LEAK_KEYS_FILE, or null/absent: POST /v1/leaks refuses every report. */
  readonly leakKeysFile?: string | null;
}

/** A question for {@link Latchkey.verify}: may this token do METHOD on AREA for DOMAIN? */
export interface VerifyInput {
  readonly token: string | null | undefined;
  /** HTTP method; GET, HEAD, OPTIONS need read, anything else full. */
  readonly method: string;
  readonly area: string;
  /** Domain id or name, or null/undefined when the request names none. */
  readonly domain?: string | null;
  /** Credits this verification spends (1..1,000,000; default 1). */
  readonly cost?: number;
  /** The client's address, or null/undefined when unknown (a token with an address list then refuses). */
  readonly ip?: string | null;
  /** The address of whoever presented the token, recorded when a canary token is used (default: `ip`). */
  readonly clientIp?: string | null;
}

/** The verifier's question for an input: the method's level, absent fields as null, cost 1 by default. */
function questionOf(input: VerifyInput): VerifyQuestion {
  return { area: input.area, level: levelForMethod(input.method), domain: input.domain ?? null, method: input.method, ip: input.ip ?? null, cost: input.cost ?? 1 };
}

export class Latchkey {
  readonly tokens: TokenService;
  /** Pause and resume of a token with its subtree, and a token's family (issue 10). */
  readonly cascade: TokenCascade;
  readonly domains: DomainService;
  readonly accounts: AccountService;
  /** Dashboard users, sessions and first-start set-up. */
  readonly users: UserService;
  /** Change-password, reset links and unlock (issue 16). */
  readonly recovery: PasswordRecovery;
  /** Two-factor sign-in with TOTP and step-up (issue 16). */
  readonly twoFactor: TwoFactorService;
  /** The account's people and their roles (issue 16; the Users API). */
  readonly team: TeamService;
  /** Invitations (issue 16). */
  readonly invites: InviteService;
  /** Rotation and "which token is this?" (issue 13). */
  readonly rotation: RotationService;
  /** The account policy (issue 13). */
  readonly policy: AccountPolicyService;
  readonly ids: IdFactory;
  /** Limits and usage (issue 14). */
  readonly usage: UsageService;
  /** Webhook endpoints, their delivery log, canary uses. */
  readonly webhooks: WebhookService;
  /** Leaked-token reports (POST /v1/leaks). */
  readonly leaks: LeakIntake;
  /** The mailer, when LATCHKEY_SMTP_URL is set. */
  readonly mailer: Mailer | null;
  /** The delivery worker, once {@link Latchkey.startWebhookWorker} ran. */
  webhookWorker: WebhookWorker | null = null;
  private readonly allowPrivate: boolean;

  /** PostgreSQL only: hears other instances' changes (null on SQLite). */
  listener: ChangeListener | null = null;
  /** Waits for a change to reach every live instance (src/service/propagation.ts). */
  readonly propagation: PropagationWaiter;
  /** What this instance has applied, for GET /v1/changes subscribers. */
  readonly changes = new ChangeStream();
  private stopLocalFeed: (() => void) | null = null;
  /** Told of what the service does (LatchkeyOptions.observer); the HTTP routes report verifications to it. */
  readonly observer: ServiceObserver;

  private constructor(
    readonly store: Store,
    readonly catalogue: Catalogue,
    readonly verifier: Verifier,
    readonly clock: Clock,
    readonly random: RandomSource,
    readonly tokenPrefix: string,
    revocationTimeoutMs: number,
    readonly usageGate: UsageGate,
    events: LatchkeyEventOptions,
    prefixes: readonly string[],
    observer: ServiceObserver,
    secrets: SecretBox | null,
  ) {
    this.observer = observer;
    this.ids = createIdFactory(clock, random);
    this.propagation = new PropagationWaiter(store, revocationTimeoutMs, observer);
    const deps = { store, catalogue, clock, random, ids: this.ids, verifier, tokenPrefix, propagation: this.propagation, usageLimiter: usageGate.limiter };
    this.usage = new UsageService({ ...deps, limiter: usageGate.limiter, recorder: usageGate.recorder });
    this.tokens = new TokenService(deps);
    this.cascade = new TokenCascade(deps);
    this.domains = new DomainService(deps);
    this.accounts = new AccountService(deps);
    this.users = new UserService(deps);
    this.team = new TeamService(deps, this.cascade);
    this.rotation = new RotationService(deps, this.tokens);
    this.policy = new AccountPolicyService(deps);
    this.mailer = events.mailer ?? null;
    this.recovery = new PasswordRecovery({ store, clock, random, ids: this.ids, users: this.users, mailer: this.mailer });
    this.twoFactor = new TwoFactorService({ store, clock, random, ids: this.ids, users: this.users, secrets });
    this.allowPrivate = events.allowPrivate === true;
    const kick = (): void => this.webhookWorker?.kick();
    this.webhooks = new WebhookService({ ...deps, allowPrivate: this.allowPrivate, kick });
    this.invites = new InviteService({ ...deps, mailer: this.mailer, onError: (e) => this.onBackgroundError(e) }, this.users);
    this.leaks = new LeakIntake({ store, clock, ids: this.ids, verifier, propagation: this.propagation, prefixes, mailer: this.mailer, keysFile: events.leakKeysFile ?? null, onError: (e) => this.onBackgroundError(e), kick });
  }

  /** Where errors of background work go (set from the options in {@link Latchkey.open}). */
  private onBackgroundError: (error: unknown) => void = () => undefined;

  /**
   * Starts delivering webhooks and firing expiry reminders from this instance (`latchkey serve`
   * does; CLI commands do not). Any number of instances may run one (docs/webhooks.md).
   */
  startWebhookWorker(options: WebhookWorkerOptions = {}): WebhookWorker {
    if (this.webhookWorker !== null) return this.webhookWorker;
    this.webhookWorker = new WebhookWorker(
      { store: this.store, ids: this.ids, clock: this.clock, random: this.random, mailer: this.mailer, allowPrivate: this.allowPrivate, onError: (e) => this.onBackgroundError(e), observer: this.observer },
      options,
    );
    this.webhookWorker.start();
    return this.webhookWorker;
  }

  /**
   * Opens the database, runs pending migrations and creates the `default` account if missing.
   *
   * @throws Error for a bad URL or prefix, or a database that cannot be reached.
   */
  static async open(options: LatchkeyOptions): Promise<Latchkey> {
    const tokenPrefix = options.tokenPrefix ?? "lk_";
    if (!TOKEN_PREFIX_PATTERN.test(tokenPrefix)) throw new Error(`LATCHKEY_TOKEN_PREFIX must match ${TOKEN_PREFIX_PATTERN.source}, e.g. lk_`);
    const store = await openStore(options.databaseUrl, options.poolSize === undefined ? {} : { poolSize: options.poolSize });
    try {
      await store.migrate();
      const catalogue = options.catalogue ?? SEED_CATALOGUE;
      const clock = options.clock ?? systemClock;
      const usageStore = new UsageStore(store);
      const usage = options.usage ?? {};
      const background = options.onBackgroundError === undefined ? {} : { onBackgroundError: options.onBackgroundError };
      let latchkeyOpened: Latchkey | null = null;
      const usageGate = new UsageGate(
        catalogue,
        new UsageLimiter(usageStore, clock, {
          redisUrl: usage.redisUrl ?? null,
          ...(usage.windowsWhenRedisDown === undefined ? {} : { windowsWhenRedisDown: usage.windowsWhenRedisDown }),
          ...(usage.flushMillis === undefined ? {} : { flushMillis: usage.flushMillis }),
          ...(usage.keyPrefix === undefined ? {} : { keyPrefix: usage.keyPrefix }),
          ...background,
        }),
        new UsageRecorder(usageStore, clock, {
          ...(usage.retentionDays === undefined ? {} : { retentionDays: usage.retentionDays }),
          ...(usage.flushMillis === undefined ? {} : { flushMillis: usage.flushMillis }),
          ...background,
        }),
        options.observer ?? SILENT_OBSERVER,
        (hit) => {
          latchkeyOpened?.webhooks.recordRateLimited(hit).catch((error: unknown) => options.onBackgroundError?.(error));
        },
      );
      const prefixes = [tokenPrefix, ...(options.acceptedPrefixes ?? [])];
      const verifier = new Verifier(store, catalogue, clock, {
        usageGate,
        prefixes,
        onCanaryUse: (use) => {
          latchkeyOpened?.webhooks.recordCanaryUse(use).catch((error: unknown) => options.onBackgroundError?.(error));
        },
        ...(options.cacheEntries === undefined ? {} : { cacheEntries: options.cacheEntries }),
        ...(options.lastUsedFlushMillis === undefined ? {} : { lastUsedFlushMillis: options.lastUsedFlushMillis }),
        ...(options.onBackgroundError === undefined ? {} : { onBackgroundError: options.onBackgroundError }),
      });
      const random = options.random ?? cryptoRandom;
      const secretKey = options.secretKey ?? defaultSecretKey(options.databaseUrl, random);
      const secrets = secretKey === null ? null : new SecretBox(secretKey, "totp-secret", random);
      const latchkey = new Latchkey(store, catalogue, verifier, clock, random, tokenPrefix, options.revocationTimeoutMs ?? DEFAULT_REVOCATION_TIMEOUT_MS, usageGate, options.events ?? {}, prefixes, options.observer ?? SILENT_OBSERVER, secrets);
      latchkeyOpened = latchkey;
      if (options.onBackgroundError !== undefined) latchkey.onBackgroundError = options.onBackgroundError;
      await latchkey.accounts.ensureDefault();
      await latchkey.twoFactor.sealPlainSecrets();
      if (store.dialect.kind === "sqlite") latchkey.stopLocalFeed = startLocalChangeFeed(store, latchkey.changes, options.onBackgroundError);
      if (store.dialect.kind === "postgres") {
        const channel = changeChannel(store.dialect.schema);
        const registry = new InstanceRegistry(store, {
          channel,
          ...(options.instanceName === undefined ? {} : { name: options.instanceName }),
          ...(options.onBackgroundError === undefined ? {} : { onError: options.onBackgroundError }),
        });
        latchkey.listener = new ChangeListener({ store, verifier, registry, stream: latchkey.changes, propagation: latchkey.propagation }, {
          connectionString: options.listenerConnectionString ?? store.dialect.connectionString,
          channel,
          ...(options.listenerName === undefined ? {} : { applicationName: options.listenerName }),
          ...(options.onListenerStateChange === undefined ? {} : { onStateChange: options.onListenerStateChange }),
        });
        await latchkey.listener.start().catch(async (error: unknown) => {
          await latchkey.listener?.stop();
          throw error;
        });
      }
      return latchkey;
    } catch (error) {
      await store.close().catch(() => undefined);
      throw error;
    }
  }

  /**
   * The verification decision for a presented token (DESIGN.md, "Verification decision"). A refusal
   * is a result, not an exception.
   */
  verify(input: VerifyInput): Promise<VerifyDecision> {
    // Not `async`: the verifier's promise is handed on as is, without a further promise and its ticks.
    try {
      return this.verifier.verify(input.token, questionOf(input), input.clientIp ?? input.ip ?? null);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * {@link Latchkey.verify} for callers that want no promise when none is needed (issue 18): the
   * decision itself when it is ready at once (a cached token, a malformed or missing one, or on
   * SQLite a direct read), otherwise the promise of it. The decision and its effects (last use,
   * usage counts, limits) are those of `verify`.
   *
   * @example
   *   const answer = latchkey.verifySync(input);
   *   const decision = answer instanceof Promise ? await answer : answer;
   * @returns a {@link VerifyDecision}, or a promise of one (PostgreSQL on a cache miss, a shared rate counter).
   * @throws on a failed direct database read (SQLite); `verify` rejects instead.
   */
  verifySync(input: VerifyInput): VerifyDecision | Promise<VerifyDecision> {
    return this.verifier.verifySync(input.token, questionOf(input), input.clientIp ?? input.ip ?? null);
  }

  /**
   * Resolves a presented API token to a principal, for the management API.
   *
   * @param use the request (area of its route, method, client address): the address is checked
   *   against the token's address list, and the use is counted against its limits and usage (issue 14);
   *   absent: no address (a token with an address list refuses), not counted. `rotationRetry`: the
   *   request is a rotation of token `tokenId` sent with an Idempotency-Key (POST /v1/token/{id}/rotate):
   *   the previous secret of that very token, in its grace, is let through (a principal whose record
   *   says `secret: "previous"`), for {@link RotationService.rotate} to answer with nothing but the
   *   stored replay of that key (break test B2-6: a token that rotated itself and lost the answer can
   *   only retry with its old secret). Any other previous secret is still current_secret_required.
   * @throws ServiceError token_missing, token_malformed, token_unknown, token_paused, token_expired,
   *   token_parent_inactive (an ancestor paused, deleted or expired), token_rotated,
   *   token_not_yet_valid, ip_not_allowed; current_secret_required (403: the secret a rotation replaced,
   *   still in its grace; it verifies, but manages nothing); rate_limited, credits_exhausted (429),
   *   limits_unavailable (503).
   */
  async authenticate(
    secret: string | null | undefined,
    use?: { readonly area: string; readonly method: string; readonly ip: string | null; readonly rotationRetry?: { readonly tokenId: string } },
  ): Promise<Principal> {
    const lookup = await this.verifier.lookup(secret, use?.ip ?? null);
    if (lookup.kind === "missing") throw new ServiceError("token_missing");
    if (lookup.kind === "malformed") throw new ServiceError("token_malformed");
    if (lookup.kind === "unknown") throw new ServiceError("token_unknown");
    const { record } = lookup;
    if (record.paused) throw new ServiceError("token_paused");
    if (record.expiresAtMillis !== null && this.clock.nowMillis() >= record.expiresAtMillis) throw new ServiceError("token_expired");
    if (parentInactive(record, this.clock.nowMillis())) throw new ServiceError("token_parent_inactive");
    const condition = conditionRefusal(record, this.clock.nowMillis(), use?.ip ?? null);
    if (condition !== null) throw new ServiceError(condition);
    // A replaced secret may be the leaked one: it keeps verifying through its grace (POST /v1/verify,
    // forward-auth, middleware), but must not manage anything, least of all mint children that would
    // outlive the grace (break-test F6). The one exception: its own rotation's retry (B2-6, see above).
    if (record.secret === "previous" && use?.rotationRetry?.tokenId !== record.id) throw new ServiceError("current_secret_required");
    this.verifier.noteUse(record);
    if (use !== undefined) await this.usageGate.admit(record, use.area, use.method, use.ip);
    return { kind: "token", record };
  }

  /** The operator's principal for an account given by name or id (the CLI). */
  async operator(account: string): Promise<Principal> {
    const { id } = await this.accounts.find(account);
    return { kind: "operator", accountId: id };
  }

  /**
   * A page of the audit events the actor may see, newest first (a token or a person other than an
   * Admin: about what they may see, people only with `users_read`, a person also about themselves;
   * token-visibility.ts). Needs `tokens_full`.
   */
  async auditEvents(actor: ActorContext, page: PageRequest | KeysetPageRequest, filter: AuditFilter = {}): Promise<{ events: AuditEvent[]; total: number; offset: number; hasMore: boolean }> {
    requireLevel(this.catalogue, actor.principal, "tokens", "full");
    return listAuditEvents(this.store, accountOf(actor.principal), auditViewerOf(this.catalogue, actor.principal), page, filter);
  }

  /**
   * Throws when the database does not answer, or (PostgreSQL) when this instance is not hearing other
   * instances' changes (it still answers correctly then, reading the database every time).
   */
  async checkReady(): Promise<void> {
    await this.store.ping();
    if (this.listener !== null && this.listener.state !== "live") throw new Error(`change feed ${this.listener.state}: every verification reads the database`);
  }

  /**
   * The change feed as /readyz reports it: `local` (SQLite: one process, nothing to hear), `live`,
   * `catching_up` (subscribed, cache still bypassed) or `down` (every verification reads the database).
   */
  get changeFeedState(): "local" | "live" | "catching_up" | "down" {
    return this.listener === null ? "local" : this.listener.state;
  }

  /** Flushes last-used instants and closes the database. */
  async close(): Promise<void> {
    await this.webhookWorker?.stop();
    await this.recovery.settle();
    this.mailer?.close();
    this.stopLocalFeed?.();
    this.changes.clear();
    await this.listener?.stop();
    await this.verifier.close();
    await this.usageGate.limiter.close();
    await this.usageGate.recorder.close();
    await this.store.close();
  }
}

/**
 * Reads a catalogue file (LATCHKEY_SCOPES_FILE): JSON, an array of areas or `{"areas": [...]}`.
 *
 * @throws Error naming the file and each problem.
 */
export function loadCatalogueFile(path: string): Catalogue {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new Error(`LATCHKEY_SCOPES_FILE ${path}: ${(error as Error).message}`);
  }
  try {
    return buildCatalogue(parsed);
  } catch (error) {
    throw new Error(`LATCHKEY_SCOPES_FILE ${path}: ${(error as Error).message}`);
  }
}
