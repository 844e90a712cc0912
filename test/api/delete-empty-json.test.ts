/** A DELETE with `Content-Type: application/json` and no body, as generic clients send it, over a real socket. */
import { expect, it } from "vitest";
import { openApiHarness } from "../helpers/api-harness.js";

it("deletes a token when the DELETE carries Content-Type: application/json and no body", async () => {
  const h = await openApiHarness();
  const token = await h.mint({ name: "to delete" });
  await h.app.listen({ host: "127.0.0.1", port: 0 });
  const address = h.app.server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  const res = await fetch(`http://127.0.0.1:${port}/v1/token/${token.id}`, { method: "DELETE", headers: { authorization: `Bearer ${h.root.secret}`, "content-type": "application/json" } });
  expect(res.status).toBe(204);
  expect((await h.call("GET", `/v1/token/${token.id}`)).status).toBe(404);
});
