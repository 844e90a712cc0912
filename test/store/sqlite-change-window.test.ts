/**
 * Two processes on one SQLite file (here: two Latchkey instances, each with its own connection, as
 * the CLI and a running server are): a change one makes is seen by the other's very next
 * verification, even when that verification comes straight after the change returns and straight
 * after a verification the other answered from its cache. The verifier reads SQLite's change counter
 * at most once per SQLITE_CHANGE_WINDOW_MILLIS; this is what the writer's wait keeps correct.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Latchkey } from "../../src/service/latchkey.js";

const opened: Latchkey[] = [];
afterEach(async () => {
  for (const latchkey of opened.splice(0)) await latchkey.close();
});

async function twoInstances(): Promise<{ server: Latchkey; cli: Latchkey }> {
  const databaseUrl = `sqlite:${join(mkdtempSync(join(tmpdir(), "lk-window-")), "window.db")}`;
  const server = await Latchkey.open({ databaseUrl });
  opened.push(server);
  const cli = await Latchkey.open({ databaseUrl });
  opened.push(cli);
  return { server, cli };
}

describe("a change made through another connection to the SQLite file", () => {
  it("is seen by the next verification even right after a cached one, pause after resume", async () => {
    const { server, cli } = await twoInstances();
    const operator = { principal: await cli.operator("default"), ip: null };
    const { token, secret } = await cli.tokens.create(operator, { name: "toggled", scopes: ["sms_read"] });
    const ask = async (): Promise<string> => (await server.verify({ token: secret, method: "GET", area: "sms" })).code;
    for (let round = 0; round < 20; round++) {
      expect(await ask()).toBe("ok");
      expect(await ask()).toBe("ok"); // answered from the cache, and the change counter just read
      await cli.tokens.update(operator, token.id, { status: "pause" });
      expect(await ask()).toBe("token_paused");
      await cli.tokens.update(operator, token.id, { status: "unpause" });
    }
  });

  it("is seen when the token is deleted straight after a cached verification", async () => {
    const { server, cli } = await twoInstances();
    const operator = { principal: await cli.operator("default"), ip: null };
    const { token, secret } = await cli.tokens.create(operator, { name: "deleted", hasFull: true });
    expect((await server.verify({ token: secret, method: "DELETE", area: "tokens" })).code).toBe("ok");
    expect((await server.verify({ token: secret, method: "DELETE", area: "tokens" })).code).toBe("ok");
    await cli.tokens.delete(operator, token.id);
    expect((await server.verify({ token: secret, method: "DELETE", area: "tokens" })).code).toBe("token_unknown");
  });
});
