/**
 * `latchkey webhook create|list|show|update|delete|deliveries|redeliver`, as the operator of an
 * account (docs/webhooks.md). Deliveries are sent by a running server (`latchkey serve`); a
 * redelivery queued here goes out at its next poll.
 */
import { Option, type Command } from "commander";
import type { Latchkey } from "../service/latchkey.js";
import type { ActorContext } from "../service/principal.js";
import { WEBHOOK_EVENT_TYPES } from "../service/webhook-outbox.js";
import type { DeliveryDetails, WebhookDetails } from "../service/webhook-service.js";
import { formatFields, formatTable, UsageError, type CliIo } from "./cli-output.js";
import type { Config } from "./config.js";
import { withLatchkey } from "./open-for-cli.js";

const accountOption = (): Option => new Option("--account <name>", "account name or id").default("default");
const jsonOption = (): Option => new Option("--json", "print JSON");
const eventsHelp = `events to deliver: ${WEBHOOK_EVENT_TYPES.join(", ")}, or "all"`;

async function operatorOf(latchkey: Latchkey, account: string): Promise<ActorContext> {
  return { principal: await latchkey.operator(account), ip: null };
}

/** `--event a b` and `--event a,b` alike; `all` means every event type. */
function eventsOf(given: string[]): string[] {
  const events = given.flatMap((e) => e.split(",")).map((e) => e.trim()).filter((e) => e !== "");
  return events.includes("all") ? [...WEBHOOK_EVENT_TYPES] : events;
}

function webhookFields(w: WebhookDetails): Record<string, string> {
  return {
    id: w.id,
    name: w.name,
    url: w.url,
    events: w.events.join(", "),
    status: w.enabled ? "Enabled" : w.disabledReason === "failing" ? "Disabled (failed for three days)" : "Disabled",
    "failing since": w.failingSince ?? "-",
    created: w.createdAt,
  };
}

function webhookJson(w: WebhookDetails): Record<string, unknown> {
  return { id: w.id, name: w.name, url: w.url, events: w.events, enabled: w.enabled, disabled_reason: w.disabledReason, failing_since: w.failingSince, created_at: w.createdAt, updated_at: w.updatedAt };
}

function deliveryRow(d: DeliveryDetails): string[] {
  return [d.id, d.eventType, d.status, String(d.attempts), d.responseStatus === null ? "-" : String(d.responseStatus), d.durationMs === null ? "-" : `${d.durationMs} ms`, d.lastAttemptAt ?? "-", (d.response ?? "").replace(/\s+/g, " ").slice(0, 40)];
}

