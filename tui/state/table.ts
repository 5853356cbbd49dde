/**
 * The rows of a statistics table as columns of numbers, with one order per
 * sort key computed once and kept: scrolling, paging and re-sorting never
 * regroup or re-sort what was already sorted, so they stay fast at 100k rows.
 *
 * @module
 */
import type { KeyType } from "../../src/model/group.ts";
import type { Statistic, StatisticDiff } from "../../src/model/statistic.ts";
import { compareTracebacks, type Traceback } from "../../src/model/traceback.ts";

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
 * Statistics as parallel columns: row `i` is `tracebacks[i]` with its size,
 * count and their change (since the last refresh, or from the old snapshot).
 *
 * @example
 * ```ts
 * import type { Snapshot } from "../../src/model/snapshot.ts";
 * declare const snapshot: Snapshot;
 * const table = TableData.fromStatistics("snapshot", { keyType: "lineno", cumulative: false },
 *   snapshot.statistics("lineno"));
 * const order = table.order("count"); // row indexes, most allocations first
 * table.size[order[0]];
 * ```
 */
export class TableData {
  readonly #orders = new Map<SortKey, Uint32Array>();

  private constructor(
    /** Where the rows come from. */
    readonly kind: TableKind,
    /** How the rows were grouped. */
    readonly grouping: Grouping,
    /** The key of each row: one frame (lineno, filename) or a whole traceback. */
    readonly tracebacks: readonly Traceback[],
    readonly size: Float64Array,
    readonly count: Float64Array,
    /** Change of size; zeros when there is nothing to compare with. */
    readonly sizeDiff: Float64Array,
    readonly countDiff: Float64Array,
    /** Whether the changes mean something (a previous refresh or an old snapshot exists). */
    readonly hasDiff: boolean,
  ) {}

