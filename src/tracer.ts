/**
 * The tracing API, as CPython's `tracemalloc` module functions: start and
 * stop tracing, traced memory, snapshots, user domains.
 *
 * Everything that needs an engine returns a Promise on every runtime (Deno's
 * inspector answers asynchronously), so one program works everywhere;
 * `isTracing`, `getTracebackLimit`, `track` and `untrack` are synchronous.
 * Calls that return Promises run one after another in call order, so
 * `start(); takeSnapshot()` without an `await` between them still works.
 *
 * Engines: domain 0 (JS heap) comes from the line engine where the program's
 * modules were rewritten as they loaded (programs started by `run`, `tui`
 * or with the startup preload), else from V8's sampling heap profiler (Node,
 * Deno) or a heap census (Bun); `start()`'s `engine` option picks one.
 * Domains 1 (ArrayBuffer backing stores), 2 (WebAssembly.Memory) and user
 * domains come from allocation hooks. Which engine runs is decided by the
 * runtime's capabilities and the engines' declared traits, never by names
 * or classes.
 *
 * @module
 */
import { HookEngine } from "./engines/hooks.ts";
import { stackCapture } from "./engines/hooks/context.ts";
import { JscHeapEngine } from "./engines/jsc.ts";
import { type AllocatedTraces, LineEngine } from "./engines/line.ts";
import { installLineEngine, lineInstallation } from "./engines/line/install.ts";
import { SamplerEngine } from "./engines/sampler.ts";
import {
  type Engine,
  HEAP_ENGINE_NAMES,
  type HeapEngineInfo,
  type HeapEngineName,
  type LiveVisitor,
  READ_BUDGET,
  type ReadOptions,
  reusable,
  type TracedMemory,
  type TracerOptions,
} from "./engines/engine.ts";
import { type RawTrace, Snapshot } from "./model/snapshot.ts";
import type { Traceback } from "./model/traceback.ts";
import type { RuntimeAdapter, RuntimeName } from "./runtime/adapter.ts";
import { runtime } from "./runtime/index.ts";
import { internalFramesShown } from "./runtime/internal-frames.ts";

export type { HeapEngineInfo, HeapEngineName, TracedMemory, TracerOptions } from "./engines/engine.ts";
export { DEFAULT_SAMPLING_INTERVAL } from "./engines/sampler.ts";
export { DEFAULT_SAMPLE_EVERY } from "./engines/line.ts";

/**
 * The largest traceback limit, as CPython's (`tracemalloc.start(65536)`
 * raises too).
 *
 * @example
 * ```ts
 * start(MAX_NFRAME); // the deepest tracebacks allowed
 * ```
 */
export const MAX_NFRAME = 65535;

/**
 * What `status()` reports.
 *
 * @example
 * ```ts
 * const s: TracerStatus = status();
 * console.log(`${s.runtime.name}: ${s.tracing ? "tracing" : "not tracing"}, limit ${s.tracebackLimit}`);
 * ```
 */
export interface TracerStatus {
  /** The runtime and its version. */
  runtime: { name: RuntimeName; version: string };
  /** Whether tracing is on. */
  tracing: boolean;
  /** The traceback limit (the last one used when not tracing). */
  tracebackLimit: number;
  /** The domain-0 engine (`null`: domain 0 is off or this runtime has none). */
  engine: HeapEngineInfo | null;
  /** The domain-0 sampling interval in bytes, when V8's sampler traces domain 0. */
  samplingInterval: number | null;
  /** Domains the running engines fill (user domains are always on). */
  domains: number[];
  /** What this runtime cannot see, in words, one item per limit. */
  limits: string[];
}

/**
 * Options of one `takeSnapshot()`.
 *
 * @example
 * ```ts
 * const exact = await takeSnapshot({ gc: true } satisfies SnapshotOptions); // live objects only
 * ```
 */
