/**
 * The table entries a dump carries: only those its traces use, whatever the
 * size of the (possibly shared) table, each exactly once: the whole table as
 * it is when they use all of it, else the entries they use, numbered afresh
 * from 0 in the order met.
 *
 * Speed: a dump often runs once in a process, before the JIT has compiled
 * anything, when each loop costs most (10-50 ns an entry at first on this
 * machine, against 1-2 once compiled), and every visit of the table in
 * another order costs as much again in cache misses. So the work is one pass
 * over the traces, which counts what they use, and then, when they use the
 * whole table (a snapshot made from raw traces or loaded), a pass over each
 * of its parts in order, to check it and find the range of its columns,
 * which are then written out as they are ({@link wholeTable}); else one walk
 * over the used tracebacks, which meets every stack, frame and string and
 * writes each down the first time, in typed arrays that become the dump's
 * columns ({@link walkTables}).
 *
 * @module
 */
import type { TraceColumns } from "../columns.ts";
import { NONE, type TableSummary, type TraceTable } from "../table.ts";
import type { ColumnStats } from "./columns.ts";
import { framesText, MAX_LINE, MAX_UINT } from "./format.ts";

/** What one pass over the traces finds (see {@link scanTraces}). */
export interface TraceScan {
  /** The first trace whose traceback is outside the table, or -1. */
  bad: number;
  /** The domains: range and runs of equal ones. */
  domain: ColumnStats;
  /** The sizes: range, and whether all are integers (not -0) of magnitude up to 2^53. */
  size: ColumnStats;
}

/**
 * Marks each traceback id the traces use in `uses` (1: used), and finds the
 * range and runs of the domains and the range of the sizes, in one pass.
 *
 * @example
 * ```ts
 * import type { Snapshot } from "../snapshot.ts";
 * declare const snapshot: Snapshot;
 *
 * const uses = new Uint32Array(snapshot.table.tracebackCount);
 * scanTraces(snapshot.columns, uses).bad; // -1: every trace's traceback is in the table
 * ```
 */
export function scanTraces(columns: TraceColumns, uses: Uint32Array): TraceScan {
  const { traceback, domain, size, length: n } = columns;
  const total = uses.length;
  let runs = n ? 1 : 0, integers = true;
  let d = n ? domain[0] : 0, dMin = d, dMax = d;
  let sMin = n ? size[0] : 0, sMax = sMin;
  for (let i = 0; i < n; i++) {
    const tb = traceback[i];
    if (tb >= total) return { bad: i, domain: stats(0, 0, true, 0), size: stats(0, 0, true, 0) };
    uses[tb] = 1;
    const di = domain[i];
    if (di !== d) {
      runs++;
      d = di;
      if (di < dMin) dMin = di;
      else if (di > dMax) dMax = di;
    }
    const s = size[i];
    if (s < sMin) sMin = s;
    else if (s > sMax) sMax = s;
    // Small whole numbers pass the first test (-0 among them: 1 / s tells it from 0); NaN fails both.
    if ((s | 0) !== s || (s === 0 && 1 / s < 0)) integers &&= isWhole(s);
  }
  return { bad: -1, domain: stats(dMin, dMax, true, runs), size: stats(sMin, sMax, integers, 0) };
}

function stats(min: number, max: number, integers: boolean, runs: number): ColumnStats {
  return { min, max, integers, runs };
}

/** Whether `v` is an integer of magnitude up to 2^53 other than -0. */
function isWhole(v: number): boolean {
  return Number.isInteger(v) && Math.abs(v) <= MAX_UINT && !(v === 0 && 1 / v < 0);
}

/**
 * The range of the first `n` values and whether all are integers (not -0)
 * up to 2^53 in magnitude.
 *
 * @example
 * ```ts
 * numberStats(new Float64Array([1, 2.5]), 2); // { min: 1, max: 2.5, integers: false, runs: 0 }
 * ```
 */
