/**
 * The snapshot dump format: a versioned, compact, checksummed binary file.
 *
 * Layout (fixed-width integers are little-endian; "uint" is an unsigned
 * LEB128 varint of at most 8 bytes, value at most 2^53; "sint" is a
 * zigzag-coded uint, so small negatives stay short):
 *
 * ```text
 * header      magic "\x89TMJS\r\n\x1a" · u32 version
 *             · u32 payload length, low and high halves · u32 xxHash32 of the payload
 * payload     uint tracebackLimit · u8 flags (bit 0: count column present)
 * strings     uint n · u8 encoding (0 UTF-8, 1 UTF-16LE)
 *             · n × uint length in UTF-16 units · uint byte length · bytes
 * frames      uint n · n × (uint file string · sint lineno
 *             · sint column+1 (0: absent) · uint function string+1 (0: absent))
 * stacks      uint n · n × (uint length · length × uint frame), most recent first
 * tracebacks  uint n · n × (uint stack · uint totalNframe+1 (0: absent))
 * traces      uint n
 *             · domain: uint runs · runs × (sint domain · uint run length)
 *             · traceback: u8 width · (0: n × uint | 1-4: n × u<width>), ids
 *               numbered by falling use; whichever form is smaller
 *             · size: u8 mode · (mode 0: n × uint | mode 1: n × f64)
 *             · count, when flagged: u8 mode · as size
 * ```
 *
 * Only the table entries the traces use are written, whatever the size of the
 * (possibly shared) table, each exactly once. Sizes and counts take the varint
 * form when every value is a non-negative integer up to 2^53 and otherwise
 * fall back to raw float64 for the whole column, so fractional, negative
 * (-0 too) or non-finite values survive exactly. Strings are UTF-8 unless one of them
 * holds a lone surrogate, which UTF-8 cannot carry; then the table is
 * UTF-16LE. Line and column numbers must be integers of magnitude below 2^52,
 * and every stack has a frame (the model gives a frameless trace
 * `<unknown>:0`).
 *
 * Reading trusts nothing: the header is checked before the checksum, the
 * checksum before any parsing, every count against the bytes left before
 * anything is allocated, every id against its table, and every table entry
 * for being distinct (the loaded table relies on it).
 *
 * Speed: a dump runs once, mostly before the JIT has caught up, so every hot
 * loop sits alone in a small function (quick to optimize, nothing after the
 * loop to deoptimize on) and reads or writes the common 1-byte varint in line.
 *
 * @module
 */
import type { TraceColumns } from "./columns.ts";
import type { SnapshotParts } from "./snapshot.ts";
import { NONE, TraceTable } from "./table.ts";

/** `\x89` keeps the file from passing as text; `\r\n` and `\x1a` catch newline mangling. */
const MAGIC = [0x89, 0x54, 0x4d, 0x4a, 0x53, 0x0d, 0x0a, 0x1a];
/**
 * The dump format version this build writes and reads.
 *
 * @example
 * ```ts
 * console.log(`dump format v${DUMP_FORMAT_VERSION}`);
 * ```
 */
export const DUMP_FORMAT_VERSION = 1;
const HEADER_BYTES = 24;
const FLAG_COUNT = 1;
const MODE_UINT = 0;
const MODE_F64 = 1;
const UTF8 = 0;
const UTF16LE = 1;
const TWO_28 = 0x1000_0000;
const TWO_32 = 0x1_0000_0000;
const MAX_UINT = 2 ** 53;
/** Bound on line and column numbers, so that their zigzag form stays within {@link MAX_UINT}. */
const MAX_LINE = 2 ** 52;
/** Float64 columns and checksummed words are read in place when the machine's byte order is the file's. */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * A file that is not a readable snapshot dump: foreign, truncated, damaged or
 * from a newer format version. The message starts with the file's name.
 *
 * @example
 * ```ts
 * try {
 *   await Snapshot.load("old.dump");
 * } catch (e) {
 *   if (e instanceof SnapshotFormatError) console.error(e.message);
 * }
 * ```
 */
export class SnapshotFormatError extends Error {
  /**
   * @param file the path of the file (or any name for the bytes)
   * @param problem what is wrong with it, in words
   */
  constructor(readonly file: string, readonly problem: string) {
    super(`${file}: ${problem}`);
    this.name = "SnapshotFormatError";
  }
}

// ---------------------------------------------------------------------------
// Checksum: xxHash32 (seed 0), two to three times faster than a table CRC-32
// here. Every step is a bijection of the running state, so any change confined
// to one 4-byte word, hence any single damaged byte, always changes the sum.

const P1 = 0x9e3779b1 | 0;
const P2 = 0x85ebca77 | 0;
const P3 = 0xc2b2ae3d | 0;
const P4 = 0x27d4eb2f | 0;
const P5 = 0x165667b1 | 0;

/**
 * xxHash32 of `bytes` with seed 0, the checksum of a dump's payload.
 *
 * @example
 * ```ts
 * xxhash32(new TextEncoder().encode("abc")); // 0x32d153ff
 * ```
 */
