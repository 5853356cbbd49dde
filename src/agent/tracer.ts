/**
 * The tracer of the program the requests run in: the tracing API of
 * `src/tracer.ts` and the runtime adapter, gathered into what the request
 * table and the agent use.
 *
 * @module
 */
import * as tracer from "../tracer.ts";
import { runtime } from "../runtime/index.ts";
import type { HeapEngineInfo, LiveVisitor, TracedMemory, TracerOptions } from "../engines/engine.ts";
import type { Snapshot } from "../model/snapshot.ts";
import type { LiveReading, SnapshotOptions } from "../tracer.ts";

/**
 * The tracer as requests use it (the module-level API of `src/tracer.ts`,
 * plus what `status` reports about the runtime).
 *
 * @example
 * ```ts
 * import type { AgentTracer } from "./tracer.ts";
 * declare const tracer: AgentTracer;
 * await tracer.start(5);
 * console.log(tracer.runtime(), await tracer.getTracedMemory());
 * ```
 */
export interface AgentTracer {
  /** Installs before the program's first line what `start` with these options needs (the line engine's hook). */
  prepare(options?: TracerOptions): void;
  start(nframe: number, options?: TracerOptions): Promise<void>;
  stop(): Promise<void>;
  isTracing(): boolean;
  getTracebackLimit(): number;
  clearTraces(): Promise<void>;
  getTracedMemory(): Promise<TracedMemory>;
  resetPeak(): Promise<void>;
  getTracemallocMemory(): Promise<number>;
  takeSnapshot(options?: SnapshotOptions): Promise<Snapshot>;
  /** A snapshot and the traced memory read at once, for a program that is ending (see `takeSnapshotNow`). */
  takeSnapshotNow(): { snapshot: Snapshot; memory: TracedMemory };
  /** Traced memory, the tracer's memory and a snapshot from one read, on the engines' budget (see `readLive`). */
  readLive(options?: { readonly snapshot?: boolean }): Promise<LiveReading>;
  /** Forces a garbage collection; false when the runtime cannot. */
  gc(): Promise<boolean>;
  /** Visits every live traced object with its traceback; resolves to the tracer's own structures (see `forEachLiveObject`). */
  forEachLiveObject(visit: LiveVisitor): Promise<readonly object[]>;
  /** "node 24.21.0", "deno 2.9.6", ... */
  runtime(): string;
  /** What this runtime cannot see, in words. */
  limits(): readonly string[];
  /** The domain-0 engine that runs (or would run), `null` when there is none. */
  engine(): HeapEngineInfo | null;
}

/**
 * The tracer of this process.
 *
 * @example
 * ```ts
 * import { tracerForAgent } from "./tracer.ts";
 * const t = tracerForAgent();
 * await t.start(5);
 * ```
 */
export function tracerForAgent(): AgentTracer {
  const rt = runtime();
  return {
    prepare: (options) => {
      tracer.prepare(options);
    },
    start: tracer.start,
    stop: tracer.stop,
    isTracing: tracer.isTracing,
    getTracebackLimit: tracer.getTracebackLimit,
    clearTraces: tracer.clearTraces,
    getTracedMemory: tracer.getTracedMemory,
    resetPeak: tracer.resetPeak,
    getTracemallocMemory: tracer.getTracemallocMemory,
    takeSnapshot: tracer.takeSnapshot,
    takeSnapshotNow: tracer.takeSnapshotNow,
    readLive: tracer.readLive,
    forEachLiveObject: tracer.forEachLiveObject,
    gc: () => rt.gc(),
    runtime: () => `${rt.name} ${rt.version}`,
    limits: () => tracer.status().limits,
    engine: () => tracer.status().engine,
  };
}
