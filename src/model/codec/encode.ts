/**
 * Writing a dump (layout in `format.ts`).
 *
 * Speed: a dump runs once, mostly before the JIT has caught up, so every hot
 * loop sits alone in a small function (quick to optimize, nothing after the
 * loop to deoptimize on) that stores into the buffer at a local position.
 *
 * @module
 */
import type { SnapshotParts } from "../snapshot.ts";
import { NONE, type TraceTable } from "../table.ts";
import { LITTLE_ENDIAN, putLongUint, putUint, putUint28, TWO_28, Writer, zigzag } from "./bytes.ts";
import {
  FLAG_COUNT,
  framesText,
  HEADER_BYTES,
  MAX_LINE,
  MAX_TRACEBACK_LIMIT,
  MAX_UINT,
  MODE_F64,
  MODE_UINT,
  UTF16LE,
  UTF8,
} from "./format.ts";
import { writeHeader } from "./header.ts";
import { selectSubset, type Subset } from "./subset.ts";

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
  const used = selectSubset(table, columns);
  // Enough for everything but long domain runs and long strings, so that the
  // trace columns are written without growing (and copying) the buffer.
  const tables = 8 * (used.strings.length + 4 * used.frames.length + used.stacks.length + used.stackFrameCount) +
    16 * used.tracebacks.length;
  const w = new Writer(HEADER_BYTES + 64 + tables + (columns.count ? 21 : 13) * n);
  w.pos = HEADER_BYTES;
  w.uint(tracebackLimit);
  w.byte(columns.count ? FLAG_COUNT : 0);
  writeStrings(w, table, used);
  w.uint(used.frames.length);
  w.reserve(4 * 8 * used.frames.length);
  w.pos = putFrames(w.buf, w.pos, table, used);
  w.uint(used.stacks.length);
  w.reserve(8 * (used.stacks.length + used.stackFrameCount));
  w.pos = putStacks(w.buf, w.pos, table, used, tracebackLimit);
  w.uint(used.tracebacks.length);
  w.reserve(16 * used.tracebacks.length);
  w.pos = putTracebacks(w.buf, w.pos, table, used);
  w.uint(n);
  writeDomains(w, columns.domain, n);
  writeTracebackColumn(w, columns.traceback, used, n);
  writeNumbers(w, columns.size, n);
  if (columns.count) writeNumbers(w, columns.count, n);
  const dump = w.buf.subarray(0, w.pos);
  writeHeader(dump);
  return dump;
}

/** Matches a UTF-16 unit that is half of no surrogate pair. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function writeStrings(w: Writer, table: TraceTable, used: Subset): void {
  const list = Array.from(used.strings, (id) => table.strings[id]);
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

function putFrames(buf: Uint8Array, p: number, table: TraceTable, used: Subset): number {
  const { frameFile, frameLine, frameColumn, frameFunction } = table;
  const { frames, stringId } = used;
  for (let i = 0; i < frames.length; i++) {
    const f = frames[i];
    const line = frameLine[f];
    // NONE is -1, so column+1 is 0 exactly when the column is absent.
    const column = frameColumn[f] + 1;
    if (!(Math.abs(line) < MAX_LINE && Math.abs(column) < MAX_LINE && line % 1 === 0 && column % 1 === 0)) {
      badFrame(table, f);
    }
    const fn = frameFunction[f];
    p = putUint(buf, p, stringId[frameFile[f]]);
    p = putUint(buf, p, zigzag(line));
    p = putUint(buf, p, zigzag(column));
    p = putUint(buf, p, fn === NONE ? 0 : stringId[fn] + 1);
  }
  return p;
}

function badFrame(table: TraceTable, f: number): never {
  const where = `${table.strings[table.frameFile[f]]}:${table.frameLine[f]}`;
  const column = table.frameColumn[f] === NONE ? "" : `, column ${table.frameColumn[f]}`;
  throw new RangeError(
    `cannot dump frame ${where}${column}: line and column numbers must be integers of magnitude below 2^52`,
  );
}

function putStacks(buf: Uint8Array, p: number, table: TraceTable, used: Subset, limit: number): number {
  const { stackStart, stackFrames } = table;
  const { stacks, frameId } = used;
  for (let i = 0; i < stacks.length; i++) {
    const s = stacks[i];
    const end = stackStart[s + 1];
    if (end === stackStart[s]) throw new RangeError(`cannot dump: stack ${s} has no frames`);
    if (end - stackStart[s] > limit) {
      throw new RangeError(
        `cannot dump: the traceback at ${mostRecent(table, s)} has ${framesText(end - stackStart[s])}, ` +
          `more than the traceback limit ${limit}`,
      );
    }
    p = putUint(buf, p, end - stackStart[s]);
    for (let k = stackStart[s]; k < end; k++) p = putUint(buf, p, frameId[stackFrames[k]]);
  }
  return p;
}

/** `file:line` of the most recent frame of stack `s`, to name a traceback in messages. */
function mostRecent(table: TraceTable, s: number): string {
  const f = table.stackFrames[table.stackStart[s]];
  return `${table.strings[table.frameFile[f]]}:${table.frameLine[f]}`;
}

function putTracebacks(buf: Uint8Array, p: number, table: TraceTable, used: Subset): number {
  const { tracebackStack, tracebackTotal, stackStart } = table;
  const { tracebacks, stackId } = used;
  for (let i = 0; i < tracebacks.length; i++) {
    const tb = tracebacks[i];
    const s = tracebackStack[tb];
    // totalNframe + 1, 0 when absent.
    const total = tracebackTotal[tb] + 1;
    if (!(total >= 0 && total <= MAX_UINT && total % 1 === 0)) {
      throw new RangeError(`cannot dump: totalNframe must be a non-negative integer or absent, not ${total - 1}`);
    }
    const frames = stackStart[s + 1] - stackStart[s];
    if (total !== 0 && total <= frames) {
      throw new RangeError(
        `cannot dump: the traceback at ${mostRecent(table, s)} has totalNframe ${total - 1}, ` +
          `fewer than its ${framesText(frames)}`,
      );
    }
    p = putUint(buf, p, stackId[s]);
    p = putUint(buf, p, total);
  }
  return p;
}

function writeDomains(w: Writer, domain: Int32Array, n: number): void {
  const runs = countRuns(domain, n);
  w.uint(runs);
  w.reserve(10 * runs);
  w.pos = putRuns(w.buf, w.pos, domain, n);
}

function countRuns(domain: Int32Array, n: number): number {
  let runs = n ? 1 : 0;
  for (let i = 1; i < n; i++) if (domain[i] !== domain[i - 1]) runs++;
  return runs;
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

/** Traceback ids as varints, or fixed-width when that is smaller (many tracebacks used evenly). */
function writeTracebackColumn(w: Writer, traceback: Uint32Array, used: Subset, n: number): void {
  const count = used.tracebacks.length;
  const width = count <= 0x100 ? 1 : count <= 0x10000 ? 2 : count <= 0x1000000 ? 3 : 4;
  const fixed = width * n <= used.tracebackVarintBytes;
  w.byte(fixed ? width : 0);
  w.reserve(5 * n + 4);
  w.pos = fixed
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
    else if (v >= TWO_28 && v <= MAX_UINT && v % 1 === 0) p = putLongUint(buf, p, v);
    else return -1;
  }
  return p;
}
