/**
 * `latchkey token rotate|lookup` and `latchkey account policy` (issue 13), as the operator of an
 * account. The secret of `lookup` is read from standard input, never from the command line (which
 * other users of the machine can read in the process list, and shells keep in their history).
 */
import { Option, type Command } from "commander";
import type { Latchkey } from "../service/latchkey.js";
import type { ActorContext } from "../service/principal.js";
import { MAX_GRACE_SECONDS } from "../service/rotation-service.js";
import { formatFields, tokenFields, tokenJson, UsageError, type CliIo } from "./cli-output.js";
import type { Config } from "./config.js";
import { withLatchkey } from "./open-for-cli.js";

const accountOption = (): Option => new Option("--account <name>", "account name or id").default("default");
const jsonOption = (): Option => new Option("--json", "print JSON");

async function operatorOf(latchkey: Latchkey, account: string): Promise<ActorContext> {
  return { principal: await latchkey.operator(account), ip: null };
}

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/**
 * Reads a grace such as `0`, `90`, `90s`, `15m`, `1h` or `7d` as seconds.
 *
 * @throws UsageError for anything else, or beyond 30 days.
 */
export function parseGrace(text: string): number {
  const match = /^(\d{1,7})([smhd]?)$/.exec(text.trim());
  if (match === null) throw new UsageError("--grace must be a duration such as 0, 90s, 15m, 1h or 7d");
  const seconds = Number(match[1]) * (UNIT_SECONDS[match[2] || "s"] ?? 1);
  if (seconds > MAX_GRACE_SECONDS) throw new UsageError("--grace may be at most 30d");
  return seconds;
}

/** Adds `rotate` and `lookup` to `latchkey token`, and `policy` to `latchkey account`. */
export function registerRotationCommands(program: Command, io: CliIo, config: () => Config): void {
  const token = program.commands.find((c) => c.name() === "token") ?? program.command("token");
  token
    .command("rotate <id>")
    .description("Give a token a new secret (printed this once); the old one works for --grace, then is refused")
    .requiredOption("--grace <duration>", "how long the old secret keeps working: 0 (refused at once), 90s, 15m, 1h, 7d; at most 30d")
    .option("--idempotency-key <key>", "retry safely: the same key within 10 minutes gets the same secret (16 to 255 characters, e.g. a UUID)")
    .option("--secret-only", "print only the new secret, for scripts")
    .addOption(accountOption())
    .addOption(jsonOption())
    .action(async (id: string, opts: { grace: string; idempotencyKey?: string; secretOnly?: boolean; account: string; json?: boolean }) => {
      const graceSeconds = parseGrace(opts.grace);
      await withLatchkey(config(), async (latchkey) => {
        const rotated = await latchkey.rotation.rotate(await operatorOf(latchkey, opts.account), id, { graceSeconds, ...(opts.idempotencyKey === undefined ? {} : { idempotencyKey: opts.idempotencyKey }) });
        if (opts.secretOnly) io.out(rotated.secret);
        else if (opts.json) io.out(JSON.stringify({ ...tokenJson(rotated.token), accessToken: rotated.secret, previous_valid_until: rotated.previousValidUntil }, null, 2));
        else {
          io.out(formatFields({ ...tokenFields(rotated.token, latchkey.clock.nowMillis()), secret: rotated.secret, "old secret until": rotated.previousValidUntil }));
          io.err("Copy the new secret now: it will not be shown again.");
        }
      });
    });

  token
    .command("lookup")
    .description("Find which token a secret belongs to; reads the secret from standard input")
    .addOption(accountOption())
    .addOption(jsonOption())
    .action(async (opts: { account: string; json?: boolean }) => {
      const secret = (await io.readStdin()).trim();
      if (secret === "") throw new UsageError("give the secret on standard input, e.g. latchkey token lookup < secret.txt");
      await withLatchkey(config(), async (latchkey) => {
        const found = await latchkey.rotation.lookup(await operatorOf(latchkey, opts.account), secret);
        io.out(opts.json ? JSON.stringify(found, null, 2) : formatFields({ id: found.id, name: found.name, secret: found.secret }));
      });
    });

  const account = program.commands.find((c) => c.name() === "account") ?? program.command("account");
  const policy = account.command("policy").description("Show or set the account's token policy");
  policy
    .command("show", { isDefault: true })
    .description("Show the policy and the tokens outside it")
    .addOption(accountOption())
    .addOption(jsonOption())
    .action(async (opts: { account: string; json?: boolean }) => {
      await withLatchkey(config(), async (latchkey) => {
        printPolicy(io, await latchkey.policy.get(await operatorOf(latchkey, opts.account)), opts.json === true);
      });
    });
  policy
    .command("set")
    .description("Set the policy for tokens created from now on (existing tokens keep working)")
    .requiredOption("--max-lifetime-days <days>", "tokens must expire within this many days (1 to 3650), or none")
    .requiredOption("--expiry-required <yes|no>", "tokens must have an expiry")
    .requiredOption("--allowed-ips-required <yes|no>", "tokens must have an address list")
    .addOption(accountOption())
    .addOption(jsonOption())
    .action(async (opts: { maxLifetimeDays: string; expiryRequired: string; allowedIpsRequired: string; account: string; json?: boolean }) => {
      const yesNo = (value: string, flag: string): boolean => {
        if (value === "yes" || value === "no") return value === "yes";
        throw new UsageError(`${flag} must be yes or no`);
      };
      const days = opts.maxLifetimeDays === "none" ? null : Number(opts.maxLifetimeDays);
      if (days !== null && !/^\d+$/.test(opts.maxLifetimeDays)) throw new UsageError("--max-lifetime-days must be a whole number of days or none");
      const input = { maxLifetimeDays: days, expiryRequired: yesNo(opts.expiryRequired, "--expiry-required"), allowedIpsRequired: yesNo(opts.allowedIpsRequired, "--allowed-ips-required") };
      await withLatchkey(config(), async (latchkey) => {
        printPolicy(io, await latchkey.policy.set(await operatorOf(latchkey, opts.account), input), opts.json === true);
      });
    });
}

function printPolicy(io: CliIo, view: Awaited<ReturnType<Latchkey["policy"]["get"]>>, json: boolean): void {
  const wire = {
    max_lifetime_days: view.policy.maxLifetimeDays,
    expiry_required: view.policy.expiryRequired,
    allowed_ips_required: view.policy.allowedIpsRequired,
    updated_at: view.updatedAt,
    out_of_policy: view.outOfPolicy,
    out_of_policy_total: view.outOfPolicyTotal,
  };
  if (json) {
    io.out(JSON.stringify(wire, null, 2));
    return;
  }
  io.out(
    formatFields({
      "max lifetime": view.policy.maxLifetimeDays === null ? "no limit" : `${view.policy.maxLifetimeDays} days`,
      "expiry required": view.policy.expiryRequired ? "yes" : "no",
      "address list required": view.policy.allowedIpsRequired ? "yes" : "no",
      "out of policy": `${view.outOfPolicyTotal} token(s)`,
    }),
  );
  for (const t of view.outOfPolicy) io.out(`  ${t.id}  ${t.name}  (${t.rules.join(", ")})`);
}
