/**
 * Writing a dump (layout in `format.ts`).
 *
 * Speed: a dump runs once, mostly before the JIT has caught up, and then
 * every loop costs most while it is interpreted: so there are few of them
 * (the tables are written in one walk, see `subset.ts`; the domain runs,
 * traceback ids and sizes in one pass), each alone in a small function
 * (quick to optimize, nothing after the loop to deoptimize on) that stores
 * into the buffer at a local position.
 *
 * @module
 */
import type { TraceColumns } from "../columns.ts";
import type { SnapshotParts } from "../snapshot.ts";
import { LITTLE_ENDIAN, putLongUint, putUint, putUint28, TWO_28, Writer, zigzag } from "./bytes.ts";
import {
  FLAG_COUNT,
  HEADER_BYTES,
  MAX_TRACEBACK_LIMIT,
  MAX_UINT,
  MODE_F64,
  MODE_UINT,
  UTF16LE,
  UTF8,
} from "./format.ts";
import { writeHeader } from "./header.ts";
import { scanTraces, type Tables, type TraceScan, writeTables } from "./subset.ts";

/**
 * The bytes of a dump of a snapshot's parts. The result may be a view into a
 * larger buffer.
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
  const tables = writeTables(table, uses, scan, n, tracebackLimit);
  const strings = tables.strings.map((id) => table.strings[id]);
  let text = 0;
  for (const s of strings) text += s.length;
  // Enough for everything but long domain runs, so that the trace columns
  // are written without growing (and copying) the buffer.
  const w = new Writer(
    HEADER_BYTES + 64 + 8 * strings.length + 3 * text + tables.frames.length + tables.stacks.length +
      tables.tracebacks.length + scan.runBytes + (columns.count ? 21 : 13) * n,
  );
  w.pos = HEADER_BYTES;
  w.uint(tracebackLimit);
  w.byte(columns.count ? FLAG_COUNT : 0);
  writeStrings(w, strings);
  w.uint(tables.frameCount);
  w.bytes(tables.frames);
  w.uint(tables.stackCount);
  w.bytes(tables.stacks);
  w.uint(tables.tracebackCount);
  w.bytes(tables.tracebacks);
  w.uint(n);
  writeTraces(w, columns, tables, scan, n);
  if (columns.count) writeNumbers(w, columns.count, n);
  const dump = w.buf.subarray(0, w.pos);
  writeHeader(dump);
  return dump;
}

/** Matches a UTF-16 unit that is half of no surrogate pair. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function writeStrings(w: Writer, list: string[]): void {
  // NUL separators keep a pair from forming across two strings.
  const wellFormed = !LONE_SURROGATE.test(list.join("\0"));
  w.uint(list.length);
  w.byte(wellFormed ? UTF8 : UTF16LE);
  for (const s of list) w.uint(s.length);
  const joined = list.join("");
  if (wellFormed) {
    const bytes = new TextEncoder().encode(joined);
    w.uint(bytes.length);
    w.bytes(bytes);
    return;
  }
  w.uint(2 * joined.length);
  w.reserve(2 * joined.length);
  const { buf } = w;
  let p = w.pos;
  for (let i = 0; i < joined.length; i++) {
    const c = joined.charCodeAt(i);
    buf[p++] = c & 0xff;
    buf[p++] = c >>> 8;
  }
  w.pos = p;
}

/**
 * The domain runs, the traceback column and the size column. With ids of one
 * or two bytes, where each part starts is known beforehand, so one pass
 * over the traces writes all three; otherwise (or when a size has no varint
 * form) each is written in a pass of its own.
 */
function writeTraces(w: Writer, columns: TraceColumns, used: Tables, scan: TraceScan, n: number): void {
  w.uint(scan.runs);
  const width = used.tracebackWidth;
  if (width === 1 || width === 2) {
    w.reserve(scan.runBytes + 2 + width * n + 8 * n + 4);
    const { buf } = w;
    const ids = w.pos + scan.runBytes + 1;
    const sizes = ids + width * n;
    buf[ids - 1] = width;
    buf[sizes] = MODE_UINT;
    const end = putTraces(buf, w.pos, ids, sizes + 1, columns, used.tracebackId, width);
    if (end >= 0) {
      w.pos = end;
      return;
    }
  }
  w.reserve(scan.runBytes);
  w.pos = putRuns(w.buf, w.pos, columns.domain, n);
  writeTracebackColumn(w, columns.traceback, used, n);
  writeNumbers(w, columns.size, n);
}

/**
 * Writes the domain runs at `runs`, the ids (one or two bytes each) at `ids`
 * and the sizes as varints at `sizes`, in one pass; returns the end of the
 * sizes, or -1 at the first size that has no varint form.
 */
