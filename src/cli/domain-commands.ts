/** `latchkey domain add|list|remove`, as the operator of an account. */
import { Option, type Command } from "commander";
import type { CliIo } from "./cli-output.js";
import { formatTable, UsageError } from "./cli-output.js";
import { domainNamed, inTerms } from "./cli-terms.js";
import type { Config } from "./config.js";
import { withLatchkey } from "./open-for-cli.js";

export function registerDomainCommands(program: Command, io: CliIo, config: () => Config): void {
  const domain = program.command("domain").description("Manage the domains tokens can be limited to");
  const account = (): Option => new Option("--account <name>", "account name or id").default("default");

  domain
    .command("add <name>")
    .description("Add a domain, e.g. example.com")
    .addOption(account())
    .option("--json", "print JSON")
    .action(async (name: string, opts: { account: string; json?: boolean }) => {
      await withLatchkey(config(), async (latchkey) => {
        const actor = { principal: await latchkey.operator(opts.account), ip: null };
        const added = await inTerms({ name: "<name>" }, () => latchkey.domains.add(actor, name));
        io.out(opts.json ? JSON.stringify({ id: added.id, name: added.name, created_at: added.createdAt }) : `Added ${added.name} (${added.id})`);
      });
    });

  domain
    .command("list")
    .description("List the account's domains")
    .addOption(account())
    .option("--json", "print JSON")
    .action(async (opts: { account: string; json?: boolean }) => {
      await withLatchkey(config(), async (latchkey) => {
        const domains = await latchkey.domains.list({ principal: await latchkey.operator(opts.account), ip: null });
        if (opts.json) return io.out(JSON.stringify(domains.map((d) => ({ id: d.id, name: d.name, created_at: d.createdAt })), null, 2));
        io.out(formatTable(["ID", "NAME", "CREATED"], domains.map((d) => [d.id, d.name, d.createdAt])));
      });
    });

  domain
    .command("remove <domain>")
    .description("Remove a domain (by id or name; confirm with --yes); refused while tokens use it")
    .option("--yes", "confirm the removal")
    .addOption(account())
    .action(async (given: string, opts: { account: string; yes?: boolean }) => {
      await withLatchkey(config(), async (latchkey) => {
        const actor = { principal: await latchkey.operator(opts.account), ip: null };
        const match = await domainNamed(latchkey, actor, given);
        if (match !== null && !opts.yes) throw new UsageError(`this removes ${match.name} (${match.id}); run again with --yes to confirm`);
        await latchkey.domains.remove(actor, match?.id ?? given);
        io.out(`Removed ${match?.name ?? given}`);
      });
    });
}
