/**
 * The rows of a statistics table as columns of numbers, with one order per
 * sort key computed once and kept: scrolling, paging and re-sorting never
 * regroup or re-sort what was already sorted, so they stay fast at 100k
 * rows. Orders are computed in steps (see `pace.ts`); a table refreshed
 * from the previous one is ordered from the previous one's orders, sorting
 * only the rows that changed.
 *
 * @module
 */
import { groupTraces, type KeyType } from "../../src/model/group.ts";
import type { Snapshot } from "../../src/model/snapshot.ts";
import { compareTracebacks, type Traceback } from "../../src/model/traceback.ts";
import { type Pace, runNow, runSliced, type Steps } from "./pace.ts";
import { type RowKeyed, RowKeys } from "./rows.ts";
import { type Compare, identity, mergeSteps, sortSteps } from "./sort.ts";

/**
 * What a table can be sorted by.
 *
 * @example
 * ```ts
 * const sort: SortKey = "average"; // bytes per block, biggest first
 * ```
 */
export type SortKey = "size" | "count" | "average" | "growth";

/**
 * Sort keys in the order `o` cycles through them.
 *
 * @example
 * ```ts
 * SORT_KEYS[(SORT_KEYS.indexOf("size") + 1) % SORT_KEYS.length]; // "count"
 * ```
 */
export const SORT_KEYS: readonly SortKey[] = ["size", "count", "average", "growth"];

/**
 * Group-by keys in the order `g` cycles through them.
 *
 * @example
 * ```ts
 * GROUP_KEYS[(GROUP_KEYS.indexOf("traceback") + 1) % GROUP_KEYS.length]; // "lineno"
 * ```
 */
export const GROUP_KEYS: readonly KeyType[] = ["lineno", "filename", "traceback"];

/**
 * Where the rows come from: the live target, one snapshot, two compared,
 * or the target's allocations freed or not.
 *
 * @example
 * ```ts
 * const kind: TableKind = "compare"; // changes from an old snapshot
 * ```
 */
export type TableKind = "live" | "snapshot" | "compare" | "allocated";

/**
 * How the rows were grouped.
 *
 * @example
 * ```ts
 * const byTraceback: Grouping = { keyType: "traceback", cumulative: false };
 * ```
 */
export interface Grouping {
  /** By line, file or whole traceback. */
  readonly keyType: KeyType;
  /** Whether every frame of a traceback counted, not only the most recent. */
  readonly cumulative: boolean;
}

/**
 * The columns of a table.
 *
 * @example
 * ```ts
 * const columns: Columns = {
 *   size: new Float64Array([64]), count: new Float64Array([1]),
 *   sizeDiff: new Float64Array([64]), countDiff: new Float64Array([1]),
 * };
 * ```
 */
export interface Columns {
  readonly size: Float64Array;
  readonly count: Float64Array;
  readonly sizeDiff: Float64Array;
  readonly countDiff: Float64Array;
}

/** The table a refreshed one was made after, and the row of it each row continues (-1: new). */
interface Basis {
  readonly previous: TableData;
  readonly partner: Int32Array;
}

/**
 * Statistics as parallel columns: row `i` is keyed by `traceback(i)`, with
 * its size, count and their change (since the last refresh, or from the
 * old snapshot). Rows are in no particular order; `order(sort)` gives one.
 *
 * Every order is total and deterministic: biggest first by the sort's
 * columns, then by traceback, descending, as CPython breaks ties. `size`
 * is `Snapshot.statistics()`'s order, `growth` is `compareTo()`'s.
 *
 * @example
 * ```ts
 * import type { Snapshot } from "../../src/model/snapshot.ts";
 * declare const snapshot: Snapshot;
 * const table = TableData.ofSnapshot("snapshot", { keyType: "lineno", cumulative: false }, snapshot);
 * const order = table.order("count"); // row indexes, most allocations first
 * table.size[order[0]];
 * ```
 */
export class TableData {
  readonly #orders = new Map<SortKey, Uint32Array>();
  readonly #ranks = new Map<SortKey, Uint32Array>();
  #totals: { size: number; count: number; sizeDiff: number } | null = null;
  #basis: Basis | null = null;

