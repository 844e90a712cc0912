/**
 * A PostgreSQL schema of the longest allowed name (63 bytes, `?schema=`): the change channel must fit
 * PostgreSQL's 63-byte identifier limit (found by the break test: `latchkey_changes_<schema>` was 80
 * bytes, so pg_notify failed every write and LISTEN heard a truncated name). Two instances on such a
 * schema: a pause through one is seen by the other's next verification within a second.
 */
import { randomBytes } from "node:crypto";
import { afterAll, expect, it } from "vitest";
import { Latchkey } from "../../src/service/latchkey.js";
import { dropSchema, POSTGRES_URL } from "../helpers/postgres-database.js";

const schema = `lk_long_${randomBytes(6).toString("hex")}_`.padEnd(63, "x");
const url = `${POSTGRES_URL}${POSTGRES_URL.includes("?") ? "&" : "?"}schema=${schema}`;
const opened: Latchkey[] = [];

afterAll(async () => {
  for (const latchkey of opened) await latchkey.close();
  await dropSchema(schema);
});

it("carries a pause from one instance to the other on a schema of 63 characters", async () => {
  expect(schema).toHaveLength(63);
  const a = await Latchkey.open({ databaseUrl: url });
  opened.push(a);
  const b = await Latchkey.open({ databaseUrl: url });
  opened.push(b);
  const actor = { principal: await a.operator("default"), ip: null };
  const { token, secret } = await a.tokens.create(actor, { name: "long schema", scopes: ["email_full"] });
  const check = { token: secret, method: "POST", area: "email" } as const;
  expect((await b.verify(check)).code).toBe("ok");
  expect((await b.verify(check)).code).toBe("ok"); // now from b's cache
  await a.tokens.update(actor, token.id, { status: "pause" });
  const deadline = Date.now() + 1_000;
  let code = (await b.verify(check)).code;
  while (code !== "token_paused" && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    code = (await b.verify(check)).code;
  }
  expect(code).toBe("token_paused");
});
