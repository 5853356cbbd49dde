/**
 * Writing a dump (layout in `format.ts`), in the current format version.
 *
 * Speed: a dump runs once, mostly before the JIT has caught up, and then
 * every loop costs most while it is interpreted: so there are few of them
 * (the tables are gathered in one walk, see `subset.ts`; the traces are
 * scanned once), and the columns are stored through typed-array views of
 * the output by `TypedArray.prototype.set()`, which narrows natively.
 *
 * @module
 */
import type { SnapshotParts } from "../snapshot.ts";
import { LITTLE_ENDIAN } from "./bytes.ts";
import {
  align,
  chooseType,
  columnBytes,
  type ColumnStats,
  CONST,
  I32,
  type NumberArray,
  RUNS,
  swapEntries,
  TO_FLOAT64,
  TO_INT32,
  TO_UINT32,
  U32,
  view,
  WIDTH,
} from "./columns.ts";
import { FLAG_COUNT, HEAD_BYTES, HEADER_BYTES, MAX_TRACEBACK_LIMIT, UTF16LE, UTF8 } from "./format.ts";
import { writeHeader } from "./header.ts";
import { numberStats, scanTraces, walkTables, wholeTable } from "./subset.ts";

/**
 * The bytes of a dump of a snapshot's parts.
 *
 * Throws a `RangeError` for parts no dump can hold (see `format.ts`): a
 * traceback id outside the table, a fractional line number, a traceback
 * limit that is negative or above 65535, a traceback longer than the limit or
 * with a totalNframe below its length. Reading refuses the same.
 *
 * @example
 * ```ts
 * import { Snapshot } from "../snapshot.ts";
 * import { decodeSnapshot } from "./decode.ts";
 *
 * const bytes = encodeSnapshot(new Snapshot([[0, 64, [["app.ts", 3]], 1]], 1));
 * const copy = new Snapshot(decodeSnapshot(bytes, "in memory"));
 * ```
 */
