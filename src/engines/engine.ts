/**
 * The interface every tracing engine implements; `src/tracer.ts` combines
 * them into the public tracing API.
 *
 * @module
 */
import type { RawTrace } from "../model/snapshot.ts";
import type { Traceback } from "../model/traceback.ts";

/**
 * The engines a user can pick for domain 0: `line` (modules rewritten as
 * they load: exact lines, sampled by allocation count), `sampler` (V8's
 * sampling heap profiler: function-level, sampled by bytes; Node and Deno),
 * `census` (JavaScriptCore's objects counted by type; Bun). The command
 * line, the REPL and the environment take their choices from here.
 *
 * @example
 * ```ts
 * import { HEAP_ENGINE_NAMES } from "./engine.ts";
 * HEAP_ENGINE_NAMES.includes("sampler"); // true
 * ```
 */
export const HEAP_ENGINE_NAMES = ["line", "sampler", "census"] as const;

/**
 * One of {@link HEAP_ENGINE_NAMES}.
 *
 * @example
 * ```ts
 * import type { HeapEngineName } from "./engine.ts";
 * const engine: HeapEngineName = "sampler";
 * ```
 */
export type HeapEngineName = typeof HEAP_ENGINE_NAMES[number];

/** Options of `start()`, as given by the user (see the tracing API). */
export interface TracerOptions {
  /**
   * The domain-0 engine. By default the line engine where modules were
   * rewritten as they loaded (a program started by `run`, `tui` or with the
   * startup preload), else V8's sampler (Node, Deno) or the census (Bun).
   */
  engine?: HeapEngineName;
  /** Domain-0 sampling interval in bytes (V8 sampler). */
  samplingInterval?: number;
  /** Mean number of allocations between two domain-0 samples (line engine). */
  sampleEvery?: number;
  /**
   * fnmatch globs of module paths the line engine leaves alone (a huge
   * dependency, say). Takes effect where the engine is installed: before
   * the program's first line for a program started by `run` or with the
   * startup preload, else at the first `start()` that picks it.
   */
  exclude?: readonly string[];
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

/**
 * What an engine can do; the tracer decides by these, never by an engine's
 * class.
 *
 * @example
 * ```ts
 * const traits: EngineTraits = { name: "line", lineLevel: true, exact: false, objectTracebacks: true, readForcesGc: false, sampling: { unit: "allocations", every: 1024 } };
 * ```
 */
export interface EngineTraits {
  /** The engine's name, as `status` shows it. */
  readonly name: HeapEngineName | "hooks";
  /** Frames are at the allocating line (not where a function starts, not a type). */
  readonly lineLevel: boolean;
  /** Every allocation is traced with its exact size (not sampled, not estimated). */
  readonly exact: boolean;
  /** `getObjectTraceback()` can answer for the objects it traces. */
  readonly objectTracebacks: boolean;
  /** Reading traces or traced memory runs a full garbage collection in the program. */
  readonly readForcesGc: boolean;
  /** How traces are sampled, when they are: one in `every` allocations, or every `every` bytes on average. */
  readonly sampling: { readonly unit: "allocations" | "bytes"; readonly every: number } | null;
}

/**
 * What `status` says about the domain-0 engine.
 *
 * @example
 * ```ts
 * const info: HeapEngineInfo = { name: "line", lineLevel: true, sampling: { unit: "allocations", every: 1024 } };
 * ```
 */
export interface HeapEngineInfo {
  readonly name: HeapEngineName;
  /** Frames are at the allocating line. */
  readonly lineLevel: boolean;
  /** How domain 0 is sampled, when it is. */
  readonly sampling: EngineTraits["sampling"];
}

/** One source of traces: the line engine, the V8 sampler, Bun's heap statistics, or the allocation hooks. */
export interface Engine {
  /** What the engine can do. */
  readonly traits: EngineTraits;
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
