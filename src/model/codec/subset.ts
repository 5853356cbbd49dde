/**
 * The table entries a dump carries: only those its traces use, whatever the
 * size of the (possibly shared) table, numbered afresh from 0 in order of
 * first use, and written as the dump's frame, stack and traceback records
 * (layout in `format.ts`).
 *
 * Speed: a dump often runs once in a process, before the JIT has compiled
 * anything, and then each loop costs most while it is interpreted. So the
 * work is done in few loops: one pass over the traces counts what they use,
 * one walk over the used tracebacks numbers and writes every entry the
 * first time it is met.
 *
 * @module
 */
import type { TraceColumns } from "../columns.ts";
import { NONE, type TraceTable } from "../table.ts";
import { putUint, TWO_28, zigzag } from "./bytes.ts";
import { framesText, MAX_LINE, MAX_UINT } from "./format.ts";

/** What one pass over the traces finds (see {@link scanTraces}). */
export interface TraceScan {
  /** The first trace whose traceback is outside the table, or -1. */
  bad: number;
  /** How many traceback ids the traces use. */
  distinct: number;
  /** Runs of equal domains in the domain column, and their size as varints. */
  runs: number;
  runBytes: number;
}

/**
 * Counts the uses of each traceback id into `uses`, the ids used, and the
 * runs of equal domains and their size as varints, in one pass.
 *
 * @example
 * ```ts
 * import type { Snapshot } from "../snapshot.ts";
 * declare const snapshot: Snapshot;
 *
 * const uses = new Uint32Array(snapshot.table.tracebackCount);
 * scanTraces(snapshot.columns, uses).distinct; // tracebacks the dump carries
 * ```
 */
export function scanTraces(columns: TraceColumns, uses: Uint32Array): TraceScan {
  const { traceback, domain, length: n } = columns;
  const total = uses.length;
  let distinct = 0, runs = 0, runBytes = 0, start = 0;
  for (let i = 0; i < n; i++) {
    const tb = traceback[i];
    if (tb >= total) return { bad: i, distinct, runs, runBytes };
    if (uses[tb]++ === 0) distinct++;
    if (i && domain[i] !== domain[i - 1]) {
      runs++;
      runBytes += varintBytes(zigzag(domain[i - 1])) + varintBytes(i - start);
      start = i;
    }
  }
  if (n) {
    runs++;
    runBytes += varintBytes(zigzag(domain[n - 1])) + varintBytes(n - start);
  }
  return { bad: -1, distinct, runs, runBytes };
}

/** Bytes of `v` as a varint. */
function varintBytes(v: number): number {
  return v < 0x80 ? 1 : v < 0x4000 ? 2 : v < 0x200000 ? 3 : v < TWO_28 ? 4 : Math.ceil(Math.log2(v + 1) / 7);
}

/** The table sections of a dump, and how its traceback column refers to them. */
export interface Tables {
  /** Table string ids, in file order. */
  strings: number[];
  /** The frame, stack and traceback records, and how many of each. */
  frames: Uint8Array;
  frameCount: number;
  stacks: Uint8Array;
  stackCount: number;
  tracebacks: Uint8Array;
  tracebackCount: number;
  /** File id per table traceback id (meaningful for used ones only). */
  tracebackId: Uint32Array;
  /**
   * Bytes per id of the traceback column, 1 to 4, or 0 for varints, whichever
   * is smaller. Varint ids are numbered by falling use, the most used the
   * shortest; fixed-width ones in table order.
   */
  tracebackWidth: number;
}

/**
 * Writes the records of the strings, frames, stacks and tracebacks that the
 * traces use (`uses`, from {@link scanTraces}, which then holds each used
 * traceback's file id), checking what no dump may hold.
 *
 * Throws a `RangeError` for parts no dump can hold: a fractional line
 * number, a traceback longer than `limit`, a totalNframe below its length.
 *
 * @param n the number of traces, for the traceback column's form
 */