export function encodeSnapshot(parts: SnapshotParts): Uint8Array {
  const { table, columns, tracebackLimit } = parts;
  if (!Number.isSafeInteger(tracebackLimit) || tracebackLimit < 0) {
    throw new RangeError(`cannot dump: tracebackLimit must be a non-negative integer, not ${tracebackLimit}`);
  }
  if (tracebackLimit > MAX_TRACEBACK_LIMIT) {
    throw new RangeError(`cannot dump: traceback limit ${tracebackLimit} is above ${MAX_TRACEBACK_LIMIT}`);
  }
  const n = columns.length;
  const uses = new Uint32Array(table.tracebackCount);
  const scan = scanTraces(columns, uses);
  if (scan.bad >= 0) {
    const bad = scan.bad;
    throw new RangeError(
      `cannot dump: trace ${bad} refers to traceback ${columns.traceback[bad]} of ${table.tracebackCount}`,
    );
  }
  // The table as it is when the traces use all of it, else the entries they use, numbered afresh.
  const whole = wholeTable(table, uses, tracebackLimit);
  const t = whole ?? walkTables(table, uses, tracebackLimit);
  const strings = encodeStrings(whole ? table.strings : t.strings.map((id) => table.strings[id]));
  const frames = t.frameFile.length, stacks = t.stackLength.length, tracebacks = t.tracebackStack.length;
  const ids = (count: number): ColumnStats => ({ min: 0, max: Math.max(count - 1, 0), integers: true, runs: 0 });
  // Every column in file order: its values, their range, the kind of array a reader puts them in, and whether
  // fixed-width (see format.ts on key columns).
  const traceback = columns.traceback.subarray(0, n);
  const plan: [values: NumberArray, ColumnStats, target: number, fixed: boolean][] = [
    [strings.lengths, strings.stats, TO_UINT32, false],
    [t.frameFile, ids(t.strings.length), TO_INT32, false],
    [t.frameLine, t.line, TO_FLOAT64, true],
    [t.frameColumn, t.column, TO_FLOAT64, false],
    [t.frameFunction, t.function, TO_INT32, false],
    [t.stackLength, t.length, TO_UINT32, false],
    [t.stackFrames, ids(frames), TO_INT32, true],
    [t.tracebackStack, ids(stacks), TO_INT32, true],
    [t.tracebackTotal, t.total, TO_FLOAT64, false],
    [columns.domain.subarray(0, n), scan.domain, TO_INT32, false],
    [traceback, ids(tracebacks), TO_UINT32, true],
    [columns.size.subarray(0, n), scan.size, TO_FLOAT64, false],
  ];
  if (columns.count) plan.push([columns.count.subarray(0, n), numberStats(columns.count, n), TO_FLOAT64, false]);
  const types = plan.map(([values, stats, target, fixed]) => chooseType(stats, values.length, target, fixed));
  let size = HEADER_BYTES + HEAD_BYTES + 8 + align(strings.bytes.length);
  plan.forEach(([values, stats], k) => size += columnBytes(types[k], values.length, stats.runs));
  const out = new Out(size);
  const head = out.take(HEAD_BYTES);
  [
    tracebackLimit,
    columns.count ? FLAG_COUNT : 0,
    t.strings.length,
    frames,
    stacks,
    t.stackFrames.length,
    tracebacks,
    n,
  ]
    .forEach((v, k) => out.words.setUint32(head + 4 * k, v, true));
  plan.forEach(([values, stats], k) => {
    // The traces' traceback ids are the table's: picked entries have new ids (`uses`).
    if (values === traceback && !whole) out.gathered(types[k], uses, traceback);
    else out.numbers(types[k], values, stats.runs);
    if (k === 0) {
      const string = out.take(8);
      out.words.setUint32(string, strings.encoding, true);
      out.words.setUint32(string + 4, strings.bytes.length, true);
      out.buf.set(strings.bytes, out.take(align(strings.bytes.length)));
    }
  });
  if (out.pos !== size) throw new Error(`internal error: the dump took ${out.pos} bytes, not ${size}`);
  writeHeader(out.buf);
  return out.buf;
}

/** The output, and where the next part goes. */
class Out {
  readonly buf: Uint8Array;
  readonly words: DataView;
  pos = HEADER_BYTES;

  constructor(size: number) {
    this.buf = new Uint8Array(size);
    this.words = new DataView(this.buf.buffer);
  }

  /** Reserves `n` bytes (a multiple of 8) and returns where they start. */
  take(n: number): number {
    const at = this.pos;
    this.pos += n;
    return at;
  }

  /**
   * Writes a column's descriptor (`runs` for RUNS) and reserves its
   * entries; returns a view of them for fixed-width types, else where the
   * constant or the runs go.
   */
  column(type: number, n: number, runs = 0): { entries: NumberArray | null; at: number } {
    const at = this.take(columnBytes(type, n, runs));
    this.buf[at] = type;
    if (type === RUNS) this.words.setUint32(at + 4, runs, true);
    return { entries: WIDTH[type] ? view(type, this.buf.buffer, at + 8, n) : null, at: at + 8 };
  }

  /** Puts the column's entries in the file's byte order, once written. */
  settle(type: number, at: number, n: number): void {
    if (!LITTLE_ENDIAN) swapEntries(this.buf.subarray(at, at + WIDTH[type] * n), WIDTH[type]);
  }

  /** A column of `values` (`runs` of them for RUNS). */
  numbers(type: number, values: NumberArray, runs = 0): void {
    const n = values.length;
    const { entries, at } = this.column(type, n, runs);
    if (entries) {
      entries.set(values);
      this.settle(type, at, n);
    } else if (type === CONST) {
      this.words.setFloat64(at, values[0], true);
    } else {
      putRuns(view(I32, this.buf.buffer, at, runs) as Int32Array, this.runLengths(at, runs), values);
    }
  }

  /** The values of a RUNS column whose entries start at `at`. */
  runValues(at: number, runs: number): Int32Array {
    return view(I32, this.buf.buffer, at, runs) as Int32Array;
  }

