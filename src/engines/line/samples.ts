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

// Bytes per live sample, measured as heap growth per sample on Node 24 (the
// WeakRef and six array slots); see scripts/bench-line.ts.
const BYTES_PER_SAMPLE = 96;
const BYTES_PER_TRACEBACK = 120;
const BYTES_PER_FRAME = 16;
const WeakRefCtor = WeakRef;

/**
 * Samples of one tracing session.
 *
 * @example
 * ```ts
 * const store = new SampleStore(1024, sizes);
 * store.add(value, 3, store.intern("3|7,2", frames, 2), 40, Shape.Fixed);
 * store.collect(); // [[0, 40960, frames, 2, 1024]]
 * ```
 */
export class SampleStore {
  /** Allocations each sample stands for. */
  readonly weight: number;
  readonly #sizes: ObjectSizes;
  #refs: WeakRef<object>[] = [];
  #sites: number[] = [];
  #tracebacks: number[] = [];
  #bytes: number[] = [];
  #shapes: Shape[] = [];
  /** Per sample, the stack to resolve (samples with `tb` -1), else undefined. */
  #later: unknown[] = [];
  /** Indices of the samples with a stack to resolve. */
  #pending: number[] = [];
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
    this.#sizes = sizes;
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
    const ref = new WeakRefCtor(value);
    this.#refs.push(ref);
    this.#sites.push(site);
    this.#tracebacks.push(tb);
    this.#bytes.push(bytes);
    this.#shapes.push(shape);
    this.#later.push(tb < 0 ? later : undefined);
    if (tb < 0) this.#pending.push(this.#refs.length - 1);
    if (this.#refs.length >= 2 * this.#sweptAt + 1024) this.sweep();
  }

  /** Records a sampled allocation that cannot be followed (a string): allocated, never live. */
  addUnfollowed(site: number, bytes: number): void {
    this.#count(site, bytes);
  }

  /** Samples whose traceback is not resolved yet. */
  get pending(): number {
    return this.#pending.length;
  }

  /**
   * Resolves the tracebacks of the live samples taken with a stack to
   * resolve later; `traceback(site, later)` gives the interned id. The
   * stacks of samples already dead are dropped unresolved.
   */
  resolve(traceback: (site: number, later: unknown) => number): void {
    for (const i of this.#pending) {
      const later = this.#later[i];
      this.#later[i] = undefined;
      if (this.#refs[i].deref() !== undefined) this.#tracebacks[i] = traceback(this.#sites[i], later);
    }
    this.#pending = [];
  }

  /** Live samples (as of the last sweep, plus those added since). */
  get length(): number {
    return this.#refs.length;
  }

  /** Drops the samples whose objects were collected and sizes containers again. */
  sweep(): void {
    const refs = this.#refs;
    let kept = 0;
    const pending: number[] = [];
    for (let i = 0; i < refs.length; i++) {
      const target = refs[i].deref();
      if (target === undefined) continue;
      if (this.#shapes[i] !== Shape.Fixed) this.#bytes[i] = remeasure(target, this.#shapes[i], this.#sizes);
      if (this.#tracebacks[i] < 0 && this.#later[i] !== undefined) pending.push(kept);
      refs[kept] = refs[i];
      this.#later[kept] = this.#later[i];
      this.#sites[kept] = this.#sites[i];
      this.#tracebacks[kept] = this.#tracebacks[i];
      this.#bytes[kept] = this.#bytes[i];
      this.#shapes[kept] = this.#shapes[i];
      kept++;
    }
    refs.length = kept;
    this.#later.length = kept;
    this.#pending = pending;
    this.#sites.length = kept;
    this.#tracebacks.length = kept;
    this.#bytes.length = kept;
    this.#shapes.length = kept;
    this.#sweptAt = kept;
    const current = this.#current();
    if (current > this.#peak) this.#peak = current;
  }

  /** The live traces, one per traceback (call {@link resolve} first). */
  collect(): RawTrace[] {
    const bytes = new Map<number, number>();
    const samples = new Map<number, number>();
    for (let i = 0; i < this.#refs.length; i++) {
      const tb = this.#tracebacks[i];
      if (tb < 0) continue;
      bytes.set(tb, (bytes.get(tb) ?? 0) + this.#bytes[i]);
      samples.set(tb, (samples.get(tb) ?? 0) + 1);
    }
    const out: RawTrace[] = [];
    for (const [tb, size] of bytes) {
      const { frames, total } = this.#interned[tb];
      out.push([0, size * this.weight, frames, total, samples.get(tb)! * this.weight]);
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

  #current(): number {
    let total = 0;
    for (const b of this.#bytes) total += b;
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