export function numberStats(values: Float64Array, n: number): ColumnStats {
  let min = n ? values[0] : 0, max = min, integers = true;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v < min) min = v;
    else if (v > max) max = v;
    if ((v | 0) !== v || (v === 0 && 1 / v < 0)) integers &&= isWhole(v);
  }
  return stats(min, max, integers, 0);
}

/**
 * The tables of a dump, in file order: every used string, frame, stack and
 * traceback, numbered in the order met, with the range of each column.
 */
export interface Tables {
  /** Table string ids. */
  strings: number[];
  /** Frames: file and function as file string ids (-1: none), line and column (-1: none). */
  frameFile: Int32Array;
  frameLine: Float64Array;
  frameColumn: Float64Array;
  frameFunction: Int32Array;
  /** Stacks: each one's length, and their frames (file frame ids) one after the other. */
  stackLength: Uint16Array;
  stackFrames: Int32Array;
  /** Tracebacks: stack (file stack id) and totalNframe (-1: absent). */
  tracebackStack: Int32Array;
  tracebackTotal: Float64Array;
  line: ColumnStats;
  column: ColumnStats;
  function: ColumnStats;
  length: ColumnStats;
  total: ColumnStats;
}

/**
 * Meets every used traceback (in table order), stack, frame and string,
 * numbers each the first time and writes it down (see the module comment);
 * each used table traceback's file id then goes to `uses`. Checks what no
 * dump may hold.
 *
 * Throws a `RangeError` for parts no dump can hold: a fractional line
 * number, a traceback longer than `limit`, a totalNframe below its length.
 *
 * @param uses per table traceback, whether the traces use it (from {@link scanTraces})
 */
export function walkTables(table: TraceTable, uses: Uint32Array, limit: number): Tables {
  const { tracebackStack, tracebackTotal, stackStart, stackFrames } = table;
  const { frameFile, frameLine, frameColumn, frameFunction } = table;
  // File ids + 1, 0 before an entry is met.
  const stackId = new Int32Array(table.stackCount);
  const frameId = new Int32Array(table.frameCount);
  const stringId = new Int32Array(table.strings.length);
  const strings: number[] = [];
  const count = uses.length;
  const tbStack = new Int32Array(count), tbTotal = new Float64Array(count);
  // Sized for the common case, grown when needed.
  let files = new Int32Array(Math.min(table.frameCount, 3 * count) + 16);
  let lines = new Float64Array(files.length), columns = new Float64Array(files.length);
  let fns = new Int32Array(files.length);
  const lengths = new Uint16Array(count);
  let refs = new Int32Array(Math.min(stackFrames.length, 4 * count) + 16);
  let lMin = Infinity, lMax = -Infinity, cMin = Infinity, cMax = -Infinity, fMin = Infinity, fMax = -Infinity;
  let nMin = Infinity, nMax = -Infinity, tMin = Infinity, tMax = -Infinity;
  let frameCount = 0, stackCount = 0, refCount = 0, k = 0;
  for (let tb = 0; tb < uses.length; tb++) {
    if (uses[tb] === 0) continue;
    const s = tracebackStack[tb];
    const start = stackStart[s], end = stackStart[s + 1];
    let sid = stackId[s];
    if (sid === 0) {
      const length = end - start;
      if (length === 0 || length > limit) checkStack(table, s, limit);
      if (length < nMin) nMin = length;
      if (length > nMax) nMax = length;
      if (refCount + length > refs.length) refs = grow(refs, refCount + length);
      for (let j = start; j < end; j++) {
        const f = stackFrames[j];
        let fid = frameId[f];
        if (fid === 0) {
          const line = frameLine[f], column = frameColumn[f];
          // Small whole numbers pass the first test; `%` on a double costs a call to the C library.
          if ((line | 0) !== line || (column | 0) !== column) checkPosition(table, f, line, column + 1);
          if (line < lMin) lMin = line;
          if (line > lMax) lMax = line;
          if (column < cMin) cMin = column;
          if (column > cMax) cMax = column;
          const file = frameFile[f], fn = frameFunction[f];
          let fileId = stringId[file];
          if (fileId === 0) fileId = stringId[file] = strings.push(file);
          let fnId = 0;
          if (fn !== NONE) {
            fnId = stringId[fn];
            if (fnId === 0) fnId = stringId[fn] = strings.push(fn);
          }
          if (fnId - 1 < fMin) fMin = fnId - 1;
          if (fnId - 1 > fMax) fMax = fnId - 1;
          if (frameCount === files.length) {
            files = grow(files, frameCount + 1);
            lines = grow(lines, frameCount + 1);
            columns = grow(columns, frameCount + 1);
            fns = grow(fns, frameCount + 1);
          }
          files[frameCount] = fileId - 1;
          lines[frameCount] = line;
          columns[frameCount] = column;
          fns[frameCount] = fnId - 1;
          fid = frameId[f] = ++frameCount;
        }
        refs[refCount++] = fid - 1;
      }
      lengths[stackCount] = length;
      sid = stackId[s] = ++stackCount;
    }
    // totalNframe, -1 when absent.
    const total = tracebackTotal[tb];
    if (!isTotal(total, end - start)) checkTotal(table, tb);
    if (total < tMin) tMin = total;
    if (total > tMax) tMax = total;
    tbStack[k] = sid - 1;
    tbTotal[k] = total;
    uses[tb] = k++;
  }
  const range = (min: number, max: number) => min <= max ? stats(min, max, true, 0) : stats(0, 0, true, 0);
  return {
    strings,
    frameFile: files.subarray(0, frameCount),
    frameLine: lines.subarray(0, frameCount),
    frameColumn: columns.subarray(0, frameCount),
    frameFunction: fns.subarray(0, frameCount),
    stackLength: lengths.subarray(0, stackCount),
    stackFrames: refs.subarray(0, refCount),
    tracebackStack: tbStack.subarray(0, k),
    tracebackTotal: tbTotal.subarray(0, k),
    line: range(lMin, lMax),
    column: range(cMin, cMax),
    function: range(fMin, fMax),
    length: range(nMin, nMax),
    total: range(tMin, tMax),
  };
}