export function writeTables(table: TraceTable, uses: Uint32Array, scan: TraceScan, n: number, limit: number): Tables {
  const { tracebackStack, tracebackTotal, stackStart, stackFrames } = table;
  const { frameFile, frameLine, frameColumn, frameFunction } = table;
  const count = scan.distinct;
  // Ids + 1 in the file, 0 before an entry is met.
  const stackId = new Int32Array(table.stackCount);
  const frameId = new Int32Array(table.frameCount);
  const stringId = new Int32Array(table.strings.length);
  const strings: number[] = [];
  const tracebacks = new Uint32Array(count), counts = new Uint32Array(count);
  // How many tracebacks each number of traces uses (only the first entries are touched, so the rest costs no memory).
  const histogram = new Uint32Array(n + 1);
  let maxUses = 0;
  // Records are written into buffers sized for the common case, grown when a record might not fit.
  let frames: Uint8Array = new Uint8Array(12 * Math.min(table.frameCount, 3 * count) + 64);
  let stacks: Uint8Array = new Uint8Array(4 * Math.min(stackFrames.length, 4 * count) + 64);
  const records = new Uint8Array(16 * count);
  let fp = 0, sp = 0, tp = 0, frameCount = 0, stackCount = 0, k = 0;
  for (let tb = 0; tb < uses.length; tb++) {
    const used = uses[tb];
    if (used === 0) continue;
    tracebacks[k] = tb;
    counts[k] = used;
    histogram[used]++;
    if (used > maxUses) maxUses = used;
    uses[tb] = k++;
    const s = tracebackStack[tb];
    const start = stackStart[s], end = stackStart[s + 1];
    let sid = stackId[s];
    if (sid === 0) {
      if (end === start) throw new RangeError(`cannot dump: stack ${s} has no frames`);
      if (end - start > limit) {
        throw new RangeError(
          `cannot dump: the traceback at ${mostRecent(table, s)} has ${framesText(end - start)}, ` +
            `more than the traceback limit ${limit}`,
        );
      }
      if (sp + 8 * (end - start + 1) > stacks.length) stacks = grow(stacks, sp + 8 * (end - start + 1));
      sp = putUint(stacks, sp, end - start);
      for (let j = start; j < end; j++) {
        const f = stackFrames[j];
        let fid = frameId[f];
        if (fid === 0) {
          const line = frameLine[f];
          // NONE is -1, so column+1 is 0 exactly when the column is absent.
          const column = frameColumn[f] + 1;
          // Small whole numbers pass the first test; `%` on a double costs a call to the C library.
          if ((line | 0) !== line || (column | 0) !== column) checkPosition(table, f, line, column);
          const file = frameFile[f], fn = frameFunction[f];
          let fileId = stringId[file];
          if (fileId === 0) fileId = stringId[file] = strings.push(file);
          let fnId = 0;
          if (fn !== NONE) {
            fnId = stringId[fn];
            if (fnId === 0) fnId = stringId[fn] = strings.push(fn);
          }
          if (fp + 32 > frames.length) frames = grow(frames, fp + 32);
          fp = putUint(frames, fp, fileId - 1);
          fp = putUint(frames, fp, zigzag(line));
          fp = putUint(frames, fp, zigzag(column));
          // The function's string id + 1, 0 when absent.
          fp = putUint(frames, fp, fnId);
          fid = frameId[f] = ++frameCount;
        }
        sp = putUint(stacks, sp, fid - 1);
      }
      sid = stackId[s] = ++stackCount;
    }
    // totalNframe + 1, 0 when absent.
    const total = tracebackTotal[tb] + 1;
    if (!(total >= 0 && total <= MAX_UINT && Math.floor(total) === total)) {
      throw new RangeError(`cannot dump: totalNframe must be a non-negative integer or absent, not ${total - 1}`);
    }
    if (total !== 0 && total <= end - start) {
      throw new RangeError(
        `cannot dump: the traceback at ${mostRecent(table, s)} has totalNframe ${total - 1}, ` +
          `fewer than its ${framesText(end - start)}`,
      );
    }
    tp = putUint(records, tp, sid - 1);
    tp = putUint(records, tp, total);
  }
  const tables = {
    strings,
    frames: frames.subarray(0, fp),
    frameCount,
    stacks: stacks.subarray(0, sp),
    stackCount,
    tracebacks: records.subarray(0, tp),
    tracebackCount: count,
    tracebackId: uses,
    tracebackWidth: 0,
  };
  const width = count <= 0x100 ? 1 : count <= 0x10000 ? 2 : count <= 0x1000000 ? 3 : 4;
  if (width * n <= varintColumnBytes(histogram, maxUses)) tables.tracebackWidth = width;
  else {
    // Renumbered by falling use, and written again in that order.
    const ranked = rankByUse(tracebacks, counts, histogram, maxUses);
    let p = 0;
    for (let id = 0; id < count; id++) {
      const tb = ranked[id];
      uses[tb] = id;
      p = putUint(records, p, stackId[tracebackStack[tb]] - 1);
      p = putUint(records, p, tracebackTotal[tb] + 1);
    }
  }
  return tables;
}

