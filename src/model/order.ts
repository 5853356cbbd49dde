/**
 * Sorting without a comparator: orders of many items by numeric keys, found
 * by LSD radix passes over typed arrays, and the ranks of table strings,
 * frames and stacks in CPython's order, which those keys are made of.
 *
 * `statistics()` and `compareTo()` sort tens of thousands of groups, often
 * in a fresh process: a comparator called a million times runs in the
 * interpreter for most of them, while a few tight loops over typed arrays
 * are compiled after a few thousand iterations.
 *
 * @module
 */
import { compareStrings } from "./frame.ts";
import { NONE, type TraceTable } from "./table.ts";

const BITS = 11;
const BUCKETS = 1 << BITS;
const MASK = BUCKETS - 1;

/**
 * The items `0..n-1` in ascending order of their keys: `fill(k, out)` writes
 * key `k` of every item to `out` (whole numbers below 2^32), key 0 most
 * significant; ties keep the item order. Returns the items in order.
 *
 * @example
 * ```ts
 * const size = [5, 9, 5];
 * orderByKeys(3, 1, (_, out) => out.set(size)); // Uint32Array [0, 2, 1]
 * ```
 */
export function orderByKeys(n: number, keys: number, fill: (k: number, out: Uint32Array) => void): Uint32Array {
  let order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  if (n < 2) return order;
  let spare = new Uint32Array(n);
  const key = new Uint32Array(n);
  const counts = new Uint32Array(BUCKETS);
  for (let k = keys - 1; k >= 0; k--) {
    fill(k, key);
    const max = maxOf(key);
    for (let shift = 0; shift < 32 && max >>> shift; shift += BITS) {
      if (radixPass(order, spare, key, shift, counts)) [order, spare] = [spare, order];
    }
  }
  return order;
}

function maxOf(values: Uint32Array): number {
  let max = 0;
  for (let i = 0; i < values.length; i++) if (values[i] > max) max = values[i];
  return max;
}

/** One stable counting pass on the digit at `shift`; false when every item has the same digit (nothing moved). */
function radixPass(src: Uint32Array, dst: Uint32Array, key: Uint32Array, shift: number, counts: Uint32Array): boolean {
  const n = src.length;
  counts.fill(0);
  for (let i = 0; i < n; i++) counts[key[src[i]] >>> shift & MASK]++;
  let sum = 0;
  for (let b = 0; b < BUCKETS; b++) {
    const c = counts[b];
    if (c === n) return false;
    counts[b] = sum;
    sum += c;
  }
  for (let i = 0; i < n; i++) {
    const e = src[i];
    dst[counts[key[e] >>> shift & MASK]++] = e;
  }
  return true;
}

/**
 * Writes to `out` keys that order as `values` do (equal values, equal keys):
 * `values[i] - min` when all are whole and within 2^32 of each other, else
 * their dense rank. `-Infinity` stands for "absent" and sorts first.
 *
 * @example
 * ```ts
 * const out = new Uint32Array(3);
 * numericKeys(new Float64Array([10, -Infinity, 12]), out); // out: 1, 0, 3
 * ```
 */
export function numericKeys(values: Float64Array, out: Uint32Array): void {
  const n = values.length;
  let min = Infinity, max = -Infinity, absent = 0, whole = true;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v === -Infinity) absent = 1;
    else {
      if (v < min) min = v;
      if (v > max) max = v;
      if (v % 1 !== 0) whole = false; // NaN and Infinity too
    }
  }
  if (whole && max - min + absent < 2 ** 32 - 1) {
    for (let i = 0; i < n; i++) {
      const v = values[i];
      out[i] = v === -Infinity ? 0 : v - min + absent;
    }
    return;
  }
  denseRanks(values, out);
}

/** The rank of each value among the distinct values (NaN last). */
function denseRanks(values: Float64Array, out: Uint32Array): void {
  const sorted = values.slice().sort();
  let distinct = 0;
  for (let i = 0; i < sorted.length; i++) {
    if (i === 0 || sorted[i] !== sorted[i - 1] || sorted[i] !== sorted[i]) sorted[distinct++] = sorted[i];
  }
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    let lo = 0, hi = distinct;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid] < v) lo = mid + 1;
      else hi = mid;
    }
    out[i] = v === v ? lo : distinct;
  }
}

/** Code points above U+D7FF, where UTF-16 order (`<`) and code point order (Python's) part ways. */
const HIGH = /[\ud800-\uffff]/;

/**
 * Rank of each string of `table` that `used` marks (non-zero), in Python's
 * order (by code point), from 0; others are left 0.
 *
 * @example
 * ```ts
 * import { TraceTable } from "./table.ts";
 *
 * const table = new TraceTable();
 * table.internString("b");
 * table.internString("a");
 * stringRanks(table, new Uint8Array([1, 1])); // Uint32Array [1, 0]
 * ```
 */