export function xxhash32(bytes: Uint8Array): number {
  const n = bytes.length;
  const stripes = n >>> 4;
  let h: number;
  if (stripes) {
    const lanes = new Int32Array([(P1 + P2) | 0, P2, 0, -P1 | 0]);
    if (LITTLE_ENDIAN && bytes.byteOffset % 4 === 0) {
      stripeWords(
        new Int32Array(bytes.buffer, bytes.byteOffset, stripes * 4),
        lanes,
      );
    } else {
      stripeBytes(bytes, stripes, lanes);
    }
    const [v1, v2, v3, v4] = lanes;
    h = (v1 << 1 | v1 >>> 31) + (v2 << 7 | v2 >>> 25) + (v3 << 12 | v3 >>> 20) +
      (v4 << 18 | v4 >>> 14);
  } else {
    h = P5;
  }
  h = (h + n) | 0;
  let i = stripes * 16;
  for (; i + 4 <= n; i += 4) {
    h = h +
      Math.imul(
        bytes[i] | bytes[i + 1] << 8 | bytes[i + 2] << 16 | bytes[i + 3] << 24,
        P3,
      );
    h = Math.imul(h << 17 | h >>> 15, P4);
  }
  for (; i < n; i++) {
    h = h + Math.imul(bytes[i], P5);
    h = Math.imul(h << 11 | h >>> 21, P1);
  }
  h ^= h >>> 15;
  h = Math.imul(h, P2);
  h ^= h >>> 13;
  h = Math.imul(h, P3);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The four xxHash32 lanes over whole 16-byte stripes, read as aligned words. */
function stripeWords(words: Int32Array, lanes: Int32Array): void {
  let v1 = lanes[0], v2 = lanes[1], v3 = lanes[2], v4 = lanes[3];
  for (let j = 0; j < words.length; j += 4) {
    v1 = v1 + Math.imul(words[j], P2);
    v1 = Math.imul(v1 << 13 | v1 >>> 19, P1);
    v2 = v2 + Math.imul(words[j + 1], P2);
    v2 = Math.imul(v2 << 13 | v2 >>> 19, P1);
    v3 = v3 + Math.imul(words[j + 2], P2);
    v3 = Math.imul(v3 << 13 | v3 >>> 19, P1);
    v4 = v4 + Math.imul(words[j + 3], P2);
    v4 = Math.imul(v4 << 13 | v4 >>> 19, P1);
  }
  lanes[0] = v1, lanes[1] = v2, lanes[2] = v3, lanes[3] = v4;
}

/** As {@link stripeWords}, assembling each word from bytes (unaligned input, big-endian machines). */
function stripeBytes(b: Uint8Array, stripes: number, lanes: Int32Array): void {
  let v1 = lanes[0], v2 = lanes[1], v3 = lanes[2], v4 = lanes[3];
  for (let j = 0; j < stripes * 16; j += 16) {
    v1 = v1 +
      Math.imul(b[j] | b[j + 1] << 8 | b[j + 2] << 16 | b[j + 3] << 24, P2);
    v1 = Math.imul(v1 << 13 | v1 >>> 19, P1);
    v2 = v2 +
      Math.imul(b[j + 4] | b[j + 5] << 8 | b[j + 6] << 16 | b[j + 7] << 24, P2);
    v2 = Math.imul(v2 << 13 | v2 >>> 19, P1);
    v3 = v3 +
      Math.imul(
        b[j + 8] | b[j + 9] << 8 | b[j + 10] << 16 | b[j + 11] << 24,
        P2,
      );
    v3 = Math.imul(v3 << 13 | v3 >>> 19, P1);
    v4 = v4 +
      Math.imul(
        b[j + 12] | b[j + 13] << 8 | b[j + 14] << 16 | b[j + 15] << 24,
        P2,
      );
    v4 = Math.imul(v4 << 13 | v4 >>> 19, P1);
  }
  lanes[0] = v1, lanes[1] = v2, lanes[2] = v3, lanes[3] = v4;
}

// ---------------------------------------------------------------------------
// Varints. Each writer stores at `buf[p]` and returns the position after.

/** An integer up to 2^53; quickest for small values. */
function putUint(buf: Uint8Array, p: number, v: number): number {
  if (v >= TWO_32) return putLongUint(buf, p, v);
  while (v >= 0x80) {
    buf[p++] = v & 0x7f | 0x80;
    v >>>= 7;
  }
  buf[p] = v;
  return p + 1;
}

/** An integer up to 2^53, in floating-point arithmetic. */
function putLongUint(buf: Uint8Array, p: number, v: number): number {
  while (v >= 0x80) {
    buf[p++] = v % 0x80 | 0x80;
    v = Math.floor(v / 0x80);
  }
  buf[p] = v;
  return p + 1;
}

/**
 * An integer below 2^28, storing four bytes whatever its length and branching
 * on none: when lengths vary at random, mispredicted branches cost more than
 * the stores. Needs three bytes of slack after the varint.
 */
function putUint28(buf: Uint8Array, p: number, v: number): number {
  // (limit - v) >> 31 is -1 when v > limit, else 0: the continuation bits.
  const c1 = (0x7f - v) >> 31;
  const c2 = (0x3fff - v) >> 31;
  const c3 = (0x1fffff - v) >> 31;
  buf[p] = v & 0x7f | c1 & 0x80;
  buf[p + 1] = v >>> 7 & 0x7f | c2 & 0x80;
  buf[p + 2] = v >>> 14 & 0x7f | c3 & 0x80;
  buf[p + 3] = v >>> 21;
  return p + 1 - c1 - c2 - c3;
}

// ---------------------------------------------------------------------------
// Encoding

/** A growable byte buffer; loops write to `buf` directly after `reserve`. */
class Writer {
  buf: Uint8Array;
  pos = 0;

  constructor(capacity: number) {
    this.buf = new Uint8Array(Math.max(capacity, 64));
  }

  /** Makes room for `n` more bytes. */
  reserve(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.pos + n, this.buf.length * 2));
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }

  byte(b: number): void {
    this.reserve(1);
    this.buf[this.pos++] = b;
  }

  /** A non-negative integer up to 2^53. */
  uint(v: number): void {
    this.reserve(8);
    this.pos = putUint(this.buf, this.pos, v);
  }

  bytes(b: Uint8Array): void {
    this.reserve(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }
}

/** The table entries the traces use, renumbered from 0. */
interface Subset {
  /** Table traceback id per file id, most used first. */
  tracebacks: Uint32Array;
  /** File id per table traceback id (meaningful for used ones only). */
  tracebackId: Uint32Array;
  /** Size of the traceback column as varints. */
  tracebackVarintBytes: number;
  /** Table stack id per file id, in order of first use; likewise for frames and strings. */
  stacks: Int32Array;
  /** File stack id per table stack id, -1 when unused; likewise for frames and strings. */
  stackId: Int32Array;
  /** Frames in all used stacks, with repeats. */
  stackFrameCount: number;
  frames: Int32Array;
  frameId: Int32Array;
  strings: Int32Array;
  stringId: Int32Array;
}

