/**
 * GET /v1/token/{id}/usage and GET /v1/usage: verifications over time by outcome code (issue 14),
 * counts not yet written to the database included. `format=csv` answers text/csv with one row per
 * stored count (`hour,token_id,token_name,area,code,count`), for spreadsheets.
 */
import type { FastifyReply } from "fastify";
import { Type } from "typebox";
import type { Latchkey } from "../../service/latchkey.js";
import type { UsageReport } from "../../service/usage-service.js";
import type { App, PrincipalResolver } from "../app-instance.js";
import { actorFor, AUTH_ERRORS, BEARER_SECURITY } from "../request-actor.js";
import { TokenIdParams } from "../wire-format.js";

const UsageQuerySchema = Type.Object({
  from: Type.Optional(Type.String({ maxLength: 64, description: "RFC 3339 instant or YYYY-MM-DD; rounded down to the bucket (default: 7 days before `to`)" })),
  to: Type.Optional(Type.String({ maxLength: 64, description: "RFC 3339 instant or YYYY-MM-DD, exclusive; rounded up to the bucket (default: now)" })),
  granularity: Type.Optional(Type.Union([Type.Literal("hour"), Type.Literal("day")], { description: "Bucket size (default hour; at most 31 days by hour, 400 by day)" })),
  format: Type.Optional(Type.Union([Type.Literal("json"), Type.Literal("csv")], { description: "json (default) or csv" })),
});

const Counts = Type.Record(Type.String(), Type.Integer(), { description: "Count per outcome code (ok, scope_missing, rate_limited, ...)" });

export const UsageReportSchema = Type.Object(
  {
    from: Type.String(),
    to: Type.String(),
    granularity: Type.String(),
    series: Type.Array(Type.Object({ start: Type.String(), counts: Counts })),
    totals: Counts,
    areas: Type.Record(Type.String(), Counts),
    tokens: Type.Array(Type.Object({ token_id: Type.String(), name: Type.Union([Type.String(), Type.Null()]), total: Type.Integer(), refused: Type.Integer() })),
  },
  { $id: "UsageReport" },
);

const LastUse = Type.Union([
  Type.Object({ used_at: Type.String(), ip: Type.Union([Type.String(), Type.Null()]), area: Type.String(), method: Type.String() }),
  Type.Null(),
]);

const REPORT_ERRORS = { 404: { $ref: "Error#" }, ...AUTH_ERRORS } as const;

export function registerUsageReports(app: App, latchkey: Latchkey, resolvers: readonly PrincipalResolver[]): void {
  app.addSchema(UsageReportSchema);
  app.get(
    "/v1/token/:id/usage",
    {
      schema: {
        operationId: "getTokenUsage",
        summary: "A token's verifications over time, by outcome",
        tags: ["usage"],
        security: BEARER_SECURITY,
        params: TokenIdParams,
        querystring: UsageQuerySchema,
        response: { 200: Type.Object({ data: Type.Intersect([Type.Ref("UsageReport"), Type.Object({ last_use: LastUse })]) }), ...REPORT_ERRORS },
      },
    },
    async (request, reply) => {
      const actor = await actorFor(latchkey, request, resolvers);
      const { format, ...query } = request.query;
      const report = await latchkey.usage.tokenUsage(actor, request.params.id, query);
      if (format === "csv") return sendCsv(reply, report, `usage-${request.params.id}.csv`);
      const { rows: _rows, names: _names, last_use, ...data } = report;
      return { data: { ...data, last_use: last_use === null ? null : { used_at: last_use.used_at, ip: last_use.ip, area: last_use.area, method: last_use.method } } };
    },
  );
  app.get(
    "/v1/usage",
    {
      schema: {
        operationId: "getAccountUsage",
        summary: "The account's verifications over time, by outcome, and its busiest tokens",
        tags: ["usage"],
        security: BEARER_SECURITY,
        querystring: UsageQuerySchema,
        response: { 200: Type.Object({ data: Type.Ref("UsageReport") }), ...REPORT_ERRORS },
      },
    },
    async (request, reply) => {
      const actor = await actorFor(latchkey, request, resolvers);
      const { format, ...query } = request.query;
      const report = await latchkey.usage.accountUsage(actor, query);
      if (format === "csv") return sendCsv(reply, report, "usage.csv");
      const { rows: _rows, names: _names, ...data } = report;
      return { data };
    },
  );
}

/** One CSV field (RFC 4180), with a leading formula character neutralised for spreadsheets. */
function csvField(value: string | number): string {
  const text = typeof value === "number" ? String(value) : /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function sendCsv(reply: FastifyReply, report: UsageReport, filename: string): FastifyReply {
  const names = report.names;
  const merged = new Map<string, { hour: string; tokenId: string; area: string; code: string; count: number }>();
  for (const r of report.rows) {
    const key = `${r.hour}|${r.tokenId}|${r.area}|${r.code}`;
    const row = merged.get(key);
    if (row === undefined) merged.set(key, { hour: r.hour, tokenId: r.tokenId, area: r.area, code: r.code, count: r.count });
    else row.count += r.count;
  }
  const lines = ["hour,token_id,token_name,area,code,count"];
  for (const r of [...merged.values()].sort((a, b) => (a.hour < b.hour ? -1 : a.hour > b.hour ? 1 : a.tokenId < b.tokenId ? -1 : 1))) {
    lines.push([r.hour, r.tokenId, names.get(r.tokenId) ?? "", r.area, r.code, r.count].map(csvField).join(","));
  }
  reply.header("content-disposition", `attachment; filename="${filename.replace(/[^A-Za-z0-9._-]/g, "_")}"`);
  return reply.type("text/csv; charset=utf-8").send(`${lines.join("\r\n")}\r\n`);
}
