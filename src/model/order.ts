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
import type { KeyType } from "./group.ts";
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
      // NaN and Infinity too; `%` on a double would cost a call to the C library.
      if (v - Math.floor(v) !== 0) whole = false;
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
 * Rank of each string of `table` that `used` marks (non-zero), or of every
 * string when `used` is null, in Python's order (by code point), from 0;
 * others are left 0.
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
export function stringRanks(table: TraceTable, used: Uint8Array | null): Uint32Array {
  const { strings } = table;
  let list: string[];
  if (used) {
    list = [];
    for (let i = 0; i < used.length; i++) if (used[i]) list.push(strings[i]);
  } else list = strings.slice();
  // The built-in order is code point order unless some string holds a unit above U+D7FF.
  if (HIGH.test(list.join(""))) list.sort(compareStrings);
  else list.sort();
  const rankOf = new Map<string, number>();
  for (let r = 0; r < list.length; r++) rankOf.set(list[r], r);
  const ranks = new Uint32Array(strings.length);
  for (let i = 0; i < strings.length; i++) if (!used || used[i]) ranks[i] = rankOf.get(strings[i])!;
  return ranks;
}

/**
 * Rank of each of `frames` (table frame ids) in CPython's order of frames
 * (file name, line, then column and function name, absent first), from 0;
 * equal frames are one id, so the ranks are distinct. Indexed like `frames`.
 * `stringRank`, when given, ranks (at least) the strings these frames name,
 * as {@link stringRanks} does.
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
export function frameRanks(table: TraceTable, frames: Uint32Array, stringRank?: Uint32Array): Uint32Array {
  const n = frames.length;
  const { frameFile, frameLine, frameColumn, frameFunction } = table;
  const used = stringRank ? null : new Uint8Array(table.strings.length);
  let anyColumn = false, anyFunction = false;
  for (let i = 0; i < n; i++) {
    const f = frames[i];
    if (used) used[frameFile[f]] = 1;
    if (frameColumn[f] !== NONE) anyColumn = true;
    const fn = frameFunction[f];
    if (fn !== NONE) {
      if (used) used[fn] = 1;
      anyFunction = true;
    }
  }
  const strings = stringRank ?? stringRanks(table, used!);
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
 * the start of. Indexed like `stacks`. `stringRank` as for {@link frameRanks}.
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
export function stackRanks(table: TraceTable, stacks: Uint32Array, stringRank?: Uint32Array): Uint32Array {
  const n = stacks.length;
  const { stackStart, stackFrames } = table;
  // The frames these stacks hold, each once, and their ranks: found through a
  // dense array over frame ids when the stacks are many, a map when few.
  const dense = 16 * n >= table.frameCount;
  const slot = dense ? new Int32Array(table.frameCount).fill(-1) : null;
  const slots = dense ? null : new Map<number, number>();
  const frames: number[] = [];
  let depth = 0;
  for (let i = 0; i < n; i++) {
    const s = stacks[i];
    depth = Math.max(depth, stackStart[s + 1] - stackStart[s]);
    for (let j = stackStart[s]; j < stackStart[s + 1]; j++) {
      const f = stackFrames[j];
      if (slot) {
        if (slot[f] < 0) slot[f] = frames.push(f) - 1;
      } else if (!slots!.has(f)) slots!.set(f, frames.push(f) - 1);
    }
  }
  const ranks = frameRanks(table, Uint32Array.from(frames), stringRank);
  // Key k: the rank + 1 of the k-th oldest frame, 0 past the oldest.
  const order = orderByKeys(n, depth, (k, out) => {
    for (let i = 0; i < n; i++) {
      const s = stacks[i];
      const j = stackStart[s + 1] - 1 - k; // frames are stored most recent first
      out[i] = j < stackStart[s] ? 0 : (slot ? ranks[slot[stackFrames[j]]] : ranks[slots!.get(stackFrames[j])!]) + 1;
    }
  });
  return ranksOf(order);
}

/**
 * The groups `0..n-1` of `keys` in ascending order of `columns` (the most
 * significant first), ties in CPython's order of the tracebacks the keys
 * stand for: `statistics()` and `compareTo()` read it from the end, biggest
 * first.
 *
 * One more radix key settles almost every tie on the columns: each key's
 * *lead*, the rank of its (oldest) frame's file name and that frame's line.
 * The few groups left tied, whose leads are equal too, are then ordered by
 * comparing their frames.
 *
 * @example
 * ```ts
 * import { TraceTable } from "./table.ts";
 *
 * const table = new TraceTable();
 * const b = table.internRawFrame(["b.js", 1]);
 * const a = table.internRawFrame(["a.js", 7]);
 * const size = new Float64Array([5, 5, 1]);
 * orderGroups(table, "lineno", new Uint32Array([b, a, a]), [size]); // Uint32Array [2, 1, 0]
 * ```
 */
