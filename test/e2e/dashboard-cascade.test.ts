/**
 * The Manage dialog's family panel in a real browser (issue 10): it counts the tokens a token made
 * and pauses or resumes the token with all of them at once; the protected API sees each change on
 * its next verification.
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { rememberSecret } from "../helpers/trace-log.js";
import { ensureOwner, launchBrowser, openPage, sessionApi, signIn, startServer, verify, type Server } from "./dashboard-fixture.js";

let server: Server;
let browser: Browser;

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
  await ensureOwner(server);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

it("shows the children count in Manage and pauses and resumes the token with its subtree", async () => {
  const { context, page, problems } = await openPage(browser, server);
  try {
    await signIn(page);
    const parent = await (await sessionApi(page)).createToken({ name: "Parent of two", scopes: ["tokens_full", "email_full"] });
    const kids: string[] = [];
    for (const name of ["Kid one", "Kid two"]) {
      const res = await fetch(`${server.baseUrl}/v1/token`, { method: "POST", headers: { authorization: `Bearer ${parent.secret}`, "content-type": "application/json" }, body: JSON.stringify({ name, scopes: ["email_full"] }) });
      expect(res.status).toBe(201);
      const { data } = (await res.json()) as { data: { accessToken: string } };
      rememberSecret(data.accessToken);
      kids.push(data.accessToken);
    }
    const codes = async (): Promise<string[]> => Promise.all(kids.map(async (secret) => (await verify(server, { token: secret, method: "POST", area: "email" })).code));
    expect(await codes()).toEqual(["ok", "ok"]);
    await page.getByRole("link", { name: "API tokens" }).click();
    await page.getByRole("button", { name: `Manage ${parent.name}` }).click();
    const manage = page.getByRole("dialog", { name: "Manage token" });
    const family = manage.getByRole("group", { name: "Tokens made by this token" });
    await expect.poll(() => family.textContent()).toContain("This token made 2 tokens");
    await family.getByRole("button", { name: "Pause with its 2 tokens" }).click();
    await expect.poll(() => manage.textContent()).toContain("Paused");
    expect(await codes()).toEqual(["token_paused", "token_paused"]);
    await family.getByRole("button", { name: "Resume with its 2 tokens" }).click();
    await expect.poll(() => manage.getByRole("button", { name: "Pause", exact: true }).isVisible()).toBe(true);
    expect(await codes()).toEqual(["ok", "ok"]);
    expect(problems).toEqual([]);
  } finally {
    await context.close();
  }
});
