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
import type { Allocated } from "../tracer.ts";
import type { RetainerQuery, RetainerSnapshot } from "../retainers/probe.ts";

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
  /**
   * How old `memory` is, in ms: absent or 0 when read now; more when a
   * costly engine (V8's sampler, Bun's census) is read on a time budget and
   * handed back its last read.
   */
  readonly age?: number;
}

/**
 * The live view's answer: the status and, while tracing, a snapshot, both
 * from one read of the tracer (one request per refresh).
 *
 * @example
 * ```ts
 * import type { LiveRefresh, TracerRequests } from "./requests.ts";
 * declare const program: TracerRequests;
 * const { status, snapshot }: LiveRefresh = await program.refresh();
 * console.log(`${status.memory.current} B traced, ${snapshot?.traces.length ?? 0} traces`);
 * ```
 */
export interface LiveRefresh {
  /** The program's status; `memory` comes from the same read as `snapshot`. */
  readonly status: ProgramStatus;
  /** The live traces; null when not tracing. */
  readonly snapshot: Snapshot | null;
}

/**
 * Options of the `takeSnapshot` request.
 *
 * @example
 * ```ts
 * import type { SnapshotRequest } from "./requests.ts";
 * const exact: SnapshotRequest = { gc: true }; // a full collection first
 * ```
 */
export interface SnapshotRequest {
  /** Run a full garbage collection first, so the snapshot holds live objects only. */
  readonly gc?: boolean;
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
  /** The live traces now (after a full collection with `{ gc: true }`). */
  takeSnapshot(options?: SnapshotRequest): Promise<Snapshot>;
  /** The live view's refresh: status and snapshot from one read, never with a collection of its own. */
  refresh(): Promise<LiveRefresh>;
  /** Forces a garbage collection where the runtime allows; false when it cannot. */
  gc(): Promise<boolean>;
  /** Evaluates JavaScript in the program; resolves to the result as text. */
  eval(code: string): Promise<string>;
  /** Allocations per line since tracing started or was cleared, freed or not (the line engine's; see `getAllocated`). */
  allocated(): Promise<Allocated>;
  /**
   * For `retainers`: live objects allocated at one row of a listing, put in
   * a probe, and a heap snapshot taken with it (see `src/retainers/probe.ts`).
   * Optional: a target standing for no program of its own may not answer it.
   */
  retainerSnapshot?(query: RetainerQuery): Promise<RetainerSnapshot>;
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
  takeSnapshot: SnapshotRequest | undefined;
  refresh: undefined;
  gc: undefined;
  eval: { code: string };
  allocated: undefined;
  retainerSnapshot: { query: RetainerQuery };
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
export type Result<M extends Method> = Awaited<ReturnType<NonNullable<TracerRequests[M]>>>;

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

  takeSnapshot(options?: SnapshotRequest): Promise<Snapshot> {
    return this.ask("takeSnapshot", options?.gc ? { gc: true } : undefined);
  }

  refresh(): Promise<LiveRefresh> {
    return this.ask("refresh", undefined);
  }

  gc(): Promise<boolean> {
    return this.ask("gc", undefined);
  }

  eval(code: string): Promise<string> {
    return this.ask("eval", { code });
  }

  allocated(): Promise<Allocated> {
    return this.ask("allocated", undefined);
  }

  retainerSnapshot(query: RetainerQuery): Promise<RetainerSnapshot> {
    return this.ask("retainerSnapshot", { query });
  }
}
