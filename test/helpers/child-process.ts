/** Helpers for tests that run latchkey as a real process. */
import type { ChildProcess } from "node:child_process";
import { once } from "node:events";

/** Resolves when the process has exited — at once if it already has (`once` would wait forever). */
export async function waitForExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await once(child, "exit");
}