/**
 * The whole table as a dump's tables, when the traces use every entry of it
 * (as in a snapshot made from raw traces, or loaded, whose table is its own):
 * then the entries keep their ids, and the columns are the table's arrays,
 * written out natively, with no walk and no renumbering. Else null, and
 * {@link walkTables} picks the used entries out.
 *
 * Checks what no dump may hold, as {@link walkTables} does.
 *
 * @param uses per table traceback, whether the traces use it (from {@link scanTraces})
 */
export function wholeTable(table: TraceTable, uses: Uint32Array, limit: number): Tables | null {
  if (uses.includes(0)) return null;
  const frames = table.frameCount, stacks = table.stackCount, tracebacks = table.tracebackCount;
  const { frameFile, frameLine, frameColumn, frameFunction, stackStart, stackFrames } = table;
  const { tracebackStack, tracebackTotal } = table;
  const summary = table.summary();
  if (summary && (stacks === 0 || summary.lengthMin > 0 && summary.lengthMax <= limit)) {
    // The table kept its ranges as entries came, and found all of them used and none odd: no pass over it.
    return ownTables(table, stackLengths(stackStart, stacks), summary);
  }
  // Whether each string, frame and stack is used, the first bad entry of each kind, and the columns' ranges.
  const usedString = new Uint8Array(table.strings.length), usedFrame = new Uint8Array(frames);
  const usedStack = new Uint8Array(stacks);
  const f = new Float64Array(7), lengths = new Uint16Array(stacks), k = new Float64Array(3), t = new Float64Array(3);
  scanFrames(frameFile, frameLine, frameColumn, frameFunction, frames, usedString, f);
  scanStacks(stackStart, stackFrames, stacks, limit, usedFrame, lengths, k);
  scanTracebacks(tracebackStack, tracebackTotal, lengths, tracebacks, usedStack, t);
  const [badFrame, lMin, lMax, cMin, cMax, fMin, fMax] = f, [badStack, nMin, nMax] = k;
  const [badTraceback, tMin, tMax] = t;
  if (usedString.includes(0) || usedFrame.includes(0) || usedStack.includes(0)) return null;
  if (badFrame >= 0) throwBadFrame(table, badFrame);
  if (badStack >= 0) checkStack(table, badStack, limit);
  if (badTraceback >= 0) checkTotal(table, badTraceback);
  return ownTables(table, lengths, {
    lineMin: lMin,
    lineMax: lMax,
    columnMin: cMin,
    columnMax: cMax,
    fnMin: fMin,
    fnMax: fMax,
    lengthMin: nMin,
    lengthMax: nMax,
    totalMin: tMin,
    totalMax: tMax,
  });
}