export interface SnapshotOptions {
  /**
   * true: run a full garbage collection first (and let finalizers run), so
   * the snapshot holds live objects only; false: never. Default: the
   * `gcBeforeSnapshot` option of `start()`, and when that is not set, a
   * collection whenever the collections snapshots ran took at most 3% of
   * the program's time ({@link READ_BUDGET}): always for snapshots a person
   * takes, every few seconds for a script taking them in a loop on a big heap.
   */
  readonly gc?: boolean;
}

/**
 * What a live view shows, from one read of every engine: the snapshot,
 * traced memory and the tracer's own memory.
 *
 * @example
 * ```ts
 * const { snapshot, memory, age }: LiveReading = await readLive();
 * console.log(`${memory.current} B traced, figures ${age} ms old, ${snapshot?.traces.length ?? 0} traces`);
 * ```
 */
export interface LiveReading {
  /** The live traces; null when not tracing or when only figures were asked for. */
  readonly snapshot: Snapshot | null;
  /** Traced memory, from the same read as the snapshot. */
  readonly memory: TracedMemory;
  /** Bytes the tracer uses to store traces (see {@link getTracemallocMemory}). */
  readonly tracerMemory: number;
  /**
   * How old the figures are, in ms: 0 when read now; more when a costly
   * engine (V8's sampler, Bun's census) handed back its last read, to keep
   * its reads within their share of the program's time.
   */
  readonly age: number;
}

/** The engines of one tracing session. */
interface Session {
  limit: number;
  options: TracerOptions;
  engines: Engine[];
  hooks: HookEngine;
  heap: Engine | null;
}

let session: Session | null = null;
let lastLimit = 1;
let queue: Promise<unknown> = Promise.resolve();

/** Runs `task` after every call made before it, whatever their outcome. */
function serial<T>(task: () => Promise<T>): Promise<T> {
  const run = queue.then(task, task);
  queue = run.catch(() => {});
  return run;
}

/**
 * The domain-0 engine `choice` names, or by default the line engine when
 * modules are being rewritten, else what the runtime offers. Throws when
 * the engine asked for cannot run here.
 */
function heapEngine(rt: RuntimeAdapter, options: TracerOptions): Engine | null {
  const choice = options.engine;
  if (choice === "line" || (choice === undefined && lineInstallation())) {
    // Asked for without the preload: modules loaded from now on are rewritten.
    const line = lineInstallation() ?? installLineEngine({ exclude: options.exclude });
    if (line) return new LineEngine(rt, line);
    throw new Error(`the line engine cannot run on ${rt.name}: it has no module load hook`);
  }
  if ((choice ?? "sampler") === "sampler" && rt.capabilities.heapSampler) return new SamplerEngine(rt);
  if ((choice ?? "census") === "census" && rt.capabilities.heapCensus) return new JscHeapEngine(rt);
  if (choice) throw new Error(`the ${choice} engine cannot run on ${rt.name}`);
  return null;
}

function checkCount(name: string, value: unknown, unit: string): void {
  if (value === undefined) return;
  if (typeof value !== "number") throw new TypeError(`${name} must be a number of ${unit}, not ${typeof value}`);
  if (!Number.isInteger(value) || value < 1 || value > 2 ** 31 - 1) {
    throw new RangeError(`${name} must be an integer in range [1; ${2 ** 31 - 1}] ${unit}, not ${value}`);
  }
}

function checkNframe(nframe: unknown): number {
  if (typeof nframe !== "number") {
    throw new TypeError(
      `the number of frames must be a number, not ${typeof nframe}`,
    );
  }
  if (!Number.isInteger(nframe) || nframe < 1 || nframe > MAX_NFRAME) {
    throw new RangeError(
      `the number of frames must be an integer in range [1; ${MAX_NFRAME}], not ${nframe}`,
    );
  }
  return nframe;
}

