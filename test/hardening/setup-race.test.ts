/**
 * The one-time set-up code works once, even when many requests present it at the same moment (found by
 * the break test: on PostgreSQL, 18 of 20 simultaneous set-ups each created an owner).
 */
import { expect, it } from "vitest";
import { openApiHarness } from "../helpers/api-harness.js";

it("creates exactly one owner from 20 simultaneous set-ups with the same code", async () => {
  const api = await openApiHarness();
  const code = await api.latchkey.users.openSetup();
  expect(code).not.toBeNull();
  const answers = await Promise.all(
    Array.from({ length: 20 }, (_, i) => api.call("POST", "/v1/setup", { token: null, body: { code, email: `owner${i}@example.com`, password: "a long and careful passphrase" } })),
  );
  expect(answers.filter((a) => a.status === 200 || a.status === 201)).toHaveLength(1);
  expect(answers.filter((a) => a.status === 403).every((a) => a.body.code === "setup_closed")).toBe(true);
  expect(await api.latchkey.users.count()).toBe(1);
});
