/**
 * `latchkey user create`: make a dashboard user from the command line, the operator's alternative to
 * the set-up link. The password is read from standard input (`--password-stdin`, after `docker login`)
 * so it never appears in the process list or the shell's history.
 * `latchkey user reset-password EMAIL` prints a single-use reset link (1 hour) for a person who forgot
 * their password (on LATCHKEY_PUBLIC_URL, else the path with a hint: src/cli/dashboard-link.ts); `latchkey user unlock EMAIL` ends a sign-in lock-out (issue 16).
 */
import { Option, type Command } from "commander";
import type { CliIo } from "./cli-output.js";
import type { Config } from "./config.js";
import { withLatchkey } from "./open-for-cli.js";
import { dashboardBase, printDashboardLink } from "./dashboard-link.js";
import { resetLink } from "../service/password-recovery.js";

export function registerUserCommands(program: Command, io: CliIo, config: () => Config): void {
  const user = program.command("user").description("Manage dashboard users");

  user
    .command("create")
    .description("Create a dashboard user; the password (at least 12 characters) is read from standard input")
    .requiredOption("--email <address>", "the user's e-mail address")
    .requiredOption("--password-stdin", "read the password from standard input (one line)")
    .addOption(new Option("--account <name>", "account name or id").default("default"))
    .action(async (opts: { email: string; account: string }) => {
      // One trailing line break is the end of the line typed or piped, not part of the password.
      const password = (await io.readStdin()).replace(/\r?\n$/, "");
      await withLatchkey(config(), async (latchkey) => {
        const account = await latchkey.accounts.find(opts.account);
        const created = await latchkey.users.create({ accountId: account.id, email: opts.email, password });
        io.out(`Created user ${created.email} (${created.id}) in account ${account.name}`);
      });
    });

  user
    .command("reset-password")
    .description("Print a link that sets a new password for a user (works once, for one hour; an earlier link stops working)")
    .argument("<email>", "the user's e-mail address")
    .action(async (email: string) => {
      const settings = config();
      await withLatchkey(settings, async (latchkey) => {
        const issued = await latchkey.recovery.issueResetCode(email);
        io.err(`Reset link for ${issued.user.email}, valid until ${issued.expiresAt} (give it to them privately):`);
        printDashboardLink(io, settings, resetLink(dashboardBase(settings), issued.code));
      });
    });

  user
    .command("unlock")
    .description("End a user's sign-in lock-out (after too many failed attempts)")
    .argument("<email>", "the user's e-mail address")
    .action(async (email: string) => {
      await withLatchkey(config(), async (latchkey) => {
        const { user: unlocked, wasLocked } = await latchkey.recovery.unlock(email);
        io.out(wasLocked ? `Unlocked ${unlocked.email}: they can sign in again` : `${unlocked.email} was not locked out; their failed attempts are cleared`);
      });
    });

  const operator = async (latchkey: Parameters<Parameters<typeof withLatchkey>[1]>[0], accountName: string) => {
    const account = await latchkey.accounts.find(accountName);
    return { principal: { kind: "operator" as const, accountId: account.id }, ip: null };
  };
  const accountOption = (): Option => new Option("--account <name>", "account name or id").default("default");
  const list = (value: string | undefined): string[] | undefined => (value === undefined ? undefined : value.split(",").map((v) => v.trim()).filter((v) => v !== ""));

  user
    .command("list")
    .description("List the account's people and pending invitations")
    .addOption(accountOption())
    .action(async (opts: { account: string }) => {
      await withLatchkey(config(), async (latchkey) => {
        const actor = await operator(latchkey, opts.account);
        const { users } = await latchkey.team.list(actor, { page: 1, limit: 100 });
        for (const u of users) io.out(`${u.id}\t${u.email}\t${u.role.name}${u.domains === null ? "" : `\tdomains: ${u.domains.map((d) => d.name).join(",")}`}`);
        const { invites } = await latchkey.invites.list(actor, { page: 1, limit: 100 });
        for (const i of invites) io.out(`${i.id}\t${i.email}\t${i.role.name}\tinvited, until ${i.expiresAt}`);
      });
    });

  user
    .command("invite")
    .description("Invite a person; prints the one-time invitation link to pass on (on LATCHKEY_PUBLIC_URL when set)")
    .requiredOption("--email <address>", "the person's e-mail address")
    .requiredOption("--role <role>", "Admin, Manager, Designer, Accountant or \"Custom User\"")
    .option("--permissions <scopes>", "Custom User: comma-separated scope strings")
    .option("--domains <ids>", "comma-separated domain ids (default: all)")
    .addOption(accountOption())
    .action(async (opts: { email: string; role: string; permissions?: string; domains?: string; account: string }) => {
      const settings = config();
      await withLatchkey(settings, async (latchkey) => {
        const actor = await operator(latchkey, opts.account);
        const issued = await latchkey.invites.invite(actor, { email: opts.email, role: opts.role, permissions: list(opts.permissions), domains: list(opts.domains) }, dashboardBase(settings));
        printDashboardLink(io, settings, issued.link);
      });
    });

  user
    .command("role")
    .description("Change a person's role")
    .argument("<id>", "the person's id (usr_...)")
    .requiredOption("--role <role>", "Admin, Manager, Designer, Accountant or \"Custom User\"")
    .option("--permissions <scopes>", "Custom User: comma-separated scope strings")
    .option("--domains <ids>", "comma-separated domain ids")
    .addOption(accountOption())
    .action(async (id: string, opts: { role: string; permissions?: string; domains?: string; account: string }) => {
      await withLatchkey(config(), async (latchkey) => {
        const updated = await latchkey.team.update(await operator(latchkey, opts.account), id, { role: opts.role, permissions: list(opts.permissions), domains: list(opts.domains) });
        io.out(`${updated.email} is now ${updated.role.name}`);
      });
    });

  user
    .command("remove")
    .description("Remove a person (their tokens stay unless --pause-tokens)")
    .argument("<id>", "the person's id (usr_...)")
    .option("--pause-tokens", "also pause every token they created")
    .addOption(accountOption())
    .action(async (id: string, opts: { pauseTokens?: boolean; account: string }) => {
      await withLatchkey(config(), async (latchkey) => {
        const { pausedTokens } = await latchkey.team.remove(await operator(latchkey, opts.account), id, { pauseTokens: opts.pauseTokens === true });
        io.out(`Removed ${id}${opts.pauseTokens === true ? `; paused ${pausedTokens} token(s)` : ""}`);
      });
    });
}