export function stringRanks(table: TraceTable, used: Uint8Array): Uint32Array {
  const { strings } = table;
  const list: string[] = [];
  for (let i = 0; i < used.length; i++) if (used[i]) list.push(strings[i]);
  // The built-in order is code point order unless some string holds a unit above U+D7FF.
  if (HIGH.test(list.join(""))) list.sort(compareStrings);
  else list.sort();
  const rankOf = new Map<string, number>();
  for (let r = 0; r < list.length; r++) rankOf.set(list[r], r);
  const ranks = new Uint32Array(strings.length);
  for (let i = 0; i < used.length; i++) if (used[i]) ranks[i] = rankOf.get(strings[i])!;
  return ranks;
}

/**
 * Rank of each of `frames` (table frame ids) in CPython's order of frames
 * (file name, line, then column and function name, absent first), from 0;
 * equal frames are one id, so the ranks are distinct. Indexed like `frames`.
 *
 * @example
 * ```ts
 * import { TraceTable } from "./table.ts";
 *
 * const table = new TraceTable();
 * const b = table.internRawFrame(["b.js", 1]);
 * const a = table.internRawFrame(["a.js", 7]);
 * frameRanks(table, new Uint32Array([b, a])); // Uint32Array [1, 0]
 * ```
 */
export function frameRanks(table: TraceTable, frames: Uint32Array): Uint32Array {
  const n = frames.length;
  const { frameFile, frameLine, frameColumn, frameFunction } = table;
  const used = new Uint8Array(table.strings.length);
  let anyColumn = false, anyFunction = false;
  for (let i = 0; i < n; i++) {
    const f = frames[i];
    used[frameFile[f]] = 1;
    if (frameColumn[f] !== NONE) anyColumn = true;
    const fn = frameFunction[f];
    if (fn !== NONE) {
      used[fn] = 1;
      anyFunction = true;
    }
  }
  const strings = stringRanks(table, used);
  const values = new Float64Array(n);
  const order = orderByKeys(n, 4, (k, out) => {
    if (k === 0) { for (let i = 0; i < n; i++) out[i] = strings[frameFile[frames[i]]]; }
    else if (k === 1) {
      for (let i = 0; i < n; i++) values[i] = frameLine[frames[i]];
      numericKeys(values, out);
    } else if (k === 2) {
      if (!anyColumn) out.fill(0);
      else {
        for (let i = 0; i < n; i++) {
          const c = frameColumn[frames[i]];
          values[i] = c === NONE ? -Infinity : c;
        }
        numericKeys(values, out);
      }
    } else if (!anyFunction) out.fill(0);
    else {
      for (let i = 0; i < n; i++) {
        const fn = frameFunction[frames[i]];
        out[i] = fn === NONE ? 0 : strings[fn] + 1;
      }
    }
  });
  return ranksOf(order);
}

/** Position of each item in `order`. */
function ranksOf(order: Uint32Array): Uint32Array {
  const ranks = new Uint32Array(order.length);
  for (let p = 0; p < order.length; p++) ranks[order[p]] = p;
  return ranks;
}

/**
 * Rank of each of `stacks` (table stack ids) in CPython's order of
 * tracebacks: frames compared oldest first, a traceback before those it is
 * the start of. Indexed like `stacks`.
 *
 * @example
 * ```ts
 * import { TraceTable } from "./table.ts";
 *
 * const table = new TraceTable();
 * const f = (name: string, line: number) => table.internRawFrame([name, line]);
 * const deep = table.internStack([f("b.js", 1), f("a.js", 1)]); // most recent first
 * const shallow = table.internStack([f("a.js", 1)]);
 * stackRanks(table, new Uint32Array([deep, shallow])); // Uint32Array [1, 0]
 * ```
 */
export function stackRanks(table: TraceTable, stacks: Uint32Array): Uint32Array {
  const n = stacks.length;
  const { stackStart, stackFrames } = table;
  // The frames these stacks hold, each once, and their ranks.
  const slot = new Int32Array(table.frameCount).fill(-1);
  const frames: number[] = [];
  let depth = 0;
  for (let i = 0; i < n; i++) {
    const s = stacks[i];
    depth = Math.max(depth, stackStart[s + 1] - stackStart[s]);
    for (let j = stackStart[s]; j < stackStart[s + 1]; j++) {
      const f = stackFrames[j];
      if (slot[f] < 0) slot[f] = frames.push(f) - 1;
    }
  }
  const ranks = frameRanks(table, Uint32Array.from(frames));
  // Key k: the rank + 1 of the k-th oldest frame, 0 past the oldest.
  const order = orderByKeys(n, depth, (k, out) => {
    for (let i = 0; i < n; i++) {
      const s = stacks[i];
      const j = stackStart[s + 1] - 1 - k; // frames are stored most recent first
      out[i] = j >= stackStart[s] ? ranks[slot[stackFrames[j]]] + 1 : 0;
    }
  });
  return ranksOf(order);
}
