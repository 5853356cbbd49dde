/**
 * The line engine's samples: each one a weak reference to a sampled object
 * with its interned traceback and size, in parallel arrays. Liveness comes
 * from the weak references alone: reading traces forces no garbage
 * collection, and no finalizer runs per sample. Dead samples are dropped
 * when traces are read and whenever the arrays have doubled since the last
 * sweep (amortised O(1) per sample).
 *
 * Each sample stands for `weight` allocations (one in `weight` is sampled,
 * at random): the Horvitz-Thompson estimate of the live allocations of a
 * traceback is `weight` times its live samples, of their bytes `weight`
 * times the samples' sizes. Allocations that cannot be followed (strings:
 * primitives cannot be held weakly) are counted, with all other samples,
 * in {@link SampleStore.allocated}, which never forgets.
 *
 * A sample's traceback may be resolved later than the sample is taken
 * (`tb` -1 until then, see {@link SampleStore.resolve}): stacks are then
 * formatted only for samples still alive.
 *
 * @module
 */
import type { RawFrame } from "../../model/frame.ts";
import type { RawTrace } from "../../model/snapshot.ts";
import type { ObjectSizes } from "../../runtime/object-sizes.ts";
import { remeasure, Shape } from "./measure.ts";

/** An array's length, read without a property lookup on an object of unknown shape. */
const lengthOf = (array: object): number => (array as unknown[]).length;

/** One interned traceback. */
interface Interned {
  readonly frames: readonly RawFrame[];
  readonly total: number | null;
}

/**
 * Allocations counted at one site since tracing started or was cleared,
 * live or not.
 *
 * @example
 * ```ts
 * declare const store: SampleStore;
 *
 * const { site, count, size } = store.allocated()[0];
 * ```
 */
export interface AllocatedSite {
  /** The site id. */
  readonly site: number;
  /** Estimated allocations. */
  readonly count: number;
  /** Estimated bytes. */
  readonly size: number;
}

// Bytes per live sample, measured as heap growth per sample (the WeakRef and
// three array slots): 63 B on Node 24 and Deno 2.9, 68 B on Bun 1.4
// (scripts/bench-line.ts, section 4).
const BYTES_PER_SAMPLE = 66;
const BYTES_PER_TRACEBACK = 120;
const BYTES_PER_FRAME = 16;
const WeakRefCtor = WeakRef;

/**
 * Samples of one tracing session.
 *
 * @example
 * ```ts
 * import { v8ObjectSizes } from "../../runtime/object-sizes.ts";
 * import type { RawFrame } from "../../model/frame.ts";
 * import { Shape } from "./measure.ts";
 *
 * const frames: RawFrame[] = [["/app/a.ts", 3, null, "load"]];
 * const value = { a: 1 };
 * const store = new SampleStore(1024, v8ObjectSizes(8));
 * store.add(value, 3, store.intern("3|7,2", frames, 2), 40, Shape.Fixed);
 * store.collect(); // [[0, 40960, frames, 2, 1024]]
 * ```
 */
export class SampleStore {
  /** Allocations each sample stands for. */
  readonly weight: number;
  readonly #model: ObjectSizes;
  // Three slots a sample (the tracer's memory per sample is what the program pays for):
  #refs: WeakRef<object>[] = [];
  /** The interned traceback, or `-1 - site` while its stack waits in {@link #later}. */
  #tracebacks: number[] = [];
  /** Bytes times 4, plus the {@link Shape}. */
  #sizes: number[] = [];
  /** The stacks to resolve, by sample index. */
  #later = new Map<number, unknown>();
  #sweptAt = 0;
  readonly #interned: Interned[] = [];
  readonly #ids = new Map<string, number>();
  readonly #siteTracebacks = new Map<number, number>();
  #frameCount = 0;
  /** Per site: allocations sampled and their bytes. */
  readonly #allocated = new Map<number, { count: number; bytes: number }>();
  #peak = 0;

  constructor(weight: number, sizes: ObjectSizes) {
    this.weight = weight;
    this.#model = sizes;
  }

  /** The id of the one-frame traceback of site `site` (interned once per site). */
  internSite(site: number, frame: RawFrame): number {
    let id = this.#siteTracebacks.get(site);
    if (id === undefined) this.#siteTracebacks.set(site, id = this.intern(String(site), [frame], null));
    return id;
  }

  /** The id of the traceback `key` names, interning `frames` the first time. */
  intern(key: string, frames: readonly RawFrame[], total: number | null): number {
    let id = this.#ids.get(key);
    if (id === undefined) {
      id = this.#interned.push({ frames, total }) - 1;
      this.#ids.set(key, id);
      this.#frameCount += frames.length;
    }
    return id;
  }