  /** The run lengths of a RUNS column whose entries start at `at`. */
  runLengths(at: number, runs: number): Uint32Array {
    return view(U32, this.buf.buffer, at + align(4 * runs), runs) as Uint32Array;
  }

  /** A column of `source[index[j]]` for each `j` (`runs` of them for RUNS). */
  gathered(type: number, source: NumberArray, index: Int32Array | Uint32Array, runs = 0): void {
    const n = index.length;
    const { entries, at } = this.column(type, n, runs);
    if (entries) {
      gather(entries, source, index);
      this.settle(type, at, n);
    } else if (type === CONST) {
      this.words.setFloat64(at, source[index[0]], true);
    } else {
      putGatheredRuns(view(I32, this.buf.buffer, at, runs) as Int32Array, this.runLengths(at, runs), source, index);
    }
  }
}

function gather(out: NumberArray, source: NumberArray, index: Int32Array | Uint32Array): void {
  for (let j = 0; j < index.length; j++) out[j] = source[index[j]];
}

/** As {@link putRuns}, for the list `source[index[j]]`. */
function putGatheredRuns(
  values: Int32Array,
  lengths: Uint32Array,
  source: NumberArray,
  index: Int32Array | Uint32Array,
) {
  let k = 0, start = 0;
  for (let i = 1; i <= index.length; i++) {
    if (i < index.length && source[index[i]] === source[index[start]]) continue;
    values[k] = source[index[start]];
    lengths[k++] = i - start;
    start = i;
  }
  if (!LITTLE_ENDIAN) {
    swapEntries(new Uint8Array(values.buffer, values.byteOffset, 4 * values.length), 4);
    swapEntries(new Uint8Array(lengths.buffer, lengths.byteOffset, 4 * lengths.length), 4);
  }
}

/** Writes the runs of equal values of `list` (as many as `values` holds) into `values` and `lengths`. */
function putRuns(values: Int32Array, lengths: Uint32Array, list: NumberArray): void {
  let k = 0, start = 0;
  for (let i = 1; i <= list.length; i++) {
    if (i < list.length && list[i] === list[start]) continue;
    values[k] = list[start];
    lengths[k++] = i - start;
    start = i;
  }
  if (!LITTLE_ENDIAN) {
    swapEntries(new Uint8Array(values.buffer, values.byteOffset, 4 * values.length), 4);
    swapEntries(new Uint8Array(lengths.buffer, lengths.byteOffset, 4 * lengths.length), 4);
  }
}

/** Matches a UTF-16 unit that is half of no surrogate pair. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Whether `s` holds no lone surrogate: natively where the runtime has `isWellFormed()` (ES2024). */
function isWellFormed(s: string): boolean {
  const native = (s as { isWellFormed?: () => boolean }).isWellFormed;
  return native ? native.call(s) : !LONE_SURROGATE.test(s);
}

/** The string table: lengths, encoding and bytes (see `format.ts`). */
function encodeStrings(list: readonly string[]) {
  const lengths = new Uint32Array(list.length);
  let min = list.length ? list[0].length : 0, max = min;
  for (let i = 0; i < list.length; i++) {
    const length = lengths[i] = list[i].length;
    if (length < min) min = length;
    if (length > max) max = length;
  }
  const stats: ColumnStats = { min, max, integers: true, runs: 0 };
  // NUL separators keep a pair from forming across two strings.
  const wellFormed = isWellFormed(list.join("\0"));
  const joined = list.join("");
  if (wellFormed) return { lengths, stats, encoding: UTF8, bytes: new TextEncoder().encode(joined) };
  const bytes = new Uint8Array(2 * joined.length);
  for (let i = 0; i < joined.length; i++) {
    const c = joined.charCodeAt(i);
    bytes[2 * i] = c & 0xff;
    bytes[2 * i + 1] = c >>> 8;
  }
  return { lengths, stats, encoding: UTF16LE, bytes };
}
