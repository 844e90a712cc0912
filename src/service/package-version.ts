/** This release's version, from package.json (two folders up from src/service and dist/service alike). */
import { readFileSync } from "node:fs";

/**
 * The `version` of latchkey's package.json (`latchkey --version`, messages about backups and upgrades).
 *
 * @throws Error when package.json is missing or has no version (a broken install).
 */
export function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version?: unknown };
  if (typeof manifest.version !== "string") throw new Error("latchkey's package.json has no version");
  return manifest.version;
}