export function registerWebhookCommands(program: Command, io: CliIo, config: () => Config): void {
  const webhook = program.command("webhook").description("Signed webhooks for token events (docs/webhooks.md)");

  webhook
    .command("create")
    .description("Add an endpoint and print its signing secret (shown this once)")
    .requiredOption("--name <name>", "endpoint name, 1 to 50 characters")
    .requiredOption("--url <url>", "https:// URL of the receiver")
    .requiredOption("--event <event...>", eventsHelp)
    .option("--disabled", "create it disabled")
    .addOption(accountOption())
    .addOption(jsonOption())
    .action(async (opts: { name: string; url: string; event: string[]; disabled?: boolean; account: string; json?: boolean }) => {
      await withLatchkey(config(), async (latchkey) => {
        const { webhook: created, signingSecret } = await latchkey.webhooks.create(await operatorOf(latchkey, opts.account), { name: opts.name, url: opts.url, events: eventsOf(opts.event), enabled: !opts.disabled });
        if (opts.json) io.out(JSON.stringify({ ...webhookJson(created), signing_secret: signingSecret }, null, 2));
        else {
          io.out(formatFields({ ...webhookFields(created), "signing secret": signingSecret }));
          io.err("Copy the signing secret now: it will not be shown again. Receivers verify each delivery with it (Standard Webhooks).");
        }
      });
    });

  webhook
    .command("list")
    .description("List the account's endpoints, newest first")
    .addOption(accountOption())
    .addOption(jsonOption())
    .action(async (opts: { account: string; json?: boolean }) => {
      await withLatchkey(config(), async (latchkey) => {
        const { webhooks, total } = await latchkey.webhooks.list(await operatorOf(latchkey, opts.account), { page: 1, limit: 100 });
        if (opts.json) return io.out(JSON.stringify({ data: webhooks.map(webhookJson), total }, null, 2));
        io.out(formatTable(["ID", "NAME", "URL", "EVENTS", "STATUS"], webhooks.map((w) => [w.id, w.name, w.url, String(w.events.length), w.enabled ? "Enabled" : "Disabled"])));
        io.err(`${webhooks.length} of ${total} endpoint(s)`);
      });
    });

  webhook
    .command("show <id>")
    .description("Show an endpoint (never its signing secret)")
    .addOption(accountOption())
    .addOption(jsonOption())
    .action(async (id: string, opts: { account: string; json?: boolean }) => {
      await withLatchkey(config(), async (latchkey) => {
        const shown = await latchkey.webhooks.show(await operatorOf(latchkey, opts.account), id);
        io.out(opts.json ? JSON.stringify(webhookJson(shown), null, 2) : formatFields(webhookFields(shown)));
      });
    });

  webhook
    .command("update <id>")
    .description("Change an endpoint's name, URL or events, or enable or disable it")
    .option("--name <name>", "new name")
    .option("--url <url>", "new URL")
    .option("--event <event...>", eventsHelp)
    .option("--enable", "deliver again (after latchkey disabled it, or you did)")
    .option("--disable", "stop delivering")
    .addOption(accountOption())
    .action(async (id: string, opts: { name?: string; url?: string; event?: string[]; enable?: boolean; disable?: boolean; account: string }) => {
      if (opts.enable && opts.disable) throw new UsageError("give --enable or --disable, not both");
      await withLatchkey(config(), async (latchkey) => {
        const updated = await latchkey.webhooks.update(await operatorOf(latchkey, opts.account), id, {
          ...(opts.name !== undefined ? { name: opts.name } : {}),
          ...(opts.url !== undefined ? { url: opts.url } : {}),
          ...(opts.event !== undefined ? { events: eventsOf(opts.event) } : {}),
          ...(opts.enable ? { enabled: true } : opts.disable ? { enabled: false } : {}),
        });
        io.out(formatFields(webhookFields(updated)));
      });
    });

  webhook
    .command("delete <id>")
    .description("Delete an endpoint and its delivery log (confirm with --yes)")
    .option("--yes", "confirm the deletion")
    .addOption(accountOption())
    .action(async (id: string, opts: { yes?: boolean; account: string }) => {
      await withLatchkey(config(), async (latchkey) => {
        const actor = await operatorOf(latchkey, opts.account);
        const target = await latchkey.webhooks.show(actor, id);
        if (!opts.yes) throw new UsageError(`this deletes the endpoint "${target.name}" (${target.id}); run again with --yes to confirm`);
        await latchkey.webhooks.delete(actor, id);
        io.out(`Deleted ${target.id} (${target.name})`);
      });
    });

  webhook
    .command("deliveries <id>")
    .description("Show an endpoint's delivery log, newest first")
    .addOption(accountOption())
    .addOption(jsonOption())
    .action(async (id: string, opts: { account: string; json?: boolean }) => {
      await withLatchkey(config(), async (latchkey) => {
        const { deliveries, total } = await latchkey.webhooks.deliveries(await operatorOf(latchkey, opts.account), id, { page: 1, limit: 100 });
        if (opts.json) return io.out(JSON.stringify({ data: deliveries, total }, null, 2));
        io.out(formatTable(["ID", "EVENT", "STATUS", "ATTEMPTS", "CODE", "TIME", "LAST ATTEMPT", "ANSWER"], deliveries.map(deliveryRow)));
        io.err(`${deliveries.length} of ${total} deliveries`);
      });
    });

  webhook
    .command("redeliver <id> <deliveryId>")
    .description("Queue a delivery's event again (a running server sends it)")
    .addOption(accountOption())
    .action(async (id: string, deliveryId: string, opts: { account: string }) => {
      await withLatchkey(config(), async (latchkey) => {
        const queued = await latchkey.webhooks.redeliver(await operatorOf(latchkey, opts.account), id, deliveryId);
        io.out(`Queued ${queued.eventType} again as ${queued.id}`);
      });
    });
}