export function orderGroups(
  table: TraceTable,
  keyType: KeyType,
  keys: Uint32Array,
  columns: readonly Float64Array[],
): Uint32Array {
  const n = keys.length;
  const byKey = new KeyOrder(table, keyType, keys);
  const lead = byKey.leads();
  const last = columns.length;
  const order = orderByKeys(n, last + 1, (k, out) => k === last ? out.set(lead) : numericKeys(columns[k], out));
  for (let p = 0; p < n;) {
    const first = order[p];
    let q = p + 1;
    while (q < n && lead[order[q]] === lead[first] && sameRow(columns, first, order[q])) q++;
    if (q - p > 1) byKey.sort(order, p, q);
    p = q;
  }
  return order;
}

/** True when rows `a` and `b` hold the same value in every column (NaN matching NaN, as the radix keys make it). */
function sameRow(columns: readonly Float64Array[], a: number, b: number): boolean {
  for (let k = 0; k < columns.length; k++) {
    const x = columns[k][a], y = columns[k][b];
    if (x !== y && (x === x || y === y)) return false;
  }
  return true;
}

/**
 * Which strings of `table` the keys of `keyType` name (1 for each used):
 * file names, and the function names of their frames.
 *
 * @example
 * ```ts
 * import { TraceTable } from "./table.ts";
 * const table = new TraceTable();
 * const frame = table.internRawFrame(["app.ts", 3]);
 * stringsUsed(table, "lineno", Uint32Array.of(frame)); // Uint8Array [1]: "app.ts"
 * ```
 */
export function stringsUsed(table: TraceTable, keyType: KeyType, keys: Uint32Array): Uint8Array {
  const { frameFile, frameFunction, stackStart, stackFrames } = table;
  const used = new Uint8Array(table.strings.length);
  const mark = (f: number) => {
    used[frameFile[f]] = 1;
    if (frameFunction[f] !== NONE) used[frameFunction[f]] = 1;
  };
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    if (keyType === "filename") used[key] = 1;
    else if (keyType === "lineno") mark(key);
    else for (let j = stackStart[key]; j < stackStart[key + 1]; j++) mark(stackFrames[j]);
  }
  return used;
}

/** Ties longer than this are sorted with `Array#sort` rather than by insertion. */
const INSERTION_MAX = 16;

/** CPython's order of the keys of one kind (strings, frames or stacks), on the table's ids. */
class KeyOrder {
  readonly #table: TraceTable;
  readonly #keyType: KeyType;
  readonly #keys: Uint32Array;
  /** Rank of each string the keys name, in code point order. */
  readonly #strings: Uint32Array;
  /** Count of the strings ranked. */
  readonly #ranked: number;

  constructor(table: TraceTable, keyType: KeyType, keys: Uint32Array) {
    this.#table = table;
    this.#keyType = keyType;
    this.#keys = keys;
    const { strings } = table;
    // Tables hold few strings next to frames: ranking them all costs less than finding the ones used.
    const used = strings.length > 2 * keys.length ? stringsUsed(table, keyType, keys) : null;
    this.#strings = stringRanks(table, used);
    this.#ranked = used ? used.reduce((sum, u) => sum + u, 0) : strings.length;
  }