/**
 * The table's own columns as a dump's tables, entries keeping their ids,
 * with the stacks' `lengths` and the columns' ranges `r`.
 */
function ownTables(table: TraceTable, lengths: Uint16Array, r: TableSummary): Tables {
  const frames = table.frameCount, stacks = table.stackCount, tracebacks = table.tracebackCount;
  const range = (min: number, max: number) => min <= max ? stats(min, max, true, 0) : stats(0, 0, true, 0);
  return {
    strings: Array.from(table.strings.keys()),
    frameFile: table.frameFile.subarray(0, frames),
    frameLine: table.frameLine.subarray(0, frames),
    frameColumn: table.frameColumn.subarray(0, frames),
    frameFunction: table.frameFunction.subarray(0, frames),
    stackLength: lengths,
    stackFrames: table.stackFrames.subarray(0, table.stackStart[stacks]),
    tracebackStack: table.tracebackStack.subarray(0, tracebacks),
    tracebackTotal: table.tracebackTotal.subarray(0, tracebacks),
    line: range(r.lineMin, r.lineMax),
    column: range(r.columnMin, r.columnMax),
    function: range(r.fnMin, r.fnMax),
    length: range(r.lengthMin, r.lengthMax),
    total: range(r.totalMin, r.totalMax),
  };
}

/** The lengths of the first `n` stacks. */
function stackLengths(start: Uint32Array, n: number): Uint16Array {
  const lengths = new Uint16Array(n);
  for (let s = 0; s < n; s++) lengths[s] = start[s + 1] - start[s];
  return lengths;
}

/**
 * Marks the strings the first `n` frames use in `used`; puts the first frame
 * whose position no dump can hold (or -1) and the range of their lines,
 * columns and functions into `out`.
 */
function scanFrames(
  file: Int32Array,
  line: Float64Array,
  column: Float64Array,
  fn: Int32Array,
  n: number,
  used: Uint8Array,
  out: Float64Array,
): void {
  let bad = -1, lMin = Infinity, lMax = -Infinity, cMin = Infinity, cMax = -Infinity, fMin = Infinity, fMax = -Infinity;
  for (let i = 0; i < n; i++) {
    const l = line[i], c = column[i], g = fn[i];
    // Small whole numbers pass the first test; `%` on a double costs a call to the C library.
    if (((l | 0) !== l || (c | 0) !== c) && bad < 0 && !isPosition(l, c + 1)) bad = i;
    if (l < lMin) lMin = l;
    if (l > lMax) lMax = l;
    if (c < cMin) cMin = c;
    if (c > cMax) cMax = c;
    if (g < fMin) fMin = g;
    if (g > fMax) fMax = g;
    used[file[i]] = 1;
    if (g !== NONE) used[g] = 1;
  }
  out.set([bad, lMin, lMax, cMin, cMax, fMin, fMax]);
}

/**
 * Marks the frames the first `n` stacks use in `used` and writes their
 * lengths; puts the first stack with no frames or more than `limit` (or -1)
 * and the range of their lengths into `out`.
 */
