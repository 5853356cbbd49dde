/**
 * Reading a dump (layout in `format.ts`): the header, then the payload of
 * the version it names (version 1 in `decode-v1.ts`).
 *
 * Reading trusts nothing it relies on: the header is checked before the
 * checksum, the checksum before any parsing, every count against the file's
 * size before anything is allocated, every column's type against what its
 * values may be, every id against its table, and every value against the
 * bounds writing checks (see `format.ts`), so that whatever loads can be
 * dumped again. `Snapshot.load` reads a version 2 file piece by piece (see
 * `source.ts`) and so hashes it as it parses; the counts are then bounded by
 * the file's size, and a failure is reported as a checksum mismatch when
 * the rest of the file does not match its checksum, as if that came first.
 *
 * Unlike version 1, a version 2 reader does not check that no table entry
 * repeats another. Only a file made to hold a repeat can have one (damage
 * fails the checksum, and the writer writes each table entry once), and a
 * repeat breaks nothing: the loaded table holds both entries, statistics
 * group them as two keys, as they would two different entries, and the
 * snapshot dumps and loads again as it is. The check was most of the cost of
 * a load: a hash set of the frames alone took 8-10 ms of a first call at
 * 100k traces (121k frames) on this machine, the whole load now 15; putting
 * the tables in an order that shows each entry above the one before instead
 * cost the writer two more passes over the frames in another order, 10-15 ms
 * of a first call.
 *
 * Speed: a load mostly runs before the JIT has compiled anything, when every
 * loop of ours costs several times what it will once compiled, and every page
 * of fresh memory costs a page fault. So the columns are widened into the
 * table's arrays natively (see `columns.ts`), and what is left to loops of
 * ours is the bounds checks, one pass per table, each alone in a small
 * function (quick to compile, nothing after the loop to deoptimize on).
 *
 * From a file, a column stored narrower than its array, or as a constant,
 * is not widened at load: its entries are read into the start of the
 * array, checked there, and widened in place when the snapshot's table or
 * columns are first read (see `SnapshotParts.widen`; accessors on the
 * table's columns instead cost construction and the first statistics() of
 * any snapshot 1-3 ms in calls before the JIT inlined them). A load then
 * touches about as many pages of fresh memory as the file has (at 100k
 * traces 510-800 page faults where widening everything took 1400-1900),
 * and a load then the first statistics() fewer than before.
 *
 * @module
 */
import type { SnapshotParts } from "../snapshot.ts";
import { TraceTable } from "../table.ts";
import {
  ALIGN,
  align,
  CONST,
  F64,
  I16,
  I32,
  I8,
  type NumberArray,
  RUNS,
  swapEntries,
  TO_FLOAT64,
  TO_INT32,
  TO_UINT32,
  U16,
  U32,
  U8,
  view,
  WIDTH,
} from "./columns.ts";
import { LITTLE_ENDIAN } from "./bytes.ts";
import { decodeV1 } from "./decode-v1.ts";
import {
  FLAG_COUNT,
  framesText,
  HEAD_BYTES,
  MAX_LINE,
  MAX_TRACEBACK_LIMIT,
  MAX_UINT,
  SnapshotFormatError,
  UTF16LE,
  UTF8,
} from "./format.ts";
import { checkHeader } from "./header.ts";
import { decodeStrings } from "./strings.ts";

/**
 * Reads a dump written by `encodeSnapshot`, of this format version or an
 * earlier one, into a fresh table.
 *
 * @param name the file's path, for error messages
 * @throws SnapshotFormatError when the bytes are not an intact dump of a
 *   version this build reads
 *
 * @example
 * ```ts
 * import { readSnapshotFile } from "../file.ts";
 * import { Snapshot } from "../snapshot.ts";
 *
 * const snapshot = new Snapshot(decodeSnapshot(await readSnapshotFile("app.dump"), "app.dump"));
 * ```
 */