/**
 * The bytes of a dump of a snapshot's parts (see the module comment). The
 * result may be a view into a larger buffer.
 *
 * Throws a `RangeError` for parts no dump can hold: a traceback id outside
 * the table, a fractional line number, a negative traceback limit.
 *
 * @example
 * ```ts
 * const bytes = encodeSnapshot(new Snapshot([[0, 64, [["app.ts", 3]], 1]], 1));
 * const copy = new Snapshot(decodeSnapshot(bytes, "in memory"));
 * ```
 */
export function encodeSnapshot(parts: SnapshotParts): Uint8Array {
  const { table, columns, tracebackLimit } = parts;
  if (!Number.isSafeInteger(tracebackLimit) || tracebackLimit < 0) {
    throw new RangeError(
      `cannot dump: tracebackLimit must be a non-negative integer, not ${tracebackLimit}`,
    );
  }
  const n = columns.length;
  const used = selectUsed(table, columns);
  // Enough for everything but long domain runs and long strings, so that the
  // trace columns are written without growing (and copying) the buffer.
  const tables = 8 *
      (used.strings.length + 4 * used.frames.length + used.stacks.length +
        used.stackFrameCount) +
    16 * used.tracebacks.length;
  const w = new Writer(
    HEADER_BYTES + 64 + tables + (columns.count ? 21 : 13) * n,
  );
  w.pos = HEADER_BYTES;
  w.uint(tracebackLimit);
  w.byte(columns.count ? FLAG_COUNT : 0);
  writeStrings(w, table, used);
  w.uint(used.frames.length);
  w.reserve(4 * 8 * used.frames.length);
  w.pos = writeFrames(w.buf, w.pos, table, used);
  w.uint(used.stacks.length);
  w.reserve(8 * (used.stacks.length + used.stackFrameCount));
  w.pos = writeStacks(w.buf, w.pos, table, used);
  w.uint(used.tracebacks.length);
  w.reserve(16 * used.tracebacks.length);
  w.pos = writeTracebacks(w.buf, w.pos, table, used);
  w.uint(n);
  writeDomains(w, columns.domain, n);
  writeTracebackColumn(w, columns.traceback, used, n);
  writeNumbers(w, columns.size, n);
  if (columns.count) writeNumbers(w, columns.count, n);

  const out = w.buf.subarray(0, w.pos);
  const payloadLength = out.length - HEADER_BYTES;
  out.set(MAGIC, 0);
  const view = new DataView(out.buffer, out.byteOffset, HEADER_BYTES);
  view.setUint32(8, DUMP_FORMAT_VERSION, true);
  view.setUint32(12, payloadLength % TWO_32, true);
  view.setUint32(16, Math.floor(payloadLength / TWO_32), true);
  view.setUint32(20, xxhash32(out.subarray(HEADER_BYTES)), true);
  return out;
}

function selectUsed(table: TraceTable, columns: TraceColumns): Subset {
  const total = table.tracebackCount;
  const uses = new Uint32Array(total);
  const bad = countUses(columns.traceback, columns.length, uses);
  if (bad >= 0) {
    throw new RangeError(
      `cannot dump: trace ${bad} refers to traceback ${columns.traceback[bad]} of ${total}`,
    );
  }
  const inTableOrder = usedInOrder(uses);
  const tracebacks = rankByUse(uses, inTableOrder);
  const tracebackId = uses; // the counts are spent once ranked
  const tracebackVarintBytes = numberByRank(tracebacks, uses, tracebackId);
  const stackId = new Int32Array(table.stackCount).fill(-1);
  const frameId = new Int32Array(table.frameCount).fill(-1);
  const stringId = new Int32Array(table.strings.length).fill(-1);
  const stacks = new Int32Array(table.stackCount);
  const frames = new Int32Array(table.frameCount);
  const strings = new Int32Array(table.strings.length);
  const counts = new Float64Array(4);
  // Walked in table order rather than rank order, so that reading the table
  // here and when writing frames and stacks goes through memory in sequence.
  collectUsed(table, inTableOrder, {
    stacks,
    stackId,
    frames,
    frameId,
    strings,
    stringId,
  }, counts);
  return {
    tracebacks,
    tracebackId,
    tracebackVarintBytes,
    stacks: stacks.subarray(0, counts[0]),
    stackId,
    stackFrameCount: counts[3],
    frames: frames.subarray(0, counts[1]),
    frameId,
    strings: strings.subarray(0, counts[2]),
    stringId,
  };
}

/** Uses of each traceback id; returns the first trace whose id is outside the table, or -1. */
function countUses(
  traceback: Uint32Array,
  n: number,
  uses: Uint32Array,
): number {
  const total = uses.length;
  for (let i = 0; i < n; i++) {
    const tb = traceback[i];
    if (tb >= total) return i;
    uses[tb]++;
  }
  return -1;
}

/** The ids used at least once, in increasing order. */
function usedInOrder(uses: Uint32Array): Uint32Array {
  let count = 0;
  for (let tb = 0; tb < uses.length; tb++) if (uses[tb]) count++;
  const used = new Uint32Array(count);
  for (let tb = 0, k = 0; tb < uses.length; tb++) if (uses[tb]) used[k++] = tb;
  return used;
}

/** The used traceback ids, most used first, ties by id: a counting sort. */
function rankByUse(uses: Uint32Array, used: Uint32Array): Uint32Array {
  let maxUses = 0;
  for (let k = 0; k < used.length; k++) {
    if (uses[used[k]] > maxUses) maxUses = uses[used[k]];
  }
  // slot[m]: where the next traceback used maxUses - m times goes.
  const slot = new Uint32Array(maxUses + 1);
  for (let k = 0; k < used.length; k++) slot[maxUses - uses[used[k]]]++;
  for (let m = 0, at = 0; m <= maxUses; m++) {
    const size = slot[m];
    slot[m] = at;
    at += size;
  }
  const ranked = new Uint32Array(used.length);
  for (let k = 0; k < used.length; k++) {
    ranked[slot[maxUses - uses[used[k]]]++] = used[k];
  }
  return ranked;
}