function checkOptions(options: unknown): TracerOptions {
  if (options === undefined) return { internalFrames: internalFramesShown(undefined) };
  if (typeof options !== "object" || options === null) {
    throw new TypeError(
      `options must be an object, not ${options === null ? "null" : typeof options}`,
    );
  }
  const { samplingInterval, sampleEvery, engine, domains, gcBeforeSnapshot } = options as TracerOptions;
  checkCount("samplingInterval", samplingInterval, "bytes");
  checkCount("sampleEvery", sampleEvery, "allocations");
  if (engine !== undefined && !(HEAP_ENGINE_NAMES as readonly string[]).includes(engine)) {
    throw new TypeError(`unknown engine ${JSON.stringify(engine)} (${HEAP_ENGINE_NAMES.join(", ")})`);
  }
  const { exclude } = options as TracerOptions;
  if (exclude !== undefined && (!Array.isArray(exclude) || exclude.some((g) => typeof g !== "string"))) {
    throw new TypeError("exclude must be an array of glob strings");
  }
  if (domains !== undefined) {
    if (typeof domains !== "object" || domains === null) {
      throw new TypeError("domains must be an object");
    }
    for (const [name, on] of Object.entries(domains)) {
      if (!["heap", "buffers", "wasm"].includes(name)) {
        throw new TypeError(
          `unknown domain option ${JSON.stringify(name)} (heap, buffers or wasm)`,
        );
      }
      if (typeof on !== "boolean" && on !== undefined) {
        throw new TypeError(`domains.${name} must be a boolean`);
      }
    }
  }
  if (gcBeforeSnapshot !== undefined && typeof gcBeforeSnapshot !== "boolean") {
    throw new TypeError("gcBeforeSnapshot must be a boolean");
  }
  const { internalFrames } = options as TracerOptions;
  if (internalFrames !== undefined && typeof internalFrames !== "boolean") {
    throw new TypeError("internalFrames must be a boolean");
  }
  return { ...options as TracerOptions, internalFrames: internalFramesShown(internalFrames) };
}

function createSession(limit: number, options: TracerOptions): Session {
  const rt = runtime();
  const heap = options.domains?.heap === false ? null : heapEngine(rt, options);
  const hooks = new HookEngine();
  return {
    limit,
    options,
    heap,
    hooks,
    engines: heap ? [heap, hooks] : [hooks],
  };
}

/**
 * Starts tracing, keeping up to `nframe` frames per traceback (most recent
 * first), as CPython's `tracemalloc.start()`. Calling it while tracing does
 * nothing (the limit and options stay). Throws at once (`RangeError`) when
 * `nframe` is not an integer in [1; 65535] or `samplingInterval` is out of
 * range; rejects when an engine cannot start (tracing is then off).
 *
 * Options: `samplingInterval` (bytes, domain-0 sampler, default
 * {@link DEFAULT_SAMPLING_INTERVAL}), `domains` (`heap`, `buffers`, `wasm`:
 * false turns one off) and `gcBeforeSnapshot` (true or false: whether snapshots collect first; unset: on a budget, see
 * {@link takeSnapshot}).
 *
 * @example
 * ```ts
 * await start(10, { samplingInterval: 128 * 1024 });
 * ```
 */
export function start(
  nframe: number = 1,
  options?: TracerOptions,
): Promise<void> {
  const limit = checkNframe(nframe);
  const opts = checkOptions(options);
  if (session) return serial(() => Promise.resolve());
  let current: Session;
  try {
    current = createSession(limit, opts);
  } catch (err) {
    return serial(() => Promise.reject(err));
  }
  session = current;
  lastLimit = limit;
  stackCapture().internalFrames = opts.internalFrames === true;
  return serial(async () => {
    const started: Engine[] = [];
    try {
      for (const engine of current.engines) {
        await engine.start(limit, opts);
        started.push(engine);
      }
    } catch (err) {
      if (session === current) session = null;
      for (const engine of started) await engine.stop().catch(() => {});
      throw err;
    }
  });
}

/**
 * Installs what must be in place before the program's first module loads
 * for `start(nframe, options)` to trace it fully: the line engine's load
 * hook, unless `options.engine` picks another engine. Called by the
 * preloads (the agent, startup tracing); modules loaded afterwards are
 * rewritten whether or not tracing runs. Returns false when this runtime
 * cannot rewrite modules.
 *
 * @example
 * ```ts
 * prepare({ exclude: ["*node_modules/typescript/*"] }); // in a preload
 * ```
 */
