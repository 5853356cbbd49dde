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

/** Number of ids of the kind `keyType` groups by: the size of a dense array over them. */
export function keySpace(table: TraceTable, keyType: KeyType): number {
  return keyType === "traceback" ? table.stackCount : keyType === "filename" ? table.strings.length : table.frameCount;
}

/**
 * Groups the traces of `columns` by `keyType`, in order of first appearance;
 * `statistics()` and `compareTo()` order them afterwards.
 *
 * Groups are numbered as they are met: a dense array over key ids holds each
 * key's group, so the sums go straight into arrays as long as the groups
 * (which tables many times larger than the snapshot do not inflate).
 */
export function groupTraces(
  table: TraceTable,
  columns: TraceColumns,
  keyType: KeyType,
  cumulative: boolean,
): Groups {
  const mode = keyType === "traceback" ? TRACEBACK : keyType === "lineno" ? LINENO : FILENAME;
  return cumulative && mode !== TRACEBACK ? groupEveryFrame(table, columns, mode) : groupByTop(table, columns, mode);
}

const TRACEBACK = 0, LINENO = 1, FILENAME = 2;

/**
 * Groups by the traceback's stack or its most recent frame: one pass over the
 * traces, each traceback's group found once (the first time one of its
 * traces comes) and remembered.
 */
function groupByTop(table: TraceTable, columns: TraceColumns, mode: number): Groups {
  const { length, traceback, size: sizes, count: weights } = columns;
  const dim = keySpace(table, mode === TRACEBACK ? "traceback" : mode === LINENO ? "lineno" : "filename");
  const bound = Math.min(length, table.tracebackCount, dim);
  const keys = new Uint32Array(bound), size = new Float64Array(bound), count = new Float64Array(bound);
  // Group + 1 of each traceback and each key; 0 before it is met.
  const groupOfTraceback = new Int32Array(table.tracebackCount);
  const groupOfKey = new Int32Array(dim);
  const { tracebackStack, stackStart, stackFrames, frameFile } = table;
  let groups = 0;
  for (let i = 0; i < length; i++) {
    const tb = traceback[i];
    let g = groupOfTraceback[tb] - 1;
    if (g < 0) {
      const stack = tracebackStack[tb];
      const key = mode === TRACEBACK
        ? stack
        : mode === LINENO
        ? stackFrames[stackStart[stack]]
        : frameFile[stackFrames[stackStart[stack]]];
      g = groupOfKey[key] - 1;
      if (g < 0) {
        g = groups++;
        groupOfKey[key] = g + 1;
        keys[g] = key;
      }
      groupOfTraceback[tb] = g + 1;
    }
    size[g] += sizes[i];
    count[g] += weights === null ? 1 : weights[i];
  }
  return { keys: keys.subarray(0, groups), size: size.subarray(0, groups), count: count.subarray(0, groups) };
}

/**
 * Cumulative groups: every frame of a traceback (or its file) counts, once per
 * occurrence, recursion included, as in CPython. Traces are summed per
 * traceback first, so the per-trace work is two additions.
 */
function groupEveryFrame(table: TraceTable, columns: TraceColumns, mode: number): Groups {
  const sums = sumByTraceback(table, columns);
  const dim = keySpace(table, mode === LINENO ? "lineno" : "filename");
  const { tracebackStack, stackStart, stackFrames, frameFile } = table;
  let bound = 0;
  for (let k = 0; k < sums.used.length; k++) {
    const stack = tracebackStack[sums.used[k]];
    bound += stackStart[stack + 1] - stackStart[stack];
  }
  bound = Math.min(bound, dim);
  const keys = new Uint32Array(bound), size = new Float64Array(bound), count = new Float64Array(bound);
  const groupOfKey = new Int32Array(dim);
  let groups = 0;
  for (let k = 0; k < sums.used.length; k++) {
    const tb = sums.used[k];
    const stack = tracebackStack[tb];
    const tbSize = sums.size[tb], tbCount = sums.count[tb];
    for (let j = stackStart[stack]; j < stackStart[stack + 1]; j++) {
      const key = mode === LINENO ? stackFrames[j] : frameFile[stackFrames[j]];
      let g = groupOfKey[key] - 1;
      if (g < 0) {
        g = groups++;
        groupOfKey[key] = g + 1;
        keys[g] = key;
      }
      size[g] += tbSize;
      count[g] += tbCount;
    }
  }
  return { keys: keys.subarray(0, groups), size: size.subarray(0, groups), count: count.subarray(0, groups) };
}

/** Sums of size and allocation count per traceback id, and the ids used, in order of first use. */
function sumByTraceback(table: TraceTable, columns: TraceColumns) {
  const n = table.tracebackCount;
  const size = new Float64Array(n);
  const count = new Float64Array(n);
  const met = new Uint8Array(n);
  const { traceback, size: sizes, count: weights, length } = columns;
  const used = new Uint32Array(Math.min(n, length));
  let distinct = 0;
  for (let i = 0; i < length; i++) {
    const tb = traceback[i];
    if (met[tb] === 0) {
      met[tb] = 1;
      used[distinct++] = tb;
    }
    size[tb] += sizes[i];
    count[tb] += weights === null ? 1 : weights[i];
  }
  return { size, count, used: used.subarray(0, distinct) };
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
