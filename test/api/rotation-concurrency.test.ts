/**
 * Concurrent rotations of one token (break test B2-2): each is answered 200 with its own secret, one
 * after another, never 500; the token ends with the last one's secret as current and exactly one
 * previous secret; on both stores (PostgreSQL: the rotation locks the token's row first).
 */
import { describe, expect, it } from "vitest";
import { openApiHarness } from "../helpers/api-harness.js";
import { rememberSecret } from "../helpers/trace-log.js";

describe("concurrent rotations of one token", () => {
  it("are all answered 200, each with a distinct secret, and the last one is current", async () => {
    const h = await openApiHarness();
    const target = await h.mint({ scopes: ["domains_read"] });
    const answers = await Promise.all(
      Array.from({ length: 12 }, () => h.call("POST", `/v1/token/${target.id}/rotate`, { body: { grace_seconds: 60 } })),
    );
    for (const answer of answers) if (answer.status === 200) rememberSecret(answer.body.data.accessToken);
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
    const secrets = answers.map((a) => a.body.data.accessToken as string);
    expect(new Set(secrets).size).toBe(secrets.length);
    // Exactly one of them verifies as current; the rest but one are refused (token_rotated), one is the previous.
    const codes: string[] = [];
    for (const secret of secrets) {
      const res = await h.call("POST", "/v1/verify", { token: null, body: { token: secret, method: "GET", area: "domains" } });
      codes.push(res.body.allowed ? `ok:${res.body.secret}` : res.body.code);
    }
    expect(codes.filter((c) => c === "ok:current")).toHaveLength(1);
    expect(codes.filter((c) => c === "ok:previous")).toHaveLength(1);
    expect(codes.filter((c) => c === "token_unknown")).toHaveLength(secrets.length - 2);
  });
});
