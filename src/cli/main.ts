/**
 * The `latchkey` command line, over the same service code as the HTTP API (commander parses the
 * arguments). Exit codes: 0 success, 1 a refused request (bad input, not found, conflict), 2 a usage
 * error, 3 a configuration or database error. Errors are one line on stderr, never a stack trace.
 */
import { Command, CommanderError, Option } from "commander";
import { ServiceError } from "../service/service-error.js";
import { UsageError, type CliIo } from "./cli-output.js";
import { registerAccountCommands } from "./account-commands.js";
import { registerBackupCommands } from "./backup-commands.js";
import { ConfigError, readConfig, type ConfigFlags } from "./config.js";
import { ConfigCheckFailed, registerConfigCommand } from "./config-command.js";
import { registerDomainCommands } from "./domain-commands.js";
import { registerServeCommand, StartRefused } from "./serve-command.js";
import { registerTokenCommands } from "./token-commands.js";
import { registerRotationCommands } from "./rotation-commands.js";
import { registerUserCommands } from "./user-commands.js";
import { registerSetupCommands } from "./setup-commands.js";
import { RefusalInTerms } from "./cli-terms.js";
import { registerWebhookCommands } from "./webhook-commands.js";
import { packageVersion } from "../service/package-version.js";

/** Builds the program; `io` and `env` are injected for tests. */
export function buildProgram(io: CliIo, env: NodeJS.ProcessEnv): Command {
  const program = new Command("latchkey")
    .description("Self-hosted API tokens: named, domain-scoped, expiring, with Full or Custom access.")
    .version(packageVersion())
    .addOption(new Option("--host <address>", "LATCHKEY_HOST: address to listen on"))
    .addOption(new Option("--port <port>", "LATCHKEY_PORT: port to listen on"))
    .addOption(new Option("--database-url <url>", "LATCHKEY_DATABASE_URL: sqlite:PATH or postgres://..."))
    .addOption(new Option("--scopes-file <path>", "LATCHKEY_SCOPES_FILE: JSON catalogue of areas"))
    .addOption(new Option("--routes-file <path>", "LATCHKEY_ROUTES_FILE: route map of /v1/forward-auth (JSON or YAML)"))
    .addOption(new Option("--public-url <url>", "LATCHKEY_PUBLIC_URL: the address clients reach latchkey at, for the links of lists"))
    .addOption(new Option("--token-prefix <prefix>", "LATCHKEY_TOKEN_PREFIX: prefix of new secrets"))
    .addOption(new Option("--log-level <level>", "LATCHKEY_LOG_LEVEL: pino level"))
    .addOption(new Option("--failed-attempts-per-minute <n>", "LATCHKEY_FAILED_ATTEMPTS_PER_MINUTE: failed verifications per client address before 429 (0: off)"))
    .addOption(new Option("--redis-url <url>", "LATCHKEY_REDIS_URL: share failure counters between instances"))
    .addOption(new Option("--trust-proxy <list>", "LATCHKEY_TRUST_PROXY: true, or proxy addresses whose X-Forwarded-For is believed"))
    .showHelpAfterError("(run the command with --help for its usage)")
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.replace(/\n$/, "")), writeErr: (s) => io.err(s.replace(/\n$/, "")) });
  const config = () => readConfig(env, program.opts<ConfigFlags>());
  registerServeCommand(program, io, config);
  registerTokenCommands(program, io, config);
  registerDomainCommands(program, io, config);
  registerAccountCommands(program, io, config);
  registerUserCommands(program, io, config);
  registerSetupCommands(program, io, config);
  registerRotationCommands(program, io, config);
  registerWebhookCommands(program, io, config);
  registerBackupCommands(program, io, config);
  registerConfigCommand(program, io, env);
  return program;
}

/** Standard streams. */
export const processIo: CliIo = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
  readStdin: async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString("utf8");
  },
};

/**
 * Runs the CLI.
 *
 * @param argv process.argv (node, script, arguments...).
 * @returns the exit code.
 */
export async function runCli(argv: readonly string[], io: CliIo = processIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const program = buildProgram(io, env);
  try {
    await program.parseAsync([...argv]);
    return 0;
  } catch (error) {
    return reportError(error, io);
  }
}

/** The flag a person typed for each API field named in a validation error. */
const CLI_FLAG_OF_FIELD: Record<string, string> = {
  name: "--name",
  scopes: "--scope",
  has_full: "--full",
  domains: "--domain",
  domain_id: "--domain",
  expires_at: "--expires",
  email: "--email",
  password: "password",
  url: "--url",
  events: "--event",
};

function reportError(error: unknown, io: CliIo): number {
  if (error instanceof CommanderError) {
    if (error.code === "commander.helpDisplayed" || error.code === "commander.version" || error.exitCode === 0) return 0;
    return 2;
  }
  if (error instanceof ConfigCheckFailed) return 1;
  if (error instanceof StartRefused) return 3;
  if (error instanceof ConfigError) {
    for (const problem of error.problems) io.err(`error: ${problem}`);
    return 3;
  }
  if (error instanceof UsageError) {
    io.err(`error: ${error.message}`);
    return 2;
  }
  const terms = error instanceof RefusalInTerms ? error.terms : {};
  const refusal = error instanceof RefusalInTerms ? error.refusal : error;
  if (refusal instanceof ServiceError) {
    const fields = Object.entries(refusal.details.errors ?? {});
    if (fields.length === 0) io.err(`error: ${refusal.message}`);
    for (const [field, problems] of fields) for (const p of problems) io.err(`error: ${terms[field] ?? CLI_FLAG_OF_FIELD[field] ?? field}: ${p}`);
    return 1;
  }
  io.err(`error: ${(error as Error).message ?? String(error)}`);
  return 3;
}