/**
 * The size of the traceback column as varints, ids numbered by falling use:
 * the 128 most used take one byte per trace, the next 16256 two, and so on.
 * `histogram[m]` is how many tracebacks are used `m` times.
 */
function varintColumnBytes(histogram: Uint32Array, maxUses: number): number {
  let bytes = 0;
  for (let m = maxUses, id = 0; m > 0; m--) {
    const end = id + histogram[m];
    while (id < end) {
      const length = varintBytes(id);
      const next = Math.min(end, length < 5 ? 2 ** (7 * length) : Infinity);
      bytes += m * (next - id) * length;
      id = next;
    }
  }
  return bytes;
}

/**
 * The tracebacks by falling use (`counts`, indexed like them), ties in table
 * order: a counting sort over `histogram` (see {@link varintColumnBytes}),
 * which it spends.
 */
function rankByUse(tracebacks: Uint32Array, counts: Uint32Array, histogram: Uint32Array, maxUses: number): Uint32Array {
  // histogram[m] becomes where the next traceback used m times goes.
  for (let m = maxUses, at = 0; m > 0; m--) {
    const size = histogram[m];
    histogram[m] = at;
    at += size;
  }
  const ranked = new Uint32Array(tracebacks.length);
  for (let k = 0; k < tracebacks.length; k++) ranked[histogram[counts[k]]++] = tracebacks[k];
  return ranked;
}

/** `bytes` in a buffer of at least `need` bytes, twice as large at least. */
function grow(bytes: Uint8Array, need: number): Uint8Array {
  const more = new Uint8Array(Math.max(need, 2 * bytes.length));
  more.set(bytes);
  return more;
}

/** Throws unless `line` and `column` (+1) of frame `f` are integers of magnitude below {@link MAX_LINE}. */
function checkPosition(table: TraceTable, f: number, line: number, column: number): void {
  if (Math.abs(line) < MAX_LINE && Math.abs(column) < MAX_LINE && Math.floor(line) === line) {
    if (Math.floor(column) === column) return;
  }
  badFrame(table, f);
}

function badFrame(table: TraceTable, f: number): never {
  const where = `${table.strings[table.frameFile[f]]}:${table.frameLine[f]}`;
  const column = table.frameColumn[f] === NONE ? "" : `, column ${table.frameColumn[f]}`;
  throw new RangeError(
    `cannot dump frame ${where}${column}: line and column numbers must be integers of magnitude below 2^52`,
  );
}

/** `file:line` of the most recent frame of stack `s`, to name a traceback in messages. */
function mostRecent(table: TraceTable, s: number): string {
  const f = table.stackFrames[table.stackStart[s]];
  return `${table.strings[table.frameFile[f]]}:${table.frameLine[f]}`;
}
