/**
 * Domain 0 (JS heap objects) on V8 runtimes, through V8's sampling heap
 * profiler (`HeapProfiler.startSampling` / `getSamplingProfile`) in an
 * in-process inspector session.
 *
 * **What a sample means.** V8 draws the distance to the next sample from an
 * exponential distribution with mean `samplingInterval` bytes, so an
 * allocation of `s` bytes is sampled with probability
 * `p(s) = 1 - exp(-s / interval)`. Counting each sample as `1 / p(s)`
 * allocations of `s` bytes (`s / p(s)` bytes) is the Horvitz-Thompson
 * estimator: its expectation is the true count and size of the allocations,
 * whatever their sizes. V8 forgets a sample when its object is collected, so
 * the estimates are of live (not yet collected) objects.
 *
 * The inspector does not hand out `s` itself: each sample's `size` is
 * `s × round(1 / p(s))`, the bytes V8 attributes to it, with the weight
 * already applied but rounded to an integer. That attributed size is our
 * byte estimate. It is unbiased for objects much smaller than the interval
 * (where the rounding changes a weight of ~`interval / s` by at most 1/2)
 * and for objects larger than about 2.2 intervals, whose weight rounds to 1:
 * there the size is known exactly and we apply the exact weight
 * `1 / p(s)` (V8's rounding would under-count such objects by up to 12%).
 * Between the two (objects of roughly 0.3 to 2.2 intervals) the rounding of
 * the weight can bias a single allocation site by up to a third; we cannot
 * undo it, because several `(s, weight)` pairs give the same product. The
 * estimated count of a sample is the rounded weight for the smallest object
 * size consistent with the attributed size, so small objects' counts are
 * right and bigger ones' may be overstated. Samples with one attributed
 * size at one stack are one trace with the summed estimates.
 *
 * **Frames.** V8 records the function of each frame, not the allocating
 * line: a frame's line and column are where the function starts, mapped to
 * the original source, and its `functionName` is kept (empty for anonymous
 * functions and module code). Frames without a script (V8 builtins such as
 * `Array.prototype.push`, the `(root)` node) are left out, so an allocation
 * is charged to the nearest JavaScript function. The runtime's own frames
 * at either end of a stack (`node:internal/...`, `ext:core/...`) are left
 * out unless `internalFrames` is set.
 *
 * **The tracer's own allocations** are dropped: a sample with a frame of
 * this package (`src/`, `tui/`, `mod.ts`) or of the inspector plumbing on
 * its stack is the tracer's, not the program's.
 *
 * **Cost of a read.** The inspector's `getSamplingProfile` runs a full
 * garbage collection before it answers (so that only live objects are
 * reported): every `collect()`, `memory()` and `resetPeak()` costs a full gc,
 * about 0.7 ms per MB of live heap on our machines. A read asked for on a
 * budget (`{ budget: true }`: the live view, `status`) reuses the last one
 * while reading again would take more than 3% of the program's time
 * (`READ_BUDGET`), and `readAt` tells how old the figures are.
 *
 * **Current and peak.** `current` is the estimated bytes of the live
 * samples, read from a fresh profile each time; V8 keeps no history, so
 * `peak` is the highest `current` seen whenever traced memory or traces
 * were read: a lower bound of the true peak.
 *
 * @module
 */
import { DEFAULT_SAMPLING_INTERVAL } from "../defaults.ts";
import type { RawFrame } from "../model/frame.ts";
import type { RawTrace } from "../model/snapshot.ts";
import type { Traceback } from "../model/traceback.ts";
import type { InspectorSession, RuntimeAdapter } from "../runtime/adapter.ts";
import { runtime } from "../runtime/index.ts";
import { isInternalFile, userFacing } from "../runtime/internal-frames.ts";
import type { Engine, EngineTraits, ReadOptions, TracedMemory, TracerOptions } from "./engine.ts";
import { LastRead } from "./last-read.ts";
import { isTracerFile } from "./own-frames.ts";

export { DEFAULT_SAMPLING_INTERVAL } from "../defaults.ts";

/**
 * Frames V8 keeps per sampled stack: the inspector starts the sampler with a
 * fixed depth of 128, so domain-0 tracebacks have at most 128 frames.
 */
const V8_STACK_DEPTH = 128;

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

interface ProfileNode {
  callFrame: CallFrame;
  id: number;
  children: ProfileNode[];
}

interface SamplingProfile {
  head: ProfileNode;
  samples: { size: number; nodeId: number }[];
}