export function prepare(options: TracerOptions = {}): boolean {
  const opts = checkOptions(options);
  if (opts.engine !== undefined && opts.engine !== "line") return true;
  return installLineEngine({ exclude: opts.exclude }) !== null;
}

/**
 * Stops tracing: removes the hooks, forgets every trace and zeroes traced
 * memory. Does nothing when not tracing.
 *
 * @example
 * ```ts
 * await stop();
 * isTracing(); // false
 * ```
 */
export function stop(): Promise<void> {
  const current = session;
  if (!current) return serial(() => Promise.resolve());
  session = null;
  stackCapture().internalFrames = false;
  return serial(async () => {
    const errors: unknown[] = [];
    for (const engine of current.engines) {
      await engine.stop().catch((err) => errors.push(err));
    }
    if (errors.length) throw errors[0];
  });
}

/**
 * True while tracing (from the moment `start()` is called until `stop()`).
 *
 * @example
 * ```ts
 * if (!isTracing()) await start();
 * ```
 */
export function isTracing(): boolean {
  return session !== null;
}

/**
 * The maximum number of frames kept per traceback. When not tracing, the
 * limit of the last `start()` (1 before any), as CPython does.
 *
 * @example
 * ```ts
 * await start(25);
 * getTracebackLimit(); // 25
 * ```
 */
export function getTracebackLimit(): number {
  return session?.limit ?? lastLimit;
}

/**
 * Forgets the traces collected so far and zeroes traced memory and its peak,
 * but keeps tracing. Does nothing when not tracing. On Bun, domain 0 is a
 * census of the whole heap and cannot forget objects.
 *
 * @example
 * ```ts
 * await clearTraces();
 * ```
 */
export function clearTraces(): Promise<void> {
  return eachEngine((engine) => engine.clear());
}

/**
 * Current and peak size of traced memory in bytes, over every domain;
 * `{ current: 0, peak: 0 }` when not tracing. The peak is the sum of each
 * engine's peak: exact for hooked domains (1, 2 and user domains); for
 * domain 0 the highest estimate seen whenever traced memory or a snapshot
 * was taken, a lower bound. On Node and Deno each call reads V8's sampling
 * profile, which runs a full garbage collection: poll it sparingly on big
 * heaps.
 *
 * @example
 * ```ts
 * const { current, peak } = await getTracedMemory();
 * ```
 */
export function getTracedMemory(): Promise<TracedMemory> {
  const current = session;
  if (!current) return serial(() => Promise.resolve({ current: 0, peak: 0 }));
  return serial(async () => {
    let now = 0;
    let peak = 0;
    for (const engine of current.engines) {
      const memory = await engine.memory();
      now += memory.current;
      peak += Math.max(memory.peak, memory.current);
    }
    return { current: now, peak };
  });
}

/**
 * Sets the peak of traced memory to its current size, so that the peak of a
 * phase of the program can be measured. Does nothing when not tracing.
 *
 * @example
 * ```ts
 * declare function phase(): void; // the work to measure
 *
 * await resetPeak();
 * phase();
 * const { peak } = await getTracedMemory();
 * ```
 */
export function resetPeak(): Promise<void> {
  return eachEngine((engine) => engine.resetPeak());
}

/** Runs `task` on each engine of the current session in turn, in the queue; nothing when not tracing. */
function eachEngine(task: (engine: Engine) => Promise<void>): Promise<void> {
  const engines = session?.engines ?? [];
  return serial(async () => {
    lastReading = null;
    for (const engine of engines) await task(engine);
  });
}

/**
 * Bytes the tracer uses to store traces (an estimate, including what V8
 * keeps for its sampler); 0 when not tracing.
 *
 * @example
 * ```ts
 * const bytes = await getTracemallocMemory();
 * ```
 */
export function getTracemallocMemory(): Promise<number> {
  const current = session;
  return serial(() =>
    Promise.resolve(
      current ? current.engines.reduce((sum, e) => sum + e.overhead(), 0) : 0,
    )
  );
}