  /**
   * The lead of each key, a whole number below 2^32 that orders as the keys
   * do or ties: for a string, its rank; for a frame (the oldest of a stack),
   * its file name's rank and then its line, clamped to the bits left.
   */
  leads(): Uint32Array {
    const keys = this.#keys, strings = this.#strings;
    const n = keys.length;
    const lead = new Uint32Array(n);
    if (this.#keyType === "filename") {
      for (let i = 0; i < n; i++) lead[i] = strings[keys[i]];
      return lead;
    }
    const { frameFile, frameLine, stackStart, stackFrames } = this.#table;
    const lineBits = 32 - Math.max(1, 32 - Math.clz32(this.#ranked));
    const lines = 2 ** lineBits, top = lines - 1;
    const stacks = this.#keyType === "traceback";
    for (let i = 0; i < n; i++) {
      const f = stacks ? stackFrames[stackStart[keys[i] + 1] - 1] : keys[i];
      const line = frameLine[f];
      // Clamped, and NaN last, so that the lead never contradicts the order.
      const l = line >= 0 ? (line < top ? Math.floor(line) : top) : line < 0 ? 0 : top;
      lead[i] = strings[frameFile[f]] * lines + l;
    }
    return lead;
  }

  /** Orders `order[p..q)` by the keys of the groups it holds, ascending. */
  sort(order: Uint32Array, p: number, q: number): void {
    const keys = this.#keys;
    const compare = this.#keyType === "lineno"
      ? this.#compareFrames
      : this.#keyType === "traceback"
      ? this.#compareStacks
      : this.#compareStrings;
    if (q - p > INSERTION_MAX) {
      const run = Array.from(order.subarray(p, q)).sort((a, b) => compare(keys[a], keys[b]));
      order.set(run, p);
      return;
    }
    for (let i = p + 1; i < q; i++) {
      const item = order[i], key = keys[item];
      let j = i - 1;
      for (; j >= p && compare(keys[order[j]], key) > 0; j--) order[j + 1] = order[j];
      order[j + 1] = item;
    }
  }

  #compareStrings = (a: number, b: number): number => this.#strings[a] - this.#strings[b];

  /** Frames by file name, line, column and function name, absent first. */
  #compareFrames = (a: number, b: number): number => {
    const { frameFile, frameLine, frameColumn, frameFunction } = this.#table;
    const strings = this.#strings;
    const file = strings[frameFile[a]] - strings[frameFile[b]];
    if (file) return file;
    const la = frameLine[a], lb = frameLine[b];
    // NaN last, as numericKeys ranks it.
    if (la !== lb) return la < lb || lb !== lb ? -1 : 1;
    const ca = frameColumn[a], cb = frameColumn[b];
    if (ca !== cb) return ca === NONE || (cb !== NONE && (ca < cb || cb !== cb)) ? -1 : 1;
    const fa = frameFunction[a], fb = frameFunction[b];
    if (fa === fb) return 0;
    return fa === NONE ? -1 : fb === NONE ? 1 : strings[fa] - strings[fb];
  };

  /** Stacks frame by frame, oldest first (stacks hold theirs most recent first); a prefix first. */
  #compareStacks = (a: number, b: number): number => {
    const { stackStart, stackFrames } = this.#table;
    const startA = stackStart[a], startB = stackStart[b];
    let i = stackStart[a + 1] - 1, j = stackStart[b + 1] - 1;
    for (; i >= startA && j >= startB; i--, j--) {
      const fa = stackFrames[i], fb = stackFrames[j];
      if (fa !== fb) {
        const c = this.#compareFrames(fa, fb);
        if (c) return c;
      }
    }
    return (i >= startA ? 1 : 0) - (j >= startB ? 1 : 0);
  };
}
