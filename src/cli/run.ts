/**
 * `run SCRIPT`: traces a whole program from its first line, lets its output
 * through, prints the top statistics when it exits (on standard error, so
 * the program's own output stays clean) and exits with its status.
 *
 * @module
 */
import { constants } from "node:os";
import process from "node:process";
import { clearTimeout, setTimeout } from "node:timers";
import { formatSize } from "../model/format.ts";
import type { Snapshot } from "../model/snapshot.ts";
import type { RuntimeName } from "../runtime/adapter.ts";
import type { HeapEngineName } from "../engines/engine.ts";
import type { TracedMemory } from "../engines/engine.ts";
import type { ExitReport } from "../session/agent-target.ts";
import type { ChildTarget } from "../session/child.ts";
import { describeEnding } from "../session/exit.ts";
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
  /** Keep the runtime's own frames at the ends of tracebacks. */
  internalFrames?: boolean;
  limit: number;
  dump?: string;
  /** Also write the snapshot kept nearest the peak here. */
  dumpPeak?: string;
  runtime?: string;
}

/** The exit status a shell would report for `exit`. */
function statusOf(exit: TargetExit): number {
  if (exit.code !== null) return exit.code;
  const number = exit.signal ? (constants.signals as Record<string, number>)[exit.signal] : undefined;
  return number ? 128 + number : 1;
}

/** How long after a termination signal `run` says how to stop a program that does not end. */
const STOP_HINT_MS = 3000;

/**
 * Runs the program and resolves to its exit status (1 when it could not
 * start). A termination signal reaches the program, which may shut down
 * as it likes; the report comes once it has ended. A second signal stops it
 * (SIGTERM, then SIGKILL), without a report.
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
  let target: ChildTarget;
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
  const off = passSignals(target, io);
  try {
    const exit = await exited;
    const ended = await target.exitReport();
    const reported = ended?.snapshot ? await report(ended, options, io) : noReport(ended, io);
    io.stderr.write(describeEnding(ended?.ending ?? null, exit) + "\n");
    return reported ? statusOf(exit) : statusOf(exit) || 1;
  } finally {
    off();
    await target.close();
  }
}

/**
 * Lets termination signals reach the program: Ctrl-C at a terminal reaches
 * it already (the terminal signals the whole foreground group), any other
 * is passed on. A second signal stops the program.
 */
function passSignals(target: ChildTarget, io: CliIO): () => void {
  let signalled = false;
  let hint: ReturnType<typeof setTimeout> | undefined;
  const off = onTermination((_code, signal) => {
    if (signalled) {
      io.stderr.write("tracemalloc: stopping the program (no report)\n");
      void target.close();
      return;
    }
    signalled = true;
    if (!(signal === "SIGINT" && process.stdin.isTTY)) {
      try {
        process.kill(target.pid, signal);
      } catch {
        // Already gone: its exit is on its way.
      }
    }
    hint = setTimeout(
      () => io.stderr.write(`tracemalloc: waiting for the program to end (${signal} again stops it)\n`),
      STOP_HINT_MS,
    );
    hint.unref?.();
  });
  return () => {
    clearTimeout(hint);
    off();
  };
}

/** The program left no snapshot: say why. */
function noReport(ended: ExitReport | null, io: CliIO): boolean {
  if (ended?.error) io.stderr.write(`tracemalloc: no snapshot at exit: ${ended.error}\n`);
  return ended === null || ended.error === null;
}

/** Prints the top lines at exit (and at the peak) and writes the dump; false when something failed. */
async function report(
  ended: ExitReport,
  options: RunOptions,
  io: CliIO,
): Promise<boolean> {
  const session = new Session({ target: new OfflineTarget() });
  const add = (label: string, snapshot: Snapshot) =>
    session.addSnapshot({ label, snapshot, origin: "taken", time: new Date(), source: options.script });
  const top = async (label: string) => {
    const listing = await session.execute(`top ${label} --limit ${options.limit}`);
    io.stderr.write(listing!.result.lines.join("\n") + "\n");
  };
  add("exit", ended.snapshot!);
  try {
    await top("exit");
    if (ended.memory) io.stderr.write(`Traced memory at exit: ${memoryText(ended.memory)}\n`);
    if (ended.peak) {
      const { memory, at } = ended.peak;
      add("peak", ended.peak.snapshot);
      const peak = Math.max(memory.peak, ended.memory?.peak ?? 0);
      // The keeper looks every quarter second or so: a peak between two looks is missed, and said so.
      const missed = peak > memory.current
        ? ` (the peak itself, ${formatSize(peak, false)}, came between two looks)`
        : "";
      io.stderr.write(
        `\nAt the peak, ${seconds(at)} after tracing began: ${formatSize(memory.current, false)} traced${missed}\n`,
      );
      await top("peak");
    }
    await dump(ended.snapshot!, options.dump, "at exit", io);
    if (ended.peak) await dump(ended.peak.snapshot, options.dumpPeak, "at the peak", io);
    return true;
  } catch (error) {
    io.stderr.write(`run: ${messageOf(error)}\n`);
    return false;
  } finally {
    await session.close();
  }
}

async function dump(snapshot: Snapshot, file: string | undefined, which: string, io: CliIO): Promise<void> {
  if (file === undefined) return;
  await snapshot.dump(file);
  io.stderr.write(`snapshot ${which} written to ${file}\n`);
}

function memoryText(memory: TracedMemory): string {
  return `current=${formatSize(memory.current, false)}, peak=${formatSize(memory.peak, false)}`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
