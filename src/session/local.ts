/**
 * The target that is this process: the REPL traces itself, with the tool's
 * own frames left out by the tracer (it drops frames of this package's
 * `src/`, `tui/` and `mod.ts`, which holds the session and the CLI).
 *
 * @module
 */
import process from "node:process";
import { inspect } from "node:util";
import type { TracerOptions } from "../engines/engine.ts";
import type { Snapshot } from "../model/snapshot.ts";
import { runtime } from "../runtime/index.ts";
import * as tracer from "../tracer.ts";
import type { Target, TargetExit, TargetStatus } from "./target.ts";

let evaluations = 0;

/**
 * Runs code and reports its result through callbacks, a Promise's result
 * through `then` callbacks of its own rather than by resolving with it: V8
 * follows awaits in async stack traces, and the tool awaiting the result
 * would otherwise be on the stack of every allocation of the awaited code.
 */
const WRAPPER = `(function (code, resolve, reject) {
  try {
    const value = (0, eval)(code);
    if (value !== null && (typeof value === "object" || typeof value === "function") && typeof value.then === "function") {
      value.then((result) => resolve(result), (error) => reject(error));
    } else resolve(value);
  } catch (error) {
    reject(error);
  }
})`;

/**
 * Evaluates `code` as a script in the global scope of this process, from a
 * microtask. The tracer leaves out every allocation with one of its own
 * frames on the stack, and the session is its own; run from a microtask
 * through a function that eval made, the code's stack holds none of them,
 * so what it allocates is traced like any other code of the process. A
 * `sourceURL` names the code `<eval-N>` in tracebacks (engines drop frames
 * of nameless scripts).
 */
function evaluateGlobally(code: string): Promise<unknown> {
  const named = `${code}\n//# sourceURL=<eval-${++evaluations}>`;
  // deno-lint-ignore no-eval
  const evaluate = (0, eval)(WRAPPER) as (
    code: string,
    resolve: (value: unknown) => void,
    reject: (error: unknown) => void,
  ) => void;
  return new Promise((resolve, reject) => queueMicrotask(evaluate.bind(null, named, resolve, reject)));
}

/**
 * A value as the REPL shows it: strings as they are, anything else as
 * `util.inspect` writes it.
 *
 * @example
 * ```ts
 * show({ a: 1 }); // "{ a: 1 }"
 * ```
 */
export function show(value: unknown): string {
  return typeof value === "string" ? value : inspect(value, { depth: 4, colors: false });
}

/**
 * This process as a target, over the module-level tracing API.
 *
 * @example
 * ```ts
 * const target = new LocalTarget();
 * await target.start(5);
 * const snapshot = await target.takeSnapshot();
 * await target.close(); // stops the tracing it started
 * ```
 */
export class LocalTarget implements Target {
  #started = false;

  async start(nframe: number, options?: TracerOptions): Promise<void> {
    await tracer.start(nframe, options);
    this.#started = true;
  }

  async stop(): Promise<void> {
    await tracer.stop();
    this.#started = false;
  }

  async status(): Promise<TargetStatus> {
    const status = tracer.status();
    return {
      command: "this process",
      pid: process.pid,
      runtime: `${status.runtime.name} ${status.runtime.version}`,
      tracing: status.tracing,
      tracebackLimit: status.tracebackLimit,
      memory: await tracer.getTracedMemory(),
      tracerMemory: await tracer.getTracemallocMemory(),
      limits: status.limits,
      engine: status.engine,
    };
  }

  clearTraces(): Promise<void> {
    return tracer.clearTraces();
  }

  resetPeak(): Promise<void> {
    return tracer.resetPeak();
  }

  takeSnapshot(): Promise<Snapshot> {
    return tracer.takeSnapshot();
  }

  gc(): Promise<boolean> {
    return runtime().gc();
  }

  async eval(code: string): Promise<string> {
    return show(await evaluateGlobally(code));
  }

  /** This process's output already goes where the user sees it. */
  onOutput(
    _listener: (stream: "stdout" | "stderr", text: string) => void,
  ): void {}

  /** This process does not exit while its session is open. */
  onExit(_listener: (exit: TargetExit) => void): void {}

  /** Stops the tracing this target started, if any. */
  async close(): Promise<void> {
    if (this.#started) await this.stop();
  }
}
