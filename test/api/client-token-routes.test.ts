/**
 * The token routes through the typed client (src/client/latchkey-client.ts) against a real listening
 * server: create, list, show, rename, pause, unpause, delete, and the errors the client turns into
 * LatchkeyApiError. Each test opens its own harness (test/helpers/api-harness.ts) and listens on a
 * free loopback port.
 */
import { expect, it } from "vitest";
import { createLatchkeyClient, LatchkeyApiError, type LatchkeyClient } from "../../src/client/latchkey-client.js";
import { openApiHarness, TOKEN_OBJECT_KEYS, type ApiHarness } from "../helpers/api-harness.js";

async function serve(): Promise<{ harness: ApiHarness; client: LatchkeyClient; baseUrl: string }> {
  const harness = await openApiHarness();
  const baseUrl = await harness.app.listen({ host: "127.0.0.1", port: 0 });
  return { harness, client: createLatchkeyClient({ baseUrl, token: harness.root.secret }), baseUrl };
}

async function refusal(promise: Promise<unknown>): Promise<LatchkeyApiError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LatchkeyApiError);
  return error as LatchkeyApiError;
}

it("creates a token and shows its secret this once", async () => {
  const { client } = await serve();
  const { data } = await client.tokens.create({ name: "CI", scopes: ["email_full", "domains_read"] });
  expect(data.accessToken).toMatch(/^lk_1/);
  expect(Object.keys(data).sort()).toEqual([...TOKEN_OBJECT_KEYS, "accessToken"].sort());
  expect(Object.keys((await client.tokens.show(data.id)).data).sort()).toEqual(TOKEN_OBJECT_KEYS);
});

it("lists tokens newest first, a page at a time", async () => {
  const { client } = await serve();
  const first = (await client.tokens.create({ name: "first", has_full: true })).data;
  const second = (await client.tokens.create({ name: "second", has_full: true })).data;
  const page = await client.tokens.list({ page: 1, limit: 10 });
  expect(page.data.slice(0, 2).map((t) => t.id)).toEqual([second.id, first.id]);
  expect(page.meta).toMatchObject({ current_page: 1, per_page: 10, total: 3 });
});

it("shows one token", async () => {
  const { client } = await serve();
  const { data } = await client.tokens.create({ name: "shown", scopes: ["sms_read"] });
  expect((await client.tokens.show(data.id)).data).toMatchObject({ id: data.id, name: "shown", scopes: ["sms_read"], status: "unpause" });
});

it("renames a token", async () => {
  const { client } = await serve();
  const { data } = await client.tokens.create({ name: "old name", has_full: true });
  expect((await client.tokens.rename(data.id, "new name")).data.name).toBe("new name");
});

it("pauses a token, which is refused on its very next use", async () => {
  const { client, baseUrl } = await serve();
  const { data } = await client.tokens.create({ name: "to pause", scopes: ["tokens_full"] });
  expect((await client.tokens.pause(data.id)).data.status).toBe("pause");
  const paused = createLatchkeyClient({ baseUrl, token: data.accessToken });
  const error = await refusal(paused.tokens.list());
  expect([error.status, error.code]).toEqual([401, "token_paused"]);
});

it("unpauses a token, which works again at once", async () => {
  const { client, baseUrl } = await serve();
  const { data } = await client.tokens.create({ name: "to resume", scopes: ["tokens_full"] });
  await client.tokens.pause(data.id);
  expect((await client.tokens.unpause(data.id)).data.status).toBe("unpause");
  // It sees its own subtree: itself.
  expect((await createLatchkeyClient({ baseUrl, token: data.accessToken }).tokens.list()).meta.total).toBe(1);
});

it("renames and pauses in one update", async () => {
  const { client } = await serve();
  const { data } = await client.tokens.create({ name: "both", has_full: true });
  expect((await client.tokens.update(data.id, { name: "renamed", status: "pause" })).data).toMatchObject({ name: "renamed", status: "pause" });
});

it("deletes a token for good: a second delete is not_found", async () => {
  const { client } = await serve();
  const { data } = await client.tokens.create({ name: "to delete", has_full: true });
  await expect(client.tokens.delete(data.id)).resolves.toBeUndefined();
  const error = await refusal(client.tokens.delete(data.id));
  expect([error.status, error.code]).toEqual([404, "not_found"]);
});

it("turns a refused create into validation_failed with the fields named", async () => {
  const { client } = await serve();
  const error = await refusal(client.tokens.create({ name: "   ", scopes: ["email_read"] }));
  expect([error.status, error.code]).toEqual([422, "validation_failed"]);
  expect(Object.keys(error.details.errors ?? {}).sort()).toEqual(["name", "scopes"]);
});

it("turns a request beyond the token's rights into scope_missing with the scope needed", async () => {
  const { harness, baseUrl } = await serve();
  const reader = await harness.mint({ scopes: ["domains_read"] });
  const error = await refusal(createLatchkeyClient({ baseUrl, token: reader.secret }).tokens.list());
  expect([error.status, error.code, error.details.required]).toEqual([403, "scope_missing", "tokens_full"]);
});

it("pauses and resumes a token with its subtree, and reads its family", async () => {
  const { client, baseUrl } = await serve();
  const { data: parent } = await client.tokens.create({ name: "parent", scopes: ["tokens_full", "email_full"] });
  const { data: kid } = await createLatchkeyClient({ baseUrl, token: parent.accessToken }).tokens.create({ name: "kid", scopes: ["email_full"] });
  expect((await client.tokens.family(parent.id)).data).toMatchObject({ children: 1, descendants: 1 });
  expect(await client.tokens.pauseTree(parent.id, { cascade: true })).toMatchObject({ data: { status: "pause" }, changed: 2 });
  expect((await client.tokens.show(kid.id)).data.status).toBe("pause");
  expect((await client.tokens.resumeTree(parent.id, { cascade: true })).changed).toBe(2);
  expect((await client.verify({ token: kid.accessToken, method: "POST", area: "email" })).code).toBe("ok");
});

it("follows a list's cursor", async () => {
  const { client } = await serve();
  for (let i = 0; i < 11; i++) await client.tokens.create({ name: `t${i}`, scopes: ["email_full"] });
  const first = await client.tokens.list({ limit: 10 });
  const cursor = new URL(first.links.next ?? "", "http://x").searchParams.get("cursor") ?? "";
  const second = await client.tokens.list({ limit: 10, cursor });
  expect(second.data.map((t) => t.id)).not.toContain(first.data[0]?.id);
  expect(first.data.length + second.data.length).toBe(12);
});
