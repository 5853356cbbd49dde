/**
 * Running the TUI on a terminal: the Ink app on the alternate screen, and
 * the terminal given back intact however it ends (q, Ctrl-C, a signal, an
 * uncaught error).
 *
 * @module
 */
// @jsxRuntime automatic
// @jsxImportSource react
import { render } from "ink";
import process from "node:process";
import type { Readable, Writable } from "node:stream";
import { DEFAULT_TRACEBACK_LIMIT } from "../src/defaults.ts";
import type { HeapEngineName } from "../src/engines/engine.ts";
import type { RuntimeName } from "../src/runtime/adapter.ts";
import { AttachedTarget } from "../src/session/attach/target.ts";
import { checkScript, startCommandLine, traceSettings } from "../src/session/launch.ts";
import { messageOf } from "../src/session/errors.ts";
import { DEMO_SCRIPT, openSession } from "../src/session/open.ts";
import type { Session } from "../src/session/session.ts";
import { quote } from "../src/session/tokenize.ts";
import { escapeControl } from "../src/text/escape.ts";
import { App } from "./app.tsx";
import { Controller } from "./session/controller.ts";
import { LiveFeed } from "./session/feed.ts";

/**
 * How to run the TUI.
 *
 * @example
 * ```ts
 * const options: TuiOptions = { script: "server.ts", args: ["--port", "8080"], runtime: "deno", nframe: 10 };
 * process.exitCode = await runTui(options);
 * ```
 */
export interface TuiOptions {
  /**
   * The session to show, as it is (its target, snapshots and filters);
   * default: a new session that runs `script` as a traced child process.
   */
  readonly session?: Session;
  /** The program to run and trace (default, without `session`: the built-in demo). */
  readonly script?: string;
  /** Arguments passed to `script`. */
  readonly args?: readonly string[];
  /** A running program to attach to and trace instead (a pid, or its inspector's `ws://` address). */
  readonly attach?: string;
  /** Runtime of the program (default: this one). */
  readonly runtime?: RuntimeName;
  /** Frames kept per traceback (default {@link DEFAULT_TRACEBACK_LIMIT}, as `run`). */
  readonly nframe?: number;
  /** Domain-0 engine (default: the line engine). */
  readonly engine?: HeapEngineName;
  /** Line engine: one allocation in N sampled (default `DEFAULT_SAMPLE_EVERY`, 1024, as `run`). */
  readonly every?: number;
  /** V8 sampler: sampling interval in bytes (default `DEFAULT_SAMPLING_INTERVAL`, 1 MiB, as `run`). */
  readonly interval?: number;
  /** Line engine: globs of module paths left unrewritten. */
  readonly exclude?: readonly string[];
  /** Keep the runtime's own frames (`node:internal/...`, `ext:...`) at the ends of tracebacks. */
  readonly internalFrames?: boolean;
  /** Aimed time between two live refreshes, in ms (default 400). */
  readonly refreshMs?: number;
  /** Where keys are read from; default: `process.stdin`. */
  readonly stdin?: Readable & { isTTY?: boolean };
  /** Where the screen is drawn; default: `process.stdout`. */
  readonly stdout?: Writable & { isTTY?: boolean };
  /** Where messages go once the screen is gone; default: `process.stderr`. */
  readonly stderr?: Writable;
}

const SHOW_CURSOR = "\x1b[?25h";

/**
 * How the TUI renders: the alternate screen (the shell's screen comes back
 * on exit), only changed lines rewritten (no flicker), keys taken by the
 * app (Ctrl-C quits cleanly), up to 60 frames a second.
 *
 * @example
 * ```tsx
 * import { render } from "ink";
 * import { App, type AppProps } from "./app.tsx";
 * declare const props: AppProps, stdout: NodeJS.WriteStream, stdin: NodeJS.ReadStream;
 * render(<App {...props} />, { ...INK_OPTIONS, stdout, stdin });
 * ```
 */
export const INK_OPTIONS = {
  // The TUI only starts on a terminal; Ink would otherwise draw nothing but a
  // final frame whenever a CI variable is set (a developer's shell may have one).
  interactive: true,
  alternateScreen: true,
  exitOnCtrlC: false,
  patchConsole: true,
  maxFps: 60,
  incrementalRendering: true,
} as const;

/** Exit statuses as shells report a process ended by each signal (128 + its number). */
const SIGNALS = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;

/**
 * Runs the TUI until the user quits; resolves to the exit status: 0 after
 * `q` or Ctrl-C, 128 + N after signal N, 1 after a failure (its message is
 * printed once the terminal is restored), 1 when not on a terminal or when
 * the script cannot be started.
 *
 * @example
 * ```ts
 * process.exitCode = await runTui({ script: "app.ts", args: ["--port", "8080"] });
 * ```
 */
