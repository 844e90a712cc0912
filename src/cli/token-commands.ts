/** `latchkey token create|list|show|rename|pause|resume|delete`, as the operator of an account. */
import { Option, type Command } from "commander";
import { normalizeDomainName } from "../core/input-rules.js";
import { nameForTerminal } from "../core/name-characters.js";
import type { Latchkey } from "../service/latchkey.js";
import type { ActorContext } from "../service/principal.js";
import { expiryWords, formatFields, formatTable, statusWord, tokenFields, tokenJson, UsageError, type CliIo } from "./cli-output.js";
import type { Config } from "./config.js";
import { inTerms, tokenIdOf } from "./cli-terms.js";
import { withLatchkey } from "./open-for-cli.js";

const accountOption = (): Option => new Option("--account <name>", "account name or id").default("default");
const jsonOption = (): Option => new Option("--json", "print JSON");

async function operatorOf(latchkey: Latchkey, account: string): Promise<ActorContext> {
  return { principal: await latchkey.operator(account), ip: null };
}

/** Resolves domain arguments given as ids or names to ids; unknown ones are left for the service to refuse. */
async function domainIds(latchkey: Latchkey, actor: ActorContext, given: string[]): Promise<string[]> {
  const known = await latchkey.domains.list(actor);
  return given.map((g) => known.find((d) => d.id === g || d.name === normalizeDomainName(g.trim()))?.id ?? g);
}