function putTraces(
  buf: Uint8Array,
  runs: number,
  ids: number,
  sizes: number,
  columns: TraceColumns,
  id: Uint32Array,
  width: number,
): number {
  const { domain, traceback, size, length: n } = columns;
  const runsEnd = ids - 1;
  let start = 0, d = n ? domain[0] : 0;
  for (let i = 0; i < n; i++) {
    if (domain[i] !== d) {
      runs = putUint(buf, runs, zigzag(d));
      runs = putUint(buf, runs, i - start);
      d = domain[i];
      start = i;
    }
    const v = id[traceback[i]];
    if (width === 2) {
      buf[ids++] = v;
      buf[ids++] = v >>> 8;
    } else buf[ids++] = v;
    const s = size[i];
    // As in putWholeNumbers.
    if (s >>> 0 === s && s < TWO_28 && (s !== 0 || 1 / s > 0)) sizes = putUint28(buf, sizes, s);
    else if (s >= TWO_28 && s <= MAX_UINT && Math.floor(s) === s) sizes = putLongUint(buf, sizes, s);
    else return -1;
  }
  if (n) {
    runs = putUint(buf, runs, zigzag(d));
    runs = putUint(buf, runs, n - start);
  }
  if (runs !== runsEnd) throw new Error(`internal error: domain runs took ${runs - runsEnd} bytes more than counted`);
  return sizes;
}

function putRuns(buf: Uint8Array, p: number, domain: Int32Array, n: number): number {
  for (let i = 0; i < n;) {
    const d = domain[i];
    let j = i + 1;
    while (j < n && domain[j] === d) j++;
    p = putUint(buf, p, zigzag(d));
    p = putUint(buf, p, j - i);
    i = j;
  }
  return p;
}

/** Traceback ids in the form chosen with the tables (see {@link Tables.tracebackWidth}). */
function writeTracebackColumn(w: Writer, traceback: Uint32Array, used: Tables, n: number): void {
  const width = used.tracebackWidth;
  w.byte(width);
  w.reserve(5 * n + 4);
  w.pos = width
    ? putFixedIds(w.buf, w.pos, traceback, used.tracebackId, n, width)
    : putVarintIds(w.buf, w.pos, traceback, used.tracebackId, n);
}

function putVarintIds(buf: Uint8Array, p: number, traceback: Uint32Array, id: Uint32Array, n: number): number {
  for (let i = 0; i < n; i++) {
    const v = id[traceback[i]];
    p = v < TWO_28 ? putUint28(buf, p, v) : putUint(buf, p, v);
  }
  return p;
}

function putFixedIds(
  buf: Uint8Array,
  p: number,
  traceback: Uint32Array,
  id: Uint32Array,
  n: number,
  width: number,
): number {
  // The common widths get loops of their own, free of the inner one.
  if (width === 1) {
    for (let i = 0; i < n; i++) buf[p++] = id[traceback[i]];
  } else if (width === 2) {
    for (let i = 0; i < n; i++, p += 2) {
      const v = id[traceback[i]];
      buf[p] = v;
      buf[p + 1] = v >>> 8;
    }
  } else {
    for (let i = 0; i < n; i++) {
      const v = id[traceback[i]];
      for (let k = 0; k < width; k++) buf[p++] = v >>> 8 * k;
    }
  }
  return p;
}

/** A size or count column: varints when all are whole and in range, else raw float64. */
function writeNumbers(w: Writer, values: Float64Array, n: number): void {
  w.reserve(1 + 8 * n + 4);
  const { buf } = w;
  const mode = w.pos;
  const p = mode + 1;
  const end = putWholeNumbers(buf, p, values, n);
  if (end >= 0) {
    buf[mode] = MODE_UINT;
    w.pos = end;
    return;
  }
  buf[mode] = MODE_F64;
  if (LITTLE_ENDIAN) buf.set(new Uint8Array(values.buffer, values.byteOffset, 8 * n), p);
  else {
    const view = new DataView(buf.buffer, buf.byteOffset + p, 8 * n);
    for (let k = 0; k < n; k++) view.setFloat64(8 * k, values[k], true);
  }
  w.pos = p + 8 * n;
}

/** Writes the values as varints and returns the end, or -1 at the first value that has no varint form. */
function putWholeNumbers(buf: Uint8Array, p: number, values: Float64Array, n: number): number {
  for (let i = 0; i < n; i++) {
    const v = values[i];
    // `v >>> 0 === v` passes whole numbers below 2^32 only (not NaN); 1 / v tells -0 from 0.
    if (v >>> 0 === v && v < TWO_28 && (v !== 0 || 1 / v > 0)) p = putUint28(buf, p, v);
    else if (v >= TWO_28 && v <= MAX_UINT && Math.floor(v) === v) p = putLongUint(buf, p, v);
    else return -1;
  }
  return p;
}
