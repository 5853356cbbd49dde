/**
 * The target that is this process: the REPL traces itself, with the tool's
 * own frames left out by the tracer (it drops frames of this package's
 * `src/`, `tui/` and `mod.ts`, which holds the session and the CLI).
 * Requests run the same implementations a child's agent serves.
 *
 * @module
 */
import type { TracerOptions } from "../engines/engine.ts";
import { REQUESTS } from "../agent/request-table.ts";
import type { Answerer } from "../agent/request-table.ts";
import { type Method, type RequestParams, RequestSender, type Result } from "../agent/requests.ts";
import { type AgentTracer, tracerForAgent } from "../agent/tracer.ts";
import type { Target, TargetExit, TargetRefresh, TargetStatus } from "./target.ts";

/**
 * This process as a target, over the module-level tracing API.
 *
 * @example
 * ```ts
 * import { LocalTarget } from "./local.ts";
 * const target = new LocalTarget();
 * await target.start(5);
 * const snapshot = await target.takeSnapshot();
 * await target.close(); // stops the tracing it started
 * ```
 */
export class LocalTarget extends RequestSender implements Target {
  #tracer: AgentTracer = tracerForAgent();
  #started = false;

  /** Runs `method` on this process's tracer. */
  protected ask<M extends Method>(method: M, params: RequestParams[M]): Promise<Result<M>> {
    return (REQUESTS[method] as Answerer<M>)(this.#tracer, params);
  }

  /** Starts tracing this process with `nframe` frames per traceback. */
  override async start(nframe: number, options?: TracerOptions): Promise<void> {
    await super.start(nframe, options);
    this.#started = true;
  }

  /** Stops tracing this process and forgets its traces. */
  override async stop(): Promise<void> {
    await super.stop();
    this.#started = false;
  }

  /** This process's tracing status, its command being "this process". */
  override async status(): Promise<TargetStatus> {
    return { command: "this process", ...await super.status() };
  }

  /** Status and snapshot from one read of this process's tracer. */
  override async refresh(): Promise<TargetRefresh> {
    const { status, snapshot } = await super.refresh();
    return { status: { command: "this process", ...status }, snapshot };
  }

  /** The REPL shows a string result as it is. */
  override eval(code: string): Promise<string> {
    return this.ask("eval", { code });
  }

  /** This process's output already goes where the user sees it. */
  onOutput(_listener: (stream: "stdout" | "stderr", text: string) => void): void {}

  /** This process does not exit while its session is open. */
  onExit(_listener: (exit: TargetExit) => void): void {}

  /** Stops the tracing this target started, if any. */
  async close(): Promise<void> {
    if (this.#started) await this.stop();
  }
}
