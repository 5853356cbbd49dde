/**
 * The tracebacks behind one row of a table, as `traceback LABEL N` finds
 * them (`tracebacksOfRow`): the snapshot's statistics by traceback whose
 * stack the row's key is the top of (or holds, cumulative), biggest first.
 * Found in steps on the ids of the snapshot's interned table, from its
 * grouping by traceback (made once per snapshot and kept), making objects
 * for the matching stacks only.
 *
 * @module
 */
import { NONE } from "../../src/model/table.ts";
import type { Snapshot } from "../../src/model/snapshot.ts";
import { Statistic } from "../../src/model/statistic.ts";
import { compareTracebacks, type Traceback } from "../../src/model/traceback.ts";
import { groupSteps } from "./derive.ts";
import type { Steps } from "./pace.ts";
import type { RowKeys } from "./rows.ts";
import { sortSteps } from "./sort.ts";
import type { Grouping } from "./table.ts";

/** Equal numbers, NaN equal to NaN. */
const same = (a: number, b: number) => a === b || (a !== a && b !== b);

/**
 * The statistics by traceback of `snapshot` that make up the row keyed by
 * `key` in a table grouped as `grouping`, in `Snapshot.statistics()` order.
 *
 * @example
 * ```ts
 * import { Snapshot } from "../../src/model/snapshot.ts";
 * import { Traceback } from "../../src/model/traceback.ts";
 * import { runNow } from "./pace.ts";
 * const snapshot = new Snapshot([[0, 64, [["app.ts", 3], ["main.ts", 9]], 2]], 2);
 * const key = Traceback.fromRaw([["app.ts", 3]]);
 * runNow(rowTracebackSteps(snapshot, key, { keyType: "lineno", cumulative: false })).length; // 1
 * ```
 */
export function* rowTracebackSteps(snapshot: Snapshot, key: Traceback, grouping: Grouping): Steps<Statistic[]> {
  const byStack = { keyType: "traceback", cumulative: false } as const;
  const { table } = yield* groupSteps(snapshot, [], "", byStack, "snapshot");
  const keys = table.keys as RowKeys;
  const rows: number[] = [];
  if (grouping.keyType === "traceback") {
    const row = keys.rowOf(key);
    if (row >= 0) rows.push(row);
  } else {
    const matches = frameTest(keys, key, grouping.keyType === "filename");
    if (!matches) return [];
    const { stackStart, stackFrames } = keys.table;
    for (let row = 0; row < keys.length; row++) {
      const s = keys.keys[row];
      const top = stackStart[s], end = stackStart[s + 1];
      if (grouping.cumulative) {
        for (let j = top; j < end; j++) {
          if (matches(stackFrames[j])) {
            rows.push(row);
            break;
          }
        }
      } else if (end > top && matches(stackFrames[top])) rows.push(row);
      if ((row & 1023) === 1023) yield;
    }
  }
  const { size, count } = table;
  const order = yield* sortSteps(
    Uint32Array.from(rows),
    (a, b) => size[b] - size[a] || count[b] - count[a] || compareTracebacks(keys.traceback(b), keys.traceback(a)),
  );
  return Array.from(order, (row) => new Statistic(keys.traceback(row), size[row], count[row]));
}

/** Whether a frame id of `keys`' table is the key's frame (or in its file); null when the table has no such frame. */
function frameTest(keys: RowKeys, key: Traceback, byFile: boolean): ((frame: number) => boolean) | null {
  const wanted = key.at(0);
  if (!wanted) return null;
  const { strings, frameFile, frameLine, frameColumn, frameFunction } = keys.table;
  const file = strings.indexOf(wanted.filename);
  if (file < 0) return null;
  if (byFile) return (f) => frameFile[f] === file;
  const fn = wanted.functionName === undefined ? NONE : strings.indexOf(wanted.functionName);
  if (wanted.functionName !== undefined && fn < 0) return null;
  const line = wanted.lineno, column = wanted.column ?? NONE;
  return (f) =>
    frameFile[f] === file && same(frameLine[f], line) && same(frameColumn[f], column) && frameFunction[f] === fn;
}
