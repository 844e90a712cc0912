/**
 * Authentication comes before input validation: a caller without a valid token gets 401, not a
 * description of what it did wrong. (Permissions are checked by the use case, after validation: a
 * valid token lacking the scope may see a 422 for a malformed body; the rules are public in /docs.)
 */
import { describe, expect, it } from "vitest";
import { openApiHarness } from "../helpers/api-harness.js";

describe.each([
  ["POST", "/v1/token", { name: 5 }],
  ["PUT", "/v1/token/tok_x", { scopes: "x" }],
  ["POST", "/v1/domains", { nope: true }],
  ["GET", "/v1/token?limit=5000", undefined],
])("%s %s with an invalid input", (method, url, body) => {
  it("answers 401 token_missing without a token", async () => {
    const api = await openApiHarness();
    const response = await api.call(method, url, { token: null, ...(body === undefined ? {} : { body }) });
    expect(response.status).toBe(401);
    expect(response.body.code).toBe("token_missing");
  });
});
