/**
 * The lock a SQLite database's owner holds (issue 17): `latchkey serve` and `latchkey restore` create
 * `<database file>.lock` (atomically, by link()) holding `{pid, hostname, command, since}` and remove it
 * when they stop. A restore refuses a database whose lock a live process holds (it would replace the
 * file under a running server), and a second server refuses to start on a database another serves
 * (SQLite is for one process; several instances need PostgreSQL, docs/deploy.md).
 *
 * A lock left by a process that is gone (SIGKILL, a crash, a power cut) is stale and taken over: same
 * host and its pid no longer alive (`kill(pid, 0)` fails with ESRCH), or the pid is this process's own
 * (a container's PID 1 restarted). A lock written on another host (a shared folder) is never judged
 * stale; the error names the file to remove by hand.
 */
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { dirname } from "node:path";

/** What a lock file says. */
export interface LockOwner {
  readonly pid: number;
  readonly hostname: string;
  /** `serve` or `restore`. */
  readonly command: string;
  /** RFC 3339 instant it was taken. */
  readonly since: string;
}

/** A lock held by this process; {@link DatabaseLock.release} removes it (once). */
export interface DatabaseLock {
  readonly path: string;
  release(): void;
}

/** The lock file of a SQLite database file. */
export function lockPathOf(databaseFile: string): string {
  return `${databaseFile}.lock`;
}

/**
 * The live owner of a database's lock, or null when there is no lock or it is stale.
 *
 * @param databaseFile the SQLite file (not the lock file).
 */
export function lockOwnerOf(databaseFile: string): LockOwner | null {
  let owner: LockOwner;
  try {
    owner = JSON.parse(readFileSync(lockPathOf(databaseFile), "utf8")) as LockOwner;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    // Half-written (a crash between open and write) or not ours: treat as stale.
    return null;
  }
  return isAlive(owner) ? owner : null;
}

function isAlive(owner: LockOwner): boolean {
  if (typeof owner.pid !== "number" || typeof owner.hostname !== "string") return false;
  if (owner.hostname !== hostname()) return true;
  if (owner.pid === process.pid) return false;
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM"; // alive, another user's
  }
}

/** Says who holds a lock, for an error message. */
export function describeOwner(databaseFile: string, owner: LockOwner): string {
  return `latchkey ${owner.command} (pid ${owner.pid} on ${owner.hostname}, since ${owner.since}) holds ${databaseFile}; stop it first (if that process is gone, remove ${lockPathOf(databaseFile)})`;
}

/**
 * Takes the lock of a database file for this process.
 *
 * @param command what holds it (`serve`, `restore`), shown to whoever is refused.
 * @throws Error naming the holder when a live process holds it, or naming the folder when the lock
 *   file cannot be written (permissions; with systemd, ReadWritePaths must include the data folder).
 */
export function acquireDatabaseLock(databaseFile: string, command: string): DatabaseLock {
  const path = lockPathOf(databaseFile);
  try {
    mkdirSync(dirname(path), { recursive: true }); // the first start creates the data folder
  } catch (error) {
    throw new Error(`cannot create the data folder ${dirname(path)} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): check the path and its permissions`);
  }
  for (let attempt = 0; attempt < 3; attempt++) {
    // Written whole under a temporary name, then linked into place: link() fails if the lock exists,
    // and a reader never sees a half-written lock.
    const owner: LockOwner = { pid: process.pid, hostname: hostname(), command, since: new Date().toISOString() };
    const temporary = `${path}.${process.pid}.tmp`;
    try {
      writeFileSync(temporary, `${JSON.stringify(owner)}\n`, { mode: 0o600 });
      linkSync(temporary, path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== "EEXIST") throw new Error(`cannot write the lock file ${path} (${code ?? (error as Error).message}): check that the data folder exists and is writable by this user`);
      const holder = lockOwnerOf(databaseFile);
      if (holder !== null) throw new Error(describeOwner(databaseFile, holder));
      rmSync(path, { force: true }); // stale: its process is gone
      continue;
    } finally {
      rmSync(temporary, { force: true });
    }
    let released = false;
    return {
      path,
      release: () => {
        if (released) return;
        released = true;
        rmSync(path, { force: true });
      },
    };
  }
  throw new Error(`cannot take the lock ${path}: another process keeps taking it`);
}