function scanStacks(
  start: Uint32Array,
  frames: Int32Array,
  n: number,
  limit: number,
  used: Uint8Array,
  lengths: Uint16Array,
  out: Float64Array,
): void {
  let bad = -1, min = Infinity, max = -Infinity;
  for (let s = 0; s < n; s++) {
    const length = start[s + 1] - start[s];
    if ((length === 0 || length > limit) && bad < 0) bad = s;
    lengths[s] = length;
    if (length < min) min = length;
    if (length > max) max = length;
  }
  out.set([bad, min, max]);
  markUsed(frames, start[n], used);
}

/** Marks the ids among the first `n` of `ids` in `used` (a flat loop: quicker to compile than one inside another). */
function markUsed(ids: Int32Array, n: number, used: Uint8Array): void {
  for (let j = 0; j < n; j++) used[ids[j]] = 1;
}

/**
 * Marks the stacks the first `n` tracebacks use in `used`; puts the first
 * one with a totalNframe no dump can hold (or -1) and the range of their
 * totalNframe into `out`.
 */
function scanTracebacks(
  stack: Int32Array,
  total: Float64Array,
  lengths: Uint16Array,
  n: number,
  used: Uint8Array,
  out: Float64Array,
): void {
  let bad = -1, min = Infinity, max = -Infinity;
  for (let tb = 0; tb < n; tb++) {
    const s = stack[tb], t = total[tb];
    used[s] = 1;
    // Absent, or a small whole number at least the stack's length: the common cases, in line.
    if (t !== NONE && !((t | 0) === t && t >= lengths[s]) && bad < 0) {
      if (!isTotal(t, lengths[s])) bad = tb;
    }
    if (t < min) min = t;
    if (t > max) max = t;
  }
  out.set([bad, min, max]);
}

/** Whether `line` and `column1` (column + 1) are integers of magnitude below {@link MAX_LINE}. */
function isPosition(line: number, column1: number): boolean {
  return Math.abs(line) < MAX_LINE && Math.abs(column1) < MAX_LINE && Math.floor(line) === line &&
    Math.floor(column1) === column1;
}

/** Whether `total` is a totalNframe a dump can hold for a stack of `length` frames: absent, or an integer from `length` on. */
function isTotal(total: number, length: number): boolean {
  return total === NONE || total >= length && total < MAX_UINT && Math.floor(total) === total;
}

/** Throws unless stack `s` has from 1 to `limit` frames. */
function checkStack(table: TraceTable, s: number, limit: number): void {
  const length = table.stackLength(s);
  if (length === 0) throw new RangeError(`cannot dump: stack ${s} has no frames`);
  if (length > limit) {
    throw new RangeError(
      `cannot dump: the traceback at ${mostRecent(table, s)} has ${framesText(length)}, ` +
        `more than the traceback limit ${limit}`,
    );
  }
}

/** Throws unless traceback `tb`'s totalNframe is one a dump can hold (see {@link isTotal}). */
function checkTotal(table: TraceTable, tb: number): void {
  const total = table.tracebackTotal[tb], s = table.tracebackStack[tb];
  if (!(total === NONE || total >= 0 && total < MAX_UINT && Math.floor(total) === total)) {
    throw new RangeError(`cannot dump: totalNframe must be a non-negative integer or absent, not ${total}`);
  }
  const length = table.stackLength(s);
  if (total !== NONE && total < length) {
    throw new RangeError(
      `cannot dump: the traceback at ${mostRecent(table, s)} has totalNframe ${total}, ` +
        `fewer than its ${framesText(length)}`,
    );
  }
}

/** `list` in an array of at least `need` entries, twice as long at least. */
function grow<T extends Int32Array | Float64Array>(list: T, need: number): T {
  const more = new (list.constructor as new (n: number) => T)(Math.max(need, 2 * list.length));
  more.set(list);
  return more;
}

/** Throws unless `line` and `column1` (column + 1) of frame `f` are integers of magnitude below {@link MAX_LINE}. */
function checkPosition(table: TraceTable, f: number, line: number, column1: number): void {
  if (!isPosition(line, column1)) throwBadFrame(table, f);
}

function throwBadFrame(table: TraceTable, f: number): never {
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
