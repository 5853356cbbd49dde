/**
 * What the REPL and the TUI act on: this process, or a program running as a
 * child process with the tracer's agent preloaded. Both answer the same
 * requests ({@link TracerRequests}), so every command works the same
 * against either.
 *
 * @module
 */
import type { LiveRefresh, ProgramStatus, TracerRequests } from "../agent/requests.ts";

/**
 * A target's state, for `status` and the TUI header.
 *
 * @example
 * ```ts
 * import type { TargetStatus } from "./target.ts";
 * declare const status: TargetStatus;
 * console.log(`${status.command} (pid ${status.pid}): ${status.tracing ? "tracing" : "not tracing"}`);
 * ```
 */
export interface TargetStatus extends ProgramStatus {
  /** What is traced: "this process" or the child's command line. */
  readonly command: string;
  /** Set once the target has exited. */
  readonly exit?: TargetExit;
}

/**
 * How a target ended.
 *
 * @example
 * ```ts
 * import type { TargetExit } from "./target.ts";
 * const killed: TargetExit = { code: null, signal: "SIGKILL" };
 * ```
 */
export interface TargetExit {
  /** The exit code, or null when a signal ended the program. */
  readonly code: number | null;
  /** The signal that ended the program (e.g. `SIGKILL`), or null. */
  readonly signal: string | null;
}

/**
 * A target's answer to the live view's refresh: its status (with the
 * command) and, while tracing, a snapshot, from one read.
 *
 * @example
 * ```ts
 * import type { TargetRefresh } from "./target.ts";
 * declare const refreshed: TargetRefresh;
 * console.log(refreshed.status.command, refreshed.snapshot?.traces.length ?? "not tracing");
 * ```
 */
export interface TargetRefresh extends LiveRefresh {
  readonly status: TargetStatus;
}

/**
 * The requests a session sends to a target, and what it hears from it.
 *
 * @example
 * ```ts
 * import type { Target } from "./target.ts";
 * declare const target: Target;
 * target.onExit((exit) => console.log(exit.code));
 * await target.start(5);
 * console.log((await target.status()).memory);
 * await target.close();
 * ```
 */
export interface Target extends Omit<TracerRequests, "refresh"> {
  /** What is traced, how, and how much memory it holds. */
  status(): Promise<TargetStatus>;
  /**
   * Status and, while tracing, a snapshot from one read in the program (the
   * live view's request). A target without it is refreshed with `status()`
   * then `takeSnapshot()`.
   */
  refresh?(): Promise<TargetRefresh>;
  /** Called with each chunk of the target's standard output or error (child targets). */
  onOutput(listener: (stream: "stdout" | "stderr", text: string) => void): void;
  /** Called once when the target exits (child targets). */
  onExit(listener: (exit: TargetExit) => void): void;
  /** Ends the target (a child is killed) and releases its resources. */
  close(): Promise<void>;
}
