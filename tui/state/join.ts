/**
 * Changes between two tables of statistics, matched row by row on their
 * keys: what `Snapshot.compareTo()` computes, in steps (see `pace.ts`),
 * reusing the older table (a live refresh already grouped it last time)
 * instead of grouping it again. Rows are matched on the ids of the older
 * table: the newer table's strings are looked up there once each, then
 * every key is found through the older table's index of its rows.
 *
 * @module
 */
import { NONE } from "../../src/model/table.ts";
import { type Pace, runSliced, type Steps } from "./pace.ts";
import { JoinedKeys, MISSING, RowKeys, StackQuery, translationSteps } from "./rows.ts";
import { TableData, type TableKind } from "./table.ts";

export { breathe, type Pace, sliced } from "./pace.ts";

/**
 * A table of changes and, for each of its rows from the newer table, the
 * row of the older table it continues (-1: new).
 *
 * @example
 * ```ts
 * declare const joined: Joined;
 * joined.partner[0]; // the older table's row of the first row, or -1
 * ```
 */
export interface Joined {
  readonly table: TableData;
  readonly partner: Int32Array;
}

/**
 * For each row of `now`, the row of `before` with the same key, or -1.
 * Both tables must be grouped from snapshots (their keys are `RowKeys`).
 *
 * @example
 * ```ts
 * import { runNow } from "./pace.ts";
 * import type { TableData } from "./table.ts";
 * declare const now: TableData, before: TableData;
 * const partner = runNow(partnerSteps(now, before));
 * ```
 */
export function* partnerSteps(now: TableData, before: TableData): Steps<Int32Array> {
  const nowKeys = now.keys, beforeKeys = before.keys;
  if (!(nowKeys instanceof RowKeys) || !(beforeKeys instanceof RowKeys)) {
    throw new TypeError("only tables grouped from snapshots can be joined");
  }
  yield* beforeKeys.indexSteps();
  const from = nowKeys.table;
  const ids = yield* translationSteps(from, beforeKeys.table);
  const to = ids ? (id: number) => id === NONE ? NONE : ids[id] : (id: number) => id;
  const { frameFile, frameLine, frameColumn, frameFunction, stackStart, stackFrames } = from;
  const keys = nowKeys.keys;
  const n = keys.length;
  const partner = new Int32Array(n);
  const query = new StackQuery();
  for (let i = 0; i < n; i++) {
    const key = keys[i];
    let j = -1;
    if (nowKeys.keyType === "filename") {
      const file = to(key);
      if (file !== MISSING) j = beforeKeys.findFile(file);
    } else if (nowKeys.keyType === "lineno") {
      const file = to(frameFile[key]), fn = to(frameFunction[key]);
      if (file !== MISSING && fn !== MISSING) j = beforeKeys.findFrame(file, frameLine[key], frameColumn[key], fn);
    } else {
      query.length = 0;
      let found = true;
      for (let at = stackStart[key]; at < stackStart[key + 1] && found; at++) {
        const f = stackFrames[at];
        const file = to(frameFile[f]), fn = to(frameFunction[f]);
        if (file === MISSING || fn === MISSING) found = false;
        else query.push(file, frameLine[f], frameColumn[f], fn);
      }
      if (found) j = beforeKeys.findStack(query);
    }
    partner[i] = j;
    if ((i & 1023) === 1023) yield;
  }
  return partner;
}

/**
 * The rows of `now` with their change from `before` (matched by key), in
 * steps. With `keepGone`, rows only `before` has come after them with
 * size and count 0, as `compareTo` lists them; a live table leaves them out
 * (its rows are then `now`'s, in the same order).
 *
 * @example
 * ```ts
 * import { runNow } from "./pace.ts";
 * import type { TableData } from "./table.ts";
 * declare const now: TableData, previous: TableData;
 * const { table } = runNow(joinSteps("live", now, previous, false));
 * table.sizeDiff[0]; // growth of the first row since the previous refresh
 * ```
 */
export function* joinSteps(kind: TableKind, now: TableData, before: TableData, keepGone: boolean): Steps<Joined> {
  const partner = yield* partnerSteps(now, before);
  const n = now.length;
  let gone = new Uint32Array(0);
  if (keepGone) {
    const matched = new Uint8Array(before.length);
    for (let i = 0; i < n; i++) if (partner[i] >= 0) matched[partner[i]] = 1;
    const rows: number[] = [];
    for (let j = 0; j < before.length; j++) if (!matched[j]) rows.push(j);
    gone = Uint32Array.from(rows);
    yield;
  }
  const total = n + gone.length;
  const size = new Float64Array(total), count = new Float64Array(total);
  const sizeDiff = new Float64Array(total), countDiff = new Float64Array(total);
  size.set(now.size.subarray(0, n));
  count.set(now.count.subarray(0, n));
  for (let i = 0; i < n; i++) {
    const j = partner[i];
    sizeDiff[i] = now.size[i] - (j >= 0 ? before.size[j] : 0);
    countDiff[i] = now.count[i] - (j >= 0 ? before.count[j] : 0);
  }
  for (let g = 0; g < gone.length; g++) {
    // 0 - x, not -x: a group of zero size that disappears changes by +0 B, as compareTo says.
    sizeDiff[n + g] = 0 - before.size[gone[g]];
    countDiff[n + g] = 0 - before.count[gone[g]];
  }
  const keys = keepGone ? new JoinedKeys(now.keys as RowKeys, before.keys as RowKeys, gone) : now.keys;
  const table = TableData.fromColumns(kind, now.grouping, keys, { size, count, sizeDiff, countDiff }, true);
  return { table, partner };
}

/**
 * {@link joinSteps} in slices; null when cancelled on the way.
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
  return (await runSliced(joinSteps(kind, now, before, keepGone), pace))?.table ?? null;
}
