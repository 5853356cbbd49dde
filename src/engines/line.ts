/**
 * The line engine: domain 0 (JS heap objects) from modules rewritten as
 * they loaded (see `line/instrument.ts`), so that each allocation
 * expression reports its site. One allocation in N (default
 * {@link DEFAULT_SAMPLE_EVERY}) is sampled at random; a sample stands for N
 * allocations, holds its object weakly (live as long as the object is) and
 * keeps its traceback: the site itself, at its exact line and column, then
 * the callers at their call lines.
 *
 * @module
 */
import { types } from "node:util";
import { DEFAULT_SAMPLE_EVERY } from "../defaults.ts";
import type { RawTrace } from "../model/snapshot.ts";
import { Traceback } from "../model/traceback.ts";
import type { RuntimeAdapter } from "../runtime/adapter.ts";
import { type LaterStack, lazyStacks, properTailCalls, type StackBoundary } from "../runtime/stack.ts";
import type { Engine, EngineTraits, LiveVisitor, ReadOptions, TracedMemory, TracerOptions } from "./engine.ts";
import { LastRead } from "./last-read.ts";
import { stackCapture } from "./hooks/context.ts";
import { site, siteOnce, startSampling, stopSampling } from "./line/global.ts";
import type { LineInstallation } from "./line/install.ts";
import { measureObject, stringSize } from "./line/measure.ts";
import { SiteFlag } from "./line/plan.ts";
import { SampleStore } from "./line/samples.ts";

export { DEFAULT_SAMPLE_EVERY } from "../defaults.ts";

/**
 * Samples whose stacks wait to be resolved at most: a stack captured but
 * not yet formatted holds its frames' functions and receivers alive, so
 * they are resolved in batches (and on a timer) rather than kept for long.
 */
const MAX_PENDING = 1024;
/** How often waiting stacks are resolved while the program runs, in ms. */
const RESOLVE_EVERY_MS = 1000;

const EXPECT = SiteFlag.ExpectArray | SiteFlag.ExpectString | SiteFlag.ExpectPromise | SiteFlag.ExpectFunction |
  SiteFlag.ExpectObject;

const LIMITS: readonly string[] = [
  "domain 0 samples one JS allocation in N (start option sampleEvery): a trace stands for N allocations, sizes are estimated from the object's shape",
  "strings are primitives and cannot be held weakly: a string is never a live trace of its own; long strings (64+ characters) an object or array holds count in that object's size, at the line that made the object",
  "objects made inside built-ins are seen only as the value the call returns (JSON.parse: its whole tree; arr.map: the new array), objects made in code that was not rewritten (eval, new Function, node:vm, modules loaded before the hook) are not seen",
  "a container is charged to the line that made it, at its current size; memory added to it later by other lines (push, set) is not charged to those lines",
];

/**
 * Traces domain 0 through rewritten modules.
 *
 * @example
 * ```ts
 * import { runtime } from "../runtime/index.ts";
 * import { installLineEngine } from "./line/install.ts";
 *
 * const line = installLineEngine();
 * const engine = new LineEngine(runtime(), line!);
 * await engine.start(5, {});
 * ```
 */
export class LineEngine implements Engine {
  readonly domains: readonly number[] = [0];

