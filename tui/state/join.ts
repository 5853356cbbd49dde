/**
 * Changes between two tables of statistics, matched row by row on their
 * keys: what `Snapshot.compareTo()` computes, done in slices that give the
 * event loop back every few milliseconds, and reusing the older table (a
 * live refresh already grouped it last time) instead of grouping it again.
 *
 * @module
 */
import type { Traceback } from "../../src/model/traceback.ts";
import { TableData, type TableKind } from "./table.ts";

/**
 * When to give the event loop a turn, and when to give up.
 *
 * @example
 * ```ts
 * const abandoned = new AbortController();
 * const pace: Pace = { cancelled: () => abandoned.signal.aborted };
 * ```
 */
export interface Pace {
  /** True once the result is no longer wanted. */
  cancelled(): boolean;
}

/** Longest stretch of work between two turns of the event loop, in ms. */
const SLICE_MS = 8;

/**
 * Gives the event loop a turn.
 *
 * @example
 * ```ts
 * await breathe(); // timers and input that were waiting run first
 * ```
 */
export function breathe(ms = 0): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * A loop body run over `0 .. n` in slices; false when cancelled on the way.
 *
 * @example
 * ```ts
 * const squares = new Float64Array(100_000);
 * await sliced(squares.length, { cancelled: () => false }, (i) => squares[i] = i * i); // true
 * ```
 */
export async function sliced(n: number, pace: Pace, body: (i: number) => void): Promise<boolean> {
  let started = performance.now();
  for (let i = 0; i < n; i++) {
    body(i);
    if ((i & 255) === 255 && performance.now() - started > SLICE_MS) {
      await breathe();
      if (pace.cancelled()) return false;
      started = performance.now();
    }
  }
  return !pace.cancelled();
}

/**
 * A key equal for equal rows of different snapshots (their tables intern
 * different ids): every field of every frame.
 *
 * @example
 * ```ts
 * import { Traceback } from "../../src/model/traceback.ts";
 * rowKey(Traceback.fromRaw([["a.ts", 3, 1, "f"]])); // "a.ts\0 3\0 1\0 f\u0002" (without the spaces)
 * ```
 */
export function rowKey(traceback: Traceback): string {
  let key = "";
  for (const f of traceback) {
    key += `${f.filename}\0${f.lineno}\0${f.column ?? ""}\0${f.functionName ?? "\u0001"}\u0002`;
  }
  return key;
}

const indexes = new WeakMap<TableData, Map<string, number>>();

/** Row index by key of `table`, made once per table; null when cancelled. */
async function indexOf(table: TableData, pace: Pace): Promise<Map<string, number> | null> {
  const known = indexes.get(table);
  if (known) return known;
  const index = new Map<string, number>();
  if (!await sliced(table.length, pace, (i) => index.set(rowKey(table.tracebacks[i]), i))) return null;
  indexes.set(table, index);
  return index;
}

/**
 * The rows of `now` with their change from `before` (matched by key). With
 * `keepGone`, rows only `before` has are added with size and count 0, as
 * `compareTo` lists them; a live table leaves them out. Null when
 * cancelled on the way.
 *
 * @example
 * ```ts
 * import type { TableData } from "./table.ts";
 * declare const now: TableData, previous: TableData;
 * const live = await joinTables("live", now, previous, false, { cancelled: () => false });
 * live?.sizeDiff[0]; // growth of the first row since the previous refresh
 * ```
 */
export async function joinTables(
  kind: TableKind,
  now: TableData,
  before: TableData,
  keepGone: boolean,
  pace: Pace,
): Promise<TableData | null> {
  const index = await indexOf(before, pace);
  if (!index) return null;
  const matched = new Uint8Array(before.length);
  const n = now.length;
  const partner = new Int32Array(n);
  const matching = await sliced(n, pace, (i) => {
    const j = index.get(rowKey(now.tracebacks[i]));
    partner[i] = j ?? -1;
    if (j !== undefined) matched[j] = 1;
  });
  if (!matching) return null;
  let gone = 0;
  if (keepGone) { for (let j = 0; j < before.length; j++) gone += matched[j] ? 0 : 1; }
  const total = n + gone;
  const size = new Float64Array(total);
  const count = new Float64Array(total);
  const sizeDiff = new Float64Array(total);
  const countDiff = new Float64Array(total);
  const tracebacks: Traceback[] = now.tracebacks.slice();
  for (let i = 0; i < n; i++) {
    const j = partner[i];
    size[i] = now.size[i];
    count[i] = now.count[i];
    sizeDiff[i] = now.size[i] - (j >= 0 ? before.size[j] : 0);
    countDiff[i] = now.count[i] - (j >= 0 ? before.count[j] : 0);
  }
  if (keepGone) {
    let row = n;
    for (let j = 0; j < before.length; j++) {
      if (matched[j]) continue;
      tracebacks.push(before.tracebacks[j]);
      sizeDiff[row] = -before.size[j];
      countDiff[row] = -before.count[j];
      row++;
    }
  }
  return TableData.fromColumns(kind, now.grouping, tracebacks, { size, count, sizeDiff, countDiff }, true);
}
