/**
 * What the REPL and the TUI act on: this process, or a program running as a
 * child process with the tracer's agent preloaded. Both answer the same
 * requests, so every command works the same against either.
 *
 * @module
 */
import type { Snapshot } from "../model/snapshot.ts";
import type { HeapEngineInfo, TracedMemory, TracerOptions } from "../engines/engine.ts";

/** A target's state, for `status` and the TUI header. */
export interface TargetStatus {
  /** What is traced: "this process" or the child's command line. */
  readonly command: string;
  readonly pid: number;
  /** "node", "deno" or "bun", with its version. */
  readonly runtime: string;
  readonly tracing: boolean;
  readonly tracebackLimit: number;
  readonly memory: TracedMemory;
  /** Bytes the tracer uses for its traces. */
  readonly tracerMemory: number;
  /** What this runtime cannot see, in words; empty when nothing. */
  readonly limits: readonly string[];
  /** The domain-0 engine, `null` when domain 0 is not traced (or not known yet). */
  readonly engine: HeapEngineInfo | null;
  /** Set once the target has exited. */
  readonly exit?: TargetExit;
}

/** How a target ended. */
export interface TargetExit {
  readonly code: number | null;
  readonly signal: string | null;
}

/** The requests a session sends to a target. */
export interface Target {
  start(nframe: number, options?: TracerOptions): Promise<void>;
  stop(): Promise<void>;
  status(): Promise<TargetStatus>;
  clearTraces(): Promise<void>;
  resetPeak(): Promise<void>;
  takeSnapshot(): Promise<Snapshot>;
  /** Forces a garbage collection where the runtime allows; false when it cannot. */
  gc(): Promise<boolean>;
  /** Evaluates JavaScript in the target; resolves to the result as text. */
  eval(code: string): Promise<string>;
  /** Called with each chunk of the target's standard output or error (child targets). */
  onOutput(listener: (stream: "stdout" | "stderr", text: string) => void): void;
  /** Called once when the target exits (child targets). */
  onExit(listener: (exit: TargetExit) => void): void;
  /** Ends the target (a child is killed) and releases its resources. */
  close(): Promise<void>;
}
