/**
 * Reading a dump of format version 1 (layout in `format.ts`), whose payload
 * `decode.ts` has checked the header and checksum of. The same checks as for
 * the current version (see `decode.ts`), and one more, as version 1 readers
 * always made it: that no table entry repeats another (through hash sets).
 *
 * Speed: a load runs once, mostly before the JIT has caught up, so every hot
 * loop sits alone in a small function (quick to optimize, nothing after the
 * loop to deoptimize on) and reads the common short varints in line.
 *
 * @module
 */
import type { SnapshotParts } from "../snapshot.ts";
import { TraceTable } from "../table.ts";
import { LITTLE_ENDIAN, Reader, readUints, TWO_32, unzigzag } from "./bytes.ts";
import {
  FLAG_COUNT,
  framesText,
  MAX_LINE,
  MAX_TRACEBACK_LIMIT,
  MAX_UINT,
  MODE_F64,
  MODE_UINT,
  UTF16LE,
  UTF8,
} from "./format.ts";
import { decodeStrings } from "./strings.ts";

/**
 * Reads the payload of a version 1 dump into a fresh table.
 *
 * @param name the file's path, for error messages
 * @throws SnapshotFormatError when the payload is not a consistent snapshot
 *
 * @example
 * ```ts
 * import { readFile } from "node:fs/promises";
 * import { checkHeader } from "./header.ts";
 *
 * const parts = decodeV1(checkHeader(await readFile("old.dump"), "old.dump").payload, "old.dump");
 * ```
 */
export function decodeV1(payload: Uint8Array, name: string): SnapshotParts {
  const r = new Reader(payload, name);
  const tracebackLimit = r.uint();
  if (tracebackLimit > MAX_TRACEBACK_LIMIT) {
    r.fail(`traceback limit ${tracebackLimit} is above ${MAX_TRACEBACK_LIMIT} (damaged file)`);
  }
  const flags = r.byte();
  if (flags & ~FLAG_COUNT) r.fail(`unknown flags ${flags} (damaged file)`);
  // Entries go straight into the fresh table's arrays (see TraceTable on bulk
  // loading), so file ids are table ids; that needs distinct entries, which
  // the writer makes and each reader below checks.
  const table = new TraceTable();
  readStrings(r, table);
  readFrames(r, table);
  readStacks(r, table, tracebackLimit);
  readTracebacks(r, table);
  const n = r.count("trace", 2);
  const domain = readDomains(r, n);
  const traceback = readTracebackColumn(r, table.tracebackCount, n);
  const size = readNumbers(r, n, "size");
  const count = flags & FLAG_COUNT ? readNumbers(r, n, "count") : null;
  if (r.left) r.fail(`${r.left} unexpected bytes after the traces (damaged file)`);
  return { table, columns: { length: n, domain, size, traceback, count }, tracebackLimit };
}

function readStrings(r: Reader, table: TraceTable): void {
  const n = r.count("string", 1);
  const encoding = r.byte();
  if (encoding !== UTF8 && encoding !== UTF16LE) r.fail(`unknown string encoding ${encoding} (damaged file)`);
  const lengths = new Float64Array(n);
  for (let i = 0; i < n; i++) lengths[i] = r.uint();
  const byteLength = r.uint();
  if (byteLength > r.left) r.fail("string table longer than the file (damaged file)");
  const blob = r.bytes.subarray(r.pos, r.pos + byteLength);
  r.pos += byteLength;
  decodeStrings(r, blob, encoding, lengths, table.strings, true);
}

/** Fibonacci hashing: the top bits of a key times 2^32/φ spread even similar keys evenly. */
const GOLDEN = 0x9e3779b1 | 0;

/**
 * An empty open-addressing hash set for `n` entries, to catch repeated table
 * entries: each slot holds an entry index + 1, 0 when free. An entry's first
 * slot is `Math.imul(key, GOLDEN) >>> shift`; probing steps on within `mask`.
 */
function hashSlots(n: number): { slots: Int32Array; mask: number; shift: number } {
  let bits = 4;
  while (1 << bits < 2 * n) bits++;
  return { slots: new Int32Array(1 << bits), mask: (1 << bits) - 1, shift: 32 - bits };
}

function readFrames(r: Reader, table: TraceTable): void {
  const rows = readFrameRows(r, r.count("frame", 4), table.strings.length);
  table.addFrames(rows.file, rows.line, rows.column, rows.fn);
}

/** Zigzag codes from this on stand for magnitudes of {@link MAX_LINE} and more (`zigzag(-MAX_LINE)`). */
const LINE_CODES = 2 * MAX_LINE - 1;

