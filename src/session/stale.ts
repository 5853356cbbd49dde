/**
 * Session directories: one per traced program, named after the controller
 * that made it (`tracemalloc-PID-XXXXXX`), and swept at the next launch
 * once that controller is gone, whatever way the session ended.
 *
 * A directory is swept only when every one of these holds:
 *
 * - its name is `tracemalloc-PID-XXXXXX` exactly (other `tracemalloc-*`
 *   names, such as those of earlier versions or of other tools, are left);
 * - no process with that PID exists (`kill(PID, 0)` fails with `ESRCH`): its
 *   controller is gone, so nobody will read or clean it;
 * - it is a directory (not a symbolic link: `lstat`) owned by this user;
 * - it holds nothing but what a session puts there (the agent's socket, the
 *   exit report, a report being written), none of it a symbolic link.
 *
 * Its files are unlinked one by one (unlink never follows a link) and the
 * directory removed with `rmdir`, which fails on anything that appeared
 * meanwhile. A live session's directory is never removed: its controller
 * exists. (A controller in another PID namespace sharing this temp
 * directory and user would look gone: such setups should give each
 * namespace its own `TMPDIR`.)
 *
 * @module
 */
import { lstatSync, mkdtempSync, readdirSync, rmdirSync, unlinkSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { EXIT_REPORT_FILE } from "../agent/protocol.ts";

/** The agent's socket, in its session directory. */
export const AGENT_SOCKET = "agent.sock";

/** A session directory's name: the controller's pid, then mkdtemp's six characters. */
const SESSION_NAME = /^tracemalloc-([1-9]\d{0,9})-[A-Za-z0-9]{6}$/;

/** All a session directory may hold. */
const SESSION_FILES: ReadonlySet<string> = new Set([AGENT_SOCKET, EXIT_REPORT_FILE, `${EXIT_REPORT_FILE}.partial`]);

/**
 * Makes a fresh session directory in `base` (mkdtemp: mode 0700), named
 * after this process, once the stale ones of `base` are swept.
 *
 * @example
 * ```ts
 * import { tmpdir } from "node:os";
 * const directory = makeSessionDirectory(tmpdir()); // e.g. /tmp/tracemalloc-4242-Xr3kQe
 * ```
 */
export function makeSessionDirectory(base: string): string {
  sweepStaleSessions(base);
  return mkdtempSync(join(base, `tracemalloc-${process.pid}-`));
}

/**
 * Removes the session directories of `base` whose controller is gone (see
 * the module's rules); returns the paths removed. Never throws: what cannot
 * be checked or removed is left.
 *
 * @example
 * ```ts
 * import { tmpdir } from "node:os";
 * for (const path of sweepStaleSessions(tmpdir())) console.error(`removed ${path}`);
 * ```
 */
export function sweepStaleSessions(base: string): string[] {
  // Without user ids (Windows) ownership cannot be checked; child targets need unix sockets anyway.
  const uid = process.getuid?.();
  if (uid === undefined) return [];
  let names: string[];
  try {
    names = readdirSync(base);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const owner = SESSION_NAME.exec(name);
    if (!owner || processExists(Number(owner[1]))) continue;
    const path = join(base, name);
    if (removeSessionDirectory(path, uid)) removed.push(path);
  }
  return removed;
}

/** True when a process with this pid exists (one of another user counts). */
function processExists(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as { code?: string }).code !== "ESRCH";
  }
}

/** Removes a gone controller's session directory if it is one (see the module's rules); true if removed. */
function removeSessionDirectory(path: string, uid: number): boolean {
  try {
    const stat = lstatSync(path);
    if (!stat.isDirectory() || stat.uid !== uid) return false;
    const files = readdirSync(path);
    for (const file of files) {
      if (!SESSION_FILES.has(file)) return false;
      const entry = lstatSync(join(path, file));
      if (!entry.isFile() && !entry.isSocket()) return false;
    }
    for (const file of files) unlinkSync(join(path, file));
    rmdirSync(path);
    return true;
  } catch {
    // Removed meanwhile, or not ours to remove.
    return false;
  }
}
