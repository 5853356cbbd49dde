/**
 * `run SCRIPT`: traces a whole program from its first line, lets its output
 * through, prints the top statistics when it exits (on standard error, so
 * the program's own output stays clean) and exits with its status.
 *
 * @module
 */
import { constants } from "node:os";
import { formatSize } from "../model/format.ts";
import type { Snapshot } from "../model/snapshot.ts";
import type { RuntimeName } from "../runtime/adapter.ts";
import type { HeapEngineName } from "../engines/engine.ts";
import { launchChild, traceSettings } from "../session/launch.ts";
import { messageOf } from "../session/errors.ts";
import { OfflineTarget } from "../session/offline.ts";
import { Session } from "../session/session.ts";
import type { TargetExit } from "../session/target.ts";
import type { CliIO } from "./io.ts";
import { onTermination } from "./signals.ts";

/** What `run` was given. */
export interface RunOptions {
  script: string;
  args: readonly string[];
  nframe: number;
  engine?: HeapEngineName;
  every?: number;
  interval?: number;
  exclude?: readonly string[];
  limit: number;
  dump?: string;
  runtime?: string;
}

/** The exit status a shell would report for `exit`. */
function statusOf(exit: TargetExit): number {
  if (exit.code !== null) return exit.code;
  const number = exit.signal ? (constants.signals as Record<string, number>)[exit.signal] : undefined;
  return number ? 128 + number : 1;
}

/**
 * Runs the program and resolves to its exit status (1 when it could not
 * start).
 *
 * @example
 * ```ts
 * import { processIO } from "./io.ts";
 *
 * const code = await runProgram({ script: "app.ts", args: [], nframe: 1, limit: 10 }, processIO());
 * ```
 */
export async function runProgram(
  options: RunOptions,
  io: CliIO,
): Promise<number> {
  let target;
  try {
    target = await launchChild({
      script: options.script,
      args: options.args,
      runtime: options.runtime as RuntimeName | undefined,
      start: traceSettings(options),
      snapshotAtExit: true,
      stdin: "inherit",
    });
  } catch (error) {
    io.stderr.write(
      `run: cannot start ${options.script}: ${messageOf(error)}\n`,
    );
    return 1;
  }
  const exited = new Promise<TargetExit>((resolve) => target.onExit(resolve));
  target.onOutput((stream, text) => io[stream].write(text));
  let interrupted: number | null = null;
  // The terminal sends Ctrl-C to the program too; wait for it to end rather than orphan it.
  const off = onTermination((code) => {
    interrupted = code;
    void target.close();
  });
  try {
    const exit = await exited;
    const snapshot = await target.exitSnapshot();
    if (interrupted !== null) return interrupted;
    if (!snapshot) {
      io.stderr.write(
        "tracemalloc: no snapshot at exit (the program ended through process.exit() or a signal)\n",
      );
      return statusOf(exit);
    }
    if (!(await report(snapshot, options, io))) return statusOf(exit) || 1;
    const memory = await target.exitMemory();
    if (memory) {
      io.stderr.write(
        `Traced memory at exit: current=${formatSize(memory.current, false)}, peak=${formatSize(memory.peak, false)}\n`,
      );
    }
    return statusOf(exit);
  } finally {
    off();
    await target.close();
  }
}

/** Prints the top lines of the exit snapshot and writes the dump; false when something failed. */
async function report(
  snapshot: Snapshot,
  options: RunOptions,
  io: CliIO,
): Promise<boolean> {
  const session = new Session({ target: new OfflineTarget() });
  session.addSnapshot({
    label: "exit",
    snapshot,
    origin: "taken",
    time: new Date(),
    source: options.script,
  });
  try {
    const top = await session.execute(`top exit --limit ${options.limit}`);
    io.stderr.write(top!.result.lines.join("\n") + "\n");
    if (options.dump !== undefined) {
      await snapshot.dump(options.dump);
      io.stderr.write(`snapshot at exit written to ${options.dump}\n`);
    }
    return true;
  } catch (error) {
    io.stderr.write(`run: ${messageOf(error)}\n`);
    return false;
  } finally {
    await session.close();
  }
}
