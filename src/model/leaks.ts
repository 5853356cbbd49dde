/**
 * Leaks: the places whose memory grows steadily over a series of
 * snapshots. Where `compareTo()` says what changed between two snapshots,
 * `findLeaks()` says what kept growing over three or more: a place that
 * grew in every interval ranks above one that grew once and stopped, and
 * above one that grows and shrinks (churn).
 *
 * The steadiness of a place is
 *
 *     (intervals it grew in / intervals) × (net growth / total change)
 *
 * where an interval goes from one snapshot to the next, the net growth is
 * its size in the last snapshot minus its size in the first, and the total
 * change is the sum of the absolute changes of every interval. It is 1.0
 * for a place that grew in every interval and never shrank, lower for one
 * that grew in fewer intervals (a one-time step over 3 intervals: 1/3),
 * and lower still for one that gave back part of what it gained (churn).
 * A place absent from a snapshot has size 0 there.
 *
 * @module
 */
import { formatSize } from "./format.ts";
import { compareStrings } from "./frame.ts";
import { checkKey, groupTraces, KeyTracebacks, type KeyType } from "./group.ts";
import { frameRanks, stackRanks, stringsUsed } from "./order.ts";
import { identity, sortSteps } from "./sort-steps.ts";
import type { Snapshot } from "./snapshot.ts";
import type { TracebackSource } from "./statistic.ts";
import { NONE, TraceTable } from "./table.ts";
import type { Traceback } from "./traceback.ts";

/**
 * The fewest snapshots a ranking is made from: two intervals, so that
 * "grew every time" can be told from "grew once".
 *
 * @example
 * ```ts
 * MIN_SNAPSHOTS; // 3
 * ```
 */
export const MIN_SNAPSHOTS = 3;

/** Places handled between two steps of {@link findLeaksSteps}, less one (a power of two). */
const STEP_MASK = 4095;

/** One bar per level, lowest first. */
const BARS = "▁▂▃▄▅▆▇█";

/**
 * One place's memory over a series of snapshots, and how steadily it grew.
 *
 * @example
 * ```ts
 * import { Traceback } from "./traceback.ts";
 *
 * const leak = new LeakStatistic(Traceback.fromRaw([["app.ts", 12]]), [0, 1024, 2048, 4096], [0, 1, 2, 4]);
 * leak.growth; // 4096
 * leak.grew; // 3 (of 3 intervals)
 * leak.steadiness; // 1
 * String(leak); // "app.ts:12: +4096 B (0 B → 4096 B), grew 3/3, steadiness 1.00, sizes ▁▃▅█"
 * ```
 */
export class LeakStatistic {
  /** Size in the last snapshot minus size in the first, in bytes. */
  readonly growth: number;
  /** Intervals between consecutive snapshots: one fewer than the snapshots. */
  readonly intervals: number;
  /** How many intervals its size grew in. */
  readonly grew: number;
  /** (grew / intervals) × (growth / total change), from 0 to 1; see the module's documentation. */
  readonly steadiness: number;
  #traceback: Traceback | undefined;
  #source: TracebackSource | undefined;
  #key = 0;

  /**
   * @param traceback the place: one frame ("lineno", "filename") or a whole traceback
   * @param sizes its size in bytes in each snapshot, oldest first (0 where absent)
   * @param counts its number of memory blocks in each snapshot, oldest first
   */
  constructor(traceback: Traceback, readonly sizes: readonly number[], readonly counts: readonly number[]) {
    if (sizes.length < 2 || counts.length !== sizes.length) {
      throw new RangeError(
        `a leak needs sizes and counts of 2 or more snapshots, not ${sizes.length} and ${counts.length}`,
      );
    }
    this.#traceback = traceback;
    this.intervals = sizes.length - 1;
    this.growth = sizes[this.intervals] - sizes[0];
    let grew = 0, change = 0;
    for (let i = 1; i < sizes.length; i++) {
      const delta = sizes[i] - sizes[i - 1];
      if (delta > 0) grew++;
      change += Math.abs(delta);
    }
    this.grew = grew;
    this.steadiness = this.growth > 0 ? (grew / this.intervals) * (this.growth / change) : 0;
  }

