/**
 * Statistics of a snapshot: `Statistic` (one group's size and count) and
 * `StatisticDiff` (its change between two snapshots), printed as CPython
 * prints them, and the orders `statistics()` and `compareTo()` sort them in.
 *
 * @module
 */
import { formatCount, formatSize } from "./format.ts";
import { compareTracebacks, type Traceback } from "./traceback.ts";

/**
 * Size and count of the memory blocks grouped under one traceback key, as
 * CPython's `Statistic`; `String(stat)` is byte-identical to CPython's.
 *
 * @example
 * ```ts
 * import { Snapshot } from "./snapshot.ts";
 *
 * const snapshot = new Snapshot([
 *   [0, 5000, [["app.ts", 5]], 1],
 *   [0, 2, [["app.ts", 5]], 1],
 * ], 1);
 * for (const stat of snapshot.statistics("lineno").slice(0, 10)) console.log(String(stat));
 * // app.ts:5: size=5002 B, count=2, average=2501 B
 * ```
 */
export class Statistic {
  #traceback: Traceback | undefined;
  #source: TracebackSource | undefined;
  #key = 0;

  /**
   * @param traceback the group's key as a traceback
   * @param size total size of its memory blocks, in bytes
   * @param count number of its memory blocks
   */
  constructor(traceback: Traceback, readonly size: number, readonly count: number) {
    this.#traceback = traceback;
  }

  /** @internal a statistic whose traceback `source` makes from `key` when first asked for. */
  static ofKey(source: TracebackSource, key: number, size: number, count: number): Statistic {
    const stat = new Statistic(undefined!, size, count);
    stat.#source = source;
    stat.#key = key;
    return stat;
  }

  /** The group's key as a traceback: one frame for "filename" and "lineno", the whole traceback for "traceback". */
  get traceback(): Traceback {
    return this.#traceback ??= this.#source!.traceback(this.#key);
  }

  toString(): string {
    return `${this.traceback}: size=${formatSize(this.size, false)}, count=${formatCount(this.count)}` +
      average(this.size, this.count);
  }
}

/**
 * The change of one group between an old and a new snapshot, as CPython's
 * `StatisticDiff`; `size` and `count` are the new values.
 *
 * @example
 * ```ts
 * import { Snapshot } from "./snapshot.ts";
 *
 * const before = new Snapshot([[0, 2, [["app.ts", 5]], 1]], 1);
 * const now = new Snapshot([[0, 2, [["app.ts", 5]], 1], [0, 5000, [["app.ts", 5]], 1]], 1);
 * const [top] = now.compareTo(before, "lineno");
 * String(top); // "app.ts:5: size=5002 B (+5000 B), count=2 (+1), average=2501 B"
 * ```
 */
export class StatisticDiff {
  #traceback: Traceback | undefined;
  #source: TracebackSource | undefined;
  #key = 0;

  /**
   * @param traceback the group's key as a traceback
   * @param size total size of its memory blocks now, in bytes
   * @param sizeDiff `size` minus the old total size
   * @param count number of its memory blocks now
   * @param countDiff `count` minus the old number
   */
  constructor(
    traceback: Traceback,
    readonly size: number,
    readonly sizeDiff: number,
    readonly count: number,
    readonly countDiff: number,
  ) {
    this.#traceback = traceback;
  }

  /** @internal a difference whose traceback `source` makes from `key` when first asked for. */
  static ofKey(
    source: TracebackSource,
    key: number,
    size: number,
    sizeDiff: number,
    count: number,
    countDiff: number,
  ): StatisticDiff {
    const diff = new StatisticDiff(undefined!, size, sizeDiff, count, countDiff);
    diff.#source = source;
    diff.#key = key;
    return diff;
  }

  /** The group's key as a traceback, as {@link Statistic.traceback}. */
  get traceback(): Traceback {
    return this.#traceback ??= this.#source!.traceback(this.#key);
  }

  toString(): string {
    return `${this.traceback}: size=${formatSize(this.size, false)} (${formatSize(this.sizeDiff, true)}), ` +
      `count=${formatCount(this.count)} (${formatCount(this.countDiff, true)})` + average(this.size, this.count);
  }
}

/** What makes a statistic's traceback from its key (see `KeyTracebacks`). */
export interface TracebackSource {
  traceback(key: number): Traceback;
}

function average(size: number, count: number): string {
  return count ? `, average=${formatSize(size / count, false)}` : "";
}

/** Biggest first by size, count, then traceback: `Snapshot.statistics()`'s order. */
export function compareStatistics(a: Statistic, b: Statistic): number {
  return b.size - a.size || b.count - a.count || compareTracebacks(b.traceback, a.traceback);
}

/** Biggest first by |sizeDiff|, size, |countDiff|, count, traceback: `compareTo()`'s order. */
export function compareStatisticDiffs(a: StatisticDiff, b: StatisticDiff): number {
  return Math.abs(b.sizeDiff) - Math.abs(a.sizeDiff) || b.size - a.size ||
    Math.abs(b.countDiff) - Math.abs(a.countDiff) || b.count - a.count ||
    compareTracebacks(b.traceback, a.traceback);
}
