/**
 * A rotation and a leak-triggered pause are answered only once every live instance has applied them
 * (break-test F5 and F12; issue 11): with two instances on one PostgreSQL, the first verification on
 * the second instance sent after the answer refuses the replaced secret (grace 0) or the leaked
 * token, over many rounds, while that instance had the secret cached as allowed just before.
 */
import { generateKeyPairSync, sign } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { Latchkey } from "../../src/service/latchkey.js";
import { dropSchema, freshPostgresUrl } from "../helpers/postgres-database.js";

const ROTATIONS = 100;
const LEAKS = 100;

const github = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
const KEY_ID = "rotation-propagation-key";
const keysFile = join(mkdtempSync(join(tmpdir(), "lk-rotprop-")), "keys.json");
writeFileSync(
  keysFile,
  JSON.stringify({ public_keys: [{ key_identifier: KEY_ID, key: github.publicKey.export({ type: "spki", format: "pem" }), is_current: true }] }),
);

let cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
});

/** Two instances on a fresh schema: A (which takes leak reports) and B. */
async function openPair(): Promise<[Latchkey, Latchkey]> {
  const { url, schema } = freshPostgresUrl("rotp");
  const instances: Latchkey[] = [];
  cleanups.push(async () => {
    for (const instance of instances) await instance.close();
    await dropSchema(schema);
  });
  instances.push(await Latchkey.open({ databaseUrl: url, instanceName: "instance A", events: { leakKeysFile: keysFile } }));
  instances.push(await Latchkey.open({ databaseUrl: url, instanceName: "instance B" }));
  return instances as [Latchkey, Latchkey];
}

async function allowedOn(instance: Latchkey, secret: string): Promise<boolean> {
  return (await instance.verify({ token: secret, method: "GET", area: "sms" })).allowed;
}

/** Verifies on `instance` until it allows `secret` (so that its cache holds it as allowed). */
async function cachedAsAllowed(instance: Latchkey, secret: string): Promise<void> {
  await expect.poll(() => allowedOn(instance, secret), { interval: 1 }).toBe(true);
}

it(`refuses a replaced secret (grace 0) on another instance on the first try after the rotate answer, ${ROTATIONS} rotations`, async () => {
  const [a, b] = await openPair();
  const actor = { principal: await a.operator("default"), ip: null };
  let { token, secret } = await a.tokens.create(actor, { name: "rotated", scopes: ["sms_read"] });
  const stale: number[] = [];
  for (let i = 0; i < ROTATIONS; i++) {
    await cachedAsAllowed(b, secret);
    const rotated = await a.rotation.rotate(actor, token.id, { graceSeconds: 0 });
    expect(rotated.propagation).toMatchObject({ instances: 2, applied: 2, lost: [] });
    if (await allowedOn(b, secret)) stale.push(i);
    ({ token, secret } = { token: rotated.token, secret: rotated.secret });
  }
  expect(stale).toEqual([]);
}, 120_000);

it(`refuses a leaked token on another instance on the first try after the leak report's answer, ${LEAKS} reports`, async () => {
  const [a, b] = await openPair();
  const actor = { principal: await a.operator("default"), ip: null };
  const stale: number[] = [];
  for (let i = 0; i < LEAKS; i++) {
    const { secret } = await a.tokens.create(actor, { name: `leaked ${i}`, scopes: ["sms_read"] });
    await cachedAsAllowed(b, secret);
    const body = Buffer.from(JSON.stringify([{ token: secret, type: "latchkey_api_token", url: "https://example.com/leak", source: "content" }]));
    const verdicts = await a.leaks.report(body, KEY_ID, sign("sha256", body, github.privateKey).toString("base64"), null);
    expect(verdicts.map((v) => v.label)).toEqual(["true_positive"]);
    if (await allowedOn(b, secret)) stale.push(i);
  }
  expect(stale).toEqual([]);
}, 120_000);
