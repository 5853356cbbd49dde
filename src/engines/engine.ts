/**
 * The interface every tracing engine implements; `src/tracer.ts` combines
 * them into the public tracing API.
 *
 * @module
 */
import type { RawTrace } from "../model/snapshot.ts";
import type { Traceback } from "../model/traceback.ts";

/** Options of `start()`, as given by the user (see the tracing API). */
export interface TracerOptions {
  /** Domain-0 sampling interval in bytes (V8 sampler). */
  samplingInterval?: number;
  /** Domains to trace: `heap` (0), `buffers` (1), `wasm` (2); user domains are always on. */
  domains?: { heap?: boolean; buffers?: boolean; wasm?: boolean };
  /**
   * Force a full garbage collection before each `takeSnapshot()` (default
   * true), so that a snapshot holds live objects rather than garbage the
   * collector has not reached yet, as CPython's snapshots do.
   */
  gcBeforeSnapshot?: boolean;
}

/** Current and peak traced bytes. */
export interface TracedMemory {
  current: number;
  peak: number;
}

/** One source of traces: the V8 sampler, Bun's heap statistics, or the allocation hooks. */
export interface Engine {
  /** Domains this engine fills (user domains are not listed). */
  readonly domains: readonly number[];
  /** What this engine cannot see on this runtime, in words for `status`; empty when nothing. */
  readonly limits: readonly string[];
  /** Starts tracing, keeping `nframe` frames per traceback. */
  start(nframe: number, options: TracerOptions): Promise<void>;
  /** Stops tracing, removes hooks and forgets every trace. */
  stop(): Promise<void>;
  /** Forgets traces but keeps tracing. */
  clear(): Promise<void>;
  /** The live traces, raw form, the tracer's own frames removed. */
  collect(): Promise<RawTrace[]>;
  /** Current and peak traced bytes of this engine's domains. */
  memory(): Promise<TracedMemory>;
  /** Sets the peak to the current size. */
  resetPeak(): Promise<void>;
  /** Bytes the engine itself uses to store traces. */
  overhead(): number;
  /** Where `obj` was allocated, when this engine traced it; `null` otherwise. */
  objectTraceback(obj: unknown): Traceback | null;
}
