/**
 * The Users API (issue 16), wire-compatible with MailerSend's as its SDK's UserModule calls it:
 * `GET/POST /v1/users`, `GET/PUT/DELETE /v1/users/{id}`, `GET /v1/invites`, `GET /v1/invites/{id}`,
 * `POST /v1/invites/{id}/resend`, `DELETE /v1/invites/{id}`; plus the accept page's two calls,
 * `POST /v1/invites/preview` and `POST /v1/invites/accept` (the code in the body, never the URL).
 */
import { Type } from "typebox";
import type { FastifyRequest } from "fastify";
import type { Latchkey } from "../../service/latchkey.js";
import type { App, PrincipalResolver } from "../app-instance.js";
import { actorFor, AUTH_ERRORS, BEARER_SECURITY, listPath, PUBLIC_SECURITY } from "../request-actor.js";
import { setSessionCookie } from "../session-cookie.js";
import { pageBody, pageSchema, PageQuerySchema, SessionSchema, sessionToWire } from "../wire-format.js";
import { IdParams, InviteBody, InviteSchema, inviteToWire, IssuedInviteSchema, TeamUserSchema, teamUserToWire, UpdateUserBody } from "./user-schemas.js";

const NOT_FOUND = { 404: { $ref: "Error#" } } as const;
const CONFLICT = { 409: { $ref: "Error#" } } as const;

/**
 * Where invitation links point: LATCHKEY_PUBLIC_URL, or null (the link is then the relative
 * `/invite#code=...` and is not mailed). Never the request's Host or X-Forwarded-Host: a client could
 * name its own site and have latchkey mail it a live code (host-header poisoning).
 */
function publicUrlOf(request: FastifyRequest): string | null {
  return request.server.latchkeyPublicUrl === "" ? null : request.server.latchkeyPublicUrl;
}

/** What the invite and resend answers say of `invite_url` and `mailed`. */
const LINK_RULE =
  "invite_url is absolute on LATCHKEY_PUBLIC_URL when it is set, else the relative /invite#code=... (open it on the dashboard's own address); it is never built from the request's Host header. " +
  "It is e-mailed (mailed: true) only when SMTP and LATCHKEY_PUBLIC_URL are both configured: a mail needs an absolute link latchkey can trust.";