/** Reads `n` frames, checking their ids, their line and column, and that each is new. */
function readFrameRows(r: Reader, n: number, strings: number) {
  const files = new Int32Array(n), lines = new Float64Array(n), columns = new Float64Array(n), fns = new Int32Array(n);
  const { slots, mask, shift } = hashSlots(n);
  for (let i = 0; i < n; i++) {
    const file = r.uint();
    if (file >= strings) r.fail(`frame ${i} refers to string ${file} of ${strings} (damaged file)`);
    const lineCode = r.uint();
    const columnCode = r.uint();
    if (lineCode >= LINE_CODES || columnCode >= LINE_CODES) badPosition(r, i, lineCode, columnCode);
    const line = unzigzag(lineCode);
    const column = unzigzag(columnCode) - 1;
    const fn = r.uint() - 1;
    if (fn >= strings) r.fail(`frame ${i} refers to string ${fn} of ${strings} (damaged file)`);
    let h = Math.imul(file << 20 ^ fn << 10 ^ line ^ column << 5, GOLDEN) >>> shift;
    for (let j = slots[h] - 1; j >= 0; j = slots[h] - 1) {
      if (files[j] === file && lines[j] === line && columns[j] === column && fns[j] === fn) {
        r.fail(`frame ${i} repeats frame ${j} (damaged file)`);
      }
      h = (h + 1) & mask;
    }
    slots[h] = i + 1;
    files[i] = file;
    lines[i] = line;
    columns[i] = column;
    fns[i] = fn;
  }
  return { file: files, line: lines, column: columns, fn: fns };
}

/** Fails naming the line or column number of frame `i` that no dump may hold (see {@link LINE_CODES}). */
function badPosition(r: Reader, i: number, lineCode: number, columnCode: number): never {
  const [what, value] = lineCode >= LINE_CODES
    ? ["line number", unzigzag(lineCode)]
    : ["column", unzigzag(columnCode) - 1];
  return r.fail(`frame ${i} has ${what} ${value}, not below 2^52 in magnitude (damaged file)`);
}

function readStacks(r: Reader, table: TraceTable, limit: number): void {
  const n = r.count("stack", 1);
  const { start, frames } = readStackRows(r, n, table.frameCount, limit);
  table.addStacks(start, frames);
}

/** Reads `n` stacks, checking their ids, their length against the traceback limit, and that each is new. */
function readStackRows(r: Reader, n: number, frameCount: number, limit: number) {
  const start = new Uint32Array(n + 1);
  // Grown when needed; at most one frame id per byte left.
  let frames = new Int32Array(Math.min(r.left, 4 * n));
  const { slots, mask, shift } = hashSlots(n);
  let at = 0;
  for (let i = 0; i < n; i++) {
    const length = r.uint();
    if (length === 0) r.fail(`stack ${i} has no frames (damaged file)`);
    if (length > limit) {
      r.fail(`stack ${i} has ${framesText(length)}, more than the traceback limit ${limit} (damaged file)`);
    }
    if (length > r.left) r.fail(`stack ${i} is longer than the file (damaged file)`);
    if (at + length > frames.length) {
      const longer = new Int32Array(Math.max(2 * frames.length, at + length));
      longer.set(frames);
      frames = longer;
    }
    const first = at;
    let key = length;
    for (let k = 0; k < length; k++) {
      const f = r.uint();
      if (f >= frameCount) r.fail(`stack ${i} refers to frame ${f} of ${frameCount} (damaged file)`);
      frames[at++] = f;
      key = (key * 31 + f) | 0;
    }
    start[i + 1] = at;
    let h = Math.imul(key, GOLDEN) >>> shift;
    for (let j = slots[h] - 1; j >= 0; j = slots[h] - 1) {
      if (sameRun(frames, first, at, start[j], start[j + 1])) r.fail(`stack ${i} repeats stack ${j} (damaged file)`);
      h = (h + 1) & mask;
    }
    slots[h] = i + 1;
  }
  return { start, frames };
}

/** True when `list[a0..a1)` equals `list[b0..b1)`. */
function sameRun(list: Int32Array, a0: number, a1: number, b0: number, b1: number): boolean {
  if (a1 - a0 !== b1 - b0) return false;
  for (let k = 0; k < a1 - a0; k++) if (list[a0 + k] !== list[b0 + k]) return false;
  return true;
}

function readTracebacks(r: Reader, table: TraceTable): void {
  const rows = readTracebackRows(r, r.count("traceback", 2), table.stackCount, table.stackStart);
  table.addTracebacks(rows.stack, rows.total);
}

/**
 * Reads `n` tracebacks, checking their ids, that a known totalNframe counts
 * at least the frames kept, and that each is new.
 */