export async function runTui(options: TuiOptions = {}): Promise<number> {
  const stdin = options.stdin ?? process.stdin;
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  if (options.attach !== undefined && options.script !== undefined) {
    stderr.write("tracemalloc tui: give a script to run or --attach PID, not both\n");
    return 1;
  }
  if (options.script !== undefined && !options.session) {
    // Refused here, before the screen opens, as `run` refuses it: the TUI would only show the error and wait.
    // (A session given by the caller launches programs its own way.)
    try {
      checkScript(options.script);
    } catch (error) {
      stderr.write(`tracemalloc tui: cannot start ${escapeControl(options.script)}: ${messageOf(error)}\n`);
      return 1;
    }
  }
  if (!stdin.isTTY || !stdout.isTTY) {
    stderr.write("tracemalloc tui: needs a terminal for input and output (use repl or run in scripts and pipes)\n");
    return 1;
  }
  const owned = !options.session;
  const session = options.session ?? openSession();
  const program = options.attach !== undefined || (options.session && options.script === undefined)
    ? null
    : options.script ?? DEMO_SCRIPT;
  // The defaults of `run` and the REPL (src/defaults.ts): each engine's own when not given.
  const settings = traceSettings({
    nframe: options.nframe ?? DEFAULT_TRACEBACK_LIMIT,
    engine: options.engine,
    every: options.every,
    interval: options.interval,
    exclude: options.exclude,
    internalFrames: options.internalFrames,
  });
  const startLine = startCommandLine(settings);
  const startup: string[] = [];
  if (program !== null) {
    // Traced from the program's first line, as `start` then `run` in the REPL.
    session.setSettings(settings);
    const runtime = options.runtime ? `--runtime ${options.runtime} ` : "";
    startup.push(`run ${runtime}${[program, ...(options.args ?? [])].map(quote).join(" ")}`);
  }
  if (options.attach !== undefined) {
    // Attached before the screen opens, so that a program that cannot be reached is one line on the terminal;
    // then traced at once, as a program run starts is.
    try {
      await session.switchTarget(await AttachedTarget.attach(options.attach));
    } catch (error) {
      stderr.write(`tracemalloc tui: cannot attach to ${escapeControl(options.attach)}: ${messageOf(error)}\n`);
      if (owned) await session.close().catch(() => {});
      return 1;
    }
    startup.push(startLine);
  }
  const controller = new Controller(session);
  const feed = new LiveFeed(session, { interval: options.refreshMs });

  let settle: (code: number) => void = () => {};
  const ended = new Promise<number>((resolve) => settle = resolve);
  let failure: unknown = null;
  const fail = (error: unknown) => {
    failure ??= error;
    settle(1);
  };
  const ink = render(
    <App controller={controller} feed={feed} startLine={startLine} startup={startup} onQuit={() => settle(0)} />,
    {
      stdin: stdin as NodeJS.ReadStream,
      stdout: stdout as NodeJS.WriteStream,
      stderr: stderr as NodeJS.WriteStream,
      ...INK_OPTIONS,
    },
  );
  ink.waitUntilExit().then(() => settle(0), fail);

  const removers: (() => void)[] = [];
  for (const [name, code] of Object.entries(SIGNALS)) {
    const listener = () => settle(code);
    try {
      process.on(name as NodeJS.Signals, listener);
      removers.push(() => process.off(name as NodeJS.Signals, listener));
    } catch {
      // A signal this platform does not have cannot arrive either.
    }
  }
  process.on("uncaughtException", fail);
  process.on("unhandledRejection", fail);
  removers.push(() => {
    process.off("uncaughtException", fail);
    process.off("unhandledRejection", fail);
  });

  let code: number;
  try {
    code = await ended;
  } finally {
    feed.close();
    controller.dispose();
    try {
      // Leaves the alternate screen, shows the cursor and gives the terminal its normal mode back.
      ink.unmount();
      await ink.waitUntilExit().catch(() => {});
      ink.cleanup();
    } finally {
      stdout.write(SHOW_CURSOR);
    }
    // The handlers stay until the session is closed: after a hangup a write to the dead terminal fails (EPIPE),
    // and without them Deno would end at once, before the session ends its program.
    if (owned) await session.close().catch(() => {});
    for (const remove of removers) remove();
  }
  if (failure !== null) {
    stderr.write(
      `tracemalloc tui: ${failure instanceof Error ? failure.stack ?? failure.message : messageOf(failure)}\n`,
    );
  }
  return code;
}