/** Frames of one profile node, or `null` when the node is the tracer's. */
interface NodeStack {
  frames: readonly RawFrame[];
  total: number | null;
}

/**
 * What the sampler needs of a runtime: this process's adapter, or a
 * program's reached through its inspector (`src/runtime/remote.ts`).
 *
 * @example
 * ```ts
 * import { runtime } from "../runtime/index.ts";
 * const rt: SamplerRuntime = runtime();
 * ```
 */
export type SamplerRuntime = Pick<
  RuntimeAdapter,
  "name" | "capabilities" | "openInspector" | "originalPosition" | "isInspectorFrame"
>;

/**
 * How many allocations a sample of an object of `size` bytes stands for at
 * `interval` (see the module comment): `1 / (1 - exp(-size / interval))`.
 *
 * @example
 * ```ts
 * sampleWeight(1024 * 1024, 1024 * 1024); // ≈ 1.582 (a large allocation is almost always sampled)
 * sampleWeight(16, 1024 * 1024); // ≈ 65536.5
 * ```
 */
export function sampleWeight(size: number, interval: number): number {
  // -expm1(-x) is 1 - exp(-x) without losing digits when size << interval.
  return size > 0 ? 1 / -Math.expm1(-size / interval) : 1;
}

/** V8's integer weight of a sample of `size` bytes, computed as V8 computes it. */
function roundedWeight(size: number, interval: number): number {
  return Math.floor(1 / (1 - Math.exp(-size / interval)) + 0.5);
}

/**
 * The estimated allocations and bytes one sample stands for, from the size
 * V8 attributes to it (`size × round(1 / p(size))`, see the module comment).
 *
 * @example
 * ```ts
 * sampleEstimate(1056, 1024); // { bytes: 1056, count: 33 } (a 32-byte object)
 * sampleEstimate(8016, 1024); // ≈ { bytes: 8019.2, count: 1.0004 } (an 8016-byte array)
 * ```
 */
export function sampleEstimate(
  attributed: number,
  interval: number,
): { bytes: number; count: number } {
  const smallest = smallestObjectSize(attributed, interval);
  if (smallest === attributed) {
    // Weight 1 and no other reading: the object's size is exact.
    const weight = sampleWeight(attributed, interval);
    return { bytes: attributed * weight, count: weight };
  }
  return { bytes: attributed, count: attributed / smallest };
}

/**
 * The smallest object size `s` (a multiple of 4, V8's smallest alignment)
 * with `s × roundedWeight(s) = attributed`; `attributed` itself when none
 * is smaller.
 */
function smallestObjectSize(attributed: number, interval: number): number {
  if (!Number.isInteger(attributed) || attributed <= 0) return attributed;
  // Sizes s ≤ √attributed pair with weights ≥ √attributed, so walking the
  // small divisors d both ways finds every (s, weight) pair once.
  let smallest = attributed;
  for (let d = 1; d * d <= attributed; d++) {
    if (attributed % d !== 0) continue;
    const pair = attributed / d;
    if (d < smallest && d % 4 === 0 && roundedWeight(d, interval) === pair) {
      smallest = d;
    }
    if (
      pair < smallest && pair % 4 === 0 && roundedWeight(pair, interval) === d
    ) smallest = pair;
  }
  return smallest;
}

/**
 * Domain 0 on Node and Deno: V8's sampling heap profiler. Needs a runtime
 * whose adapter has the `heapSampler` capability.
 *
 * @example
 * ```ts
 * const engine = new SamplerEngine();
 * await engine.start(5, { samplingInterval: 64 * 1024 });
 * const traces = await engine.collect(); // [[0, bytes, frames, depth, count], ...]
 * await engine.stop();
 * ```
 */
export class SamplerEngine implements Engine {
  readonly domains: readonly number[] = [0];