  private constructor(
    /** Where the rows come from. */
    readonly kind: TableKind,
    /** How the rows were grouped. */
    readonly grouping: Grouping,
    /** The key of each row. */
    readonly keys: RowKeyed,
    readonly size: Float64Array,
    readonly count: Float64Array,
    /** Change of size; zeros when there is nothing to compare with. */
    readonly sizeDiff: Float64Array,
    readonly countDiff: Float64Array,
    /** Whether the changes mean something (a previous refresh or an old snapshot exists). */
    readonly hasDiff: boolean,
  ) {}

  /**
   * A table of groups, without changes.
   *
   * @example
   * ```ts
   * import { groupTraces } from "../../src/model/group.ts";
   * import type { Snapshot } from "../../src/model/snapshot.ts";
   * import { RowKeys } from "./rows.ts";
   * declare const snapshot: Snapshot;
   * const groups = groupTraces(snapshot.table, snapshot.columns, "lineno", false);
   * const keys = new RowKeys(snapshot.table, "lineno", groups.keys);
   * TableData.fromGroups("snapshot", { keyType: "lineno", cumulative: false }, keys, groups.size, groups.count);
   * ```
   */
  static fromGroups(
    kind: TableKind,
    grouping: Grouping,
    keys: RowKeys,
    size: Float64Array,
    count: Float64Array,
  ): TableData {
    const n = keys.length;
    return new TableData(kind, grouping, keys, size, count, new Float64Array(n), new Float64Array(n), false);
  }

  /**
   * A table grouped from `snapshot` at once (small snapshots and tests; the
   * screen groups in steps, see `derive.ts`).
   *
   * @example
   * ```ts
   * import { Snapshot } from "../../src/model/snapshot.ts";
   * const snapshot = new Snapshot([[0, 64, [["app.ts", 5]], 1], [0, 32, [["app.ts", 9]], 1]], 1);
   * TableData.ofSnapshot("snapshot", { keyType: "lineno", cumulative: false }, snapshot).length; // 2
   * ```
   */
  static ofSnapshot(kind: TableKind, grouping: Grouping, snapshot: Snapshot): TableData {
    const groups = groupTraces(snapshot.table, snapshot.columns, grouping.keyType, grouping.cumulative);
    const keys = new RowKeys(snapshot.table, grouping.keyType, groups.keys);
    return TableData.fromGroups(kind, grouping, keys, groups.size, groups.count);
  }

  /**
   * A table from its columns, as `joinSteps` makes them; `diff` says
   * whether the changes mean something.
   *
   * @example
   * ```ts
   * import type { RowKeyed } from "./rows.ts";
   * declare const grouping: Grouping, keys: RowKeyed, columns: Columns;
   * TableData.fromColumns("live", grouping, keys, columns, true);
   * ```
   */
  static fromColumns(kind: TableKind, grouping: Grouping, keys: RowKeyed, columns: Columns, diff: boolean): TableData {
    return new TableData(kind, grouping, keys, columns.size, columns.count, columns.sizeDiff, columns.countDiff, diff);
  }

  /** Number of rows. */
  get length(): number {
    return this.keys.length;
  }

  /** The key of row `i`: one frame (lineno, filename) or a whole traceback. */
  traceback(i: number): Traceback {
    return this.keys.traceback(i);
  }

  /** Average block size of row `i` (0 when it has no block left). */
  average(i: number): number {
    return this.count[i] ? this.size[i] / this.count[i] : 0;
  }

  /** Sum of the sizes and of their changes (computed once). */
  get totals(): { size: number; count: number; sizeDiff: number } {
    if (!this.#totals) {
      let size = 0, count = 0, sizeDiff = 0;
      for (let i = 0; i < this.length; i++) {
        size += this.size[i];
        count += this.count[i];
        sizeDiff += this.sizeDiff[i];
      }
      this.#totals = { size, count, sizeDiff };
    }
    return this.#totals;
  }

  /**
   * Says that this table is a refresh of `previous`: row `i` continues row
   * `partner[i]` of it (-1 for a new row). Orders the previous table has
   * are then the start of this one's. The previous table forgets its own
   * basis, so that tables do not hold every refresh before them.
   */
  continues(previous: TableData, partner: Int32Array): void {
    previous.#basis = null;
    this.#basis = { previous, partner };
  }

  /** Row indexes in `sort` order (computed now if need be, and kept). */
  order(sort: SortKey): Uint32Array {
    return this.#orders.get(sort) ?? runNow(this.orderSteps(sort));
  }