/**
 * A snapshot of the traces of live allocations. Rejects when not tracing.
 *
 * What it includes: every traced allocation the engines still hold. The
 * hooked domains (buffers, wasm, user domains) forget an allocation when
 * its object has been collected, and the line engine a sample when its
 * object has, so objects that became garbage since the last collection are
 * counted unless one runs first. By default a snapshot runs a full
 * collection first (and lets finalizers run: live objects only, as
 * CPython's) while the collections snapshots ran stay within 3% of the
 * program's time ({@link READ_BUDGET}): a collection stalls the program
 * about 1 ms per MB of heap, so snapshots taken every second of a 200 MB
 * heap collect only every few seconds. `{ gc: true }` always collects,
 * `{ gc: false }` never (`start()`'s `gcBeforeSnapshot` sets the default). On Node and Deno, reading V8's sampling profile (`engine:
 * "sampler"`) always runs a full collection (the inspector asks for one).
 *
 * @example
 * ```ts
 * const snapshot = await takeSnapshot();
 * for (const stat of snapshot.statistics("lineno").slice(0, 10)) console.log(String(stat));
 * const exact = await takeSnapshot({ gc: true }); // garbage collected first
 * ```
 */
export function takeSnapshot(options?: SnapshotOptions): Promise<Snapshot> {
  const current = session;
  if (!current) {
    return serial(() =>
      Promise.reject(
        new Error("tracing must be started (call start()) to take a snapshot"),
      )
    );
  }
  if (options !== undefined && (typeof options !== "object" || options === null)) {
    return serial(() => Promise.reject(new TypeError("takeSnapshot() options must be an object")));
  }
  return serial(async () => {
    const gc = options?.gc ?? current.options.gcBeforeSnapshot ?? collectionAffordable();
    // Reading V8's sampling profile runs a full gc by itself (the inspector
    // asks for one), so such an engine is read first instead of collecting twice.
    const sampler = current.heap?.traits.readForcesGc ? current.heap : null;
    // V8 keeps every WeakRef target made or read in the current job alive
    // until the job ends: without a new task first, buffers allocated just
    // before the call would survive the gc and look leaked.
    if (gc) await nextTask();
    if (gc && !sampler) {
      const started = performance.now();
      await runtime().gc();
      const at = performance.now();
      // The first one may include connecting to the inspector (Node, Deno without --expose-gc): not a collection's cost.
      lastCollection = { at, took: lastCollection ? at - started : 0 };
      await nextTask();
    }
    const traces: RawTrace[] = [];
    for (const engine of current.engines) {
      for (const trace of await engine.collect()) traces.push(trace);
      if (gc && engine === sampler) await nextTask();
    }
    return new Snapshot(traces, current.limit);
  });
}

/**
 * A snapshot and the traced memory read at once, for a program that is
 * ending and will run no more tasks (`process.exit()`, an uncaught
 * exception, a signal): no garbage collection first, so objects that became
 * garbage since the last one still count. Throws when not tracing, or when
 * an engine can only be read through the event loop (V8's sampler, Bun's
 * census).
 *
 * @example
 * ```ts
 * import process from "node:process";
 * process.on("exit", () => {
 *   const { snapshot, memory } = takeSnapshotNow();
 *   console.error(snapshot.traces.length, memory.peak);
 * });
 * ```
 */
export function takeSnapshotNow(): { snapshot: Snapshot; memory: TracedMemory } {
  const current = session;
  if (!current) throw new Error("tracing must be started (call start()) to take a snapshot");
  const traces: RawTrace[] = [];
  const memory = { current: 0, peak: 0 };
  for (const engine of current.engines) {
    if (!engine.readNow) throw new Error(`the ${engine.traits.name} engine cannot be read while the program ends`);
    const read = engine.readNow();
    for (const trace of read.traces) traces.push(trace);
    memory.current += read.memory.current;
    memory.peak += Math.max(read.memory.peak, read.memory.current);
  }
  return { snapshot: new Snapshot(traces, current.limit), memory };
}