  /**
   * Records a sampled object of `bytes` bytes allocated at site `site`,
   * with traceback `tb`, or -1 and `later` (kept until {@link resolve}).
   */
  add(value: object, site: number, tb: number, bytes: number, shape: Shape, later?: unknown): void {
    this.#count(site, bytes);
    this.#refs.push(new WeakRefCtor(value));
    this.#tracebacks.push(tb < 0 ? -1 - site : tb);
    this.#sizes.push(bytes * 4 + shape);
    if (tb < 0) this.#later.set(this.#refs.length - 1, later);
    if (this.#refs.length >= 2 * this.#sweptAt + 1024) this.sweep();
  }

  /** Records a sampled allocation that cannot be followed (a string): allocated, never live. */
  addUnfollowed(site: number, bytes: number): void {
    this.#count(site, bytes);
  }

  /** Samples whose traceback is not resolved yet. */
  get pending(): number {
    return this.#later.size;
  }

  /**
   * Resolves the tracebacks of the live samples taken with a stack to
   * resolve later; `traceback(site, later)` gives the interned id. The
   * stacks of samples already dead are dropped unresolved.
   */
  resolve(traceback: (site: number, later: unknown) => number): void {
    for (const [i, later] of this.#later) {
      if (this.#refs[i].deref() !== undefined) this.#tracebacks[i] = traceback(-1 - this.#tracebacks[i], later);
    }
    this.#later.clear();
  }

  /** Live samples (as of the last sweep, plus those added since). */
  get length(): number {
    return this.#refs.length;
  }

  /** Drops the samples whose objects were collected and sizes containers again. */
  sweep(): void {
    const refs = this.#refs;
    const tracebacks = this.#tracebacks;
    const sizes = this.#sizes;
    const later = new Map<number, unknown>();
    const pending = this.#later.size > 0;
    let kept = 0;
    for (let i = 0; i < refs.length; i++) {
      const target = refs[i].deref();
      if (target === undefined) continue;
      const shape = (sizes[i] & 3) as Shape;
      sizes[kept] = this.#again(target, sizes[i]) ? remeasure(target, shape, this.#model) * 4 + shape : sizes[i];
      if (pending && this.#later.has(i)) later.set(kept, this.#later.get(i));
      refs[kept] = refs[i];
      tracebacks[kept] = tracebacks[i];
      kept++;
    }
    refs.length = kept;
    tracebacks.length = kept;
    sizes.length = kept;
    this.#later = later;
    this.#sweptAt = kept;
    const current = this.#current();
    if (current > this.#peak) this.#peak = current;
  }

  /** The live traces, one per traceback (call {@link resolve} first). */
  collect(): RawTrace[] {
    // Traceback ids are dense: sums by id in typed arrays, not maps.
    const bytes = new Float64Array(this.#interned.length);
    const samples = new Uint32Array(this.#interned.length);
    const tracebacks = this.#tracebacks;
    const sizes = this.#sizes;
    for (let i = 0; i < tracebacks.length; i++) {
      const tb = tracebacks[i];
      if (tb < 0) continue;
      bytes[tb] += Math.floor(sizes[i] / 4);
      samples[tb]++;
    }
    const out: RawTrace[] = [];
    for (let tb = 0; tb < samples.length; tb++) {
      if (samples[tb] === 0) continue;
      const { frames, total } = this.#interned[tb];
      out.push([0, bytes[tb] * this.weight, frames, total, samples[tb] * this.weight]);
    }
    return out;
  }

  /** Every site's allocations since start or clear, freed or not. */
  allocated(): AllocatedSite[] {
    const out: AllocatedSite[] = [];
    for (const [site, { count, bytes }] of this.#allocated) {
      out.push({ site, count: count * this.weight, size: bytes * this.weight });
    }
    return out;
  }

  /** Estimated live bytes and their highest value seen at reads (call {@link sweep} first). */
  memory(): { current: number; peak: number } {
    const current = this.#current();
    if (current > this.#peak) this.#peak = current;
    return { current, peak: this.#peak };
  }

  /** Sets the peak to the current estimate. */
  resetPeak(): void {
    this.#peak = this.#current();
  }

  /** Estimated bytes the store uses. */
  overhead(): number {
    return this.#refs.length * BYTES_PER_SAMPLE + this.#interned.length * BYTES_PER_TRACEBACK +
      this.#frameCount * BYTES_PER_FRAME;
  }

  /** The traceback of `obj`, when it is a live sample (call {@link resolve} first). */
  tracebackOf(obj: object): Interned | null {
    for (let i = 0; i < this.#refs.length; i++) {
      if (this.#refs[i].deref() === obj && this.#tracebacks[i] >= 0) return this.#interned[this.#tracebacks[i]];
    }
    return null;
  }

  /** Calls `visit` with each live sample's object, its traceback's frames and the store's weight (call {@link resolve} first). */
  forEachLive(visit: (object: object, frames: readonly RawFrame[], weight: number) => void): void {
    for (let i = 0; i < this.#refs.length; i++) {
      const tb = this.#tracebacks[i];
      const target = tb < 0 ? undefined : this.#refs[i].deref();
      if (target !== undefined) visit(target, this.#interned[tb].frames, this.weight);
    }
  }

  /**
   * Whether a sample's size may have changed since it was sized: a Map's or
   * a Set's always; an array's when its slots no longer take what they took
   * or it holds long strings (whose share is estimated from its elements).
   * Holding many arrays then costs a read a length check each, not a look
   * at their elements.
   */
  #again(target: object, size: number): boolean {
    const shape = (size & 3) as Shape;
    if (shape !== Shape.Array) return shape !== Shape.Fixed;
    return Math.floor(size / 4) !== this.#model.array(lengthOf(target));
  }

  #current(): number {
    let total = 0;
    for (const size of this.#sizes) total += Math.floor(size / 4);
    return total * this.weight;
  }

  #count(site: number, bytes: number): void {
    const seen = this.#allocated.get(site);
    if (seen) {
      seen.count++;
      seen.bytes += bytes;
    } else {
      this.#allocated.set(site, { count: 1, bytes });
    }
  }
}