export function decodeSnapshot(bytes: Uint8Array, name: string): SnapshotParts {
  const { version, payload } = checkHeader(bytes, name);
  return version === 1 ? decodeV1(payload, name) : decodeV2(payload, name);
}

/**
 * Where a version 2 payload's bytes come from, in order: memory (a dump's
 * bytes), or a file read piece by piece into one small buffer (see
 * `source.ts`), so that a load touches no fresh memory for the file's bytes.
 */
export interface PayloadSource {
  /** The payload's length in bytes. */
  readonly length: number;
  /** Whether what {@link PayloadSource.next} returns stays valid; else only until the next call. */
  readonly stable: boolean;
  /** The largest piece to ask for at once when reading entries (a multiple of 8). */
  readonly piece: number;
  /** The `n` bytes after those of the previous call (from the start of the payload at first), 8-aligned in memory. */
  next(n: number): Uint8Array;
  /** Reads the `into.length` bytes after those of the previous call into `into`. */
  nextInto(into: Uint8Array): void;
}

/** A payload in memory. */
class MemorySource implements PayloadSource {
  readonly stable = true;
  readonly piece = Infinity;
  #pos = 0;

  constructor(readonly bytes: Uint8Array) {}

  get length(): number {
    return this.bytes.length;
  }

  next(n: number): Uint8Array {
    return this.bytes.subarray(this.#pos, this.#pos += n);
  }

  nextInto(into: Uint8Array): void {
    into.set(this.next(into.length));
  }
}

/** Reads 8-aligned parts of a version 2 payload in order; every read checks its bounds. */
class Reader {
  pos = 0;
  /** What widens the columns whose widening waits for their first use (see {@link readColumn}). */
  readonly deferred: (() => void)[] = [];

  constructor(readonly source: PayloadSource, readonly name: string) {}

  fail(problem: string): never {
    throw new SnapshotFormatError(this.name, problem);
  }

  get left(): number {
    return this.source.length - this.pos;
  }

  /** Checks that the next `n` bytes are there, and returns them (see {@link PayloadSource.next}). */
  take(n: number, what: string): Uint8Array {
    if (n > this.left) this.fail(`${what} longer than the file (damaged file)`);
    this.pos += n;
    return this.source.next(n);
  }

  /** As {@link Reader.take}, into `into`. */
  takeInto(into: Uint8Array, what: string): void {
    if (into.length > this.left) this.fail(`${what} longer than the file (damaged file)`);
    this.pos += into.length;
    this.source.nextInto(into);
  }

  /** Skips the padding up to the next multiple of 8, which must be zero bytes. */
  pad(what: string): void {
    const n = align(this.pos) - this.pos;
    if (n === 0) return;
    const bytes = this.take(n, what);
    for (let p = 0; p < n; p++) {
      if (bytes[p]) this.fail(`nonzero padding after the ${what} (damaged file)`);
    }
  }

