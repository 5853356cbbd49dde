/**
 * Commands about the program: run, eval, wait.
 *
 * @module
 */
import { DEFAULT_SAMPLE_EVERY, DEFAULT_TRACEBACK_LIMIT } from "../../defaults.ts";
import type { RuntimeName } from "../../runtime/adapter.ts";
import type { Command } from "../command.ts";
import { CommandError, ScriptError } from "../errors.ts";
import { describeEngine } from "../present.ts";

const RUNTIMES = ["node", "deno", "bun"] as const;

/**
 * `run [--runtime NAME] [--no-trace] SCRIPT [ARGS...]`: starts a program as
 * the target, traced from its first line with the settings of an earlier
 * `start`, else the defaults (`src/defaults.ts`); untraced with `--no-trace`.
 *
 * @example
 * ```ts
 * import type { Session } from "../session.ts";
 * declare const session: Session;
 * await session.execute("run --runtime deno app.ts --port 8080");
 * await session.execute("run --no-trace app.ts"); // untraced until start
 * ```
 */
export const runCommand: Command = {
  spec: {
    name: "run",
    summary: "Run SCRIPT as a child process and make it the target",
    help: [
      "Starts SCRIPT with ARGS as a child process, under this runtime or --runtime, with the tracer's agent",
      "preloaded, and makes it the target of every later command. It is traced from its first line with the",
      `settings of an earlier start, else as by start alone (${DEFAULT_TRACEBACK_LIMIT} frames per traceback, the line engine`,
      `sampling one JS allocation in ${DEFAULT_SAMPLE_EVERY}); --no-trace leaves it untraced until start.`,
      "Its output is shown prefixed with its pid.",
      "Snapshots are sent to this session and analysed here. A program started earlier is ended.",
      "Options go before SCRIPT; words after it are the program's.",
    ],
    args: [{ name: "SCRIPT", complete: "file" }, {
      name: "ARGS",
      rest: true,
      optional: true,
      complete: "file",
    }],
    options: [{
      name: "runtime",
      value: "NAME",
      kind: { choices: RUNTIMES },
      help: "node, deno or bun (default: this one)",
    }, {
      name: "no-trace",
      help: "leave the program untraced (type start to trace it)",
    }],
    passThrough: true,
  },
  async run(session, args) {
    const launch = session.launcher;
    if (!launch) {
      throw new CommandError("run", "this session cannot start programs");
    }
    const script = args.text("SCRIPT")!;
    const untraced = args.flag("no-trace");
    // As `mod.ts run` and `tui` trace by default: the rates left to each engine (src/defaults.ts).
    const settings = untraced ? undefined : session.settings ?? { nframe: DEFAULT_TRACEBACK_LIMIT, options: {} };
    const target = await session.activity(
      `starting ${script}`,
      launch({
        script,
        args: args.rest("ARGS"),
        runtime: args.textOption("runtime") as RuntimeName | undefined,
        start: settings,
      }),
    ).catch((error) => {
      // A directory or a missing file: named as `mod.ts run` names it.
      throw error instanceof ScriptError ? new CommandError("run", `cannot start ${script}: ${error.message}`) : error;
    });
    await session.switchTarget(target);
    const status = await target.status();
    const traced = status.tracing
      ? `traced from its first line, traceback limit ${status.tracebackLimit}` +
        (status.engine ? `, ${describeEngine(status.engine)}` : "")
      : `not traced${untraced ? " (--no-trace)" : ""}: type start to trace it`;
    return {
      lines: [
        `started ${status.command} (pid ${status.pid}, ${status.runtime}): ${traced}`,
      ],
      data: {
        command: status.command,
        pid: status.pid,
        runtime: status.runtime,
        tracing: status.tracing,
        tracebackLimit: status.tracebackLimit,
        engine: status.engine?.name ?? null,
      },
    };
  },
};

/**
 * `eval CODE`: evaluates JavaScript in the target.
 *
 * @example
 * ```ts
 * import type { Session } from "../session.ts";
 * declare const session: Session;
 * await session.execute("eval [1, 2, 3].length");
 * ```
 */
export const evalCommand: Command = {
  spec: {
    name: "eval",
    summary: "Evaluate JavaScript CODE in the target",
    help: [
      "Evaluates CODE, the rest of the line exactly as typed, as a JavaScript script in the target",
      "(this process, or the program run started) and prints the result. A Promise is awaited.",
    ],
    args: [],
    usage: ["eval CODE"],
    options: [],
    raw: true,
  },
  async run(session, _args, raw) {
    if (!raw) throw new CommandError("eval", "missing CODE");
    const result = await session.target.eval(raw);
    return { lines: result.split("\n"), data: { result } };
  },
};

/** The longest wait: timers of every runtime fire at once from 2^31 ms on (with a warning). */
const MAX_WAIT_MS = 2 ** 31 - 1;

/**
 * `wait MS`: lets the target run for a while.
 *
 * @example
 * ```ts
 * import type { Session } from "../session.ts";
 * declare const session: Session;
 * await session.execute("wait 500");
 * ```
 */
export const waitCommand: Command = {
  spec: {
    name: "wait",
    summary: "Wait MS milliseconds",
    help: [
      "Waits MS milliseconds, letting the target run (in scripts: between snapshots). MS is at most",
      "2147483647 (about 24.8 days).",
    ],
    args: [{ name: "MS", kind: "natural", complete: "none" }],
    options: [],
  },
  async run(session, args) {
    const ms = args.number("MS")!;
    if (ms > MAX_WAIT_MS) {
      throw new CommandError("wait", `MS must be at most ${MAX_WAIT_MS} (about 24.8 days), not ${ms}`);
    }
    await session.activity(
      `waiting ${ms} ms`,
      new Promise((resolve) => setTimeout(resolve, ms)),
    );
    return { lines: [], data: { waited: ms } };
  },
};
