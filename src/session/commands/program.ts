/**
 * Commands about the program: run, eval, wait.
 *
 * @module
 */
import type { RuntimeName } from "../../runtime/adapter.ts";
import type { Command } from "../command.ts";
import { CommandError, ScriptError } from "../errors.ts";

const RUNTIMES = ["node", "deno", "bun"] as const;

/**
 * `run [--runtime NAME] SCRIPT [ARGS...]`: starts a program as the target.
 *
 * @example
 * ```ts
 * import type { Session } from "../session.ts";
 * declare const session: Session;
 * await session.execute("run --runtime deno app.ts --port 8080");
 * ```
 */
export const runCommand: Command = {
  spec: {
    name: "run",
    summary: "Run SCRIPT as a child process and make it the target",
    help: [
      "Starts SCRIPT with ARGS as a child process, under this runtime or --runtime, with the tracer's agent",
      "preloaded, and makes it the target of every later command. Settings of an earlier start apply:",
      "the program is traced from its first line. Its output is shown prefixed with its pid.",
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
    }],
    passThrough: true,
  },
  async run(session, args) {
    const launch = session.launcher;
    if (!launch) {
      throw new CommandError("run", "this session cannot start programs");
    }
    const script = args.text("SCRIPT")!;
    const settings = session.settings;
    const target = await session.activity(
      `starting ${script}`,
      launch({
        script,
        args: args.rest("ARGS"),
        runtime: args.textOption("runtime") as RuntimeName | undefined,
        start: settings ?? undefined,
      }),
    ).catch((error) => {
      // A directory or a missing file: named as `mod.ts run` names it.
      throw error instanceof ScriptError ? new CommandError("run", `cannot start ${script}: ${error.message}`) : error;
    });
    await session.switchTarget(target);
    const status = await target.status();
    const traced = status.tracing
      ? `traced from its first line, traceback limit ${status.tracebackLimit}`
      : "not traced yet (type start)";
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
