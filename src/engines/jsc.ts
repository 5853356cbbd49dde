/**
 * Domain 0 on Bun. JavaScriptCore has no allocation profiler, so this engine
 * cannot say where JS heap objects were allocated; it reports the heap as
 * `bun:jsc` counts it, one trace per object type, so that domain 0 is never
 * silently empty.
 *
 * - **Frames**: one pseudo-frame per type, `<jsc:Object>`, `<jsc:string>`,
 *   … at line 0.
 * - **Counts**: exact numbers of live (not yet swept) cells of each type,
 *   from `heapStats().objectTypeCounts`.
 * - **Sizes**: estimated. JSC gives no bytes per type, only the heap's size;
 *   each type gets the heap's size shared out in proportion to its count
 *   (`heapSize × count / objectCount`), so the sizes add up to the heap and
 *   a type's share grows with its count, but one big array and one tiny
 *   object weigh the same.
 * - **What it cannot do**: forget objects (`clearTraces()` and `start()`
 *   cannot hide objects that already exist: the census sees the whole heap,
 *   the tracer's own objects included) or know an object's traceback.
 * - **Peak**: the largest heap size seen whenever traced memory or traces
 *   were read: a lower bound.
 * - **Cost**: a census walks the whole heap. A read asked for on a budget
 *   (`{ budget: true }`: the live view, `status`) reuses the last census
 *   while taking another would cost more than 3% of the program's time, and
 *   `readAt` tells how old it is.
 *
 * @module
 */
import type { RawTrace } from "../model/snapshot.ts";
import type { Traceback } from "../model/traceback.ts";
import type { RuntimeAdapter } from "../runtime/adapter.ts";
import { runtime } from "../runtime/index.ts";
import type { Engine, EngineTraits, ReadOptions, TracedMemory, TracerOptions } from "./engine.ts";
import { LastRead } from "./last-read.ts";
import type { HeapCensus } from "../runtime/adapter.ts";

/**
 * What the census needs of a runtime: this process's adapter, or a
 * program's reached through its inspector (`src/runtime/remote.ts`).
 *
 * @example
 * ```ts
 * import { runtime } from "../runtime/index.ts";
 * const rt: CensusRuntime = runtime();
 * ```
 */
export type CensusRuntime = Pick<RuntimeAdapter, "name" | "capabilities" | "heapCensus">;

/**
 * Domain 0 from a heap census by object type (Bun's `bun:jsc`). Needs a
 * runtime whose adapter has the `heapCensus` capability.
 *
 * @example
 * ```ts
 * const engine = new JscHeapEngine();
 * await engine.start(1, {});
 * const traces = await engine.collect(); // [[0, 123456, [["<jsc:Object>", 0]], 1, 5321], ...]
 * ```
 */
export class JscHeapEngine implements Engine {
  readonly domains: readonly number[] = [0];
  readonly traits: EngineTraits = {
    name: "census",
    lineLevel: false,
    exact: false,
    objectTracebacks: false,
    readForcesGc: false,
    sampling: null,
  };
  readonly limits: readonly string[] = [
    "no allocation profiler on this runtime (JavaScriptCore): domain 0 counts JS heap objects by type (frames like <jsc:Object>), without source locations",
    "domain 0 sizes are estimated: the heap's size shared among types in proportion to their object counts",
    "domain 0 cannot forget objects: clearTraces() and start() still see every live object, the tracer's own included",
    "domain 0 peak is a lower bound: the largest heap size seen when traced memory or traces were read",
    "getObjectTraceback() cannot know JS heap objects (null)",
  ];
  #rt: CensusRuntime;
  #tracing = false;
  #peak = 0;
  #types = 0;
  readonly #last = new LastRead<HeapCensus | null>();

  /** @param rt the runtime adapter (the running runtime's by default; a program's reached through its inspector for `attach`) */
  constructor(rt: CensusRuntime = runtime()) {
    this.#rt = rt;
  }

  async start(_nframe: number, _options: TracerOptions): Promise<void> {
    if (this.#tracing) return;
    if (!this.#rt.capabilities.heapCensus || !(await this.#rt.heapCensus())) {
      throw new Error(`${this.#rt.name} has no heap census`);
    }
    this.#tracing = true;
    this.#peak = 0;
  }

  stop(): Promise<void> {
    this.#tracing = false;
    this.#last.forget();
    this.#peak = 0;
    this.#types = 0;
    return Promise.resolve();
  }

  clear(): Promise<void> {
    this.#peak = 0;
    this.#last.forget();
    return Promise.resolve();
  }

  /** When the last census was taken (`performance.now()`), if one was. */
  get readAt(): number | undefined {
    return this.#last.at;
  }

  async collect(options?: ReadOptions): Promise<RawTrace[]> {
    if (!this.#tracing) return [];
    const census = await this.#census(options);
    if (!census) return [];
    this.#note(census.heapSize);
    const perObject = census.objectCount > 0 ? census.heapSize / census.objectCount : 0;
    const traces: RawTrace[] = [];
    for (const [type, count] of census.counts) {
      if (count > 0) {
        traces.push([0, count * perObject, [[`<jsc:${type}>`, 0]], 1, count]);
      }
    }
    this.#types = traces.length;
    return traces;
  }

  /** Traces and traced memory from one census. */
  async read(options?: ReadOptions): Promise<{ traces: RawTrace[]; memory: TracedMemory }> {
    const traces = await this.collect(options);
    return { traces, memory: await this.memory({ maxAge: Infinity }) };
  }

  async memory(options?: ReadOptions): Promise<TracedMemory> {
    if (!this.#tracing) return { current: 0, peak: 0 };
    const current = (await this.#census(options))?.heapSize ?? 0;
    this.#note(current);
    return { current, peak: this.#peak };
  }

  async resetPeak(): Promise<void> {
    if (!this.#tracing) return;
    this.#peak = (await this.#census())?.heapSize ?? 0;
  }

  /** A census, or the last one when `options` allows it. */
  async #census(options?: ReadOptions): Promise<HeapCensus | null> {
    const started = performance.now();
    const reused = this.#last.reuse(options, started);
    if (reused !== undefined) return reused;
    return this.#last.keep(await this.#rt.heapCensus(), started);
  }

  /** The census keeps nothing between reads but one small entry per type. */
  overhead(): number {
    return this.#types * 64;
  }

  objectTraceback(_obj: unknown): Traceback | null {
    return null;
  }

  #note(current: number): void {
    if (current > this.#peak) this.#peak = current;
  }
}