/**
 * What {@link getAllocated} answers: every allocation counted since tracing
 * started or the traces were last cleared, freed or not.
 *
 * @example
 * ```ts
 * const { snapshot, seconds, count, size }: Allocated = await getAllocated();
 * console.log(`${count / seconds} allocations/s, ${size / seconds} B/s`);
 * for (const stat of snapshot.statistics("lineno").slice(0, 3)) console.log(String(stat));
 * ```
 */
export interface Allocated {
  /**
   * The allocations as traces, freed ones included: one trace per
   * allocating site of domain 0, its traceback the site's own frame (the
   * line and function), its size the estimated bytes and its count the
   * estimated allocations. Group, filter and compare it as any snapshot.
   */
  readonly snapshot: Snapshot;
  /** When the span began (`start()` or the last `clearTraces()`), ms since the epoch. */
  readonly since: number;
  /** The span's length, in seconds, up to this reading. */
  readonly seconds: number;
  /** Allocations one sample stands for (the estimates are sample counts times this). */
  readonly sampleEvery: number;
  /** Estimated allocations in all. */
  readonly count: number;
  /** Estimated bytes in all. */
  readonly size: number;
}

/** An engine that counts allocations freed or not (the line engine). */
interface AllocationCounter {
  allocated(): AllocatedTraces;
}

function countsAllocations(engine: Engine | null): engine is Engine & AllocationCounter {
  return typeof (engine as Partial<AllocationCounter> | null)?.allocated === "function";
}

/**
 * Allocations per line since tracing started or the traces were last
 * cleared, **freed or not**: what churns, where a snapshot shows what is
 * live (memray's temporary allocations). Divide by `seconds` for rates.
 * Estimated from the line engine's samples as the live figures are (one in
 * `sampleEvery` allocations sampled, each standing for `sampleEvery`),
 * strings included; domain 0 only (JS heap objects; buffers are not
 * counted here). Rejects when not tracing, and when domain 0 is not the
 * line engine's: V8's sampler forgets a sample once its object is
 * collected and Bun's census counts live objects by type, so neither can
 * count what was freed (trace a program started by `run` or `tui`, or with
 * the startup preload).
 *
 * @example
 * ```ts
 * const allocated = await getAllocated();
 * console.log(`freed included, over ${allocated.seconds.toFixed(1)} s:`);
 * for (const stat of allocated.snapshot.statistics("lineno").slice(0, 5)) {
 *   console.log(`${stat.traceback}: ${(stat.count / allocated.seconds).toFixed(0)} allocations/s`);
 * }
 * ```
 */
export function getAllocated(): Promise<Allocated> {
  const current = session;
  return serial(() => {
    if (!current) return Promise.reject(new Error("tracing must be started (call start()) to count allocations"));
    const heap = current.heap;
    if (!countsAllocations(heap)) return Promise.reject(new Error(cannotCount(heap)));
    const { traces, since, sampleEvery } = heap.allocated();
    let count = 0;
    let size = 0;
    for (const trace of traces) {
      size += trace[1];
      count += trace[4] ?? 1;
    }
    const seconds = Math.max(0, Date.now() - since) / 1000;
    return Promise.resolve({ snapshot: new Snapshot(traces, 1), since, seconds, sampleEvery, count, size });
  });
}

/** Why `heap` cannot count allocations freed or not, in words. */
function cannotCount(heap: Engine | null): string {
  const how = "the line engine counts them, in a program started by run or tui or with the startup preload";
  if (!heap) return `allocations freed or not cannot be counted: domain 0 (JS heap) is not traced here; ${how}`;
  const engine = heap.traits.name === "sampler"
    ? "V8's sampler, which forgets a sample once its object is collected"
    : heap.traits.name === "census"
    ? "Bun's census, which counts live objects by type"
    : `the ${heap.traits.name} engine`;
  return `allocations freed or not cannot be counted: domain 0 here is ${engine}; ${how}`;
}

/** The last collection a snapshot ran: when it ended and how long it took (ms). */
let lastCollection: { at: number; took: number } | null = null;