/** Sets each used traceback's file id (its rank); returns the traceback column's size as varints. */
function numberByRank(
  ranked: Uint32Array,
  uses: Uint32Array,
  tracebackId: Uint32Array,
): number {
  let bytes = 0;
  for (let id = 0; id < ranked.length; id++) {
    const tb = ranked[id];
    bytes += uses[tb] *
      (id < 0x80 ? 1 : id < 0x4000 ? 2 : id < 0x200000 ? 3 : id < TWO_28 ? 4 : 5);
    tracebackId[tb] = id;
  }
  return bytes;
}

/**
 * Numbers the stacks, frames and strings of the given tracebacks in order of
 * first use; `counts` receives how many of each, and the frames of all stacks.
 */
function collectUsed(
  table: TraceTable,
  tracebacks: Uint32Array,
  out: Pick<
    Subset,
    "stacks" | "stackId" | "frames" | "frameId" | "strings" | "stringId"
  >,
  counts: Float64Array,
): void {
  const { stacks, stackId, frames, frameId, strings, stringId } = out;
  const { tracebackStack, stackStart, stackFrames, frameFile, frameFunction } = table;
  let stackCount = 0, frameCount = 0, stringCount = 0, stackFrameCount = 0;
  for (let k = 0; k < tracebacks.length; k++) {
    const s = tracebackStack[tracebacks[k]];
    if (stackId[s] >= 0) continue;
    stacks[stackCount] = s;
    stackId[s] = stackCount++;
    const end = stackStart[s + 1];
    stackFrameCount += end - stackStart[s];
    for (let k = stackStart[s]; k < end; k++) {
      const f = stackFrames[k];
      if (frameId[f] >= 0) continue;
      frames[frameCount] = f;
      frameId[f] = frameCount++;
      const file = frameFile[f];
      if (stringId[file] < 0) {
        strings[stringCount] = file;
        stringId[file] = stringCount++;
      }
      const fn = frameFunction[f];
      if (fn !== NONE && stringId[fn] < 0) {
        strings[stringCount] = fn;
        stringId[fn] = stringCount++;
      }
    }
  }
  counts[0] = stackCount, counts[1] = frameCount, counts[2] = stringCount, counts[3] = stackFrameCount;
}

/** Matches a UTF-16 unit that is half of no surrogate pair. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function writeStrings(w: Writer, table: TraceTable, used: Subset): void {
  const list = Array.from(used.strings, (id) => table.strings[id]);
  // NUL separators keep a pair from forming across two strings.
  const wellFormed = !LONE_SURROGATE.test(list.join("\0"));
  w.uint(list.length);
  w.byte(wellFormed ? UTF8 : UTF16LE);
  let units = 0;
  for (const s of list) {
    w.uint(s.length);
    units += s.length;
  }
  const joined = list.join("");
  if (wellFormed) {
    const bytes = new TextEncoder().encode(joined);
    w.uint(bytes.length);
    w.bytes(bytes);
    return;
  }
  w.uint(2 * units);
  w.reserve(2 * units);
  const { buf } = w;
  let p = w.pos;
  for (let i = 0; i < units; i++) {
    const c = joined.charCodeAt(i);
    buf[p++] = c & 0xff;
    buf[p++] = c >>> 8;
  }
  w.pos = p;
}

function writeFrames(
  buf: Uint8Array,
  p: number,
  table: TraceTable,
  used: Subset,
): number {
  const { frameFile, frameLine, frameColumn, frameFunction } = table;
  const { frames, stringId } = used;
  for (let i = 0; i < frames.length; i++) {
    const f = frames[i];
    const file = stringId[frameFile[f]];
    if (file < 0x80) buf[p++] = file;
    else p = putUint(buf, p, file);
    const line = frameLine[f];
    // NONE is -1, so column+1 is 0 exactly when the column is absent.
    const column = frameColumn[f] + 1;
    if (
      !(Math.abs(line) < MAX_LINE && Math.abs(column) < MAX_LINE &&
        line % 1 === 0 && column % 1 === 0)
    ) {
      badFrame(table, f);
    }
    const zLine = line < 0 ? -2 * line - 1 : 2 * line;
    if (zLine < 0x80) buf[p++] = zLine;
    else p = putUint(buf, p, zLine);
    const zColumn = column < 0 ? -2 * column - 1 : 2 * column;
    if (zColumn < 0x80) buf[p++] = zColumn;
    else p = putUint(buf, p, zColumn);
    const fn = frameFunction[f] === NONE ? 0 : stringId[frameFunction[f]] + 1;
    if (fn < 0x80) buf[p++] = fn;
    else p = putUint(buf, p, fn);
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

function writeStacks(
  buf: Uint8Array,
  p: number,
  table: TraceTable,
  used: Subset,
): number {
  const { stackStart, stackFrames } = table;
  const { stacks, frameId } = used;
  for (let i = 0; i < stacks.length; i++) {
    const s = stacks[i];
    const end = stackStart[s + 1];
    let k = stackStart[s];
    const length = end - k;
    if (length === 0) {
      throw new RangeError(`cannot dump: stack ${s} has no frames`);
    }
    if (length < 0x80) buf[p++] = length;
    else p = putUint(buf, p, length);
    for (; k < end; k++) {
      const f = frameId[stackFrames[k]];
      if (f < 0x80) buf[p++] = f;
      else p = putUint(buf, p, f);
    }
  }
  return p;
}

function writeTracebacks(
  buf: Uint8Array,
  p: number,
  table: TraceTable,
  used: Subset,
): number {
  const { tracebackStack, tracebackTotal } = table;
  const { tracebacks, stackId } = used;
  for (let i = 0; i < tracebacks.length; i++) {
    const tb = tracebacks[i];
    const stack = stackId[tracebackStack[tb]];
    if (stack < 0x80) buf[p++] = stack;
    else p = putUint(buf, p, stack);
    const total = tracebackTotal[tb] + 1;
    if (!(total >= 0 && total <= MAX_UINT && total % 1 === 0)) {
      throw new RangeError(
        `cannot dump: totalNframe must be a non-negative integer or absent, not ${total - 1}`,
      );
    }
    if (total < 0x80) buf[p++] = total;
    else p = putUint(buf, p, total);
  }
  return p;
}

function writeDomains(w: Writer, domain: Int32Array, n: number): void {
  const runs = countRuns(domain, n);
  w.uint(runs);
  w.reserve(10 * runs);
  w.pos = writeRuns(w.buf, w.pos, domain, n);
}

function countRuns(domain: Int32Array, n: number): number {
  let runs = n ? 1 : 0;
  for (let i = 1; i < n; i++) if (domain[i] !== domain[i - 1]) runs++;
  return runs;
}

function writeRuns(
  buf: Uint8Array,
  p: number,
  domain: Int32Array,
  n: number,
): number {
  for (let i = 0; i < n;) {
    const d = domain[i];
    let j = i + 1;
    while (j < n && domain[j] === d) j++;
    const z = (d << 1 ^ d >> 31) >>> 0;
    if (z < 0x80) buf[p++] = z;
    else p = putUint(buf, p, z);
    const length = j - i;
    if (length < 0x80) buf[p++] = length;
    else p = putUint(buf, p, length);
    i = j;
  }
  return p;
}

/** Traceback ids as varints, or fixed-width when that is smaller (many tracebacks used evenly). */
function writeTracebackColumn(
  w: Writer,
  traceback: Uint32Array,
  used: Subset,
  n: number,
): void {
  const count = used.tracebacks.length;
  const width = count <= 0x100 ? 1 : count <= 0x10000 ? 2 : count <= 0x1000000 ? 3 : 4;
  const fixed = width * n <= used.tracebackVarintBytes;
  w.byte(fixed ? width : 0);
  w.reserve(5 * n + 4);
  w.pos = fixed
    ? putFixedIds(w.buf, w.pos, traceback, used.tracebackId, n, width)
    : putVarintIds(w.buf, w.pos, traceback, used.tracebackId, n);
}

