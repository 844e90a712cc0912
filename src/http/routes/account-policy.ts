/**
 * GET and PUT /v1/account/policy: the account's token policy (issue 13; src/service/account-policy.ts).
 * Needs a token with Full access for all domains, or a signed-in user.
 */
import { Type, type Static } from "typebox";
import type { Latchkey } from "../../service/latchkey.js";
import type { PolicyView } from "../../service/account-policy.js";
import type { App, PrincipalResolver } from "../app-instance.js";
import { actorFor, AUTH_ERRORS, BEARER_SECURITY } from "../request-actor.js";

export const PolicyBody = Type.Object(
  {
    max_lifetime_days: Type.Union([Type.Number(), Type.Null()], { description: "New tokens must expire within this many days (1..3650); null: no limit" }),
    expiry_required: Type.Boolean({ description: "New tokens must have an expiry" }),
    allowed_ips_required: Type.Boolean({ description: "New tokens must have an address list (allowed_ips)" }),
    two_factor_required_for_admins: Type.Optional(Type.Boolean({ description: "Owners and Admins must sign in with two-factor; absent: unchanged" })),
  },
  { additionalProperties: false },
);

export const PolicySchema = Type.Object(
  {
    max_lifetime_days: Type.Union([Type.Integer(), Type.Null()]),
    expiry_required: Type.Boolean(),
    allowed_ips_required: Type.Boolean(),
    two_factor_required_for_admins: Type.Boolean({ description: "Owners and Admins must sign in with two-factor; until they turn it on, the dashboard asks them to" }),
    updated_at: Type.Union([Type.String({ format: "date-time" }), Type.Null()]),
    out_of_policy: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), rules: Type.Array(Type.String()) }), { description: "Tokens made before the policy that break it (first 100, newest first); they keep working" }),
    out_of_policy_total: Type.Integer(),
  },
  { $id: "AccountPolicy" },
);

function policyToWire(view: PolicyView): Static<typeof PolicySchema> {
  return {
    max_lifetime_days: view.policy.maxLifetimeDays,
    expiry_required: view.policy.expiryRequired,
    allowed_ips_required: view.policy.allowedIpsRequired,
    two_factor_required_for_admins: view.twoFactorRequiredForAdmins,
    updated_at: view.updatedAt,
    out_of_policy: view.outOfPolicy.map((t) => ({ id: t.id, name: t.name, rules: [...t.rules] })),
    out_of_policy_total: view.outOfPolicyTotal,
  };
}

export function registerAccountPolicy(app: App, latchkey: Latchkey, resolvers: readonly PrincipalResolver[]): void {
  app.addSchema(PolicySchema);
  app.get(
    "/v1/account/policy",
    {
      schema: {
        operationId: "getAccountPolicy",
        summary: "Show the account's token policy",
        tags: ["account"],
        security: BEARER_SECURITY,
        response: { 200: Type.Object({ data: { $ref: "AccountPolicy#" } }), ...AUTH_ERRORS },
      },
    },
    async (request) => {
      const actor = await actorFor(latchkey, request, resolvers);
      return { data: policyToWire(await latchkey.policy.get(actor)) };
    },
  );
  app.put(
    "/v1/account/policy",
    {
      schema: {
        operationId: "setAccountPolicy",
        summary: "Set the account's token policy",
        description: "Binds tokens created from now on (422 naming the rule otherwise); existing tokens keep working and are listed in out_of_policy.",
        tags: ["account"],
        security: BEARER_SECURITY,
        body: PolicyBody,
        response: { 200: Type.Object({ data: { $ref: "AccountPolicy#" } }), ...AUTH_ERRORS },
      },
    },
    async (request) => {
      const actor = await actorFor(latchkey, request, resolvers);
      const body = request.body;
      return { data: policyToWire(await latchkey.policy.set(actor, { maxLifetimeDays: body.max_lifetime_days, expiryRequired: body.expiry_required, allowedIpsRequired: body.allowed_ips_required, ...(body.two_factor_required_for_admins === undefined ? {} : { twoFactorRequiredForAdmins: body.two_factor_required_for_admins }) })) };
    },
  );
}
