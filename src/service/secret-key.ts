/**
 * The deployment's secret key (LATCHKEY_SECRET_KEY, or the file of LATCHKEY_SECRET_KEY_FILE) and the
 * sealing of what latchkey must read back at rest: today the TOTP shared secrets (issue 16), so that a
 * copy of the database alone gives no second factor away.
 *
 * The key is 32 bytes, given as 64 hex digits or as base64 (`openssl rand -base64 32`). On SQLite with
 * no key configured, latchkey makes one into `latchkey-secret.key` (mode 0600) beside the database file
 * and reuses it; on PostgreSQL there is no such place shared by every instance, so without a configured
 * key nothing can be sealed (two-factor enrolment answers 503 `secret_key_unavailable`).
 *
 * Sealing: AES-256-GCM (NIST SP 800-38D) under a subkey of the key per purpose (HKDF-SHA-256, RFC 5869),
 * a random 96-bit IV per value, and the value's owner (e.g. the user id) as additional authenticated
 * data, so a sealed value copied to another row does not open. The sealed text is
 * `v1.<iv>.<ciphertext>.<tag>` (base64url parts), which no plain TOTP secret (base32) resembles.
 * Caveat: the key must be backed up with the database; without it sealed values are lost for good.
 */
import { createCipheriv, createDecipheriv, hkdfSync } from "node:crypto";
import { chmodSync, linkSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { RandomSource } from "../core/random-source.js";
import { parseDatabaseUrl } from "../store/open-store.js";

/** Bytes of the secret key (AES-256). */
export const SECRET_KEY_BYTES = 32;
/** The name of the key file made beside a SQLite database. */
export const SECRET_KEY_FILE_NAME = "latchkey-secret.key";

/** What LATCHKEY_SECRET_KEY must be, for error messages (never with the value). */
export const SECRET_KEY_RULE = "32 bytes as 64 hex digits or as base64, e.g. from `openssl rand -base64 32`";

/**
 * Reads a key as configured: 64 hex digits, or base64 / base64url (padding optional) of 32 bytes;
 * surrounding white space is ignored.
 *
 * @returns the 32 bytes, or null when the text is neither.
 */
export function parseSecretKey(text: string): Uint8Array | null {
  const trimmed = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) return new Uint8Array(Buffer.from(trimmed, "hex"));
  if (!/^[A-Za-z0-9+/_-]{43}={0,1}$/.test(trimmed)) return null;
  const bytes = Buffer.from(trimmed.replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_"), "base64url");
  return bytes.length === SECRET_KEY_BYTES ? new Uint8Array(bytes) : null;
}

/**
 * The key to use when none is configured: on a SQLite file the one of its key file (made on first
 * use), on in-memory SQLite a new one for this process (the data dies with it), on PostgreSQL none.
 *
 * @throws Error naming the key file when it cannot be read, holds no key, or cannot be written.
 */
export function defaultSecretKey(databaseUrl: string, random: RandomSource): Uint8Array | null {
  const location = parseDatabaseUrl(databaseUrl);
  if (location.kind !== "sqlite") return null;
  if (location.path === ":memory:") return new Uint8Array(random.bytes(SECRET_KEY_BYTES));
  return loadOrCreateSecretKeyFile(secretKeyFileOf(location.path), random);
}

/** Where the key of a SQLite database file is kept when none is configured: beside it. */
export function secretKeyFileOf(databaseFile: string): string {
  return join(dirname(databaseFile), SECRET_KEY_FILE_NAME);
}

/**
 * The key in a key file, made first (32 random bytes, base64, mode 0600) when there is none. Safe when
 * several processes start at once: the file appears whole (written aside, then hard-linked into place)
 * and the first one made wins.
 *
 * @throws Error naming the file when it holds no valid key or cannot be written.
 */
export function loadOrCreateSecretKeyFile(path: string, random: RandomSource): Uint8Array {
  const existing = readKeyFile(path);
  if (existing !== null) return existing;
  const aside = `${path}.${Buffer.from(random.bytes(6)).toString("hex")}.tmp`;
  try {
    writeFileSync(aside, `${Buffer.from(random.bytes(SECRET_KEY_BYTES)).toString("base64")}\n`, { mode: 0o600, flag: "wx" });
    chmodSync(aside, 0o600);
    try {
      linkSync(aside, path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
  } catch (error) {
    throw new Error(`cannot write the secret key file ${path} (${(error as NodeJS.ErrnoException).code ?? "error"}): make its folder writable, or set LATCHKEY_SECRET_KEY`);
  } finally {
    try {
      unlinkSync(aside);
    } catch {
      // Already gone, or never written.
    }
  }
  const made = readKeyFile(path);
  if (made === null) throw new Error(`the secret key file ${path} could not be read back`);
  return made;
}

function readKeyFile(path: string): Uint8Array | null {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw new Error(`cannot read the secret key file ${path} (${(error as NodeJS.ErrnoException).code ?? "error"})`);
  }
  const key = parseSecretKey(text);
  if (key === null) throw new Error(`the secret key file ${path} does not hold a key (${SECRET_KEY_RULE}); restore it from the backup taken with the database`);
  return key;
}

/** Whether a stored text is a sealed value (else: a plain value from before sealing). */
export function isSealed(stored: string): boolean {
  return stored.startsWith("v1.");
}

/** Raised when a sealed value does not open: another key, or a value moved or altered. */
export class UnsealError extends Error {
  constructor() {
    super("the sealed value does not open with this key");
    this.name = "UnsealError";
  }
}

/** Seals and opens values for one purpose under the deployment's key. */
export class SecretBox {
  private readonly subkey: Buffer;

  /**
   * @param key the 32-byte secret key.
   * @param purpose names the use (e.g. `totp-secret`); each purpose has its own subkey.
   */
  constructor(
    key: Uint8Array,
    purpose: string,
    private readonly random: RandomSource,
  ) {
    if (key.length !== SECRET_KEY_BYTES) throw new Error(`the secret key must be ${SECRET_KEY_BYTES} bytes`);
    this.subkey = Buffer.from(hkdfSync("sha256", key, new Uint8Array(0), `latchkey ${purpose} v1`, SECRET_KEY_BYTES));
  }

  /**
   * Seals a value.
   *
   * @param owner what the value belongs to (e.g. a user id); opening needs the same.
   * @returns `v1.<iv>.<ciphertext>.<tag>`.
   */
  seal(plain: string, owner: string): string {
    const iv = Buffer.from(this.random.bytes(12));
    const cipher = createCipheriv("aes-256-gcm", this.subkey, iv);
    cipher.setAAD(Buffer.from(owner, "utf8"));
    const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
    return ["v1", iv.toString("base64url"), body.toString("base64url"), cipher.getAuthTag().toString("base64url")].join(".");
  }

  /**
   * Opens a sealed value.
   *
   * @throws UnsealError for another key, another owner, or an altered or malformed value.
   */
  open(sealed: string, owner: string): string {
    const [version, iv, body, tag, extra] = sealed.split(".");
    if (version !== "v1" || iv === undefined || body === undefined || tag === undefined || extra !== undefined) throw new UnsealError();
    try {
      const decipher = createDecipheriv("aes-256-gcm", this.subkey, Buffer.from(iv, "base64url"));
      decipher.setAAD(Buffer.from(owner, "utf8"));
      decipher.setAuthTag(Buffer.from(tag, "base64url"));
      return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString("utf8");
    } catch {
      throw new UnsealError();
    }
  }
}