function putVarintIds(
  buf: Uint8Array,
  p: number,
  traceback: Uint32Array,
  id: Uint32Array,
  n: number,
): number {
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
  const start = w.pos;
  const end = putWholeNumbers(w.buf, start + 1, values, n);
  if (end >= 0) {
    w.buf[start] = MODE_UINT;
    w.pos = end;
    return;
  }
  // Some value has no varint form: write the whole column raw.
  w.buf[start] = MODE_F64;
  const { buf } = w;
  const p = start + 1;
  if (LITTLE_ENDIAN) {
    buf.set(new Uint8Array(values.buffer, values.byteOffset, 8 * n), p);
  } else {
    const view = new DataView(buf.buffer, buf.byteOffset + p, 8 * n);
    for (let k = 0; k < n; k++) view.setFloat64(8 * k, values[k], true);
  }
  w.pos = p + 8 * n;
}

/** Writes the values as varints and returns the end, or -1 at the first value that has no varint form. */
function putWholeNumbers(
  buf: Uint8Array,
  p: number,
  values: Float64Array,
  n: number,
): number {
  for (let i = 0; i < n; i++) {
    const v = values[i];
    // `v >>> 0 === v` passes whole numbers below 2^32 only (not NaN); 1 / v tells -0 from 0.
    if (v >>> 0 === v && v < TWO_28 && (v !== 0 || 1 / v > 0)) {
      p = putUint28(buf, p, v);
    } else if (v >= TWO_28 && v <= MAX_UINT && v % 1 === 0) {
      p = putLongUint(buf, p, v);
    } else return -1;
  }
  return p;
}

// ---------------------------------------------------------------------------
// Decoding. The trace-column loops keep the position in a local and read the
// short varints in line; an index past the end reads undefined, which fails
// `< 0x80` and so takes the checked path.

/** Reads the payload; every read checks its bounds and fails with the file's name. */
class Reader {
  pos = 0;
  readonly end: number;

  constructor(readonly bytes: Uint8Array, readonly name: string) {
    this.end = bytes.length;
  }

  fail(problem: string): never {
    throw new SnapshotFormatError(this.name, problem);
  }

  get left(): number {
    return this.end - this.pos;
  }

  byte(): number {
    if (this.pos >= this.end) this.fail("truncated data (damaged file)");
    return this.bytes[this.pos++];
  }

  /** A varint; those of up to 3 bytes (all ids below 2^21) are read in line. */
  uint(): number {
    const { bytes } = this;
    const p = this.pos;
    // An index past the end reads undefined, which fails `< 0x80` and so takes the checked path.
    const b0 = bytes[p];
    if (b0 < 0x80) {
      this.pos = p + 1;
      return b0;
    }
    const b1 = bytes[p + 1];
    if (b1 < 0x80) {
      this.pos = p + 2;
      return b0 & 0x7f | b1 << 7;
    }
    const b2 = bytes[p + 2];
    if (b2 < 0x80) {
      this.pos = p + 3;
      return b0 & 0x7f | (b1 & 0x7f) << 7 | b2 << 14;
    }
    return this.longUint();
  }

  /** A varint of any length at `pos`, bounds checked. */
  longUint(): number {
    const { bytes, end } = this;
    let p = this.pos;
    let v = 0;
    let scale = 1;
    for (let k = 0; k < 8; k++) {
      if (p >= end) this.fail("truncated data (damaged file)");
      const b = bytes[p++];
      v += (b & 0x7f) * scale;
      if (b < 0x80) {
        if (v > MAX_UINT) {
          this.fail(`number too large at byte ${p} (damaged file)`);
        }
        this.pos = p;
        return v;
      }
      scale *= 0x80;
    }
    return this.fail(`number too long at byte ${p} (damaged file)`);
  }