export function registerUserRoutes(app: App, latchkey: Latchkey, resolvers: readonly PrincipalResolver[]): void {
  app.addSchema(TeamUserSchema);
  app.addSchema(InviteSchema);
  const { catalogue } = latchkey;
  const tags = ["users"];

  app.get("/v1/users", { schema: { operationId: "listUsers", summary: "List the account's people", tags, security: BEARER_SECURITY, querystring: PageQuerySchema, response: { 200: pageSchema(Type.Ref("TeamUser")), ...AUTH_ERRORS } } }, async (request) => {
    const actor = await actorFor(latchkey, request, resolvers);
    const page = request.query.page ?? 1;
    const limit = request.query.limit ?? 25;
    const { users, total } = await latchkey.team.list(actor, { page, limit });
    return pageBody(users.map((u) => teamUserToWire(catalogue, u)), listPath(request), page, limit, total);
  });

  app.get("/v1/users/:id", { schema: { operationId: "showUser", summary: "Show a person", tags, security: BEARER_SECURITY, params: IdParams, response: { 200: Type.Object({ data: Type.Ref("TeamUser") }), ...NOT_FOUND, ...AUTH_ERRORS } } }, async (request) => {
    const actor = await actorFor(latchkey, request, resolvers);
    return { data: teamUserToWire(catalogue, await latchkey.team.show(actor, request.params.id)) };
  });

  app.post(
    "/v1/users",
    {
      schema: {
        operationId: "inviteUser",
        summary: "Invite a person",
        description: `Makes an invitation; the answer holds its link (invite_url) with the single-use code, the only time it is shown. ${LINK_RULE}`,
        tags,
        security: BEARER_SECURITY,
        body: InviteBody,
        response: { 201: Type.Object({ data: IssuedInviteSchema }), ...CONFLICT, ...AUTH_ERRORS },
      },
    },
    async (request, reply) => {
      const actor = await actorFor(latchkey, request, resolvers);
      const issued = await latchkey.invites.invite(actor, request.body, publicUrlOf(request));
      reply.header("cache-control", "no-store");
      return reply.code(201).send({ data: { ...inviteToWire(catalogue, issued.invite), invite_url: issued.link, mailed: issued.mailed } });
    },
  );

  app.put(
    "/v1/users/:id",
    { schema: { operationId: "updateUser", summary: "Change a person's role", tags, security: BEARER_SECURITY, params: IdParams, body: UpdateUserBody, response: { 200: Type.Object({ data: Type.Ref("TeamUser") }), ...NOT_FOUND, ...CONFLICT, ...AUTH_ERRORS } } },
    async (request) => {
      const actor = await actorFor(latchkey, request, resolvers);
      const { role, permissions, domains } = request.body;
      return { data: teamUserToWire(catalogue, await latchkey.team.update(actor, request.params.id, { role, permissions, domains })) };
    },
  );

  app.delete(
    "/v1/users/:id",
    {
      schema: {
        operationId: "removeUser",
        summary: "Remove a person",
        description: "Their tokens stay (created_by still names them); with ?pause_tokens=true they are paused too, with every token below them.",
        tags,
        security: BEARER_SECURITY,
        params: IdParams,
        querystring: Type.Object({ pause_tokens: Type.Optional(Type.Boolean({ default: false })) }, { additionalProperties: false }),
        response: { 204: { type: "null", description: "Removed" }, ...NOT_FOUND, ...CONFLICT, ...AUTH_ERRORS },
      },
    },
    async (request, reply) => {
      const actor = await actorFor(latchkey, request, resolvers);
      await latchkey.team.remove(actor, request.params.id, { pauseTokens: request.query.pause_tokens === true });
      return reply.code(204).send(null);
    },
  );

  app.get("/v1/invites", { schema: { operationId: "listInvites", summary: "List pending invitations", tags, security: BEARER_SECURITY, querystring: PageQuerySchema, response: { 200: pageSchema(Type.Ref("Invite")), ...AUTH_ERRORS } } }, async (request) => {
    const actor = await actorFor(latchkey, request, resolvers);
    const page = request.query.page ?? 1;
    const limit = request.query.limit ?? 25;
    const { invites, total } = await latchkey.invites.list(actor, { page, limit });
    return pageBody(invites.map((i) => inviteToWire(catalogue, i)), listPath(request), page, limit, total);
  });

  app.get("/v1/invites/:id", { schema: { operationId: "showInvite", summary: "Show a pending invitation", tags, security: BEARER_SECURITY, params: IdParams, response: { 200: Type.Object({ data: Type.Ref("Invite") }), ...NOT_FOUND, ...AUTH_ERRORS } } }, async (request) => {
    const actor = await actorFor(latchkey, request, resolvers);
    return { data: inviteToWire(catalogue, await latchkey.invites.show(actor, request.params.id)) };
  });

  app.post(
    "/v1/invites/:id/resend",
    { schema: { operationId: "resendInvite", summary: "Resend an invitation", description: `A new link (invite_url), good for 7 days; the old one stops working. ${LINK_RULE}`, tags, security: BEARER_SECURITY, params: IdParams, response: { 200: Type.Object({ data: IssuedInviteSchema }), ...NOT_FOUND, ...AUTH_ERRORS } } },
    async (request, reply) => {
      const actor = await actorFor(latchkey, request, resolvers);
      const issued = await latchkey.invites.resend(actor, request.params.id, publicUrlOf(request));
      reply.header("cache-control", "no-store");
      return { data: { ...inviteToWire(catalogue, issued.invite), invite_url: issued.link, mailed: issued.mailed } };
    },
  );

  app.delete("/v1/invites/:id", { schema: { operationId: "cancelInvite", summary: "Cancel an invitation", tags, security: BEARER_SECURITY, params: IdParams, response: { 204: { type: "null", description: "Cancelled" }, ...NOT_FOUND, ...AUTH_ERRORS } } }, async (request, reply) => {
    const actor = await actorFor(latchkey, request, resolvers);
    await latchkey.invites.cancel(actor, request.params.id);
    return reply.code(204).send(null);
  });

  const CodeBody = Type.Object({ code: Type.String({ maxLength: 200, description: "The code from the invitation link's fragment" }) }, { additionalProperties: false });
  app.post(
    "/v1/invites/preview",
    { schema: { operationId: "previewInvite", security: PUBLIC_SECURITY, summary: "What an invitation link is for", tags: ["session"], body: CodeBody, response: { 200: Type.Object({ data: Type.Object({ email: Type.String(), role: Type.String(), expires_at: Type.String({ format: "date-time" }) }) }), ...NOT_FOUND, 422: { $ref: "Error#" } } } },
    async (request, reply) => {
      const preview = await latchkey.invites.preview(request.body.code);
      reply.header("cache-control", "no-store");
      return { data: { email: preview.email, role: preview.role, expires_at: preview.expiresAt } };
    },
  );

  app.post(
    "/v1/invites/accept",
    {
      schema: {
        operationId: "acceptInvite",
        security: PUBLIC_SECURITY, // the invitation's code is the credential
        summary: "Accept an invitation: set the password and sign in",
        tags: ["session"],
        body: Type.Object({ code: Type.String({ maxLength: 200 }), password: Type.String({ maxLength: 4096, description: "At least 12 characters" }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ data: SessionSchema }), ...NOT_FOUND, ...CONFLICT, 422: { $ref: "Error#" }, 429: { $ref: "Error#" } },
      },
    },
    async (request, reply) => {
      const opened = await latchkey.invites.accept(request.body.code, request.body.password, { ip: request.ip });
      setSessionCookie(request, reply, opened.secret);
      reply.header("cache-control", "no-store");
      return { data: sessionToWire(opened, catalogue) };
    },
  );
}
