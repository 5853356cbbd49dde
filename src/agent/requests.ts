/**
 * What a traced program can be asked, in one place: the requests by name,
 * their parameters and results, and the method-call form every target
 * offers. This process answers them directly; a program in a child process
 * answers them over the agent's channel, with the same implementations
 * (`request-table.ts`).
 *
 * @module
 */
import type { HeapEngineInfo, TracedMemory, TracerOptions } from "../engines/engine.ts";
import type { Snapshot } from "../model/snapshot.ts";

/**
 * What a traced program says about its tracer; a session's target adds the
 * command line and, once it has ended, its exit.
 *
 * @example
 * ```ts
 * import type { ProgramStatus } from "./requests.ts";
 * const status: ProgramStatus = {
 *   pid: 4243, runtime: "node 24.21.0", tracing: false, tracebackLimit: 1,
 *   memory: { current: 0, peak: 0 }, tracerMemory: 0, limits: [], engine: null,
 * };
 * ```
 */
export interface ProgramStatus {
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
}

/**
 * The requests a traced program answers, as method calls: the one interface
 * of what a target can be asked.
 *
 * @example
 * ```ts
 * import type { TracerRequests } from "./requests.ts";
 * declare const program: TracerRequests;
 * await program.start(5);
 * const snapshot = await program.takeSnapshot();
 * ```
 */
export interface TracerRequests {
  /** Starts tracing, keeping `nframe` frames per traceback. */
  start(nframe: number, options?: TracerOptions): Promise<void>;
  stop(): Promise<void>;
  status(): Promise<ProgramStatus>;
  clearTraces(): Promise<void>;
  resetPeak(): Promise<void>;
  takeSnapshot(): Promise<Snapshot>;
  /** Forces a garbage collection where the runtime allows; false when it cannot. */
  gc(): Promise<boolean>;
  /** Evaluates JavaScript in the program; resolves to the result as text. */
  eval(code: string): Promise<string>;
}

/**
 * A request's name.
 *
 * @example
 * ```ts
 * import type { Method } from "./requests.ts";
 * const method: Method = "takeSnapshot";
 * ```
 */
export type Method = keyof TracerRequests;

/**
 * Each request's parameters as one object (how they travel); `undefined`
 * for a request without any.
 *
 * @example
 * ```ts
 * import type { RequestParams } from "./requests.ts";
 * const params: RequestParams["start"] = { nframe: 5 };
 * ```
 */
export interface RequestParams {
  start: { nframe: number; options?: TracerOptions };
  stop: undefined;
  status: undefined;
  clearTraces: undefined;
  resetPeak: undefined;
  takeSnapshot: undefined;
  gc: undefined;
  eval: { code: string };
}

/**
 * A request's result.
 *
 * @example
 * ```ts
 * import type { Result } from "./requests.ts";
 * const collected: Result<"gc"> = true;
 * ```
 */
export type Result<M extends Method> = Awaited<ReturnType<TracerRequests[M]>>;

/**
 * The method calls of {@link TracerRequests}, each turned into one request
 * for `ask`: a target says how a request is answered, once.
 *
 * @example
 * ```ts
 * import { type Method, RequestSender, type RequestParams, type Result } from "./requests.ts";
 * declare function send<M extends Method>(method: M, params: RequestParams[M]): Promise<Result<M>>;
 * class Remote extends RequestSender {
 *   protected ask<M extends Method>(method: M, params: RequestParams[M]): Promise<Result<M>> {
 *     return send(method, params);
 *   }
 * }
 * await new Remote().resetPeak();
 * ```
 */
export abstract class RequestSender implements TracerRequests {
  /** Answers one request. */
  protected abstract ask<M extends Method>(method: M, params: RequestParams[M]): Promise<Result<M>>;

  start(nframe: number, options?: TracerOptions): Promise<void> {
    return this.ask("start", { nframe, options });
  }

  stop(): Promise<void> {
    return this.ask("stop", undefined);
  }

  status(): Promise<ProgramStatus> {
    return this.ask("status", undefined);
  }

  clearTraces(): Promise<void> {
    return this.ask("clearTraces", undefined);
  }

  resetPeak(): Promise<void> {
    return this.ask("resetPeak", undefined);
  }

  takeSnapshot(): Promise<Snapshot> {
    return this.ask("takeSnapshot", undefined);
  }

  gc(): Promise<boolean> {
    return this.ask("gc", undefined);
  }

  eval(code: string): Promise<string> {
    return this.ask("eval", { code });
  }
}
