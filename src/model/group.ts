/**
 * Grouping of traces by key, on integer ids: CPython's `Snapshot._group_by`.
 *
 * Traces are first summed per traceback id (one pass over the columns), then
 * each traceback's sums go to its key(s), so the per-trace work is a few
 * array additions whatever the key.
 *
 * @module
 */
import type { TraceColumns } from "./columns.ts";
import { Frame } from "./frame.ts";
import { NONE, type TraceTable } from "./table.ts";
import { Traceback } from "./traceback.ts";

/** What `statistics()` and `compareTo()` group by. */
export type KeyType = "filename" | "lineno" | "traceback";

/** One group: its key's id in the table (string, frame or stack id), its traceback and sums. */
export interface Group {
  readonly id: number;
  readonly traceback: Traceback;
  readonly size: number;
  readonly count: number;
}

/** Throws as CPython does for an unknown key or `cumulative` with `"traceback"`. */
export function checkKey(keyType: unknown, cumulative: boolean): asserts keyType is KeyType {
  if (keyType !== "traceback" && keyType !== "filename" && keyType !== "lineno") {
    throw new RangeError(`unknown key_type: ${JSON.stringify(keyType)} (use "filename", "lineno" or "traceback")`);
  }
  if (cumulative && keyType === "traceback") {
    throw new RangeError(`cumulative mode cannot be used with key type "traceback"`);
  }
}

/** Sums of size, allocation count and trace count per traceback id. */
function sumByTraceback(table: TraceTable, columns: TraceColumns) {
  const n = table.tracebackCount;
  const size = new Float64Array(n);
  const traces = new Uint32Array(n);
  const { traceback, size: sizes, count: weights, length } = columns;
  for (let i = 0; i < length; i++) {
    const tb = traceback[i];
    size[tb] += sizes[i];
    traces[tb]++;
  }
  let count: ArrayLike<number> = traces;
  if (weights) {
    const c = new Float64Array(n);
    for (let i = 0; i < length; i++) c[traceback[i]] += weights[i];
    count = c;
  }
  return { size, count, traces };
}

/** Groups the traces of `columns` by `keyType`; unordered. */
export function groupTraces(
  table: TraceTable,
  columns: TraceColumns,
  keyType: KeyType,
  cumulative: boolean,
): Group[] {
  const sums = sumByTraceback(table, columns);
  const byFile = keyType === "filename";
  const dim = keyType === "traceback" ? table.stackCount : byFile ? table.strings.length : table.frameCount;
  const size = new Float64Array(dim);
  const count = new Float64Array(dim);
  const touched: number[] = [];
  const seen = new Uint8Array(dim);
  const add = (key: number, tb: number) => {
    if (!seen[key]) {
      seen[key] = 1;
      touched.push(key);
    }
    size[key] += sums.size[tb];
    count[key] += sums.count[tb];
  };
  const { stackStart, stackFrames, frameFile } = table;
  for (let tb = 0; tb < table.tracebackCount; tb++) {
    if (!sums.traces[tb]) continue;
    const stack = table.tracebackStack[tb];
    if (keyType === "traceback") add(stack, tb);
    else if (!cumulative) {
      const top = stackFrames[stackStart[stack]];
      add(byFile ? frameFile[top] : top, tb);
    } else {
      // CPython counts a frame once per occurrence, recursion included.
      for (let j = stackStart[stack]; j < stackStart[stack + 1]; j++) {
        add(byFile ? frameFile[stackFrames[j]] : stackFrames[j], tb);
      }
    }
  }
  const frames = new FrameCache(table);
  return touched.map((id) => ({
    id,
    size: size[id],
    count: count[id],
    traceback: keyType === "traceback"
      ? frames.stackTraceback(id, NONE)
      : new Traceback([byFile ? new Frame(table.strings[id], 0) : frames.frame(id)]),
  }));
}

/**
 * Frame and traceback objects made from table ids, each made once.
 *
 * @example
 * ```ts
 * import { Snapshot } from "./snapshot.ts";
 *
 * const snapshot = new Snapshot([[0, 64, [["app.ts", 3]], 1]], 1);
 * const cache = new FrameCache(snapshot.table);
 * cache.traceback(snapshot.columns.traceback[0]); // Traceback, oldest frame first
 * ```
 */
export class FrameCache {
  readonly #frames = new Map<number, Frame>();
  readonly #tracebacks = new Map<number, Traceback>();

  constructor(readonly table: TraceTable) {}

  frame(id: number): Frame {
    let frame = this.#frames.get(id);
    if (!frame) {
      const t = this.table;
      const column = t.frameColumn[id];
      const fn = t.frameFunction[id];
      frame = new Frame(
        t.strings[t.frameFile[id]],
        t.frameLine[id],
        column === NONE ? undefined : column,
        fn === NONE ? undefined : t.strings[fn],
      );
      this.#frames.set(id, frame);
    }
    return frame;
  }

  /** The traceback of stack `stack`, oldest frame first. */
  stackTraceback(stack: number, totalNframe: number): Traceback {
    const t = this.table;
    const frames: Frame[] = [];
    for (let j = t.stackStart[stack + 1] - 1; j >= t.stackStart[stack]; j--) frames.push(this.frame(t.stackFrames[j]));
    return new Traceback(frames, totalNframe === NONE ? null : totalNframe);
  }

  /** The traceback of traceback id `tb` (with its `totalNframe`), made once. */
  traceback(tb: number): Traceback {
    let traceback = this.#tracebacks.get(tb);
    if (!traceback) {
      traceback = this.stackTraceback(this.table.tracebackStack[tb], this.table.tracebackTotal[tb]);
      this.#tracebacks.set(tb, traceback);
    }
    return traceback;
  }
}