  /** A count of items of at least `minBytes` bytes each, checked against the bytes left. */
  count(what: string, minBytes: number): number {
    const n = this.uint();
    if (n * minBytes > this.left) {
      this.fail(`${what} count ${n} exceeds the file's size (damaged file)`);
    }
    return n;
  }
}

/**
 * Reads a dump written by {@link encodeSnapshot} into a fresh table.
 *
 * @param name the file's path, for error messages
 * @throws SnapshotFormatError when the bytes are not an intact dump of a
 *   version this build reads
 *
 * @example
 * ```ts
 * const snapshot = new Snapshot(decodeSnapshot(await readSnapshotFile("app.dump"), "app.dump"));
 * ```
 */
export function decodeSnapshot(bytes: Uint8Array, name: string): SnapshotParts {
  const r = new Reader(checkHeader(bytes, name), name);
  const tracebackLimit = r.uint();
  const flags = r.byte();
  if (flags & ~FLAG_COUNT) r.fail(`unknown flags ${flags} (damaged file)`);
  // Entries go straight into the fresh table's arrays (see TraceTable on bulk
  // loading), so file ids are table ids; that needs distinct entries, which
  // the writer makes and each reader below checks.
  const table = new TraceTable();
  readStrings(r, table);
  readFrames(r, table);
  readStacks(r, table);
  readTracebacks(r, table);
  const n = r.count("trace", 2);
  const domain = readDomains(r, n);
  const traceback = readTracebackColumn(r, table.tracebackCount, n);
  const size = readNumbers(r, n, "size");
  const count = flags & FLAG_COUNT ? readNumbers(r, n, "count") : null;
  if (r.left) {
    r.fail(`${r.left} unexpected bytes after the traces (damaged file)`);
  }
  return {
    table,
    columns: { length: n, domain, size, traceback, count },
    tracebackLimit,
  };
}

/** Checks magic, version, length and checksum; returns the payload. */
function checkHeader(bytes: Uint8Array, name: string): Uint8Array {
  const fail = (problem: string): never => {
    throw new SnapshotFormatError(name, problem);
  };
  if (bytes.length === 0) fail("empty file, not a snapshot dump");
  for (let i = 0; i < Math.min(bytes.length, MAGIC.length); i++) {
    if (bytes[i] !== MAGIC[i]) {
      fail(`not a snapshot dump (${describeForeign(bytes)})`);
    }
  }
  const truncated = () =>
    fail(
      `truncated snapshot dump: ${bytes.length} bytes, shorter than its header`,
    );
  if (bytes.length < 12) truncated();
  // The version comes first: later versions may lay out the rest differently.
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  const version = view.getUint32(8, true);
  if (version !== DUMP_FORMAT_VERSION) {
    fail(
      `unsupported dump format version ${version} (this build reads ${DUMP_FORMAT_VERSION})`,
    );
  }
  if (bytes.length < HEADER_BYTES) truncated();
  const length = view.getUint32(12, true) + view.getUint32(16, true) * TWO_32;
  const actual = bytes.length - HEADER_BYTES;
  if (length > actual) {
    fail(`truncated snapshot dump: ${actual} of ${length} payload bytes`);
  }
  if (length < actual) {
    fail(
      `${actual - length} unexpected bytes after the end of the snapshot dump`,
    );
  }
  const payload = bytes.subarray(HEADER_BYTES);
  if (xxhash32(payload) !== view.getUint32(20, true)) {
    fail("checksum mismatch: the snapshot dump is damaged");
  }
  return payload;
}

function describeForeign(bytes: Uint8Array): string {
  // CPython's Snapshot.dump() writes a pickle: the PROTO opcode 0x80, then the protocol number.
  if (bytes[0] === 0x80 && bytes.length > 1 && bytes[1] >= 2 && bytes[1] <= 5) {
    return "it looks like a Python pickle, such as CPython tracemalloc's Snapshot.dump() writes";
  }
  for (const b of bytes.subarray(0, 512)) {
    if (b < 0x09 || (b > 0x0d && b < 0x20) || b === 0x7f) {
      return "unknown file signature";
    }
  }
  return "it looks like a text file";
}

function readStrings(r: Reader, table: TraceTable): void {
  const n = r.count("string", 1);
  const encoding = r.byte();
  if (encoding !== UTF8 && encoding !== UTF16LE) {
    r.fail(`unknown string encoding ${encoding} (damaged file)`);
  }
  const lengths = new Float64Array(n);
  let units = 0;
  for (let i = 0; i < n; i++) units += lengths[i] = r.uint();
  const byteLength = r.uint();
  if (byteLength > r.left) {
    r.fail("string table longer than the file (damaged file)");
  }
  const blob = r.bytes.subarray(r.pos, r.pos + byteLength);
  r.pos += byteLength;
  let joined = "";
  if (encoding === UTF8) {
    try {
      // ignoreBOM: a leading U+FEFF is part of the first string, not a mark to drop.
      joined = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true })
        .decode(blob);
    } catch {
      r.fail("invalid UTF-8 in the string table (damaged file)");
    }
  } else {
    // Decoded by hand: TextDecoder would replace the lone surrogates this form exists for.
    if (byteLength % 2) r.fail("odd UTF-16 string table length (damaged file)");
    const codes = new Uint16Array(byteLength / 2);
    for (let i = 0; i < codes.length; i++) {
      codes[i] = blob[2 * i] | blob[2 * i + 1] << 8;
    }
    for (let i = 0; i < codes.length; i += 8192) {
      joined += String.fromCharCode(...codes.subarray(i, i + 8192));
    }
  }
  if (joined.length !== units) {
    r.fail("string lengths do not match the string table (damaged file)");
  }
  const { strings } = table;
  const seen = new Set<string>();
  for (let i = 0, at = 0; i < n; i++) {
    const s = joined.slice(at, at += lengths[i]);
    if (seen.has(s)) {
      r.fail(`string ${i} repeats an earlier one (damaged file)`);
    }
    seen.add(s);
    strings.push(s);
  }
}