  /**
   * The `n` entries of `type` in `bytes` (from {@link Reader.take}): a view
   * where the machine is little-endian, else a swapped copy.
   */
  view(type: number, bytes: Uint8Array, n: number): NumberArray {
    if (LITTLE_ENDIAN || WIDTH[type] < 2) return view(type, bytes.buffer, bytes.byteOffset, n);
    const copy = bytes.slice(0, WIDTH[type] * n);
    swapEntries(copy, WIDTH[type]);
    return view(type, copy.buffer, 0, n);
  }
}

/** A little-endian u32 of `bytes` at `at`. */
function u32(bytes: Uint8Array, at: number): number {
  return (bytes[at] | bytes[at + 1] << 8 | bytes[at + 2] << 16 | bytes[at + 3] << 24) >>> 0;
}

/** Type names, for messages. */
const TYPE_NAMES = ["constant", "runs", "u8", "i8", "u16", "i16", "u32", "i32", "f64"];

/** Which types a column may take, by the array it is read into (see `format.ts`). */
const ALLOWED: readonly (readonly number[])[] = [
  [CONST, RUNS, U8, I8, U16, I16, I32],
  [CONST, RUNS, U8, U16, U32],
  [CONST, RUNS, U8, I8, U16, I16, U32, I32, F64],
];

/** A column's descriptor, checked: its type, and its runs for RUNS. */
interface Descriptor {
  type: number;
  runs: number;
}

/**
 * Reads the descriptor of a column of `n` entries read into an array of
 * kind `target` (`TO_INT32`...), checking that its type is allowed there
 * and that its entries are in the file. A `key` column of more than one
 * entry must be fixed-width (see `format.ts`). Its entries come next.
 */
function column(r: Reader, n: number, target: number, what: string, key: boolean): Descriptor {
  const bytes = r.take(8, `${what} column`);
  const type = bytes[0];
  if (type >= TYPE_NAMES.length) r.fail(`unknown ${what} column type ${type} (damaged file)`);
  if (!ALLOWED[target].includes(type) || (key && n > 1 && WIDTH[type] === 0)) {
    r.fail(`${what} column of type ${TYPE_NAMES[type]} (damaged file)`);
  }
  const runs = type === RUNS ? u32(bytes, 4) : 0;
  for (let p = 1; p < (type === RUNS ? 4 : 8); p++) {
    if (bytes[p]) r.fail(`nonzero padding in the ${what} column's descriptor (damaged file)`);
  }
  if (type === RUNS && (runs > n || (runs === 0) !== (n === 0))) {
    r.fail(`${runs} runs in the ${what} column of ${n} entries (damaged file)`);
  }
  const size = type === CONST ? 8 : type === RUNS ? 2 * align(4 * runs) : align(WIDTH[type] * n);
  if (size > r.left) r.fail(`${what} column longer than the file (damaged file)`);
  return { type, runs };
}

/** The type whose entries are those of each kind of array (see `TO_INT32`...). */
const SAME = [I32, U32, F64];

/** Reads the entries of the column `c` (of kind `target`) into `out`, one per value, widening natively. */
function fill(r: Reader, c: Descriptor, out: NumberArray, target: number, what: string): void {
  const { type, runs } = c;
  const n = out.length;
  if (type === CONST) {
    out.fill(readConstant(r, target, what));
  } else if (type === RUNS) {
    const half = align(4 * runs);
    const bytes = r.take(2 * half, `${what} column`);
    for (let p = 4 * runs; p < half; p++) {
      if (bytes[p] || bytes[half + p]) r.fail(`nonzero padding after the ${what} column (damaged file)`);
    }
    const values = r.view(I32, bytes, runs) as Int32Array;
    const lengths = r.view(U32, bytes.subarray(half), runs) as Uint32Array;
    const bad = fillRuns(out, values, lengths, target === TO_UINT32);
    if (bad >= 0) r.fail(`${what} column's run ${bad} does not fit (damaged file)`);
  } else if (type === SAME[target] && LITTLE_ENDIAN) {
    // Stored as the array holds them: read straight into it.
    r.takeInto(new Uint8Array(out.buffer, out.byteOffset, WIDTH[type] * n), `${what} column`);
    r.pad(`${what} column`);
  } else {
    // In pieces: from a file, each is read into one small buffer, widened from there.
    const width = WIDTH[type], step = Math.max(1, Math.floor(r.source.piece / width));
    for (let i = 0; i < n; i += step) {
      const k = Math.min(step, n - i);
      out.set(r.view(type, r.take(width * k, `${what} column`), k), i);
    }
    r.pad(`${what} column`);
  }
}

/** The value of a constant column (of kind `target`), checked against what the array holds. */
function readConstant(r: Reader, target: number, what: string): number {
  const bytes = r.take(8, `${what} column`);
  const value = new DataView(bytes.buffer, bytes.byteOffset, 8).getFloat64(0, true);
  const ok = target === TO_FLOAT64 ||
    Number.isInteger(value) && (target === TO_INT32 ? value === (value | 0) : value === value >>> 0);
  if (!ok) r.fail(`${what} ${value} out of range (damaged file)`);
  return value;
}

/** The arrays columns are read into, by kind (`TO_INT32`...). */
const ARRAYS = [Int32Array, Uint32Array, Float64Array] as const;

/**
 * A column, read: its type; its entries as stored, for the checks (a
 * constant's one entry); and its array, of the kind it was read for (see
 * {@link readColumn}).
 */
interface ReadColumn {
  type: number;
  stored: NumberArray;
  values: NumberArray;
}

/**
 * Whether to bound ids by `Math.min()` and `Math.max()` over slices of them:
 * on Bun, whose JavaScriptCore takes a typed array's values as arguments
 * natively, 0.7 ms for 121k ids in any state of the JIT, where the loop below
 * took 2-3 ms on the first load at 100k traces while the JIT was busy
 * compiling the rest (0.6 ms alone). On Node and Deno the same calls took
 * 3-5 ms, and the loop is kept.
 */
const NATIVE_BOUNDS = typeof (globalThis as { Bun?: unknown }).Bun !== "undefined";

/** A column read from a file is widened into its array when the snapshot's table or traces are first read (see {@link readColumn}). */
const DEFERRED = 0;
/**
 * Or now, unless it is a constant: for the ids a check bounds, so that the
 * loop of the check reads them from an Int32Array, as it reads the stack
 * frames (a loop the JIT compiled for one kind of array and then met
 * another took 1-2 ms more on a first load at 100k). On Bun, whose bounds
 * are native (see {@link NATIVE_BOUNDS}), widening them later cost the
 * first statistics() more than it spared the load.
 */
const IDS_NOW = 1;

/**
 * Reads a column of `n` entries into a fresh array of kind `target`. From a
 * file, a constant and a fixed-width column narrower than the array are
 * widened into it only by the reader's `deferred` list, unless `widening`
 * says otherwise (see the module comment): until then the array holds the
 * stored entries at its start, which widening overwrites in place (see
 * {@link IN_PLACE}). The rest, and every column from memory (widened
 * straight from there), is widened now.
 */
function readColumn(r: Reader, n: number, target: number, what: string, widening: number, key = false): ReadColumn {
  const c = column(r, n, target, what, key);
  const { type } = c;
  const out = new ARRAYS[target](n);
  const deferred = type === CONST ||
    (WIDTH[type] && type !== SAME[target] && widening === DEFERRED);
  if (deferred && !r.source.stable) {
    if (type === CONST) {
      const value = readConstant(r, target, what);
      r.deferred.push(() => out.fill(value));
      return { type, stored: ARRAYS[target].of(value), values: out };
    }
    if (!IN_PLACE) {
      const stored = readStored(r, type, n, new ArrayBuffer(align(WIDTH[type] * n)), what);
      r.deferred.push(() => out.set(stored));
      return { type, stored, values: out };
    }
    const stored = readStored(r, type, n, out.buffer, what);
    r.deferred.push(() => widenInPlace(out, stored));
    return { type, stored, values: out };
  }
  fill(r, c, out, target, what);
  return { type, stored: out, values: out };
}

/**
 * Whether a deferred column's stored entries wait at the start of its
 * array, to be widened in place (see {@link widenInPlace}), or in memory of
 * their own: on Bun, where JavaScriptCore's `set()` from an array sharing
 * the target's memory converts through a copy, 2.1 ms for 364k entries
 * where from memory of their own it took 0.3.
 */
const IN_PLACE = !NATIVE_BOUNDS;

/**
 * Widens `stored`, the entries at the start of the memory of `out`, into
 * `out`, from the end, in slices that do not overlap the entries still to
 * read: `set()` from an overlapping array copies it aside first, into fresh
 * memory (300 more page faults for the columns a first statistics() widens
 * after a load at 100k).
 */
function widenInPlace(out: NumberArray, stored: NumberArray): void {
  const ratio = out.BYTES_PER_ELEMENT / stored.BYTES_PER_ELEMENT;
  let end = stored.length;
  while (end > 64) {
    // Entry `i` of `out` covers stored entries from `ratio * i` on, which are past `end` when `i >= from`.
    const from = Math.ceil(end / ratio);
    out.subarray(from, end).set(stored.subarray(from, end));
    end = from;
  }
  out.subarray(0, end).set(stored.subarray(0, end));
}

/** The `n` entries of a fixed-width column of `type`, read into the start of `buffer`, as stored. */
function readStored(r: Reader, type: number, n: number, buffer: ArrayBuffer, what: string): NumberArray {
  const bytes = new Uint8Array(buffer, 0, WIDTH[type] * n);
  r.takeInto(bytes, `${what} column`);
  r.pad(`${what} column`);
  swapEntries(bytes, WIDTH[type]);
  return view(type, buffer, 0, n);
}

/**
 * A column of `n` entries read into an Int32Array: from bytes in memory, a
 * view of them when they are stored as such and make a quarter of the file
 * or more (no copy, no fresh memory; the view keeps the whole file alive, at
 * most three times what it spares), else a fresh array.
 */
function readInt32(r: Reader, n: number, what: string, key = false): { values: Int32Array; type: number } {
  const c = column(r, n, TO_INT32, what, key);
  if (c.type === I32 && LITTLE_ENDIAN && r.source.stable && 4 * 4 * n >= r.source.length) {
    const values = r.view(I32, r.take(4 * n, `${what} column`), n) as Int32Array;
    r.pad(`${what} column`);
    return { values, type: c.type };
  }
  const values = new Int32Array(n);
  fill(r, c, values, TO_INT32, what);
  return { values, type: c.type };
}

/**
 * The entries of a column of `n` unsigned integers as they are stored: a
 * view of the bytes in memory or a copy of those read from a file when
 * fixed-width, else a fresh array.
 */
function readView(r: Reader, n: number, what: string): NumberArray {
  const c = column(r, n, TO_UINT32, what, false);
  if (WIDTH[c.type]) {
    const bytes = r.take(WIDTH[c.type] * n, `${what} column`);
    const values = r.view(c.type, r.source.stable ? bytes : bytes.slice(), n);
    r.pad(`${what} column`);
    return values;
  }
  const out = new Uint32Array(n);
  fill(r, c, out, TO_UINT32, what);
  return out;
}

/**
 * Fills `out` with `values[k]` repeated `lengths[k]` times; returns the
 * first run that is empty, reaches past the end or (`unsigned`) is negative,
 * or -1; the runs must end at the end of `out`, else `lengths.length`.
 */
function fillRuns(out: NumberArray, values: Int32Array, lengths: Uint32Array, unsigned: boolean): number {
  const n = out.length;
  let at = 0;
  for (let k = 0; k < values.length; k++) {
    const v = values[k], length = lengths[k];
    if (length === 0 || length > n - at || (unsigned && v < 0)) return k;
    // Short runs are common (domains interleave); fill() pays off on long ones.
    if (length < 16) {
      for (const end = at + length; at < end;) out[at++] = v;
    } else {
      out.fill(v, at, at += length);
    }
  }
  return at === n ? -1 : values.length;
}

/**
 * Reads the payload of a version 2 dump into a fresh table.
 *
 * @param name the file's path, for error messages
 * @throws SnapshotFormatError when the payload is not a consistent snapshot
 */
export function decodeV2(payload: Uint8Array, name: string): SnapshotParts {
  // Views of the columns need their entries at multiples of their width in memory.
  return decodeV2From(new MemorySource(payload.byteOffset % ALIGN ? payload.slice() : payload), name);
}

/**
 * Reads a version 2 payload from `source` into a fresh table (see
 * {@link decodeV2}).
 */
export function decodeV2From(source: PayloadSource, name: string): SnapshotParts {
  const r = new Reader(source, name);
  const head = r.take(HEAD_BYTES, "head").slice();
  const tracebackLimit = u32(head, 0);
  if (tracebackLimit > MAX_TRACEBACK_LIMIT) {
    r.fail(`traceback limit ${tracebackLimit} is above ${MAX_TRACEBACK_LIMIT} (damaged file)`);
  }
  const flags = u32(head, 4);
  if (flags & ~FLAG_COUNT) r.fail(`unknown flags ${flags} (damaged file)`);
  const names = ["string", "frame", "stack", "stack frame", "traceback", "trace"];
  const [strings, frames, stacks, stackFrames, tracebacks, traces] = names.map((what, k) => {
    const n = u32(head, 8 + 4 * k);
    // Each entry takes at least a byte (see format.ts on key columns): nothing larger than that is allocated.
    if (n > source.length) r.fail(`${what} count ${n} exceeds the file's size (damaged file)`);
    return n;
  });
  if (stackFrames < stacks) r.fail(`${stacks} stacks of ${framesText(stackFrames)} in all (damaged file)`);
  // Entries go straight into the fresh table's arrays (see TraceTable on bulk
  // loading), so file ids are table ids; that needs distinct entries, which
  // the writer makes and each reader below checks.
  const table = new TraceTable();
  readStrings(r, table, strings);
  readFrames(r, table, frames);
  const lengths = readStacks(r, table, stacks, stackFrames, tracebackLimit);
  readTracebacks(r, table, tracebacks, lengths);
  const domain = readColumn(r, traces, TO_INT32, "domain", DEFERRED);
  const traceback = readColumn(r, traces, TO_UINT32, "traceback", IDS_NOW, true);
  // Seen as int32 (an id of 2^31 or more reads as negative, and is refused as well): the check is then the same
  // function as the frames', which the JIT has compiled by now (on its first call it costs 2 ms more at 100k).
  const ids = traceback.stored;
  const bad = firstOutside(
    ids instanceof Uint32Array ? new Int32Array(ids.buffer, ids.byteOffset, ids.length) : ids,
    0,
    tracebacks,
    storedCount(traceback.type, traces),
  );
  if (bad >= 0) r.fail(`trace ${bad} refers to traceback ${ids[bad]} of ${tracebacks} (damaged file)`);
  const size = readColumn(r, traces, TO_FLOAT64, "size", DEFERRED);
  const count = flags & FLAG_COUNT ? readColumn(r, traces, TO_FLOAT64, "count", DEFERRED) : null;
  if (r.left) r.fail(`${r.left} unexpected bytes after the traces (damaged file)`);
  const columns = {
    length: traces,
    domain: domain.values as Int32Array,
    size: size.values as Float64Array,
    traceback: traceback.values as Uint32Array,
    count: count && count.values as Float64Array,
  };
  const deferred = r.deferred;
  const widen = deferred.length ? () => deferred.forEach((widen) => widen()) : undefined;
  return { table, columns, tracebackLimit, widen };
}

function readStrings(r: Reader, table: TraceTable, n: number): void {
  const lengths = readView(r, n, "string length");
  const word = r.take(8, "string table");
  const encoding = u32(word, 0), byteLength = u32(word, 4);
  if (encoding !== UTF8 && encoding !== UTF16LE) r.fail(`unknown string encoding ${encoding} (damaged file)`);
  const blob = r.take(byteLength, "string table");
  // Not checked for repeats: see the module comment.
  decodeStrings(r, blob, encoding, lengths, table.strings, false);
  r.pad("string table");
}

function readFrames(r: Reader, table: TraceTable, n: number): void {
  const file = readColumn(r, n, TO_INT32, "frame file", IDS_NOW);
  const line = readColumn(r, n, TO_FLOAT64, "frame line", DEFERRED, true);
  const column = readColumn(r, n, TO_FLOAT64, "frame column", DEFERRED);
  const fn = readColumn(r, n, TO_INT32, "frame function", IDS_NOW);
  const badLine = badPosition(line, n, 0), badColumn = badPosition(column, n, 1);
  if (badLine >= 0 || badColumn >= 0) {
    const bad = badLine < 0 ? badColumn : badColumn < 0 ? badLine : Math.min(badLine, badColumn);
    positionFailure(r, bad, entry(line, bad), entry(column, bad));
  }
  const strings = table.strings.length;
  for (const [ids, min] of [[file, 0], [fn, -1]] as const) {
    const bad = firstOutside(ids.stored, min, strings, storedCount(ids.type, n));
    if (bad >= 0) r.fail(`frame ${bad} refers to string ${ids.stored[bad]} of ${strings} (damaged file)`);
  }
  table.addFrames(
    file.values as Int32Array,
    line.values as Float64Array,
    column.values as Float64Array,
    fn.values as Int32Array,
  );
}

/** How many entries a column of `n` of `type` stores: a constant's one entry stands for all. */
function storedCount(type: number, n: number): number {
  return type === CONST ? Math.min(n, 1) : n;
}

/** Entry `i` of a column of more than `i` entries. */
function entry(c: ReadColumn, i: number): number {
  return c.stored[c.type === CONST ? 0 : i];
}

/**
 * The first of `n` frames whose line (`offset` 0) or column+1 (`offset` 1)
 * in `c` is not an integer of magnitude below {@link MAX_LINE}, or -1.
 * Integer columns hold such integers by their type; a constant's one entry
 * stands for all.
 */
function badPosition(c: ReadColumn, n: number, offset: number): number {
  const values = c.stored;
  const checked = c.type === F64 || c.type === CONST ? storedCount(c.type, n) : 0;
  for (let i = 0; i < checked; i++) {
    const v = values[i] + offset;
    if (!(Math.abs(v) < MAX_LINE && Math.floor(v) === v)) return i;
  }
  return -1;
}

function positionFailure(r: Reader, i: number, line: number, column: number): never {
  const [what, value] = Math.abs(line) < MAX_LINE && Math.floor(line) === line
    ? ["column", column]
    : ["line number", line];
  return r.fail(`frame ${i} has ${what} ${value}, not an integer below 2^52 in magnitude (damaged file)`);
}

/** Values per `Math.min()` or `Math.max()` call (see {@link NATIVE_BOUNDS}), well below argument limits. */
const BOUNDS_SLICE = 16384;

/** Index of the first of the first `n` values below `min` or at least `end`, or -1. */
function firstOutside(values: NumberArray, min: number, end: number, n: number): number {
  if (!NATIVE_BOUNDS || n <= BOUNDS_SLICE) return firstOutsideLoop(values, min, end, n);
  const apply = Function.prototype.apply as (this: (...v: number[]) => number, that: null, args: NumberArray) => number;
  for (let i = 0; i < n; i += BOUNDS_SLICE) {
    const slice = values.subarray(i, Math.min(n, i + BOUNDS_SLICE));
    if (apply.call(Math.min, null, slice) < min || apply.call(Math.max, null, slice) >= end) {
      return i + firstOutsideLoop(slice, min, end, slice.length);
    }
  }
  return -1;
}

/** As {@link firstOutside}, one value at a time. */
function firstOutsideLoop(values: NumberArray, min: number, end: number, n: number): number {
  // One unsigned comparison: a value below `min` wraps round to 2^32 or more.
  const span = end - min;
  for (let i = 0; i < n; i++) if ((values[i] - min) >>> 0 >= span) return i;
  return -1;
}

/** Reads the stacks into the table; returns their lengths (checked: from 1 to `limit`). */
function readStacks(r: Reader, table: TraceTable, n: number, total: number, limit: number): NumberArray {
  const lengths = readView(r, n, "stack length");
  const { values: frames, type: framesType } = readInt32(r, total, "stack frame", true);
  const start = new Uint32Array(n + 1);
  const bad = stackStarts(lengths, start, limit);
  if (bad >= 0) {
    if (lengths[bad] === 0) r.fail(`stack ${bad} has no frames (damaged file)`);
    r.fail(`stack ${bad} has ${framesText(lengths[bad])}, more than the traceback limit ${limit} (damaged file)`);
  }
  if (start[n] !== total) r.fail(`the stacks' lengths add up to ${framesText(start[n])}, not ${total} (damaged file)`);
  const frameCount = table.frameCount;
  const badFrame = firstOutside(frames, 0, frameCount, storedCount(framesType, total));
  if (badFrame >= 0) {
    let i = 0;
    while (start[i + 1] <= badFrame) i++;
    r.fail(`stack ${i} refers to frame ${frames[badFrame]} of ${frameCount} (damaged file)`);
  }
  table.addStacks(start, frames);
  return lengths;
}

/**
 * Fills `start` from the stacks' lengths; returns the first stack whose
 * length is not from 1 to `limit`, or -1.
 */
function stackStarts(lengths: NumberArray, start: Uint32Array, limit: number): number {
  let at = 0;
  for (let i = 0; i < lengths.length; i++) {
    const length = lengths[i];
    if (length === 0 || length > limit) return i;
    start[i + 1] = at += length;
  }
  return -1;
}

/** Reads the tracebacks into the table, given the stacks' `lengths`. */
function readTracebacks(r: Reader, table: TraceTable, n: number, lengths: NumberArray): void {
  const stackColumn = readColumn(r, n, TO_INT32, "traceback stack", IDS_NOW, true);
  const totalColumn = readColumn(r, n, TO_FLOAT64, "totalNframe", DEFERRED);
  const stack = stackColumn.stored, total = totalColumn.stored, totalType = totalColumn.type;
  if (totalType === F64 || totalType === CONST) {
    const checked = storedCount(totalType, n);
    for (let i = 0; i < checked; i++) {
      const t = total[i];
      if (!(Number.isInteger(t) && t >= -1 && t < MAX_UINT)) {
        r.fail(`traceback ${i} has totalNframe ${t}, not an integer from 0 to 2^53 - 2 or -1 (damaged file)`);
      }
    }
  }
  const stacks = table.stackCount;
  // The stacks are bounded by the loop that bounds every id, compiled by now, so that the loop of the totals, whose
  // first run costs per entry, does less (on a first load at 100k, 0.7-2.5 ms where it did both).
  const badStack = firstOutside(stack, 0, stacks, storedCount(stackColumn.type, n));
  const bad = firstBelowLength(stack, total, totalType === CONST ? 0 : 1, lengths, badStack < 0 ? n : badStack);
  if (bad >= 0) {
    const frames = framesText(lengths[stack[bad]]);
    r.fail(`traceback ${bad} has totalNframe ${entry(totalColumn, bad)}, fewer than its ${frames} (damaged file)`);
  }
  if (badStack >= 0) r.fail(`traceback ${badStack} refers to stack ${stack[badStack]} of ${stacks} (damaged file)`);
  table.addTracebacks(stackColumn.values as Int32Array, totalColumn.values as Float64Array);
}

/**
 * The first of the first `n` tracebacks (whose stacks are in the table)
 * whose known totalNframe is below its stack's length, or -1. Traceback
 * `i`'s totalNframe is `total[i * totalStep]`: a constant's one entry
 * stands for all.
 */
function firstBelowLength(
  stack: NumberArray,
  total: NumberArray,
  totalStep: number,
  lengths: NumberArray,
  n: number,
): number {
  for (let i = 0; i < n; i++) {
    const t = total[i * totalStep];
    if (t < lengths[stack[i]] && t !== -1) return i;
  }
  return -1;
}