  /** The order of `sort` if it is computed, else null. */
  orderIfReady(sort: SortKey): Uint32Array | null {
    return this.#orders.get(sort) ?? null;
  }

  /** Computes the order of `sort` in slices; false when cancelled on the way. */
  async prepare(sort: SortKey, pace: Pace): Promise<boolean> {
    if (this.#orders.has(sort)) return true;
    return await runSliced(this.orderSteps(sort), pace) !== null;
  }

  /** Computes the order of `sort` in steps, and keeps it. */
  *orderSteps(sort: SortKey): Steps<Uint32Array> {
    const ready = this.#orders.get(sort);
    if (ready) return ready;
    const compare = yield* this.#comparator(sort);
    const basis = this.#basis;
    const before = basis?.previous.orderIfReady(sort);
    const order = basis && before
      ? yield* this.#reorder(basis, before, compare)
      : yield* sortSteps(identity(this.length), compare);
    // Another job may have finished it meanwhile: keep the first, so that every caller sees one array.
    const done = this.#orders.get(sort);
    if (done) return done;
    this.#orders.set(sort, order);
    return order;
  }

  /**
   * The position in `sort` order of the row keyed by `key`, or -1 (also
   * when that order is not computed yet).
   */
  positionOf(key: Traceback, sort: SortKey): number {
    const row = this.keys.rowOf(key);
    if (row < 0) return -1;
    let rank = this.#ranks.get(sort);
    if (!rank) {
      const order = this.#orders.get(sort);
      if (!order) return -1;
      rank = new Uint32Array(order.length);
      for (let p = 0; p < order.length; p++) rank[order[p]] = p;
      this.#ranks.set(sort, rank);
    }
    return rank[row];
  }

  /** Biggest first by the sort's columns, then by traceback, descending (CPython's ties). */
  *#comparator(sort: SortKey): Steps<Compare> {
    const { size, count, sizeDiff, countDiff, keys } = this;
    const n = this.length;
    const tie = (a: number, b: number) => compareTracebacks(keys.traceback(b), keys.traceback(a)) || a - b;
    if (sort === "size") return (a, b) => size[b] - size[a] || count[b] - count[a] || tie(a, b);
    if (sort === "count") return (a, b) => count[b] - count[a] || size[b] - size[a] || tie(a, b);
    if (sort === "average") {
      const average = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        average[i] = this.average(i);
        if ((i & 4095) === 4095) yield;
      }
      return (a, b) => average[b] - average[a] || size[b] - size[a] || count[b] - count[a] || tie(a, b);
    }
    // compareTo's order: biggest change first, then size, count change, count, and traceback.
    const change = new Float64Array(n);
    const countChange = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      change[i] = Math.abs(sizeDiff[i]);
      countChange[i] = Math.abs(countDiff[i]);
      if ((i & 4095) === 4095) yield;
    }
    return (a, b) =>
      change[b] - change[a] || size[b] - size[a] || countChange[b] - countChange[a] || count[b] - count[a] ||
      tie(a, b);
  }

  /**
   * This table's order from the previous table's: rows whose four columns
   * are what they were compare with each other as they did, so they keep
   * their order; the others (new or changed) are sorted and merged in.
   */
  *#reorder(basis: Basis, before: Uint32Array, compare: Compare): Steps<Uint32Array> {
    const { previous, partner } = basis;
    const n = this.length;
    const rowOf = new Int32Array(previous.length).fill(-1);
    const changed: number[] = [];
    for (let i = 0; i < n; i++) {
      const j = partner[i];
      if (
        j >= 0 && this.size[i] === previous.size[j] && this.count[i] === previous.count[j] &&
        this.sizeDiff[i] === previous.sizeDiff[j] && this.countDiff[i] === previous.countDiff[j]
      ) rowOf[j] = i;
      else changed.push(i);
      if ((i & 4095) === 4095) yield;
    }
    const kept = new Uint32Array(n - changed.length);
    let k = 0;
    for (let p = 0; p < before.length; p++) {
      const i = rowOf[before[p]];
      if (i >= 0) kept[k++] = i;
      if ((p & 4095) === 4095) yield;
    }
    const sorted = yield* sortSteps(Uint32Array.from(changed), compare);
    return yield* mergeSteps(kept, sorted, compare);
  }
}