export function registerTokenCommands(program: Command, io: CliIo, config: () => Config): void {
  const token = program.command("token").description("Create and manage API tokens");

  token
    .command("create")
    .description("Create a token and print its secret (shown this once)")
    .requiredOption("--name <name>", "token name, 1 to 50 characters")
    .option("--full", "Full access: every area at its highest level")
    .option("--scope <scope...>", "Custom access: scope strings such as domains_read email_full")
    .option("--domain <domain...>", "limit to these domains (ids or names); default: all domains")
    .option("--expires <when>", "expiry: YYYY-MM-DD (through that UTC day) or an RFC 3339 date-time")
    .option("--not-before <when>", "refused before this RFC 3339 date-time, e.g. 2026-12-31T09:00:00Z")
    .option("--allowed-ip <address...>", "usable only from these IPv4/IPv6 addresses and CIDR ranges, e.g. 203.0.113.0/24")
    .option("--canary", "a canary token: grants nothing; every use is refused as unknown and reported (canary.used)")
    .option("--secret-only", "print only the secret, for scripts")
    .addOption(accountOption())
    .addOption(jsonOption())
    .action(async (opts: { name: string; full?: boolean; scope?: string[]; domain?: string[]; expires?: string; notBefore?: string; allowedIp?: string[]; canary?: boolean; secretOnly?: boolean; account: string; json?: boolean }) => {
      if (opts.full && opts.scope) throw new UsageError("give --full or --scope, not both");
      if (opts.canary && (opts.full || opts.scope)) throw new UsageError("a --canary token grants nothing: give neither --full nor --scope");
      const scopes = opts.scope?.flatMap((s) => s.split(",")).filter((s) => s !== "");
      if (!opts.canary && !opts.full && (scopes === undefined || scopes.length === 0)) {
        throw new UsageError("give --full (Full access) or --scope with at least one scope (Custom access), e.g. --scope domains_read");
      }
      await withLatchkey(config(), async (latchkey) => {
        const actor = await operatorOf(latchkey, opts.account);
        const { token: created, secret } = await latchkey.tokens.create(actor, {
          name: opts.name,
          ...(opts.full ? { hasFull: true } : {}),
          ...(scopes ? { scopes } : {}),
          ...(opts.domain ? { domains: await domainIds(latchkey, actor, opts.domain) } : {}),
          ...(opts.expires ? { expiresAt: opts.expires } : {}),
          ...(opts.notBefore ? { notBefore: opts.notBefore } : {}),
          ...(opts.allowedIp ? { allowedIps: opts.allowedIp.flatMap((a) => a.split(",")).filter((a) => a !== "") } : {}),
          ...(opts.canary ? { canary: true } : {}),
        });
        if (opts.secretOnly) io.out(secret);
        else if (opts.json) io.out(JSON.stringify({ ...tokenJson(created), accessToken: secret }, null, 2));
        else {
          io.out(formatFields({ ...tokenFields(created, latchkey.clock.nowMillis()), secret }));
          io.err("Copy the secret now: it will not be shown again.");
        }
      });
    });

  token
    .command("list")
    .description("List the account's tokens, newest first")
    .option("--page <n>", "page number", "1")
    .option("--limit <n>", "tokens per page, 10 to 100", "100")
    .addOption(accountOption())
    .addOption(jsonOption())
    .action(async (opts: { page: string; limit: string; account: string; json?: boolean }) => {
      const page = Number(opts.page);
      const limit = Number(opts.limit);
      if (!Number.isInteger(page) || page < 1) throw new UsageError("--page must be a whole number from 1");
      if (!Number.isInteger(limit) || limit < 10 || limit > 100) throw new UsageError("--limit must be a whole number from 10 to 100");
      await withLatchkey(config(), async (latchkey) => {
        const { tokens, total } = await latchkey.tokens.list(await operatorOf(latchkey, opts.account), { page, limit });
        if (opts.json) return io.out(JSON.stringify({ data: tokens.map(tokenJson), total }, null, 2));
        const now = latchkey.clock.nowMillis();
        io.out(
          formatTable(
            ["ID", "NAME", "ACCESS", "DOMAINS", "STATUS", "EXPIRES", "LAST USED"],
            tokens.map((t) => [t.id, nameForTerminal(t.name), t.hasFull ? "Full" : "Custom", t.allDomains ? "All" : t.domains.map((d) => d.name).join(","), statusWord(t, now), expiryWords(t.expiresAt), t.lastUsedAt ?? "never"]),
          ),
        );
        io.err(`${tokens.length} of ${total} token(s)`);
      });
    });

  token
    .command("show <token>")
    .description("Show a token, by id or name (never its secret)")
    .addOption(accountOption())
    .addOption(jsonOption())
    .action(async (given: string, opts: { account: string; json?: boolean }) => {
      await withLatchkey(config(), async (latchkey) => {
        const actor = await operatorOf(latchkey, opts.account);
        const shown = await latchkey.tokens.show(actor, await tokenIdOf(latchkey, actor, given));
        io.out(opts.json ? JSON.stringify(tokenJson(shown), null, 2) : formatFields(tokenFields(shown, latchkey.clock.nowMillis())));
      });
    });

  token
    .command("rename <token> <name>")
    .description("Rename a token (given by id or name)")
    .addOption(accountOption())
    .action(async (given: string, name: string, opts: { account: string }) => {
      await withLatchkey(config(), async (latchkey) => {
        const actor = await operatorOf(latchkey, opts.account);
        const id = await tokenIdOf(latchkey, actor, given);
        const renamed = await inTerms({ name: "<name>" }, () => latchkey.tokens.update(actor, id, { name }));
        io.out(`Renamed ${renamed.id} to ${nameForTerminal(renamed.name)}`);
      });
    });

  for (const [command, status, done] of [
    ["pause", "pause", "Paused"],
    ["resume", "unpause", "Resumed"],
  ] as const) {
    token
      .command(`${command} <token>`)
      .description(
        command === "pause"
          ? "Pause a token (by id or name): refused from the next verification on, and so are the tokens it made (--cascade marks them paused too)"
          : "Resume a paused token, by id or name (--cascade: every token it made too)",
      )
      .option("--cascade", `${command} the token and every token below it, in one transaction`)
      .addOption(accountOption())
      .action(async (given: string, opts: { account: string; cascade?: boolean }) => {
        await withLatchkey(config(), async (latchkey) => {
          const actor = await operatorOf(latchkey, opts.account);
          const id = await tokenIdOf(latchkey, actor, given);
          if (opts.cascade === true) {
            const result = command === "pause" ? await latchkey.cascade.pause(actor, id) : await latchkey.cascade.resume(actor, id);
            io.out(`${done} ${result.token.id} (${nameForTerminal(result.token.name)}) and its subtree: ${result.changed} token${result.changed === 1 ? "" : "s"} changed`);
            return;
          }
          const changed = await latchkey.tokens.update(actor, id, { status });
          io.out(`${done} ${changed.id} (${nameForTerminal(changed.name)})`);
        });
      });
  }

  token
    .command("delete <token>")
    .description("Delete a token (by id or name) for good (confirm with --yes)")
    .option("--yes", "confirm the deletion")
    .addOption(accountOption())
    .action(async (given: string, opts: { yes?: boolean; account: string }) => {
      await withLatchkey(config(), async (latchkey) => {
        const actor = await operatorOf(latchkey, opts.account);
        const id = await tokenIdOf(latchkey, actor, given);
        const target = await latchkey.tokens.show(actor, id);
        if (!opts.yes) throw new UsageError(`this deletes "${nameForTerminal(target.name)}" (${target.id}) for good; run again with --yes to confirm`);
        await latchkey.tokens.delete(actor, id);
        io.out(`Deleted ${target.id} (${nameForTerminal(target.name)})`);
      });
    });
}