/** Appends `values` to `list`; growing the length first is about three times faster than pushing. */
function append(list: number[], values: ArrayLike<number>): void {
  const at = list.length;
  list.length = at + values.length;
  for (let i = 0; i < values.length; i++) list[at + i] = values[i];
}

/**
 * An empty open-addressing hash set for `n` entries (each slot holds an entry
 * index + 1, 0 when free); a slot is the top bits of a 32-bit hash.
 */
function hashSlots(n: number): Int32Array {
  let bits = 4;
  while (1 << bits < 2 * n) bits++;
  return new Int32Array(1 << bits);
}

/** Fibonacci hashing: the top bits of key × 2^32/φ. */
const GOLDEN = 0x9e3779b1 | 0;

/** Columns of the frame section, filled by {@link readFrameRows}. */
interface FrameRows {
  file: Int32Array;
  line: Float64Array;
  column: Float64Array;
  fn: Int32Array;
}

function readFrames(r: Reader, table: TraceTable): void {
  const n = r.count("frame", 4);
  const rows: FrameRows = {
    file: new Int32Array(n),
    line: new Float64Array(n),
    column: new Float64Array(n),
    fn: new Int32Array(n),
  };
  readFrameRows(r, n, table.strings.length, rows);
  append(table.frameFile, rows.file);
  append(table.frameLine, rows.line);
  append(table.frameColumn, rows.column);
  append(table.frameFunction, rows.fn);
}