  /** Line-level, sampled by allocation count; reads force no collection. */
  get traits(): EngineTraits {
    return {
      name: "line",
      lineLevel: true,
      exact: false,
      objectTracebacks: true,
      readForcesGc: false,
      sampling: { unit: "allocations", every: this.#every },
    };
  }
  readonly #rt: RuntimeAdapter;
  readonly #line: LineInstallation;
  #stores: Stores | null = null;
  #nframe = 1;
  #every = DEFAULT_SAMPLE_EVERY;
  /**
   * The last read: a live view may reuse it while sweeping again would take
   * more than the engine's share of the program's time (V8's `deref()` of
   * each held sample costs about 0.25 us: 100 ms for 400,000 samples).
   */
  readonly #last = new LastRead<Reading>();
  #timer: ReturnType<typeof setInterval> | null = null;
  /** When the stores were made (start or clear), ms since the epoch. */
  #since = Date.now();

  constructor(rt: RuntimeAdapter, line: LineInstallation) {
    this.#rt = rt;
    this.#line = line;
  }

  /** What this engine cannot see, in words. */
  get limits(): readonly string[] {
    const tail = properTailCalls()
      ? [
        "the engine makes proper tail calls: a function ending in `return f(...)` has no frame, so its caller's line is the one shown",
      ]
      : [];
    return [...LIMITS, ...tail];
  }

  /** The mean number of allocations between samples. */
  get sampleEvery(): number {
    return this.#every;
  }

  start(nframe: number, options: TracerOptions): Promise<void> {
    this.#nframe = nframe;
    this.#every = options.sampleEvery ?? DEFAULT_SAMPLE_EVERY;
    this.#stores = this.#newStores();
    this.#last.forget();
    startSampling(this.#every, this.#sample, this.#sampleOnce);
    if (this.#nframe > 1 && lazyStacks()) {
      this.#timer = setInterval(() => this.#resolve(), RESOLVE_EVERY_MS);
      (this.#timer as { unref?: () => void }).unref?.();
    }
    return Promise.resolve();
  }

  stop(): Promise<void> {
    stopSampling();
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    this.#stores = null;
    this.#last.forget();
    return Promise.resolve();
  }

  clear(): Promise<void> {
    if (this.#stores) this.#stores = this.#newStores();
    this.#last.forget();
    return Promise.resolve();
  }

  collect(options?: ReadOptions): Promise<RawTrace[]> {
    return Promise.resolve(this.#reading(options).traces);
  }

  memory(options?: ReadOptions): Promise<TracedMemory> {
    return Promise.resolve(this.#reading(options).memory);
  }

  /** Traces and traced memory from one sweep of the samples (a live refresh asks for both). */
  read(options?: ReadOptions): Promise<{ traces: RawTrace[]; memory: TracedMemory }> {
    return Promise.resolve(this.#reading(options));
  }

  /** The same sweep, synchronously: nothing in it waits for the event loop. */
  readNow(): { traces: RawTrace[]; memory: TracedMemory } {
    return this.#reading(undefined);
  }

  /** When the figures last handed out were read (they may be reused on a budget, see {@link ReadOptions}). */
  get readAt(): number | undefined {
    return this.#last.at;
  }

  resetPeak(): Promise<void> {
    for (const store of this.#read()) store.resetPeak();
    this.#last.forget();
    return Promise.resolve();
  }

  overhead(): number {
    return this.#all().reduce((sum, store) => sum + store.overhead(), 0);
  }

  objectTraceback(obj: unknown): Traceback | null {
    if ((typeof obj !== "object" || obj === null) && typeof obj !== "function") return null;
    for (const store of this.#read()) {
      const found = store.tracebackOf(obj);
      if (found) return Traceback.fromRaw(found.frames, found.total);
    }
    return null;
  }

  /**
   * Every site's allocations since start or clear, freed or not (strings
   * included): one raw trace per site, its own frame only, with estimated
   * bytes and allocations; and when that span began.
   */
  allocated(): AllocatedTraces {
    const sites = this.#line.rewriter.sites;
    const traces: RawTrace[] = [];
    for (const store of this.#all()) {
      for (const { site, count, size } of store.allocated()) traces.push([0, size, [sites.frame(site)], null, count]);
    }
    return { traces, since: this.#since, sampleEvery: this.#every };
  }

  /** Calls `visit` with each live sampled object and its traceback (stacks resolved, dead samples dropped first). */
  forEachLive(visit: LiveVisitor): void {
    for (const store of this.#read()) store.forEachLive(visit);
  }

  #newStores(): Stores {
    this.#since = Date.now();
    const sizes = this.#rt.objectSizes;
    return { sampled: new SampleStore(this.#every, sizes), exact: new SampleStore(1, sizes) };
  }

  #all(): SampleStore[] {
    return this.#stores ? [this.#stores.sampled, this.#stores.exact] : [];
  }

  /** The traces and memory now, or the last read's when `options` allow it. */
  #reading(options: ReadOptions | undefined): Reading {
    const started = performance.now();
    const reused = this.#last.reuse(options, started);
    if (reused) return reused;
    const stores = this.#read();
    return this.#last.keep({ traces: stores.flatMap((store) => store.collect()), memory: memoryOf(stores) }, started);
  }

  /** The stores, their stacks resolved and dead samples dropped, ready to be read. */
  #read(): SampleStore[] {
    this.#resolve();
    const stores = this.#all();
    for (const store of stores) store.sweep();
    return stores;
  }

  /** Records one sampled allocation (called by the site global, at most once in N allocations). */
  readonly #sample = (id: number, value: unknown): void => {
    if (this.#stores) this.#record(this.#stores.sampled, id, value, site);
  };

  /** Records an allocation of a site that runs once per module evaluation (every one of them). */
  readonly #sampleOnce = (id: number, value: unknown): void => {
    if (this.#stores) this.#record(this.#stores.exact, id, value, siteOnce);
  };

  #record(store: SampleStore, id: number, value: unknown, below: StackBoundary): void {
    const sites = this.#line.rewriter.sites;
    const flags = sites.flags(id);
    const object = (typeof value === "object" && value !== null) || typeof value === "function";
    if (flags & EXPECT && !expected(value, flags)) return;
    if (typeof value === "string") return store.addUnfollowed(id, stringSize(value, this.#rt.objectSizes));
    if (!object) return;
    const { size, shape } = measureObject(value as object, sites.kind(id), flags, this.#rt.objectSizes);
    if (this.#nframe === 1) return store.add(value as object, id, this.#siteOnly(store, id), size, shape);
    const later = stackCapture().captureLater(this.#callerFrames(flags), below);
    // An engine that formats stacks at capture has already paid: resolve at once.
    if (!lazyStacks()) return store.add(value as object, id, this.#traceback(store, id, later), size, shape);
    store.add(value as object, id, -1, size, shape, later);
    if (store.pending >= MAX_PENDING) store.resolve((site, later) => this.#traceback(store, site, later as LaterStack));
  }

  /** Frames to capture for a sample at a site with `flags`: the callers, plus the function that holds the site unless a tail call removed it. */
  #callerFrames(flags: number): number {
    return (flags & SiteFlag.Tail) !== 0 && properTailCalls() ? this.#nframe - 1 : this.#nframe;
  }

  /** Resolves the stacks of the live samples taken since the last time. */
  #resolve(): void {
    for (const store of this.#all()) store.resolve((id, later) => this.#traceback(store, id, later as LaterStack));
  }

  /** The traceback of one frame, the site's own. */
  #siteOnly(store: SampleStore, id: number): number {
    return store.internSite(id, this.#line.rewriter.sites.frame(id));
  }

  /**
   * The interned traceback of an allocation at site `id`: the site's frame,
   * then the callers of the function that holds it. The captured stack's
   * first frame is that function (at the rewritten call of the site global)
   * unless the engine dropped it for a tail call.
   */
  #traceback(store: SampleStore, id: number, later: LaterStack): number {
    const flags = this.#line.rewriter.sites.flags(id);
    const tail = this.#callerFrames(flags) < this.#nframe;
    const stack = stackCapture().resolveLater(later, this.#callerFrames(flags), "strip");
    if (!stack) return this.#siteOnly(store, id);
    const callers = tail ? stack.frames : stack.frames.slice(1);
    const total = stack.totalNframe === null ? null : stack.totalNframe + (tail ? 1 : 0);
    const own = this.#line.rewriter.sites.frame(id);
    return store.intern(`${id}|${stack.key}${tail ? "t" : ""}`, [own, ...callers], total);
  }
}

/**
 * What the line engine counted since tracing started or was cleared, freed
 * or not (see {@link LineEngine.allocated}).
 *
 * @example
 * ```ts
 * declare const engine: LineEngine;
 * const { traces, since } = engine.allocated(); // [[0, bytes, [frame], null, allocations], ...]
 * console.log(`${traces.length} sites over ${(Date.now() - since) / 1000} s`);
 * ```
 */
export interface AllocatedTraces {
  /** One trace per site: domain 0, estimated bytes, the site's frame (callers unknown: null), estimated allocations. */
  readonly traces: RawTrace[];
  /** When the span began (start or clear), ms since the epoch. */
  readonly since: number;
  /** Allocations one sample stands for. */
  readonly sampleEvery: number;
}

/** One read of the samples. */
interface Reading {
  readonly traces: RawTrace[];
  readonly memory: TracedMemory;
}

/** The traced memory of swept stores, summed. */
function memoryOf(stores: readonly SampleStore[]): TracedMemory {
  let current = 0;
  let peak = 0;
  for (const store of stores) {
    const memory = store.memory();
    current += memory.current;
    peak += memory.peak;
  }
  return { current, peak };
}

/** The samples of one session: one allocation in N, and every allocation of sites that run once. */
interface Stores {
  readonly sampled: SampleStore;
  readonly exact: SampleStore;
}

/** True when a built-in call's result is what that built-in makes (a user's `map` may return anything). */
function expected(value: unknown, flags: number): boolean {
  if (Array.isArray(value)) return (flags & SiteFlag.ExpectArray) !== 0;
  switch (typeof value) {
    case "string":
      return (flags & SiteFlag.ExpectString) !== 0;
    case "function":
      return (flags & SiteFlag.ExpectFunction) !== 0;
    case "object":
      if (value === null) return false;
      if (flags & SiteFlag.ExpectObject) return true;
      return (flags & SiteFlag.ExpectPromise) !== 0 && types.isPromise(value);
    default:
      return false;
  }
}
