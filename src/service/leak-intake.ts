/**
 * Leaked-token reports from a secret scanner, in GitHub's secret-scanning partner format
 * (docs.github.com, "Secret scanning partner program"):
 *
 * - Request: a JSON array of `{token, type, url, source}`; headers `Github-Public-Key-Identifier`
 *   (which key) and `Github-Public-Key-Signature` (base64 DER ECDSA P-256 / SHA-256 signature of the
 *   raw body bytes, verified with node:crypto before anything is parsed).
 * - Keys: LATCHKEY_LEAK_KEYS_FILE, GitHub's format `{"public_keys": [{"key_identifier", "key" (PEM),
 *   "is_current"}]}` (what https://api.github.com/meta/public_keys/secret_scanning answers). The file
 *   is read on every report, so replacing it rotates keys without a restart; any listed key verifies,
 *   current or not, as GitHub's rotation expects.
 * - For each latchkey secret (recognised by its checksummed format, src/core/token-secret.ts) of a
 *   live token: the token is paused at once (its next verification is refused), quarantined (reason
 *   `leaked`, the URL), audited (`token.leak`, with `secret: "current" | "previous"`), `token.leaked`
 *   is emitted and the owners mailed. The report is answered once every live instance has applied
 *   the pause (src/service/propagation.ts; break-test F12). A token's previous secret (replaced by a
 *   rotation) counts as the token's: its grace ends at once and the token is paused, for a secret
 *   that leaked from a place likely holds its successor too (break-test F8).
 * - Answer: GitHub's feedback format, one `{token_hash, token_type, label}` per match
 *   (`true_positive` for a token of ours, else `false_positive`). GitHub accepts the SHA-256
 *   `token_hash` in place of `token_raw`; it keeps the secret out of the response.
 */
import { createPublicKey, verify as verifySignature } from "node:crypto";
import { readFileSync } from "node:fs";
import type { Clock } from "../core/clock.js";
import { hashSecret, parseSecret } from "../core/token-secret.js";
import { endPreviousGrace, findTokenIdByPreviousHash } from "../store/rotation-store.js";
import type { Store } from "../store/store.js";
import { setQuarantine } from "../store/webhook-store.js";
import { recordSystemAuditEvent } from "./audit-log.js";
import type { IdFactory } from "./id-factory.js";
import type { Mailer } from "./mailer.js";
import type { PropagationWaiter } from "./propagation.js";
import { ServiceError, validationError } from "./service-error.js";
import type { Verifier } from "./verifier.js";
import { mailNotice } from "./webhook-notices.js";

/** One public key of the keys file. */
export interface LeakKey {
  readonly keyIdentifier: string;
  /** PEM (SubjectPublicKeyInfo). */
  readonly key: string;
  readonly isCurrent: boolean;
}

/** One line of the answer (GitHub's feedback format). */
export interface LeakVerdict {
  /** SHA-256 hex of the reported string. */
  readonly token_hash: string;
  readonly token_type: string;
  readonly label: "true_positive" | "false_positive";
}

/** Most matches taken in one report. */
export const MAX_LEAK_MATCHES = 1000;

/**
 * Reads and checks a keys file.
 *
 * @throws Error naming LATCHKEY_LEAK_KEYS_FILE, the path and the problem (unreadable, not JSON, no
 *   keys, a key that is not an EC public key in PEM).
 */
export function loadLeakKeys(path: string): LeakKey[] {
  const fail = (problem: string): never => {
    throw new Error(`LATCHKEY_LEAK_KEYS_FILE ${path}: ${problem}`);
  };
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    return fail((error as Error).message);
  }
  const list = (parsed as { public_keys?: unknown } | null)?.public_keys;
  if (!Array.isArray(list) || list.length === 0) return fail('expected {"public_keys": [{"key_identifier", "key", "is_current"}, ...]} with at least one key');
  return list.map((entry: unknown, i) => {
    const e = entry as { key_identifier?: unknown; key?: unknown; is_current?: unknown } | null;
    if (typeof e?.key_identifier !== "string" || e.key_identifier === "") return fail(`public_keys[${i}].key_identifier must be a non-empty string`);
    if (typeof e.key !== "string") return fail(`public_keys[${i}].key must be a PEM public key`);
    try {
      if (createPublicKey(e.key).asymmetricKeyType !== "ec") return fail(`public_keys[${i}].key is not an ECDSA key`);
    } catch {
      return fail(`public_keys[${i}].key is not a PEM public key`);
    }
    return { keyIdentifier: e.key_identifier, key: e.key, isCurrent: e.is_current === true };
  });
}

/** What the intake needs. */
export interface LeakIntakeDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly ids: IdFactory;
  readonly verifier: Verifier;
  /** Waits for each pause to reach every live instance before the report is answered. */
  readonly propagation: PropagationWaiter;
  /** Accepted secret prefixes. */
  readonly prefixes: readonly string[];
  readonly mailer: Mailer | null;
  /** LATCHKEY_LEAK_KEYS_FILE, or null: every report is refused. */
  readonly keysFile: string | null;
  readonly onError: (error: unknown) => void;
  readonly kick: () => void;
}