/** Reads `n` frames, checking their ids and that each is new. */
function readFrameRows(
  r: Reader,
  n: number,
  strings: number,
  rows: FrameRows,
): void {
  const { file: files, line: lines, column: columns, fn: fns } = rows;
  const slots = hashSlots(n);
  const mask = slots.length - 1;
  const shift = 32 - Math.log2(slots.length);
  for (let i = 0; i < n; i++) {
    let v = r.uint();
    if (v >= strings) {
      r.fail(`frame ${i} refers to string ${v} of ${strings} (damaged file)`);
    }
    const file = v;
    v = r.uint();
    const line = v % 2 ? -(v + 1) / 2 : v / 2;
    v = r.uint();
    const column = (v % 2 ? -(v + 1) / 2 : v / 2) - 1;
    v = r.uint();
    if (v > strings) {
      r.fail(
        `frame ${i} refers to string ${v - 1} of ${strings} (damaged file)`,
      );
    }
    const fn = v - 1;
    let h = Math.imul(file << 20 ^ fn << 10 ^ line ^ column << 5, GOLDEN) >>>
      shift;
    for (let j = slots[h] - 1; j >= 0; j = slots[h] - 1) {
      if (
        files[j] === file && lines[j] === line && columns[j] === column &&
        fns[j] === fn
      ) {
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
}

function readStacks(r: Reader, table: TraceTable): void {
  const n = r.count("stack", 1);
  const start = new Float64Array(n + 1);
  // Grown by readStackRows when needed; at most one frame id per byte left.
  const list = { frames: new Int32Array(Math.min(r.left, 4 * n)) };
  readStackRows(r, n, table.frameCount, start, list);
  append(table.stackFrames, list.frames.subarray(0, start[n]));
  append(table.stackStart, start.subarray(1));
}

/** Reads `n` stacks, checking their ids and that each is new. */
function readStackRows(
  r: Reader,
  n: number,
  frames: number,
  start: Float64Array,
  out: { frames: Int32Array },
): void {
  const slots = hashSlots(n);
  const mask = slots.length - 1;
  const shift = 32 - Math.log2(slots.length);
  let list = out.frames;
  let at = 0;
  for (let i = 0; i < n; i++) {
    let v = r.uint();
    const length = v;
    if (length === 0) r.fail(`stack ${i} has no frames (damaged file)`);
    if (length > r.left) {
      r.fail(`stack ${i} is longer than the file (damaged file)`);
    }
    if (at + length > list.length) {
      const longer = new Int32Array(Math.max(2 * list.length, at + length));
      longer.set(list);
      list = out.frames = longer;
    }
    const first = at;
    let key = length;
    for (let k = 0; k < length; k++) {
      v = r.uint();
      if (v >= frames) {
        r.fail(`stack ${i} refers to frame ${v} of ${frames} (damaged file)`);
      }
      list[at++] = v;
      key = (key * 31 + v) | 0;
    }
    start[i + 1] = at;
    let h = Math.imul(key, GOLDEN) >>> shift;
    for (let j = slots[h] - 1; j >= 0; j = slots[h] - 1) {
      if (sameRun(list, first, at, start[j], start[j + 1])) {
        r.fail(`stack ${i} repeats stack ${j} (damaged file)`);
      }
      h = (h + 1) & mask;
    }
    slots[h] = i + 1;
  }
}

/** True when `list[a0..a1)` equals `list[b0..b1)`. */
function sameRun(
  list: Int32Array,
  a0: number,
  a1: number,
  b0: number,
  b1: number,
): boolean {
  if (a1 - a0 !== b1 - b0) return false;
  for (let k = 0; k < a1 - a0; k++) {
    if (list[a0 + k] !== list[b0 + k]) return false;
  }
  return true;
}

function readTracebacks(r: Reader, table: TraceTable): void {
  const n = r.count("traceback", 2);
  const stacks = new Int32Array(n);
  const totals = new Float64Array(n);
  readTracebackRows(r, table.stackCount, stacks, totals);
  append(table.tracebackStack, stacks);
  append(table.tracebackTotal, totals);
}

/** Reads tracebacks, checking their ids and that each is new. */
function readTracebackRows(
  r: Reader,
  known: number,
  stacks: Int32Array,
  totals: Float64Array,
): void {
  const n = stacks.length;
  const slots = hashSlots(n);
  const mask = slots.length - 1;
  const shift = 32 - Math.log2(slots.length);
  for (let i = 0; i < n; i++) {
    let v = r.uint();
    if (v >= known) {
      r.fail(`traceback ${i} refers to stack ${v} of ${known} (damaged file)`);
    }
    const stack = v;
    v = r.uint();
    const total = v - 1;
    let h = Math.imul(stack << 8 ^ total, GOLDEN) >>> shift;
    for (let j = slots[h] - 1; j >= 0; j = slots[h] - 1) {
      if (stacks[j] === stack && totals[j] === total) {
        r.fail(`traceback ${i} repeats traceback ${j} (damaged file)`);
      }
      h = (h + 1) & mask;
    }
    slots[h] = i + 1;
    stacks[i] = stack;
    totals[i] = total;
  }
}

function readDomains(r: Reader, n: number): Int32Array {
  const domain = new Int32Array(n);
  const runs = r.count("domain run", 2);
  readRuns(r, runs, domain);
  return domain;
}

/** Fills `domain` from `runs` runs, which must cover it exactly. */
function readRuns(r: Reader, runs: number, domain: Int32Array): void {
  const n = domain.length;
  let i = 0;
  for (let k = 0; k < runs; k++) {
    let v = r.uint();
    const d = v % 2 ? -(v + 1) / 2 : v / 2;
    if (d !== (d | 0)) r.fail(`domain ${d} out of range (damaged file)`);
    v = r.uint();
    if (v === 0 || v > n - i) {
      r.fail("domain runs do not match the trace count (damaged file)");
    }
    // Short runs are common (domains interleave); fill() pays off on long ones.
    if (v < 16) { for (const end = i + v; i < end;) domain[i++] = d; }
    else domain.fill(d, i, i += v);
  }
  if (i !== n) {
    r.fail("domain runs do not match the trace count (damaged file)");
  }
}

function readTracebackColumn(r: Reader, known: number, n: number): Uint32Array {
  const width = r.byte();
  if (width > 4) {
    r.fail(`unknown traceback column width ${width} (damaged file)`);
  }
  const out = new Uint32Array(n);
  if (width) {
    if (width * n > r.left) {
      r.fail("traceback column longer than the file (damaged file)");
    }
    r.pos = getFixedIds(r.bytes, r.pos, out, width);
  } else {
    r.pos = getVarintIds(r, r.pos, out);
  }
  const bad = firstAtLeast(out, known);
  if (bad >= 0) {
    r.fail(
      `trace ${bad} refers to traceback ${out[bad]} of ${known} (damaged file)`,
    );
  }
  return out;
}

/** Index of the first value at least `limit`, or -1. */
function firstAtLeast(values: Uint32Array, limit: number): number {
  for (let i = 0; i < values.length; i++) if (values[i] >= limit) return i;
  return -1;
}

/** Reads `out.length` ids of `width` bytes at `p` (bounds checked by the caller). */
function getFixedIds(
  bytes: Uint8Array,
  p: number,
  out: Uint32Array,
  width: number,
): number {
  const n = out.length;
  if (width === 1) { for (let i = 0; i < n; i++) out[i] = bytes[p++]; }
  else if (width === 2) {
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

/** As {@link getNumbers}, into ids; a damaged id too large for 32 bits is clamped, to fail the range check. */
function getVarintIds(r: Reader, p: number, out: Uint32Array): number {
  const { bytes } = r;
  const last = bytes.length - 3;
  let i = 0;
  for (; i < out.length && p <= last; i++) {
    const b0 = bytes[p], b1 = bytes[p + 1], b2 = bytes[p + 2];
    const c0 = b0 >> 7, c1 = c0 & b1 >> 7;
    if (c1 & b2 >> 7) {
      r.pos = p;
      out[i] = Math.min(r.longUint(), TWO_32 - 1);
      p = r.pos;
      continue;
    }
    out[i] = b0 & 0x7f | (b1 & 0x7f) << 7 & -c0 | (b2 & 0x7f) << 14 & -c1;
    p += 1 + c0 + c1;
  }
  r.pos = p;
  for (; i < out.length; i++) out[i] = Math.min(r.uint(), TWO_32 - 1);
  return r.pos;
}

function readNumbers(r: Reader, n: number, what: string): Float64Array {
  const mode = r.byte();
  const out = new Float64Array(n);
  if (mode === MODE_F64) {
    if (8 * n > r.left) {
      r.fail(`${what} column longer than the file (damaged file)`);
    }
    const raw = r.bytes.subarray(r.pos, r.pos + 8 * n);
    if (LITTLE_ENDIAN) new Uint8Array(out.buffer).set(raw);
    else {
      const view = new DataView(raw.buffer, raw.byteOffset, raw.length);
      for (let i = 0; i < n; i++) out[i] = view.getFloat64(8 * i, true);
    }
    r.pos += 8 * n;
    return out;
  }
  if (mode !== MODE_UINT) {
    r.fail(`unknown ${what} column mode ${mode} (damaged file)`);
  }
  r.pos = getNumbers(r, r.pos, out);
  return out;
}

/**
 * Reads `out.length` varints from `p`. Those of up to three bytes are decoded
 * without a branch on their length, which varies at random from trace to
 * trace; the last few, near the end of the bytes, take the checked path.
 */
function getNumbers(r: Reader, p: number, out: Float64Array): number {
  const { bytes } = r;
  const last = bytes.length - 3;
  let i = 0;
  for (; i < out.length && p <= last; i++) {
    const b0 = bytes[p], b1 = bytes[p + 1], b2 = bytes[p + 2];
    // c0, c1: whether the 2nd and 3rd bytes belong to this varint.
    const c0 = b0 >> 7, c1 = c0 & b1 >> 7;
    if (c1 & b2 >> 7) {
      r.pos = p;
      out[i] = r.longUint();
      p = r.pos;
      continue;
    }
    out[i] = b0 & 0x7f | (b1 & 0x7f) << 7 & -c0 | (b2 & 0x7f) << 14 & -c1;
    p += 1 + c0 + c1;
  }
  r.pos = p;
  for (; i < out.length; i++) out[i] = r.uint();
  return r.pos;
}
