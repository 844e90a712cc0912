/**
 * The webhook routes through the typed client against a real listening server: create (the signing
 * secret once), list, show, update, the delivery log, redeliver, delete, and refusals as
 * LatchkeyApiError.
 */
import { expect, it } from "vitest";
import { createLatchkeyClient, LatchkeyApiError } from "../../src/client/latchkey-client.js";
import { openApiHarness } from "../helpers/api-harness.js";

it("manages an endpoint and its delivery log through the client", async () => {
  const harness = await openApiHarness();
  const baseUrl = await harness.app.listen({ host: "127.0.0.1", port: 0 });
  const client = createLatchkeyClient({ baseUrl, token: harness.root.secret });
  const { data: created } = await client.webhooks.create({ name: "client", url: "https://hooks.example.com/x", events: ["token.created"] });
  expect(created.signing_secret).toMatch(/^whsec_/);
  expect((await client.webhooks.show(created.id)).data).not.toHaveProperty("signing_secret");
  expect((await client.webhooks.list()).data.map((w) => w.id)).toEqual([created.id]);
  expect((await client.webhooks.update(created.id, { enabled: false })).data.enabled).toBe(false);
  await client.webhooks.update(created.id, { enabled: true });
  await client.tokens.create({ name: "evented", has_full: true });
  const log = await client.webhooks.deliveries(created.id, { page: 1, limit: 10 });
  expect(log.data).toHaveLength(1);
  expect(log.data[0]).toMatchObject({ event_type: "token.created", status: "pending", attempts: 0 });
  const again = await client.webhooks.redeliver(created.id, log.data[0]?.id ?? "");
  expect(again.data).toMatchObject({ event_id: log.data[0]?.event_id, status: "pending" });
  const invalid = await client.webhooks.create({ name: "x", url: "ftp://x", events: [] }).catch((e: unknown) => e);
  expect(invalid).toBeInstanceOf(LatchkeyApiError);
  expect((invalid as LatchkeyApiError).code).toBe("validation_failed");
  await client.webhooks.delete(created.id);
  const gone = await client.webhooks.show(created.id).catch((e: unknown) => e);
  expect((gone as LatchkeyApiError).status).toBe(404);
});
