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
import { frameRanks, stackRanks, stringRanks } from "./order.ts";

/** What `statistics()` and `compareTo()` group by. */
export type KeyType = "filename" | "lineno" | "traceback";

/**
 * Groups of traces, one slot per group: the key's id in the table (a string
 * id for "filename", a frame id for "lineno", a stack id for "traceback"),
 * and the sums of size and allocation count.
 */
export interface Groups {
  readonly keys: Uint32Array;
  readonly size: Float64Array;
  readonly count: Float64Array;
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

/** Number of ids of the kind `keyType` groups by: the size of a dense array over them. */
export function keySpace(table: TraceTable, keyType: KeyType): number {
  return keyType === "traceback" ? table.stackCount : keyType === "filename" ? table.strings.length : table.frameCount;
}

/** Groups the traces of `columns` by `keyType`; unordered. */
export function groupTraces(
  table: TraceTable,
  columns: TraceColumns,
  keyType: KeyType,
  cumulative: boolean,
): Groups {
  const sums = sumByTraceback(table, columns);
  const dim = keySpace(table, keyType);
  const size = new Float64Array(dim);
  const count = new Float64Array(dim);
  const seen = new Uint8Array(dim);
  const touched = new Uint32Array(dim);
  let groups = 0;
  const { stackStart, stackFrames, frameFile, tracebackStack } = table;
  const mode = keyType === "traceback" ? 0 : keyType === "lineno" ? 1 : 2;
  for (let tb = 0; tb < table.tracebackCount; tb++) {
    if (!sums.traces[tb]) continue;
    const stack = tracebackStack[tb];
    const from = stackStart[stack];
    // CPython counts a frame once per occurrence, recursion included.
    const to = mode === 0 || !cumulative ? from + 1 : stackStart[stack + 1];
    for (let j = from; j < to; j++) {
      const key = mode === 0 ? stack : mode === 1 ? stackFrames[j] : frameFile[stackFrames[j]];
      if (!seen[key]) {
        seen[key] = 1;
        touched[groups++] = key;
      }
      size[key] += sums.size[tb];
      count[key] += sums.count[tb];
    }
  }
  const keys = touched.slice(0, groups);
  const groupSize = new Float64Array(groups);
  const groupCount = new Float64Array(groups);
  for (let g = 0; g < groups; g++) {
    groupSize[g] = size[keys[g]];
    groupCount[g] = count[keys[g]];
  }
  return { keys, size: groupSize, count: groupCount };
}

/**
 * The rank of each key of `keys` in CPython's order of the tracebacks they
 * stand for, from 0.
 */
export function keyRanks(table: TraceTable, keyType: KeyType, keys: Uint32Array): Uint32Array {
  if (keyType === "traceback") return stackRanks(table, keys);
  if (keyType === "lineno") return frameRanks(table, keys);
  const used = new Uint8Array(table.strings.length);
  for (let i = 0; i < keys.length; i++) used[keys[i]] = 1;
  const ranks = stringRanks(table, used);
  const out = new Uint32Array(keys.length);
  for (let i = 0; i < keys.length; i++) out[i] = ranks[keys[i]];
  return out;
}

/**
 * The tracebacks that keys of one kind stand for, made when asked for:
 * statistics hold a key and make their traceback on first access.
 *
 * @example
 * ```ts
 * import { Snapshot } from "./snapshot.ts";
 *
 * const snapshot = new Snapshot([[0, 64, [["app.ts", 3]], 1]], 1);
 * const tracebacks = new KeyTracebacks(snapshot.table, "filename");
 * String(tracebacks.traceback(0)); // "app.ts:0"
 * ```
 */
export class KeyTracebacks {
  readonly #frames: FrameCache;

  constructor(readonly table: TraceTable, readonly keyType: KeyType) {
    this.#frames = new FrameCache(table);
  }

  /** The traceback of key `key` (a string, frame or stack id, as `keyType` says). */
  traceback(key: number): Traceback {
    if (this.keyType === "traceback") return this.#frames.stackTraceback(key, NONE);
    return new Traceback([this.keyType === "lineno" ? this.#frames.frame(key) : new Frame(this.table.strings[key], 0)]);
  }
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
