/**
 * The tracebacks behind one row of a listing or table: what `traceback
 * LABEL N` prints and what the TUI's drill-in shows, decided in one place
 * so both always agree on which traces a row holds.
 *
 * @module
 */
import type { KeyType } from "../model/group.ts";
import { compareFrames, type Frame } from "../model/frame.ts";
import type { Snapshot } from "../model/snapshot.ts";
import type { Statistic } from "../model/statistic.ts";
import type { Traceback } from "../model/traceback.ts";

/**
 * How the rows were grouped: a listing's or a table's.
 *
 * @example
 * ```ts
 * const byFile: RowGrouping = { keyType: "filename", cumulative: false };
 * ```
 */
export interface RowGrouping {
  /** By line, file or whole traceback. */
  readonly keyType: KeyType;
  /** Whether every frame of a traceback counted, not only the most recent. */
  readonly cumulative: boolean;
}

/**
 * A test telling whether a trace's traceback belongs to the row keyed by
 * `key`: the same traceback, or (by line or file) its newest frame there,
 * or any frame there when cumulative.
 *
 * @example
 * ```ts
 * import { Traceback } from "../model/traceback.ts";
 * const inA = belongsToRow(Traceback.fromRaw([["a.ts", 0]]), { keyType: "filename", cumulative: false });
 * inA(Traceback.fromRaw([["a.ts", 9]])); // true
 * ```
 */
export function belongsToRow(key: Traceback, grouping: RowGrouping): (traceback: Traceback) => boolean {
  if (grouping.keyType === "traceback") return (tb) => tb.equals(key);
  const wanted = key.at(0);
  if (!wanted) return () => false;
  const same = grouping.keyType === "filename"
    ? (frame: Frame) => frame.filename === wanted.filename
    : (frame: Frame) => compareFrames(frame, wanted) === 0;
  if (!grouping.cumulative) return (tb) => tb.length > 0 && same(tb.at(-1)!);
  return (tb) => [...tb].some(same);
}

/**
 * The distinct tracebacks of the traces behind the row keyed by `key` in
 * `snapshot` (filters already applied), biggest first.
 *
 * @example
 * ```ts
 * import type { Snapshot } from "../model/snapshot.ts";
 * import { Traceback } from "../model/traceback.ts";
 * declare const snapshot: Snapshot;
 * const row = Traceback.fromRaw([["scripts/demo.ts", 55]]);
 * const stats = tracebacksOfRow(snapshot, row, { keyType: "lineno", cumulative: false });
 * stats[0]?.traceback; // the biggest traceback ending at line 55
 * ```
 */
export function tracebacksOfRow(snapshot: Snapshot, key: Traceback, grouping: RowGrouping): Statistic[] {
  const matches = belongsToRow(key, grouping);
  return snapshot.statistics("traceback").filter((s) => matches(s.traceback));
}
