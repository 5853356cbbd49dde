/**
 * The interface every tracing engine implements; `src/tracer.ts` combines
 * them into the public tracing API.
 *
 * @module
 */
import type { RawFrame } from "../model/frame.ts";
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
   * true: a full garbage collection before each `takeSnapshot()`, so that
   * a snapshot holds live objects only, as CPython's do; false: never.
   * Unset: a snapshot collects first while the collections snapshots ran
   * take at most 3% of the program's time (on a big heap a full collection
   * stalls the program for hundreds of milliseconds). `takeSnapshot({ gc })`
   * decides for one snapshot.
   */
  gcBeforeSnapshot?: boolean;
  /**
   * true: keep the runtime's own frames (`node:internal/...`,
   * `ext:deno_node/...`, Bun's `node:` and `internal:` modules) at the ends
   * of tracebacks. By default (false) they are left out there, so frame 0
   * is the user's line and the traceback limit counts the user's frames;
   * runtime frames between two user frames always stay. Unset, the
   * environment decides: `TRACEMALLOC_INTERNAL_FRAMES=1` shows them.
   */
  internalFrames?: boolean;
}

/**
 * How fresh a read of an engine's traces or traced memory must be. Engines
 * whose reads are cheap (the line engine, the hooks) always read now; an
 * engine whose read is costly (V8's sampler runs a full collection, Bun's
 * census counts the whole heap) may hand back its last read instead.
 *
 * @example
 * ```ts
 * const live: ReadOptions = { budget: true }; // a live view: reuse a read while reading again costs too much
 * const same: ReadOptions = { maxAge: Infinity }; // the read just made, whatever its age
 * ```
 */
export interface ReadOptions {
  /** A read at most this old (ms) may be reused (default 0: read now). */
  readonly maxAge?: number;
  /**
   * Reuse the last read while reading again would take more than the
   * engine's share of the program's time ({@link READ_BUDGET}).
   */
  readonly budget?: boolean;
}

/**
 * The share of the program's time a costly engine's reads may take when
 * they are read on a budget (a live view): a read that took 100 ms is
 * reused for 100 / 0.03 ms, 3.3 s.
 *
 * @example
 * ```ts
 * const took = 100; // ms, the last read
 * const reuseFor = took / READ_BUDGET; // ≈ 3333 ms
 * ```
 */
export const READ_BUDGET = 0.03;

/**
 * Whether a read made at `at` (ms, `performance.now()`) that took `took` ms
 * may be reused at `now` under `options`.
 *
 * @example
 * ```ts
 * reusable({ budget: true }, 1000, 100, 2000); // true: 1 s old, a 100 ms read is reused for 3.3 s
 * reusable({}, 1000, 100, 1000); // false: read now
 * ```
 */
export function reusable(options: ReadOptions | undefined, at: number, took: number, now: number): boolean {
  const age = now - at;
  if (age <= (options?.maxAge ?? 0)) return true;
  return options?.budget === true && age < took / READ_BUDGET;
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
  /** The live traces, raw form, the tracer's own frames removed (fresh unless `options` allows an older read). */
  collect(options?: ReadOptions): Promise<RawTrace[]>;
  /** Current and peak traced bytes of this engine's domains (fresh unless `options` allows an older read). */
  memory(options?: ReadOptions): Promise<TracedMemory>;
  /**
   * Traces and traced memory from one read, for an engine whose reads cost
   * (a live view asks for both at each refresh); without it the tracer
   * calls `collect()` then `memory()`.
   */
  read?(options?: ReadOptions): Promise<{ traces: RawTrace[]; memory: TracedMemory }>;
  /**
   * Traces and traced memory read at once, without the event loop, for a
   * program that is ending (`process.exit()`, an uncaught exception, a
   * signal) and runs no more tasks; absent where a read needs the event
   * loop (V8's sampler asks the inspector, Bun's census is awaited).
   */
  readNow?(): { traces: RawTrace[]; memory: TracedMemory };
  /**
   * When the figures of the last `collect()` or `memory()` were read
   * (`performance.now()`), for an engine that may reuse a read; absent
   * when its figures are always current.
   */
  readonly readAt?: number;
  /** Sets the peak to the current size. */
  resetPeak(): Promise<void>;
  /** Bytes the engine itself uses to store traces. */
  overhead(): number;
  /** Where `obj` was allocated, when this engine traced it; `null` otherwise. */
  objectTraceback(obj: unknown): Traceback | null;
  /**
   * Calls `visit` with each live object the engine holds weakly and its
   * traceback (raw frames, most recent first), for `retainers`; absent
   * where an engine holds no objects (V8's sampler, Bun's census).
   */
  forEachLive?(visit: LiveVisitor): void;
}

/**
 * Receives a live traced object, its traceback (raw frames, most recent
 * first) and the allocations it stands for: 1 where every allocation is
 * kept (a module's top level, the hooks), N where one in N is sampled.
 *
 * @example
 * ```ts
 * const visit: LiveVisitor = (object, frames, weight) => console.log(object.constructor.name, frames[0]?.[1], weight);
 * ```
 */
export type LiveVisitor = (object: object, frames: readonly RawFrame[], weight: number) => void;
