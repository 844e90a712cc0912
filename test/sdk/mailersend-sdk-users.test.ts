/**
 * The official `mailersend` SDK's UserModule (unchanged) against a listening latchkey: every users
 * and invites call, as it would run against api.mailersend.com (issue 16).
 */
import { UserModule } from "mailersend/lib/modules/User.module.js";
import { describe, expect, it } from "vitest";
import { openApiHarness } from "../helpers/api-harness.js";

describe("mailersend SDK UserModule against latchkey", () => {
  it("invites, lists, shows, resends, cancels, and changes and removes a person", async () => {
    const h = await openApiHarness();
    const domainId = await h.addDomain("example.com");
    const address = await h.app.listen({ port: 0, host: "127.0.0.1" });
    const sdk = new UserModule(h.root.secret, `${address}/v1`);

    const created = await sdk.create({ email: "Ada@Example.com", role: "Custom User", permissions: ["read-activity", "email_full"], domains: [domainId], templates: [], requires_periodic_password_change: false });
    expect(created.statusCode).toBe(201);
    expect(created.body.data).toMatchObject({ email: "ada@example.com", data: { role: "Custom User", permissions: ["email_full", "activity_read"], domains: [domainId] } });
    const inviteId = created.body.data.id as string;
    const firstCode = (created.body.data.invite_url as string).split("#code=")[1] as string;

    const invites = await sdk.listInvites({ page: 1, limit: 10 });
    expect(invites.body.data.map((i: { id: string }) => i.id)).toEqual([inviteId]);
    expect(JSON.stringify(invites.body)).not.toContain(firstCode);
    expect((await sdk.singleInvite(inviteId)).body.data.email).toBe("ada@example.com");

    const resent = await sdk.resendInvite(inviteId);
    expect(resent.statusCode).toBe(200);
    const secondCode = (resent.body.data.invite_url as string).split("#code=")[1] as string;
    expect(secondCode).not.toBe(firstCode);
    await expect(h.latchkey.invites.preview(firstCode)).rejects.toMatchObject({ code: "invite_invalid" });

    const cancelled = await sdk.deleteInvite(inviteId);
    expect(cancelled.statusCode).toBe(204);
    await expect(sdk.singleInvite(inviteId)).rejects.toMatchObject({ statusCode: 404 });

    const again = await sdk.create({ email: "grace@example.com", role: "Designer" });
    const code = (again.body.data.invite_url as string).split("#code=")[1] as string;
    const session = await h.latchkey.invites.accept(code, "a long passphrase here", { ip: null });
    const userId = session.user.id;

    const users = await sdk.list({ page: 1, limit: 10 });
    expect(users.statusCode).toBe(200);
    expect(users.body.data.map((u: { email: string; role: string }) => [u.email, u.role])).toEqual([["grace@example.com", "Designer"]]);
    const single = await sdk.single(userId);
    expect(single.body.data).toMatchObject({ id: userId, role: "Designer", permissions: ["templates_full"], all_domains: true });

    const updated = await sdk.update(userId, { role: "Manager", domains: [domainId] });
    expect(updated.body.data).toMatchObject({ role: "Manager", domains: [{ id: domainId, name: "example.com" }], all_domains: false });

    const removed = await sdk.delete(userId);
    expect(removed.statusCode).toBe(204);
    await expect(sdk.single(userId)).rejects.toMatchObject({ statusCode: 404 });
  });
});