/** Whether a snapshot may collect first and keep its collections within {@link READ_BUDGET} of the program's time. */
function collectionAffordable(): boolean {
  return lastCollection === null || performance.now() - lastCollection.at >= lastCollection.took / READ_BUDGET;
}

/**
 * The live view's read: traced memory, the tracer's memory and (unless
 * `options.snapshot` is false) a snapshot, all from one read of each
 * engine, never with a garbage collection of its own. A costly engine
 * (V8's sampler, whose reads run a full collection; Bun's census) is read
 * on a budget: its last read is handed back while reading again would take
 * more than 3% of the program's time, and `age` says how old the figures
 * are. Not tracing: no snapshot, zero memory.
 *
 * @example
 * ```ts
 * const { snapshot, memory, age } = await readLive();
 * const figures = await readLive({ snapshot: false }); // status figures only
 * ```
 */
export function readLive(options: { readonly snapshot?: boolean } = {}): Promise<LiveReading> {
  const current = session;
  if (!current) {
    return serial(() => Promise.resolve({ snapshot: null, memory: { current: 0, peak: 0 }, tracerMemory: 0, age: 0 }));
  }
  const withSnapshot = options.snapshot !== false;
  return serial(async () => {
    const started = performance.now();
    const last = lastReading?.session === current ? lastReading : null;
    if (!withSnapshot && last && reusable({ budget: true }, last.at, last.took, started)) {
      // Figures alone: those of the last read, while reading again would cost more than its share.
      return { snapshot: null, memory: last.memory, tracerMemory: last.tracerMemory, age: ageOf(current, last.at) };
    }
    const traces: RawTrace[] = [];
    let now = 0;
    let peak = 0;
    const budget: ReadOptions = { budget: true };
    // After a collect, memory() comes from that same read, however old.
    const same: ReadOptions = { budget: true, maxAge: Infinity };
    for (const engine of current.engines) {
      const read = engine.read
        ? await engine.read(budget)
        : { traces: withSnapshot ? await engine.collect(budget) : [], memory: null };
      if (withSnapshot) { for (const trace of read.traces) traces.push(trace); }
      const memory = read.memory ?? await engine.memory(withSnapshot ? same : budget);
      now += memory.current;
      peak += Math.max(memory.peak, memory.current);
    }
    const at = performance.now();
    const memory = { current: now, peak };
    const tracerMemory = current.engines.reduce((sum, e) => sum + e.overhead(), 0);
    lastReading = { session: current, at, took: at - started, memory, tracerMemory };
    return {
      snapshot: withSnapshot ? new Snapshot(traces, current.limit) : null,
      memory,
      tracerMemory,
      age: ageOf(current, at),
    };
  });
}

/** The last read of {@link readLive}: status figures reuse it while reading again costs too much. */
let lastReading: {
  session: Session;
  at: number;
  took: number;
  memory: TracedMemory;
  tracerMemory: number;
} | null = null;

/** How old (ms) the figures of a read made at `at` are, counting engines that handed back older reads. */
function ageOf(current: Session, at: number): number {
  const now = performance.now();
  let oldest = at;
  for (const engine of current.engines) {
    if (engine.readAt !== undefined && engine.readAt < oldest) oldest = engine.readAt;
  }
  return Math.round(now - oldest);
}

/**
 * Where `obj` was allocated, or `null` when it is not traced or the engine
 * cannot know: exact for objects of hooked domains (ArrayBuffers, typed
 * arrays, Buffers, WebAssembly.Memory and keys given to `track()`); `null`
 * for ordinary JS heap objects, which the sampler does not tie to objects.
 *
 * @example
 * ```ts
 * const tb = await getObjectTraceback(new Uint8Array(1024));
 * if (tb) console.log(tb.format().join("\n"));
 * ```
 */
export function getObjectTraceback(obj: unknown): Promise<Traceback | null> {
  const current = session;
  return serial(() => {
    if (!current) return Promise.resolve(null);
    for (const engine of current.engines) {
      const traceback = engine.objectTraceback(obj);
      if (traceback) return Promise.resolve(traceback);
    }
    return Promise.resolve(null);
  });
}

