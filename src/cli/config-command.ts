/**
 * `latchkey config check`: reads every setting as `latchkey serve` would (flags, environment,
 * `*_FILE`, LATCHKEY_CONFIG, defaults; src/cli/config-settings.ts), loads the files they name, and
 * prints every problem, one line each naming the variable and its rule. Exit 0 when there is none, 1
 * otherwise; warnings (src/cli/config.ts, configWarnings) are printed too and keep exit 0. Prints no value of a secret setting.
 */
import type { Command } from "commander";
import type { CliIo } from "./cli-output.js";
import { checkConfig, checkConfigFiles, configWarnings, flagsByName, type ConfigFlags } from "./config.js";
import { SETTINGS, SettingSources } from "./config-settings.js";

/** Thrown to end `config check` with exit code 1 after its problems were printed. */
export class ConfigCheckFailed extends Error {
  constructor(readonly count: number) {
    super(`${count} configuration problem${count === 1 ? "" : "s"}`);
  }
}

export function registerConfigCommand(program: Command, io: CliIo, env: NodeJS.ProcessEnv): void {
  const config = program.command("config").description("Check the configuration");
  config
    .command("check")
    .description("Check every setting (environment, *_FILE, LATCHKEY_CONFIG file, flags) and the files they name; exit 1 on any problem")
    .action(() => {
      const flags = program.opts<ConfigFlags>();
      const { config: settings, problems } = checkConfig(env, flags);
      const all = [...problems, ...(settings === null ? [] : checkConfigFiles(settings))];
      if (all.length > 0) {
        for (const problem of all) io.err(`error: ${problem}`);
        throw new ConfigCheckFailed(all.length);
      }
      for (const warning of settings === null ? [] : configWarnings(settings)) io.err(`warning: ${warning}`);
      const sources = new SettingSources(env, flagsByName(flags));
      const given = SETTINGS.filter((s) => sources.sourceOf(s.name) !== "default").map((s) => `${s.name} (${sources.sourceOf(s.name)})`);
      io.out(`configuration ok${given.length === 0 ? ": every setting at its default" : `; set: ${given.join(", ")}`}`);
    });
}