function readTracebackRows(r: Reader, n: number, stackCount: number, stackStart: Uint32Array) {
  const stacks = new Int32Array(n), totals = new Float64Array(n);
  const { slots, mask, shift } = hashSlots(n);
  for (let i = 0; i < n; i++) {
    const stack = r.uint();
    if (stack >= stackCount) r.fail(`traceback ${i} refers to stack ${stack} of ${stackCount} (damaged file)`);
    const total = r.uint() - 1;
    if (total >= 0 && total < stackStart[stack + 1] - stackStart[stack]) {
      const frames = stackStart[stack + 1] - stackStart[stack];
      r.fail(`traceback ${i} has totalNframe ${total}, fewer than its ${framesText(frames)} (damaged file)`);
    }
    let h = Math.imul(stack << 8 ^ total, GOLDEN) >>> shift;
    for (let j = slots[h] - 1; j >= 0; j = slots[h] - 1) {
      if (stacks[j] === stack && totals[j] === total) r.fail(`traceback ${i} repeats traceback ${j} (damaged file)`);
      h = (h + 1) & mask;
    }
    slots[h] = i + 1;
    stacks[i] = stack;
    totals[i] = total;
  }
  return { stack: stacks, total: totals };
}

function readDomains(r: Reader, n: number): Int32Array {
  const domain = new Int32Array(n);
  readRuns(r, r.count("domain run", 2), domain);
  return domain;
}

/** Fills `domain` from `runs` runs, which must cover it exactly. */
function readRuns(r: Reader, runs: number, domain: Int32Array): void {
  const n = domain.length;
  let i = 0;
  for (let k = 0; k < runs; k++) {
    const d = unzigzag(r.uint());
    if (d !== (d | 0)) r.fail(`domain ${d} out of range (damaged file)`);
    const length = r.uint();
    if (length === 0 || length > n - i) r.fail("domain runs do not match the trace count (damaged file)");
    // Short runs are common (domains interleave); fill() pays off on long ones.
    if (length < 16) {
      for (const end = i + length; i < end;) domain[i++] = d;
    } else {
      domain.fill(d, i, i += length);
    }
  }
  if (i !== n) r.fail("domain runs do not match the trace count (damaged file)");
}

function readTracebackColumn(r: Reader, known: number, n: number): Uint32Array {
  const width = r.byte();
  if (width > 4) r.fail(`unknown traceback column width ${width} (damaged file)`);
  const out = new Uint32Array(n);
  if (width) {
    if (width * n > r.left) r.fail("traceback column longer than the file (damaged file)");
    r.pos = getFixedIds(r.bytes, r.pos, out, width);
  } else {
    readUints(r, out, TWO_32 - 1);
  }
  const bad = firstAtLeast(out, known);
  if (bad >= 0) r.fail(`trace ${bad} refers to traceback ${out[bad]} of ${known} (damaged file)`);
  return out;
}

/** Index of the first value at least `limit`, or -1. */
function firstAtLeast(values: Uint32Array, limit: number): number {
  for (let i = 0; i < values.length; i++) if (values[i] >= limit) return i;
  return -1;
}

/** Reads `out.length` ids of `width` bytes at `p` (bounds checked by the caller). */
function getFixedIds(bytes: Uint8Array, p: number, out: Uint32Array, width: number): number {
  const n = out.length;
  // The common widths get loops of their own, free of the inner one.
  if (width === 1) {
    for (let i = 0; i < n; i++) out[i] = bytes[p++];
  } else if (width === 2) {
    for (let i = 0; i < n; i++, p += 2) out[i] = bytes[p] | bytes[p + 1] << 8;
  } else {
    for (let i = 0; i < n; i++) {
      let v = 0;
      for (let k = 0; k < width; k++) v += bytes[p++] * 2 ** (8 * k);
      out[i] = v;
    }
  }
  return p;
}

function readNumbers(r: Reader, n: number, what: string): Float64Array {
  const mode = r.byte();
  if (mode !== MODE_UINT && mode !== MODE_F64) r.fail(`unknown ${what} column mode ${mode} (damaged file)`);
  const out = new Float64Array(n);
  if (mode === MODE_UINT) {
    readUints(r, out, MAX_UINT);
    return out;
  }
  if (8 * n > r.left) r.fail(`${what} column longer than the file (damaged file)`);
  const raw = r.bytes.subarray(r.pos, r.pos + 8 * n);
  if (LITTLE_ENDIAN) new Uint8Array(out.buffer).set(raw);
  else {
    const view = new DataView(raw.buffer, raw.byteOffset, raw.length);
    for (let i = 0; i < n; i++) out[i] = view.getFloat64(8 * i, true);
  }
  r.pos += 8 * n;
  return out;
}
