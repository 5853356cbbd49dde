/**
 * A child program's standard output and error, decoded as UTF-8 per stream
 * and held until a listener is there, so nothing printed before `onOutput`
 * is lost.
 *
 * @module
 */
import { clearTimeout, setTimeout } from "node:timers";
import type { ChildProcess } from "node:child_process";

/** How long after its exit the program's output may still arrive (a grandchild may hold the pipes). */
const OUTPUT_DRAIN_MS = 500;

/**
 * Called with each chunk a program writes.
 *
 * @example
 * ```ts
 * import type { OutputListener } from "./program-output.ts";
 * const print: OutputListener = (stream, text) => console.log(`[${stream}] ${text}`);
 * ```
 */
export type OutputListener = (stream: "stdout" | "stderr", text: string) => void;

/**
 * Resolves when `promise` does, or after `ms` at the latest.
 *
 * @example
 * ```ts
 * import { within } from "./program-output.ts";
 * declare const closed: Promise<void>;
 * await within(closed, 500);
 * ```
 */
export function within(promise: Promise<unknown>, ms: number = OUTPUT_DRAIN_MS): Promise<void> {
  return new Promise<void>((resolve) => {
    // Not unref'd: it bounds a wait someone awaits, and a loop with nothing else pending (Deno's test runner
    // checks) must not end under it.
    const timer = setTimeout(resolve, ms);
    promise.then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/**
 * The output of a child process with piped stdout and stderr.
 *
 * @example
 * ```ts
 * import { ProgramOutput } from "./program-output.ts";
 * import { spawn } from "node:child_process";
 * const output = new ProgramOutput(spawn("ls", { stdio: ["ignore", "pipe", "pipe"] }));
 * output.listen((stream, text) => console.log(stream, text));
 * await output.drained;
 * ```
 */
export class ProgramOutput {
  /** Settles once the program has exited and its pipes are read (or given up on). */
  readonly drained: Promise<void>;
  #listeners: OutputListener[] = [];
  #held: [stream: "stdout" | "stderr", text: string][] = [];
  #stderr = "";

  /**
   * Starts reading the output of `child`.
   *
   * @param child a process spawned with stdout and stderr piped
   */
  constructor(child: ChildProcess) {
    const ends = (["stdout", "stderr"] as const).map((name) => this.#read(child, name));
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    // A grandchild that inherited the pipes may keep them open after the program exits.
    this.drained = exited.then(() => within(Promise.all(ends)));
  }

  /** Sends what was held, then every later chunk, to `listener`. */
  listen(listener: OutputListener): void {
    this.#listeners.push(listener);
    for (const [stream, text] of this.#held.splice(0)) listener(stream, text);
  }

  /** The last few kilobytes of standard error, for launch errors. */
  stderrTail(): string {
    return this.#stderr;
  }

  #read(child: ChildProcess, name: "stdout" | "stderr"): Promise<void> {
    const stream = child[name]!;
    const decoder = new TextDecoder();
    stream.on("data", (chunk: Uint8Array) => this.#emit(name, decoder.decode(chunk, { stream: true })));
    return new Promise<void>((resolve) => {
      stream.once("close", () => {
        this.#emit(name, decoder.decode());
        resolve();
      });
      stream.once("error", () => resolve());
    });
  }

  #emit(stream: "stdout" | "stderr", text: string): void {
    if (!text) return;
    if (stream === "stderr") this.#stderr = (this.#stderr + text).slice(-4096);
    if (!this.#listeners.length) this.#held.push([stream, text]);
    else for (const listener of this.#listeners) listener(stream, text);
  }
}