  /** Function-level, sampled by bytes; every read runs a full collection (the inspector asks for one). */
  get traits(): EngineTraits {
    return {
      name: "sampler",
      lineLevel: false,
      exact: false,
      objectTracebacks: false,
      readForcesGc: true,
      sampling: { unit: "bytes", every: this.#interval },
    };
  }

  #rt: SamplerRuntime;
  #session: InspectorSession | null = null;
  #nframe = 1;
  #interval = DEFAULT_SAMPLING_INTERVAL;
  #peak = 0;
  #frameCache = new Map<string, RawFrame | null>();
  /** The frames of {@link SamplerEngine.#frameCache} that are the runtime's own. */
  #internal = new Set<RawFrame>();
  #internalFrames = false;
  #ownCache = new Map<string, boolean>();
  #lastSamples = 0;
  #lastNodes = 0;
  readonly #last = new LastRead<{ traces: RawTrace[]; current: number }>();

  /** @param rt the runtime adapter (the running runtime's by default; a program's reached through its inspector for `attach`) */
  constructor(rt: SamplerRuntime = runtime()) {
    this.#rt = rt;
  }

  get limits(): readonly string[] {
    return [
      `domain 0 is sampled every ${this.#interval} bytes on average: a trace stands for an estimated count and size of allocations`,
      "domain 0 frames are functions, not lines: V8 reports where the allocating function starts (its name is on the frame)",
      "domain 0 peak is a lower bound: the highest estimate seen when traced memory or traces were read",
      "getObjectTraceback() cannot know JS heap objects (null)",
      ...(this.#nframe > V8_STACK_DEPTH
        ? [
          `domain 0 tracebacks keep at most ${V8_STACK_DEPTH} frames (V8's sampler depth)`,
        ]
        : []),
    ];
  }

  async start(nframe: number, options: TracerOptions): Promise<void> {
    if (this.#session) return;
    if (!this.#rt.capabilities.heapSampler) {
      throw new Error(`${this.#rt.name} has no sampling heap profiler`);
    }
    const session = await this.#rt.openInspector();
    if (!session) {
      throw new Error(`${this.#rt.name} offers no inspector session`);
    }
    this.#nframe = nframe;
    this.#interval = options.samplingInterval ?? DEFAULT_SAMPLING_INTERVAL;
    this.#internalFrames = options.internalFrames === true;
    this.#session = session;
    this.#peak = 0;
    await session.post("HeapProfiler.enable");
    await this.#startSampling();
  }

  async stop(): Promise<void> {
    const session = this.#session;
    if (!session) return;
    this.#session = null;
    this.#peak = 0;
    this.#last.forget();
    this.#lastSamples = this.#lastNodes = 0;
    this.#frameCache.clear();
    this.#internal.clear();
    try {
      await session.post("HeapProfiler.stopSampling");
      await session.post("HeapProfiler.disable");
    } finally {
      session.close();
    }
  }

  async clear(): Promise<void> {
    const session = this.#session;
    if (!session) return;
    // Stopping discards every sample; sampling again starts from nothing.
    await session.post("HeapProfiler.stopSampling");
    await this.#startSampling();
    this.#peak = 0;
    this.#last.forget();
    this.#lastSamples = this.#lastNodes = 0;
  }

  async collect(options?: ReadOptions): Promise<RawTrace[]> {
    return (await this.#read(options)).traces;
  }

  async memory(options?: ReadOptions): Promise<TracedMemory> {
    const { current } = await this.#read(options);
    return { current, peak: this.#peak };
  }

  /** Traces and traced memory from one profile. */
  async read(options?: ReadOptions): Promise<{ traces: RawTrace[]; memory: TracedMemory }> {
    const { traces, current } = await this.#read(options);
    return { traces, memory: { current, peak: this.#peak } };
  }

  /** When the last profile was read (`performance.now()`), if one was. */
  get readAt(): number | undefined {
    return this.#last.at;
  }

  async resetPeak(): Promise<void> {
    if (!this.#session) return;
    this.#peak = (await this.#read()).current;
  }

  /**
   * An estimate of what V8 keeps for the sampler (about 64 bytes per sample
   * and 160 per stack node, as of the last read) plus this engine's frame
   * cache.
   */
  overhead(): number {
    return this.#lastSamples * 64 + this.#lastNodes * 160 +
      this.#frameCache.size * 96;
  }

  objectTraceback(_obj: unknown): Traceback | null {
    return null;
  }

  #startSampling(): Promise<unknown> {
    return this.#session!.post("HeapProfiler.startSampling", {
      samplingInterval: this.#interval,
      // Live objects only (newer V8 can keep collected ones too).
      includeObjectsCollectedByMajorGC: false,
      includeObjectsCollectedByMinorGC: false,
    });
  }

  async #read(options?: ReadOptions): Promise<{ traces: RawTrace[]; current: number }> {
    const session = this.#session;
    if (!session) return { traces: [], current: 0 };
    const started = performance.now();
    const reused = this.#last.reuse(options, started);
    if (reused) return reused;
    const { profile } = await session.post<{ profile: SamplingProfile }>(
      "HeapProfiler.getSamplingProfile",
    );
    const stacks = this.#stacks(profile.head);
    // Samples of one attributed size at one node are interchangeable: one trace each.
    const groups = new Map<number, Map<number, number>>();
    for (const { size, nodeId } of profile.samples) {
      if (!stacks.has(nodeId)) continue; // the tracer's own
      let bySize = groups.get(nodeId);
      if (!bySize) groups.set(nodeId, bySize = new Map());
      bySize.set(size, (bySize.get(size) ?? 0) + 1);
    }
    const estimates = new Map<number, { bytes: number; count: number }>();
    const traces: RawTrace[] = [];
    let current = 0;
    for (const [nodeId, bySize] of groups) {
      const { frames, total } = stacks.get(nodeId)!;
      for (const [size, samples] of bySize) {
        let estimate = estimates.get(size);
        if (!estimate) {
          estimates.set(size, estimate = sampleEstimate(size, this.#interval));
        }
        current += samples * estimate.bytes;
        traces.push([
          0,
          samples * estimate.bytes,
          frames,
          total,
          samples * estimate.count,
        ]);
      }
    }
    this.#lastSamples = profile.samples.length;
    this.#lastNodes = stacks.size;
    if (current > this.#peak) this.#peak = current;
    return this.#last.keep({ traces, current }, started);
  }

  /** The stack of every node that is not the tracer's, by node id. */
  #stacks(head: ProfileNode): Map<number, NodeStack> {
    const stacks = new Map<number, NodeStack>();
    // Frames from the root down to the node being visited (builtins left out).
    const path: RawFrame[] = [];
    // Depth-first without recursion: an entry is visited, then popped on `leave`.
    type Step = {
      node: ProfileNode;
      depth: number;
      own: boolean;
      leave?: RawFrame | null;
    };
    const todo: Step[] = [{ node: head, depth: 0, own: false }];
    while (todo.length) {
      const step = todo.pop()!;
      if (step.leave !== undefined) {
        if (step.leave) path.pop();
        continue;
      }
      const { node, depth } = step;
      const frame = this.#frame(node.callFrame);
      const own = step.own || this.#isOwn(node.callFrame.url);
      if (frame) path.push(frame);
      if (!own) stacks.set(node.id, this.#stackOf(path, depth));
      todo.push({ node, depth, own, leave: frame });
      for (const child of node.children) {
        todo.push({ node: child, depth: depth + 1, own });
      }
    }
    return stacks;
  }

  /** The traceback of a node whose frames from the root are `path`, most recent first. */
  #stackOf(path: readonly RawFrame[], depth: number): NodeStack {
    // V8 keeps the most recent frames only; a stack that deep may have been cut.
    const complete = depth < V8_STACK_DEPTH;
    const top = path.length - 1;
    if (this.#internalFrames) {
      const frames = path.slice(Math.max(0, path.length - this.#nframe)).reverse();
      return { frames, total: complete ? path.length : null };
    }
    const { start, end, total } = userFacing(
      path.length,
      (i) => this.#internal.has(path[top - i]),
      complete,
      this.#nframe,
    );
    const frames: RawFrame[] = [];
    for (let i = start; i < end; i++) frames.push(path[top - i]);
    return { frames, total };
  }

  #isOwn(url: string): boolean {
    if (!url) return false;
    let own = this.#ownCache.get(url);
    if (own === undefined) {
      own = isTracerFile(url) || this.#rt.isInspectorFrame(url);
      this.#ownCache.set(url, own);
    }
    return own;
  }

  /** The frame of a call frame, mapped to the original source; `null` for builtins. */
  #frame(
    { url, lineNumber, columnNumber, functionName }: CallFrame,
  ): RawFrame | null {
    if (!url || lineNumber < 0) return null;
    const key = `${url}\0${lineNumber}\0${columnNumber}\0${functionName}`;
    let frame = this.#frameCache.get(key);
    if (frame === undefined) {
      // V8's positions are 0-based, the adapters' 1-based.
      const pos = this.#rt.originalPosition(
        url,
        lineNumber + 1,
        columnNumber + 1,
      );
      frame = [pos.file, pos.line, pos.column ?? null, functionName || null];
      this.#frameCache.set(key, frame);
      if (isInternalFile(url) || isInternalFile(pos.file)) this.#internal.add(frame);
    }
    return frame;
  }
}
