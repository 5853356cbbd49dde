/**
 * Starting a traced program as a child process: what `run` asks for. The
 * child target itself lives in `child.ts`; this module is the seam the
 * session uses, so tests and the TUI can start programs their own way.
 *
 * @module
 */
import { accessSync, constants, statSync } from "node:fs";
import { resolve } from "node:path";
import process from "node:process";
import type { TracerOptions } from "../engines/engine.ts";
import type { RuntimeName } from "../runtime/adapter.ts";
import type { Target } from "./target.ts";
import { ChildTarget } from "./child.ts";
import { ScriptError } from "./errors.ts";

export { ScriptError } from "./errors.ts";

/**
 * Tracing settings: `start NFRAME --every N ...`.
 *
 * @example
 * ```ts
 * import type { TraceSettings } from "./launch.ts";
 * const settings: TraceSettings = { nframe: 5, options: { sampleEvery: 64 } };
 * ```
 */
export interface TraceSettings {
  /** Frames kept per traceback. */
  readonly nframe: number;
  /** The engine and its settings; each engine's defaults when absent. */
  readonly options?: TracerOptions;
}

/**
 * The `start` command that gives `settings` (the TUI's `t` key uses it).
 *
 * @example
 * ```ts
 * startCommandLine({ nframe: 5, options: { sampleEvery: 64 } }); // "start 5 --every 64"
 * ```
 */
export function startCommandLine(settings: TraceSettings): string {
  const o = settings.options ?? {};
  return [
    `start ${settings.nframe}`,
    o.engine === undefined ? "" : ` --engine ${o.engine}`,
    o.sampleEvery === undefined ? "" : ` --every ${o.sampleEvery}`,
    o.samplingInterval === undefined ? "" : ` --interval ${o.samplingInterval}`,
    o.internalFrames ? " --internal-frames" : "",
  ].join("");
}

/**
 * Tracing settings from command-line options (`run`, `tui`): only what was
 * given, so each engine's defaults apply to the rest.
 *
 * @example
 * ```ts
 * traceSettings({ nframe: 5, every: 64 }); // { nframe: 5, options: { sampleEvery: 64 } }
 * ```
 */
export function traceSettings(choices: {
  nframe: number;
  engine?: TracerOptions["engine"];
  every?: number;
  interval?: number;
  exclude?: readonly string[];
  internalFrames?: boolean;
}): TraceSettings {
  const options: TracerOptions = {};
  if (choices.engine !== undefined) options.engine = choices.engine;
  if (choices.every !== undefined) options.sampleEvery = choices.every;
  if (choices.interval !== undefined) options.samplingInterval = choices.interval;
  if (choices.exclude?.length) options.exclude = [...choices.exclude];
  if (choices.internalFrames) options.internalFrames = true;
  return { nframe: choices.nframe, options };
}

/**
 * How to start a traced program.
 *
 * @example
 * ```ts
 * const launch: ProgramLaunch = { script: "app.ts", args: ["--port", "0"], start: { nframe: 5 } };
 * ```
 */
export interface ProgramLaunch {
  /** The program's entry file. */
  readonly script: string;
  /** Arguments passed to the program. */
  readonly args?: readonly string[];
  /** Default: the controller's own runtime. */
  readonly runtime?: RuntimeName;
  /** Tracing from the program's first line with these settings; untraced until `start` when absent. */
  readonly start?: TraceSettings;
  /** The program's working directory; default: the controller's. */
  readonly cwd?: string;
  /** Take a snapshot just before the program ends (`mod.ts run`). */
  readonly snapshotAtExit?: boolean;
  /** The program's standard input: `"ignore"` (default: the REPL keeps the terminal) or `"inherit"`. */
  readonly stdin?: "inherit" | "ignore";
  /** Extra environment variables for the program. */
  readonly env?: Readonly<Record<string, string>>;
}

/**
 * Starts a program and resolves to its target once it can take requests.
 *
 * @example
 * ```ts
 * import { launchChild, type Launcher } from "./launch.ts";
 * const launch: Launcher = launchChild;
 * const target = await launch({ script: "app.ts" });
 * ```
 */
export type Launcher = (launch: ProgramLaunch) => Promise<Target>;

/**
 * Checks that `script` (resolved against `cwd`) is a file this process can
 * read, so that a directory or a missing or unreadable file is refused with
 * one line rather than by the runtime with its stack trace.
 *
 * @throws {ScriptError} `no such file`, `it is a directory` or `cannot read it: permission denied`
 * @example
 * ```ts
 * checkScript("scripts/demo.ts"); // fine
 * checkScript("scripts"); // throws ScriptError: it is a directory
 * ```
 */
export function checkScript(script: string, cwd: string = process.cwd()): void {
  const path = resolve(cwd, script);
  const problem = (error: unknown) => {
    const code = (error as { code?: string }).code;
    return code === "ENOENT" || code === "ENOTDIR"
      ? "no such file"
      : code === "EACCES" || code === "EPERM"
      ? "cannot read it: permission denied"
      : `cannot read it: ${(error as Error).message}`;
  };
  let isDirectory: boolean;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch (error) {
    throw new ScriptError(problem(error));
  }
  if (isDirectory) throw new ScriptError("it is a directory");
  try {
    accessSync(path, constants.R_OK);
  } catch (error) {
    throw new ScriptError(problem(error));
  }
}

/**
 * Starts `launch.script` as a child process with the tracer's agent
 * preloaded, once {@link checkScript} found it a readable file (it rejects
 * with a {@link ScriptError} otherwise, and nothing is started).
 *
 * @example
 * ```ts
 * const target = await launchChild({ script: "scripts/demo.ts" });
 * console.log((await target.status()).pid);
 * await target.close();
 * ```
 */
export async function launchChild(launch: ProgramLaunch): Promise<ChildTarget> {
  checkScript(launch.script, launch.cwd);
  return await ChildTarget.launch(launch);
}
