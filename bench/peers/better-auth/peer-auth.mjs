/**
 * The peer: better-auth (1.7.5) with its API Key plugin (@better-auth/api-key 1.7.5) on SQLite
 * (better-sqlite3 12), set up as a fair user would for an API that checks a key on every request:
 *
 * - SQLite in WAL mode with synchronous=NORMAL, as latchkey's own store;
 * - the plugin's per-key rate limit (10 requests a day by default) turned off, since latchkey has no
 *   per-token limit either and a day's 10 would refuse nearly every benchmark call;
 * - one user, and a key with permissions {domains: ["read"]}, checked on every verification (the
 *   same question latchkey's tokens answer: read on the domains area).
 *
 * Everything is the plugin's documented server API: `auth.api.createApiKey` and `auth.api.verifyApiKey`.
 */
import { apiKey } from "@better-auth/api-key";
import Database from "better-sqlite3";
import { betterAuth } from "better-auth";
import { getMigrations } from "better-auth/db/migration";

/** The permissions the benchmark's key holds and each verification asks for. */
export const PEER_PERMISSIONS = { domains: ["read"] };

/**
 * Creates the peer's database at `databasePath`, migrates it, and makes one user and one key.
 *
 * @param databasePath path of a new SQLite file.
 * @returns `{auth, key, database}`; `key` is the secret, `database` the better-sqlite3 handle.
 */
export async function openPeer(databasePath) {
  const database = new Database(databasePath);
  database.pragma("journal_mode = WAL");
  database.pragma("synchronous = NORMAL");
  const auth = betterAuth({
    database,
    secret: "latchkey-bench-peer-secret-0123456789abcdef",
    baseURL: "http://127.0.0.1:3000",
    emailAndPassword: { enabled: true },
    telemetry: { enabled: false },
    logger: { disabled: true },
    plugins: [apiKey({ rateLimit: { enabled: false } })],
  });
  const { runMigrations } = await getMigrations(auth.options);
  await runMigrations();
  const { user } = await auth.api.signUpEmail({ body: { email: "bench@example.com", password: "bench-password-123", name: "bench" } });
  const created = await auth.api.createApiKey({ body: { userId: user.id, name: "bench", permissions: PEER_PERMISSIONS, rateLimitEnabled: false } });
  const check = await verifyWithPeer(auth, created.key);
  if (check.valid !== true) throw new Error(`peer: a fresh key did not verify: ${JSON.stringify(check.error)}`);
  return { auth, key: created.key, database };
}

/**
 * One verification, as an API protected by the plugin makes it: the key and the permissions the
 * request needs.
 *
 * @returns the plugin's answer, `{valid, error, key}`.
 */
export function verifyWithPeer(auth, key) {
  return auth.api.verifyApiKey({ body: { key, permissions: PEER_PERMISSIONS } });
}