export class LeakIntake {
  constructor(private readonly deps: LeakIntakeDeps) {}

  /**
   * Takes a report.
   *
   * @param rawBody the request body exactly as received.
   * @param keyIdentifier `Github-Public-Key-Identifier`.
   * @param signature `Github-Public-Key-Signature` (base64).
   * @param ip the reporter's address, for the audit log.
   * @returns one verdict per match, in order.
   * @throws ServiceError leak_signature_invalid (nothing changed) when no key is configured, the key
   *   is unknown or the signature does not verify; validation_failed when a signed body is not a list
   *   of matches.
   */
  async report(rawBody: Buffer, keyIdentifier: string | undefined, signature: string | undefined, ip: string | null): Promise<LeakVerdict[]> {
    if (!this.signatureValid(rawBody, keyIdentifier, signature)) throw new ServiceError("leak_signature_invalid");
    const matches = parseMatches(rawBody);
    const verdicts: LeakVerdict[] = [];
    const seen = new Map<string, LeakVerdict["label"]>();
    for (const match of matches) {
      const hash = hashSecret(match.token);
      let label = seen.get(hash);
      if (label === undefined) {
        label = await this.quarantine(match, hash, ip);
        seen.set(hash, label);
      }
      verdicts.push({ token_hash: hash, token_type: match.type, label });
    }
    return verdicts;
  }

  private signatureValid(rawBody: Buffer, keyIdentifier: string | undefined, signature: string | undefined): boolean {
    if (this.deps.keysFile === null || keyIdentifier === undefined || signature === undefined || signature.length > 1000) return false;
    let keys: LeakKey[];
    try {
      keys = loadLeakKeys(this.deps.keysFile);
    } catch (error) {
      this.deps.onError(error);
      return false;
    }
    const key = keys.find((k) => k.keyIdentifier === keyIdentifier);
    if (key === undefined) return false;
    try {
      return verifySignature("sha256", rawBody, { key: key.key, dsaEncoding: "der" }, Buffer.from(signature, "base64"));
    } catch {
      return false;
    }
  }

  /**
   * Pauses and quarantines the token of a reported secret (its current one, or the previous one of a
   * rotation, whose grace then ends); the verdict, once every live instance has applied the pause.
   */
  private async quarantine(match: Match, hash: string, ip: string | null): Promise<LeakVerdict["label"]> {
    const { store, clock, ids } = this.deps;
    if (!parseSecret(match.token, this.deps.prefixes).ok) return "false_positive";
    const found = await store.transaction(async (tx) => {
      const current = await tx.findTokenByHash(hash);
      const row = current ?? (await findTokenIdByPreviousHash(tx, hash));
      if (row === undefined) return null;
      const secret = current === undefined ? ("previous" as const) : ("current" as const);
      const token = await tx.findToken(row.account_id, row.id);
      if (token === undefined) return null;
      const now = new Date(clock.nowMillis()).toISOString();
      if (secret === "previous") await endPreviousGrace(tx, row.id, now);
      if (token.paused === 0) await tx.updateToken(row.account_id, row.id, { paused: 1, updated_at: now });
      await setQuarantine(tx, { token_id: row.id, reason: "leaked", url: match.url, created_at: now });
      await recordSystemAuditEvent(tx, ids, clock, row.account_id, ip, {
        action: "token.leak",
        targetType: "token",
        targetId: row.id,
        details: { name: token.name, url: match.url, source: match.source, type: match.type, paused: true, secret },
      });
      return { token, seq: await tx.notifyChange(`token:${row.id}`, row.account_id) };
    });
    if (found === null) return "false_positive";
    this.deps.verifier.invalidateToken(found.token.id);
    await this.deps.propagation.awaitPropagation(found.seq);
    this.deps.kick();
    const { token } = found;
    void mailNotice(store, this.deps.mailer, token.account_id, { kind: "leaked", tokenName: token.name, preview: token.preview, url: match.url }).catch(this.deps.onError);
    return "true_positive";
  }
}

interface Match {
  readonly token: string;
  readonly type: string;
  readonly url: string | null;
  readonly source: string | null;
}

/** Reads the matches of a signed body. @throws ServiceError validation_failed. */
function parseMatches(rawBody: Buffer): Match[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(rawBody.toString("utf8"));
  } catch {
    throw validationError({ body: ["The body must be a JSON array of {token, type, url, source}."] });
  }
  if (!Array.isArray(parsed) || parsed.length > MAX_LEAK_MATCHES) throw validationError({ body: [`The body must be a JSON array of at most ${MAX_LEAK_MATCHES} {token, type, url, source}.`] });
  return parsed.map((item: unknown, i) => {
    const m = item as { token?: unknown; type?: unknown; url?: unknown; source?: unknown } | null;
    if (typeof m?.token !== "string" || m.token.length > 1000) throw validationError({ [`${i}.token`]: ["Each match needs a token string."] });
    const text = (v: unknown, max: number): string | null => (typeof v === "string" ? v.slice(0, max) : null);
    return { token: m.token, type: text(m.type, 200) ?? "", url: text(m.url, 2000), source: text(m.source, 100) };
  });
}