  /**
   * A table of statistics in `Snapshot.statistics()` order, without changes.
   *
   * @example
   * ```ts
   * import { Snapshot } from "../../src/model/snapshot.ts";
   * const snapshot = new Snapshot([[0, 64, [["app.ts", 5]], 1], [0, 32, [["app.ts", 9]], 1]], 1);
   * const stats = snapshot.statistics("lineno");
   * TableData.fromStatistics("snapshot", { keyType: "lineno", cumulative: false }, stats).length; // 2
   * ```
   */
  static fromStatistics(kind: TableKind, grouping: Grouping, stats: readonly Statistic[]): TableData {
    const n = stats.length;
    const size = new Float64Array(n);
    const count = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      size[i] = stats[i].size;
      count[i] = stats[i].count;
    }
    const table = new TableData(
      kind,
      grouping,
      stats.map((s) => s.traceback),
      size,
      count,
      new Float64Array(n),
      new Float64Array(n),
      false,
    );
    table.#orders.set("size", identity(n));
    return table;
  }

  /**
   * A table of differences, rows in `Snapshot.compareTo()` order. With `dropGone`,
   * groups the new side no longer has (size and count 0) are left out, as a
   * live table shows what is there now.
   *
   * @example
   * ```ts
   * import type { Snapshot } from "../../src/model/snapshot.ts";
   * declare const now: Snapshot, old: Snapshot;
   * TableData.fromDiffs("compare", { keyType: "lineno", cumulative: false }, now.compareTo(old, "lineno"), false);
   * ```
   */
  static fromDiffs(
    kind: TableKind,
    grouping: Grouping,
    diffs: readonly StatisticDiff[],
    dropGone: boolean,
  ): TableData {
    const kept = dropGone ? diffs.filter((d) => d.size !== 0 || d.count !== 0) : diffs;
    const n = kept.length;
    const size = new Float64Array(n);
    const count = new Float64Array(n);
    const sizeDiff = new Float64Array(n);
    const countDiff = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const d = kept[i];
      size[i] = d.size;
      count[i] = d.count;
      sizeDiff[i] = d.sizeDiff;
      countDiff[i] = d.countDiff;
    }
    const table = new TableData(
      kind,
      grouping,
      kept.map((d) => d.traceback),
      size,
      count,
      sizeDiff,
      countDiff,
      true,
    );
    table.#orders.set("growth", identity(n));
    return table;
  }

  /**
   * A table from its columns, as {@link joinTables} makes them; `diff`
   * says whether the changes mean something.
   *
   * @example
   * ```ts
   * import type { Traceback } from "../../src/model/traceback.ts";
   * declare const grouping: Grouping, tracebacks: Traceback[];
   * declare const size: Float64Array, count: Float64Array, sizeDiff: Float64Array, countDiff: Float64Array;
   * TableData.fromColumns("live", grouping, tracebacks, { size, count, sizeDiff, countDiff }, true);
   * ```
   */
  static fromColumns(
    kind: TableKind,
    grouping: Grouping,
    tracebacks: readonly Traceback[],
    columns: { size: Float64Array; count: Float64Array; sizeDiff: Float64Array; countDiff: Float64Array },
    diff: boolean,
  ): TableData {
    return new TableData(
      kind,
      grouping,
      tracebacks,
      columns.size,
      columns.count,
      columns.sizeDiff,
      columns.countDiff,
      diff,
    );
  }

  /** Number of rows. */
  get length(): number {
    return this.tracebacks.length;
  }

  /** Average block size of row `i` (0 when it has no block left). */
  average(i: number): number {
    return this.count[i] ? this.size[i] / this.count[i] : 0;
  }

  /** Sum of the sizes and of their changes. */
  get totals(): { size: number; count: number; sizeDiff: number } {
    let size = 0;
    let count = 0;
    let sizeDiff = 0;
    for (let i = 0; i < this.length; i++) {
      size += this.size[i];
      count += this.count[i];
      sizeDiff += this.sizeDiff[i];
    }
    return { size, count, sizeDiff };
  }

  /**
   * Row indexes in `sort` order, biggest first; ties keep the base order
   * (statistics or compareTo order), so every order is deterministic.
   * Computed once per sort key.
   */
  order(sort: SortKey): Uint32Array {
    let order = this.#orders.get(sort);
    if (!order) {
      order = this.#sorted(sort);
      this.#orders.set(sort, order);
    }
    return order;
  }

  /** Computes the order of `sort` now, so a later key press finds it ready. */
  prepare(sort: SortKey): void {
    this.order(sort);
  }

  /** The position in `sort` order of the row keyed by `key`, or -1. */
  positionOf(key: Traceback, sort: SortKey): number {
    const order = this.order(sort);
    for (let p = 0; p < order.length; p++) {
      const tb = this.tracebacks[order[p]];
      if (tb === key || tb.equals(key)) return p;
    }
    return -1;
  }

  #sorted(sort: SortKey): Uint32Array {
    const { size, count, sizeDiff, countDiff, tracebacks } = this;
    const n = this.length;
    let compare: (a: number, b: number) => number;
    if (sort === "size") compare = (a, b) => size[b] - size[a] || count[b] - count[a] || a - b;
    else if (sort === "count") compare = (a, b) => count[b] - count[a] || size[b] - size[a] || a - b;
    else if (sort === "average") {
      const average = new Float64Array(n);
      for (let i = 0; i < n; i++) average[i] = this.average(i);
      compare = (a, b) => average[b] - average[a] || size[b] - size[a] || a - b;
    } else {
      // compareTo's order: biggest change first, then size, count change, count, and traceback (descending, as CPython).
      const change = new Float64Array(n);
      const countChange = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        change[i] = Math.abs(sizeDiff[i]);
        countChange[i] = Math.abs(countDiff[i]);
      }
      compare = (a, b) =>
        change[b] - change[a] || size[b] - size[a] || countChange[b] - countChange[a] || count[b] - count[a] ||
        compareTracebacks(tracebacks[b], tracebacks[a]);
    }
    const rows = Array.from({ length: n }, (_, i) => i);
    rows.sort(compare);
    return Uint32Array.from(rows);
  }
}

function identity(n: number): Uint32Array {
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  return order;
}