  /** @internal a leak whose traceback `source` makes from `key` when first asked for. */
  static ofKey(
    source: TracebackSource,
    key: number,
    sizes: readonly number[],
    counts: readonly number[],
  ): LeakStatistic {
    const leak = new LeakStatistic(undefined!, sizes, counts);
    leak.#source = source;
    leak.#key = key;
    return leak;
  }

  /** The place: one frame ("lineno", "filename") or a whole traceback, oldest frame first. */
  get traceback(): Traceback {
    return this.#traceback ??= this.#source!.traceback(this.#key);
  }

  /** Its size in the first snapshot. */
  get first(): number {
    return this.sizes[0];
  }

  /** Its size in the last snapshot. */
  get last(): number {
    return this.sizes[this.intervals];
  }

  /** `app.ts:12: +4096 B (0 B → 4096 B), grew 3/3, steadiness 1.00, sizes ▁▃▅█`. */
  toString(): string {
    return `${this.traceback}: ${formatSize(this.growth, true)} ` +
      `(${formatSize(this.first, false)} → ${formatSize(this.last, false)}), ` +
      `grew ${this.grew}/${this.intervals}, steadiness ${this.steadiness.toFixed(2)}, sizes ${sizeBars(this.sizes)}`;
  }
}

/**
 * The places that grew from the first snapshot to the last, steadiest
 * first (then biggest growth, biggest last size, traceback order). Each
 * snapshot is grouped by `keyType` as `statistics()` groups it; places are
 * matched across snapshots by their frames.
 *
 * @param snapshots at least {@link MIN_SNAPSHOTS}, in the order they were taken
 * @throws {RangeError} with fewer than {@link MIN_SNAPSHOTS} snapshots
 * @example
 * ```ts
 * import { Snapshot } from "./snapshot.ts";
 *
 * const at = (leaked: number, churn: number) =>
 *   new Snapshot([[0, leaked, [["app.ts", 12]], 1], [0, churn, [["app.ts", 20]], 1]], 1);
 * const [top] = findLeaks([at(100, 500), at(200, 0), at(300, 900)], "lineno");
 * String(top.traceback); // "app.ts:12": grew 2/2, ahead of line 20's churn
 * ```
 */