/**
 * Calls `visit` with every live object the engines hold, with its
 * traceback (raw frames, most recent first): the line engine's sampled
 * objects and the buffers the hooks trace with a weak reference. Resolves
 * to the engines themselves, the tracer's own structures, which an
 * analysis of the heap (`retainers`) leaves out; rejects when not tracing.
 * An engine that holds no objects (V8's sampler, Bun's census) visits none.
 *
 * @example
 * ```ts
 * const lines = new Set<string>();
 * await forEachLiveObject((_object, frames) => lines.add(`${frames[0][0]}:${frames[0][1]}`));
 * ```
 */
export function forEachLiveObject(visit: LiveVisitor): Promise<readonly object[]> {
  const current = session;
  return serial(() => {
    if (!current) return Promise.reject(new Error("tracing must be started (call start()) to find live objects"));
    for (const engine of current.engines) engine.forEachLive?.(visit);
    return Promise.resolve([...current.engines]);
  });
}

/**
 * Traces `size` bytes of a user domain under `key` (an object, held weakly,
 * or a number), with the caller's traceback, as CPython's
 * `PyTraceMalloc_Track`: for native handles, pools and caches the heap
 * engines cannot see. Tracking a key again replaces its trace. Returns
 * false, tracing nothing, when not tracing. Throws (`TypeError` /
 * `RangeError`) for domains 0, 1 and 2, a null or undefined key, or a size
 * that is not a byte count, tracing or not.
 *
 * @example
 * ```ts
 * declare function openNative(): object; // a native resource of 4 KiB
 *
 * const handle = openNative();
 * track(100, handle, 4096);
 * ```
 */
export function track(
  domain: number,
  key: object | number,
  size: number,
): boolean {
  return hooksOrIdle().track(domain, key, size);
}

/**
 * Forgets the trace of `key` in `domain` (see {@link track}). Returns true
 * when there was one; false when not tracing.
 *
 * @example
 * ```ts
 * declare const handle: object; // given to track() before
 *
 * untrack(100, handle);
 * ```
 */
export function untrack(domain: number, key: object | number): boolean {
  return hooksOrIdle().untrack(domain, key);
}

/** The running hooks, or idle ones that only check arguments. */
function hooksOrIdle(): HookEngine {
  return (session ?? createIdleView()).hooks;
}

/**
 * The tracer's state for people: runtime, tracing or not, traceback limit,
 * sampling interval, the domains being traced and what this runtime cannot
 * see (each engine's limits). Shown by the REPL and the TUI.
 *
 * @example
 * ```ts
 * const { runtime, limits } = status();
 * console.log(`${runtime.name} ${runtime.version}\n${limits.join("\n")}`);
 * ```
 */
export function status(): TracerStatus {
  const rt = runtime();
  const current = session ?? createIdleView();
  const limits = current.engines.flatMap((e) => e.limits);
  if (!current.heap) {
    limits.unshift(
      current.options.domains?.heap === false
        ? "domain 0 (JS heap) is turned off"
        : `no JS heap engine on ${rt.name}: domain 0 is empty`,
    );
  }
  const traits = current.heap?.traits;
  return {
    runtime: { name: rt.name, version: rt.version },
    tracing: session !== null,
    tracebackLimit: getTracebackLimit(),
    engine: traits
      ? { name: traits.name as HeapEngineName, lineLevel: traits.lineLevel, sampling: traits.sampling }
      : null,
    samplingInterval: traits?.sampling?.unit === "bytes" ? traits.sampling.every : null,
    domains: [...new Set(current.engines.flatMap((e) => e.domains))].sort((
      a,
      b,
    ) => a - b),
    limits,
  };
}

/** Resolves in a later task, after FinalizationRegistry callbacks a gc queued. */
function nextTask(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

let idle: { session: Session; line: unknown } | null = null;

/** Engines as they would run with default options, to describe them while not tracing. */
function createIdleView(): Session {
  const line = lineInstallation();
  if (idle?.line !== line) idle = { session: createSession(lastLimit, {}), line };
  return idle.session;
}
