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
import { checkKey, groupTraces, keyRanks, KeyTracebacks, type KeyType } from "./group.ts";
import type { Snapshot } from "./snapshot.ts";
import type { TracebackSource } from "./statistic.ts";
import { numericKeys, orderByKeys } from "./order.ts";
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
  checkKey(keyType, false);
  if (snapshots.length < MIN_SNAPSHOTS) {
    throw new RangeError(`leaks need at least ${MIN_SNAPSHOTS} snapshots, not ${snapshots.length}`);
  }
  const places = new Places(keyType, snapshots.length);
  snapshots.forEach((snapshot, i) => places.add(i, snapshot));
  return places.grown();
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
  add(i: number, snapshot: Snapshot): void {
    const { keys, size, count } = groupTraces(snapshot.table, snapshot.columns, this.#keyType, false);
    let translation = this.#translations.get(snapshot.table);
    if (!translation) {
      this.#translations.set(snapshot.table, translation = new Translation(snapshot.table, this.#table));
    }
    const n = this.#snapshots;
    for (let g = 0; g < keys.length; g++) {
      const place = this.#place(translation.key(this.#keyType, keys[g]));
      this.#sizes[place * n + i] += size[g];
      this.#counts[place * n + i] += count[g];
    }
  }

  /** The places bigger in the last snapshot than in the first, in ranking order. */
  grown(): LeakStatistic[] {
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
    }
    // Sorted by radix passes over numeric keys, as statistics() sorts: no comparator, no traceback made.
    const ranks = keyRanks(this.#table, this.#keyType, Uint32Array.from(keys));
    const values = new Float64Array(found.length);
    const fields = [(l: LeakStatistic) => l.steadiness, (l: LeakStatistic) => l.growth, (l: LeakStatistic) => l.last];
    const order = orderByKeys(found.length, 4, (k, out) => {
      if (k === 3) return out.set(ranks); // ties in CPython's traceback order
      for (let i = 0; i < found.length; i++) values[i] = -fields[k](found[i]); // biggest first
      numericKeys(values, out);
    });
    return Array.from(order, (i) => found[i]);
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