export function findLeaks(snapshots: readonly Snapshot[], keyType: KeyType): LeakStatistic[] {
  const steps = findLeaksSteps(snapshots, keyType);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * {@link findLeaks} in steps: the same ranking, made between `yield`s
 * (after each snapshot's grouping, every few thousand places, and between
 * the phases of the sort), so that a caller can give its event loop a turn
 * at each one (the TUI's leaks view does, every 8 ms) and stop when the
 * ranking is no longer wanted. Checks its arguments at the first step.
 *
 * @param snapshots at least {@link MIN_SNAPSHOTS}, in the order they were taken
 * @throws {RangeError} with fewer than {@link MIN_SNAPSHOTS} snapshots
 * @example
 * ```ts
 * import { Snapshot } from "./snapshot.ts";
 *
 * const at = (size: number) => new Snapshot([[0, size, [["app.ts", 12]], 1]], 1);
 * const steps = findLeaksSteps([at(100), at(200), at(300)], "lineno");
 * let step = steps.next();
 * while (!step.done) step = steps.next(); // or a turn of the event loop between steps
 * String(step.value[0].traceback); // "app.ts:12"
 * ```
 */
export function* findLeaksSteps(
  snapshots: readonly Snapshot[],
  keyType: KeyType,
): Generator<void, LeakStatistic[], void> {
  checkKey(keyType, false);
  if (snapshots.length < MIN_SNAPSHOTS) {
    throw new RangeError(`leaks need at least ${MIN_SNAPSHOTS} snapshots, not ${snapshots.length}`);
  }
  const places = new Places(keyType, snapshots.length);
  for (let i = 0; i < snapshots.length; i++) yield* places.add(i, snapshots[i]);
  return yield* places.grown();
}

/**
 * Sizes as bars, one per snapshot, scaled from the smallest size of the
 * series (▁) to the largest (█).
 *
 * @example
 * ```ts
 * sizeBars([0, 100, 200, 300]); // "▁▃▆█"
 * sizeBars([5, 5, 5]); // "▁▁▁"
 * ```
 */
export function sizeBars(sizes: readonly number[]): string {
  const low = Math.min(...sizes), high = Math.max(...sizes);
  const top = BARS.length - 1;
  return sizes.map((size) => BARS[high > low ? Math.round(((size - low) / (high - low)) * top) : 0]).join("");
}

/**
 * Sizes and counts of every place in every snapshot. A place is a key of a
 * table of its own (a frame, a stack or a file name), into which each
 * snapshot's keys are translated: snapshots taken apart have tables of
 * their own, whose ids mean nothing to each other.
 */
class Places {
  readonly #table = new TraceTable();
  readonly #keyType: KeyType;
  readonly #snapshots: number;
  /** Place of each key of the table, + 1 (0: none yet). */
  #placeOf = new Int32Array(1024);
  /** The key of each place. */
  #keys = new Uint32Array(1024);
  /** `sizes[place * snapshots + i]`: the place's size in snapshot i; `counts` likewise. */
  #sizes = new Float64Array(1024);
  #counts = new Float64Array(1024);
  #places = 0;
  /** Translations of the tables seen, kept for snapshots that share one (filtered copies). */
  readonly #translations = new Map<TraceTable, Translation>();

  constructor(keyType: KeyType, snapshots: number) {
    this.#keyType = keyType;
    this.#snapshots = snapshots;
  }

  /** Adds snapshot number `i`, grouped as `statistics()` groups it. */
  *add(i: number, snapshot: Snapshot): Generator<void, void, void> {
    // One pass over the traces' ids: a few ms at 100k traces.
    const { keys, size, count } = groupTraces(snapshot.table, snapshot.columns, this.#keyType, false);
    yield;
    let translation = this.#translations.get(snapshot.table);
    if (!translation) {
      this.#translations.set(snapshot.table, translation = new Translation(snapshot.table, this.#table));
    }
    const n = this.#snapshots;
    for (let g = 0; g < keys.length; g++) {
      const place = this.#place(translation.key(this.#keyType, keys[g]));
      this.#sizes[place * n + i] += size[g];
      this.#counts[place * n + i] += count[g];
      if ((g & STEP_MASK) === STEP_MASK) yield;
    }
  }

  /** The places bigger in the last snapshot than in the first, in ranking order. */
  *grown(): Generator<void, LeakStatistic[], void> {
    const n = this.#snapshots;
    const sizes = this.#sizes, counts = this.#counts;
    const tracebacks = new KeyTracebacks(this.#table, this.#keyType);
    const found: LeakStatistic[] = [];
    const keys: number[] = [];
    for (let p = 0; p < this.#places; p++) {
      if (sizes[p * n + n - 1] <= sizes[p * n]) continue;
      const key = this.#keys[p];
      found.push(LeakStatistic.ofKey(tracebacks, key, slice(sizes, p * n, n), slice(counts, p * n, n)));
      keys.push(key);
      if ((p & STEP_MASK) === STEP_MASK) yield;
    }
    // Steadiest first, then biggest growth, then biggest last size: a merge sort in steps, no traceback made.
    const m = found.length;
    const steadiness = new Float64Array(m), growth = new Float64Array(m), last = new Float64Array(m);
    for (let i = 0; i < m; i++) {
      steadiness[i] = found[i].steadiness;
      growth[i] = found[i].growth;
      last[i] = found[i].last;
    }
    const order = yield* sortSteps(
      identity(m),
      (a, b) => steadiness[b] - steadiness[a] || growth[b] - growth[a] || last[b] - last[a],
    );
    // Ties in CPython's traceback order, ranked among the tied places only (usually few).
    yield* this.#settleTies(order, [steadiness, growth, last], keys);
    const ranked = new Array<LeakStatistic>(m);
    for (let p = 0; p < m; p++) {
      ranked[p] = found[order[p]];
      if ((p & STEP_MASK) === STEP_MASK) yield;
    }
    return ranked;
  }

  /**
   * Orders each run of `order` tied on `columns` by the places' tracebacks,
   * as `keyRanks` ranks them: ranked among the tied places only, their
   * strings sorted in steps.
   */
  *#settleTies(
    order: Uint32Array,
    columns: readonly Float64Array[],
    keys: readonly number[],
  ): Generator<void, void, void> {
    const same = (a: number, b: number) => columns.every((column) => column[a] === column[b]);
    // Tied places, in the order they stand in: each one's item and the start of its run.
    const items: number[] = [], runOf: number[] = [];
    let done = 0;
    for (let p = 0; p < order.length;) {
      let q = p + 1;
      while (q < order.length && same(order[p], order[q])) q++;
      for (let r = p; q - p > 1 && r < q; r++) {
        items.push(order[r]);
        runOf.push(p);
      }
      done += q - p;
      p = q;
      if (done > STEP_MASK) {
        done = 0;
        yield;
      }
    }
    if (!items.length) return;
    const tied = new Uint32Array(items.length);
    for (let t = 0; t < items.length; t++) tied[t] = keys[items[t]];
    const ranks = yield* this.#rankSteps(tied);
    // Ranks are distinct, 0 up: each run filled from its start in rank order.
    const byRank = new Uint32Array(tied.length);
    for (let t = 0; t < tied.length; t++) byRank[ranks[t]] = t;
    const next = new Map<number, number>();
    for (let r = 0; r < byRank.length; r++) {
      const t = byRank[r], run = runOf[t];
      const at = next.get(run) ?? run;
      order[at] = items[t];
      next.set(run, at + 1);
      if ((r & STEP_MASK) === STEP_MASK) yield;
    }
  }

  /**
   * What `keyRanks` gives for `keys` (distinct ranks, 0 up, in CPython's
   * order of their tracebacks), the strings they name sorted in steps
   * (most of its time, and the part done in one piece there).
   */
  *#rankSteps(keys: Uint32Array): Generator<void, Uint32Array, void> {
    const table = this.#table, keyType = this.#keyType;
    const used = stringsUsed(table, keyType, keys);
    yield;
    const stringRank = yield* stringRankSteps(table.strings, used);
    yield;
    if (keyType === "lineno") return frameRanks(table, keys, stringRank);
    if (keyType === "traceback") return stackRanks(table, keys, stringRank);
    // Distinct strings (a table interns each once) have distinct ranks; those of the keys alone, 0 up.
    const order = yield* sortSteps(identity(keys.length), (a, b) => stringRank[keys[a]] - stringRank[keys[b]]);
    const ranks = new Uint32Array(keys.length);
    for (let p = 0; p < order.length; p++) ranks[order[p]] = p;
    return ranks;
  }

  #place(key: number): number {
    if (key >= this.#placeOf.length) this.#placeOf = grow(this.#placeOf, key + 1);
    let place = this.#placeOf[key] - 1;
    if (place < 0) {
      place = this.#places++;
      this.#placeOf[key] = place + 1;
      const n = this.#snapshots;
      if (place >= this.#keys.length) this.#keys = grow(this.#keys, place + 1);
      if ((place + 1) * n > this.#sizes.length) {
        this.#sizes = grow(this.#sizes, (place + 1) * n);
        this.#counts = grow(this.#counts, (place + 1) * n);
      }
      this.#keys[place] = key;
    }
    return place;
  }
}

/** Ids of one table's strings, frames and stacks in another, found once each. */
class Translation {
  readonly #strings: Int32Array;
  readonly #frames: Int32Array;
  readonly #stacks: Int32Array;
  readonly #ids: number[] = [];

  constructor(readonly from: TraceTable, readonly to: TraceTable) {
    this.#strings = new Int32Array(from.strings.length).fill(-1);
    this.#frames = new Int32Array(from.frameCount).fill(-1);
    this.#stacks = new Int32Array(from.stackCount).fill(-1);
  }

  /** The id in `to` of `key`, a key of `from` of the kind `keyType` groups by. */
  key(keyType: KeyType, key: number): number {
    return keyType === "lineno" ? this.frame(key) : keyType === "traceback" ? this.stack(key) : this.string(key);
  }

  string(id: number): number {
    if (id === NONE) return NONE;
    const known = this.#strings[id];
    return known >= 0 ? known : this.#strings[id] = this.to.internString(this.from.strings[id]);
  }

  frame(id: number): number {
    const known = this.#frames[id];
    if (known >= 0) return known;
    const { frameFile, frameLine, frameColumn, frameFunction } = this.from;
    return this.#frames[id] = this.to.internFrame(
      this.string(frameFile[id]),
      frameLine[id],
      frameColumn[id],
      this.string(frameFunction[id]),
    );
  }

  stack(id: number): number {
    const known = this.#stacks[id];
    if (known >= 0) return known;
    const { stackStart, stackFrames } = this.from;
    const ids = this.#ids;
    ids.length = 0;
    for (let j = stackStart[id]; j < stackStart[id + 1]; j++) ids.push(this.frame(stackFrames[j]));
    return this.#stacks[id] = this.to.internStack(ids);
  }
}

/** Strings sorted at once, natively, before the sorted chunks are merged in steps. */
const STRING_CHUNK = 4096;

/** A UTF-16 unit above U+D7FF: where the built-in order (by unit) differs from code point order. */
const HIGH = /[\ud800-\uffff]/;

/**
 * The ranks `stringRanks` (`order.ts`) gives the strings marked in `used`
 * (code point order, 0 up; 0 for those not marked), in steps: chunks
 * sorted natively, then merged.
 */
function* stringRankSteps(strings: readonly string[], used: Uint8Array): Generator<void, Uint32Array, void> {
  let high = false;
  let runs: string[][] = [];
  let chunk: string[] = [];
  const flush = () => {
    if (!chunk.length) return;
    if (high) chunk.sort(compareStrings);
    else chunk.sort();
    runs.push(chunk);
    chunk = [];
  };
  for (let i = 0; i < used.length; i++) {
    if (!used[i]) continue;
    const s = strings[i];
    if (!high && HIGH.test(s)) {
      // The order by code point from now on; the runs sorted by unit so far are sorted again.
      high = true;
      for (const run of runs) run.sort(compareStrings);
    }
    chunk.push(s);
    if (chunk.length === STRING_CHUNK) {
      flush();
      yield;
    }
  }
  flush();
  const before = high ? (a: string, b: string) => compareStrings(a, b) < 0 : (a: string, b: string) => a < b;
  let merged = 0;
  while (runs.length > 1) {
    const next: string[][] = [];
    for (let r = 0; r < runs.length; r += 2) {
      const a = runs[r], b = runs[r + 1];
      if (!b) {
        next.push(a);
        continue;
      }
      const out = new Array<string>(a.length + b.length);
      let i = 0, j = 0, k = 0;
      while (i < a.length && j < b.length) {
        out[k++] = before(b[j], a[i]) ? b[j++] : a[i++];
        if ((++merged & 8191) === 0) yield;
      }
      while (i < a.length) out[k++] = a[i++];
      while (j < b.length) out[k++] = b[j++];
      next.push(out);
    }
    runs = next;
  }
  const list = runs[0] ?? [];
  const rankOf = new Map<string, number>();
  for (let r = 0; r < list.length; r++) {
    rankOf.set(list[r], r);
    if ((r & STEP_MASK) === STEP_MASK) yield;
  }
  const ranks = new Uint32Array(strings.length);
  for (let i = 0; i < strings.length; i++) {
    if (used[i]) ranks[i] = rankOf.get(strings[i])!;
    if ((i & STEP_MASK) === STEP_MASK) yield;
  }
  return ranks;
}

/** `n` numbers of `from` from `at`, as an array (a typed subarray costs more to make than this loop). */
function slice(from: Float64Array, at: number, n: number): number[] {
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) out[i] = from[at + i];
  return out;
}

function grow<T extends Int32Array | Uint32Array | Float64Array>(array: T, need: number): T {
  let size = array.length * 2;
  while (size < need) size *= 2;
  const bigger = new (array.constructor as new (n: number) => T)(size);
  bigger.set(array);
  return bigger;
}
