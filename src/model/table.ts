/**
 * Interned strings, frames, stacks and tracebacks, shared by snapshots.
 *
 * Tables only grow, so a snapshot that shares one with its filtered copies (or
 * with a tracer that keeps interning) never sees an id change meaning. Every
 * id is an index into plain arrays; grouping, filtering and the dump codec
 * work on these integers instead of on objects.
 *
 * The columns are typed arrays with room to grow: only the first
 * `frameCount`, `stackCount` (+ 1 for `stackStart`) and `tracebackCount`
 * slots are entries, and growing replaces an array, so read a column from
 * the table again after interning.
 *
 * - a *frame* is (file string id, line, column or -1, function string id or -1);
 * - a *stack* is a sequence of frame ids, most recent first (the raw order);
 * - a *traceback* is a stack plus its `totalNframe` (-1 when unknown).
 *
 * Bulk loaders (the dump codec) may add entries with {@link TraceTable.addFrames}
 * and its siblings, provided every entry is distinct from all others of its
 * kind: that skips the per-entry hash work of interning, and the indexes
 * catch up with such entries on the next intern call. Into a table with no
 * entries of that kind yet, the arrays are taken as they are, not copied:
 * the caller hands them over.
 *
 * @module
 */
import type { RawFrame } from "./frame.ts";

/** Absent optional field (column, function name, totalNframe) in a table. */
export const NONE = -1;

/** Interned tables; see the module comment for the meaning of each column. */
export class TraceTable {
  readonly strings: string[] = [];
  frameFile: Int32Array = new Int32Array(16);
  frameLine: Float64Array = new Float64Array(16);
  frameColumn: Float64Array = new Float64Array(16);
  frameFunction: Int32Array = new Int32Array(16);
  /** Stack `s` is `stackFrames[stackStart[s] .. stackStart[s + 1])`. */
  stackStart: Uint32Array = new Uint32Array(16);
  stackFrames: Int32Array = new Int32Array(16);
  tracebackStack: Int32Array = new Int32Array(16);
  tracebackTotal: Float64Array = new Float64Array(16);
  #frames = 0;
  #stacks = 0;
  #tracebacks = 0;

  #stringIds = new Map<string, number>();
  // Open-addressing hash indexes of frames, stacks and tracebacks: slots hold id + 1, 0 when free.
  #frameSlots: Int32Array = new Int32Array(64);
  #stackSlots: Int32Array = new Int32Array(64);
  #tracebackSlots: Int32Array = new Int32Array(64);
  /** Entries below these counts are in the indexes; see the module comment on bulk loading. */
  #indexed = { strings: 0, frames: 0, stacks: 0, tracebacks: 0 };
  /** What a dump needs to know of the whole table, kept as entries are interned; null once any came in bulk. */
  #summary: Summary | null = new Summary();

  get frameCount(): number {
    return this.#frames;
  }

  get stackCount(): number {
    return this.#stacks;
  }

  get tracebackCount(): number {
    return this.#tracebacks;
  }

  /**
   * The ranges of the table's columns, when every string is used by a
   * frame, every frame by a stack and every stack by a traceback, every
   * line and column is a small integer and every known totalNframe a small
   * integer at least its stack's length; else null (then a dump looks at
   * the table entry by entry). Kept up to date by interning, so that a dump
   * of a snapshot made from raw traces needs no pass over its table; unknown
   * (null) once entries were added in bulk.
   */
  summary(): TableSummary | null {
    const s = this.#summary;
    if (!s || s.odd || s.strings !== this.strings.length || s.frames !== this.#frames) return null;
    return s.stacks === this.#stacks ? s : null;
  }

  /** Adds frames known to be distinct from each other and from those in the table (bulk loading). */
  addFrames(file: Int32Array, line: Float64Array, column: Float64Array, fn: Int32Array): void {
    const at = this.#frames, n = file.length;
    this.#summary = null;
    if (at === 0) {
      // Taken over: a fresh table's arrays hold nothing yet, and copying would touch as much new memory again.
      this.frameFile = file;
      this.frameLine = line;
      this.frameColumn = column;
      this.frameFunction = fn;
      this.#frames = n;
      return;
    }
    this.#growFrames(at + n);
    this.frameFile.set(file, at);
    this.frameLine.set(line, at);
    this.frameColumn.set(column, at);
    this.frameFunction.set(fn, at);
    this.#frames = at + n;
  }

  /**
   * Adds stacks known to be distinct (bulk loading): stack `i` is
   * `frames[start[i] .. start[i + 1])`, `start[0]` being 0.
   */
  addStacks(start: Uint32Array, frames: Int32Array): void {
    const n = start.length - 1, at = this.#stacks, base = this.stackStart[at];
    this.#summary = null;
    if (at === 0 && start[0] === 0) {
      this.stackStart = start;
      this.stackFrames = frames;
      this.#stacks = n;
      return;
    }
    this.#growStacks(at + n, base + start[n]);
    this.stackFrames.set(frames.subarray(0, start[n]), base);
    const stackStart = this.stackStart;
    for (let i = 1; i <= n; i++) stackStart[at + i] = base + start[i];
    this.#stacks = at + n;
  }

  /** Adds tracebacks known to be distinct (bulk loading). */
  addTracebacks(stack: Int32Array, total: Float64Array): void {
    const at = this.#tracebacks, n = stack.length;
    this.#summary = null;
    if (at === 0) {
      this.tracebackStack = stack;
      this.tracebackTotal = total;
      this.#tracebacks = n;
      return;
    }
    this.#growTracebacks(at + n);
    this.tracebackStack.set(stack, at);
    this.tracebackTotal.set(total, at);
    this.#tracebacks = at + n;
  }

  #growFrames(need: number): void {
    if (need <= this.frameFile.length) return;
    const size = Math.max(need, 2 * this.frameFile.length);
    this.frameFile = grow(new Int32Array(size), this.frameFile);
    this.frameLine = grow(new Float64Array(size), this.frameLine);
    this.frameColumn = grow(new Float64Array(size), this.frameColumn);
    this.frameFunction = grow(new Int32Array(size), this.frameFunction);
  }

  #growStacks(stacks: number, frames: number): void {
    if (stacks + 1 > this.stackStart.length) {
      this.stackStart = grow(new Uint32Array(Math.max(stacks + 1, 2 * this.stackStart.length)), this.stackStart);
    }
    if (frames > this.stackFrames.length) {
      this.stackFrames = grow(new Int32Array(Math.max(frames, 2 * this.stackFrames.length)), this.stackFrames);
    }
  }

  #growTracebacks(need: number): void {
    if (need <= this.tracebackStack.length) return;
    const size = Math.max(need, 2 * this.tracebackStack.length);
    this.tracebackStack = grow(new Int32Array(size), this.tracebackStack);
    this.tracebackTotal = grow(new Float64Array(size), this.tracebackTotal);
  }

  /** Id of `s`, adding it when new. */
  internString(s: string): number {
    if (this.#indexed.strings < this.strings.length) this.#catchUp();
    let id = this.#stringIds.get(s);
    if (id === undefined) {
      id = this.strings.push(s) - 1;
      this.#stringIds.set(s, id);
      this.#indexed.strings++;
    }
    return id;
  }

  /** Id of a frame given by its string ids (`NONE` for absent fields). */
  internFrame(file: number, line: number, column: number, fn: number): number {
    const found = this.#probeFrame(file, line, column, fn);
    if (found >= 0) return found;
    const slots = this.#frameSlots;
    const h = -found - 1;
    const id = this.#frames++;
    this.#growFrames(id + 1);
    this.frameFile[id] = file;
    this.frameLine[id] = line;
    this.frameColumn[id] = column;
    this.frameFunction[id] = fn;
    slots[h] = id + 1;
    this.#summary?.frame(file, line, column, fn, this.strings.length);
    if (++this.#indexed.frames * 2 > slots.length) {
      this.#frameSlots = this.#rehash(slots, this.frameCount, (i) => this.#frameHashOf(i));
    }
    return id;
  }

  /**
   * Id of a frame given by its string ids, or `NONE` when the table has no
   * such frame; nothing is added (see {@link TraceTable.addFrames} to add
   * many at once).
   */
  findFrame(file: number, line: number, column: number, fn: number): number {
    return Math.max(NONE, this.#probeFrame(file, line, column, fn));
  }

  /** The frame's id when the table has it, else `-(slot + 1)` of the free slot where it would go. */
  #probeFrame(file: number, line: number, column: number, fn: number): number {
    if (this.#indexed.frames < this.#frames) this.#catchUp();
    const slots = this.#frameSlots;
    const mask = slots.length - 1;
    const { frameFile, frameLine, frameColumn, frameFunction } = this;
    let h = frameHash(file, line, column, fn) & mask;
    for (let id = slots[h] - 1; id >= 0; id = slots[h] - 1) {
      if (frameFile[id] === file && frameLine[id] === line && frameColumn[id] === column && frameFunction[id] === fn) {
        return id;
      }
      h = (h + 1) & mask;
    }
    return -h - 1;
  }

  /** Id of a stack of frame ids (most recent first), or `NONE` when the table has none such; nothing is added. */
  findStack(frameIds: ArrayLike<number>): number {
    return Math.max(NONE, this.#probeStack(frameIds));
  }

  /** The stack's id when the table has it, else `-(slot + 1)` of the free slot where it would go. */
  #probeStack(frameIds: ArrayLike<number>): number {
    if (this.#indexed.stacks < this.stackCount) this.#catchUp();
    const slots = this.#stackSlots;
    const mask = slots.length - 1;
    const { stackStart, stackFrames } = this;
    const n = frameIds.length;
    let h = stackHash(frameIds, 0, n) & mask;
    for (let id = slots[h] - 1; id >= 0; id = slots[h] - 1) {
      const at = stackStart[id];
      if (stackStart[id + 1] - at === n) {
        let k = 0;
        while (k < n && stackFrames[at + k] === frameIds[k]) k++;
        if (k === n) return id;
      }
      h = (h + 1) & mask;
    }
    return -h - 1;
  }

  /** Id of a raw `[filename, lineno, column?, functionName?]` frame. */
  internRawFrame(frame: RawFrame): number {
    const filename = frame[0], column = frame[2], fn = frame[3];
    return this.internFrame(
      this.internString(typeof filename === "string" ? filename : String(filename)),
      frame[1],
      column ?? NONE,
      fn == null ? NONE : this.internString(fn),
    );
  }

  /** Id of a stack of frame ids, most recent first. */
  internStack(frameIds: ArrayLike<number>): number {
    const found = this.#probeStack(frameIds);
    if (found >= 0) return found;
    const slots = this.#stackSlots;
    const h = -found - 1;
    const n = frameIds.length;
    const id = this.#stacks++;
    const at = this.stackStart[id];
    this.#growStacks(id + 1, at + n);
    const frames = this.stackFrames;
    for (let k = 0; k < n; k++) frames[at + k] = frameIds[k];
    this.stackStart[id + 1] = at + n;
    slots[h] = id + 1;
    this.#summary?.stack(frameIds, this.#frames);
    if (++this.#indexed.stacks * 2 > slots.length) {
      const starts = this.stackStart;
      this.#stackSlots = this.#rehash(slots, this.stackCount, (i) => stackHash(frames, starts[i], starts[i + 1]));
    }
    return id;
  }

  /** Id of a traceback: a stack and its original depth (`NONE` when unknown). */
  internTraceback(stack: number, totalNframe: number): number {
    if (this.#indexed.tracebacks < this.tracebackCount) this.#catchUp();
    const slots = this.#tracebackSlots;
    const mask = slots.length - 1;
    const { tracebackStack, tracebackTotal } = this;
    let h = tracebackHash(stack, totalNframe) & mask;
    for (let id = slots[h] - 1; id >= 0; id = slots[h] - 1) {
      if (tracebackStack[id] === stack && tracebackTotal[id] === totalNframe) return id;
      h = (h + 1) & mask;
    }
    const id = this.#tracebacks++;
    this.#growTracebacks(id + 1);
    this.tracebackStack[id] = stack;
    this.tracebackTotal[id] = totalNframe;
    slots[h] = id + 1;
    this.#summary?.traceback(stack, totalNframe, this.#stacks, this.stackStart);
    if (++this.#indexed.tracebacks * 2 > slots.length) {
      const stacks = this.tracebackStack, totals = this.tracebackTotal;
      this.#tracebackSlots = this.#rehash(slots, this.tracebackCount, (i) => tracebackHash(stacks[i], totals[i]));
    }
    return id;
  }

  #frameHashOf(i: number): number {
    return frameHash(this.frameFile[i], this.frameLine[i], this.frameColumn[i], this.frameFunction[i]);
  }

  /** A fresh index of ids `0..count-1`, at most a quarter full. */
  #rehash(old: Int32Array, count: number, hash: (id: number) => number): Int32Array {
    let size = old.length;
    while (size < 4 * count) size *= 2;
    const slots = new Int32Array(size);
    const mask = size - 1;
    for (let id = 0; id < count; id++) {
      let h = hash(id) & mask;
      while (slots[h]) h = (h + 1) & mask;
      slots[h] = id + 1;
    }
    return slots;
  }

  /** Adds entries appended directly to the arrays to the indexes. */
  #catchUp(): void {
    const done = this.#indexed;
    if (done.strings < this.strings.length) {
      for (let i = done.strings; i < this.strings.length; i++) this.#stringIds.set(this.strings[i], i);
      done.strings = this.strings.length;
    }
    if (done.frames < this.#frames) {
      done.frames = this.frameCount;
      this.#frameSlots = this.#rehash(this.#frameSlots, done.frames, (i) => this.#frameHashOf(i));
    }
    if (done.stacks < this.stackCount) {
      done.stacks = this.stackCount;
      const { stackStart, stackFrames } = this;
      this.#stackSlots = this.#rehash(
        this.#stackSlots,
        done.stacks,
        (i) => stackHash(stackFrames, stackStart[i], stackStart[i + 1]),
      );
    }
    if (done.tracebacks < this.tracebackCount) {
      done.tracebacks = this.tracebackCount;
      const { tracebackStack, tracebackTotal } = this;
      this.#tracebackSlots = this.#rehash(
        this.#tracebackSlots,
        done.tracebacks,
        (i) => tracebackHash(tracebackStack[i], tracebackTotal[i]),
      );
    }
  }

  /** Number of frames in stack `s`. */
  stackLength(s: number): number {
    return this.stackStart[s + 1] - this.stackStart[s];
  }

  /** Most recent frame of stack `s`, or `NONE` for an empty stack. */
  topFrame(s: number): number {
    return this.stackStart[s + 1] > this.stackStart[s] ? this.stackFrames[this.stackStart[s]] : NONE;
  }
}

/**
 * The ranges of a table's columns, for a dump that writes the whole table
 * (see {@link TraceTable.summary}). Empty ranges are `Infinity, -Infinity`.
 */
export interface TableSummary {
  readonly lineMin: number;
  readonly lineMax: number;
  readonly columnMin: number;
  readonly columnMax: number;
  /** Of the frames' function string ids, `NONE` included. */
  readonly fnMin: number;
  readonly fnMax: number;
  /** Of the stacks' lengths. */
  readonly lengthMin: number;
  readonly lengthMax: number;
  /** Of the tracebacks' totalNframe, `NONE` included. */
  readonly totalMin: number;
  readonly totalMax: number;
}

/** A {@link TableSummary} kept up to date entry by entry, with which entries are used. */
class Summary implements TableSummary {
  lineMin = Infinity;
  lineMax = -Infinity;
  columnMin = Infinity;
  columnMax = -Infinity;
  fnMin = Infinity;
  fnMax = -Infinity;
  lengthMin = Infinity;
  lengthMax = -Infinity;
  totalMin = Infinity;
  totalMax = -Infinity;
  /** Some entry needs a closer look: a fractional or huge line, column or totalNframe, or one below its stack's length. */
  odd = false;
  /** How many strings, frames and stacks are used by an entry of the next kind; which ones, 1 each. */
  strings = 0;
  frames = 0;
  stacks = 0;
  #string: Uint8Array = new Uint8Array(64);
  #frame: Uint8Array = new Uint8Array(64);
  #stack: Uint8Array = new Uint8Array(64);

  /** A new frame, of `strings` strings. */
  frame(file: number, line: number, column: number, fn: number, strings: number): void {
    // Small whole numbers pass the first test; the writer checks the others entry by entry.
    if ((line | 0) !== line || (column | 0) !== column) this.odd = true;
    if (line < this.lineMin) this.lineMin = line;
    if (line > this.lineMax) this.lineMax = line;
    if (column < this.columnMin) this.columnMin = column;
    if (column > this.columnMax) this.columnMax = column;
    if (fn < this.fnMin) this.fnMin = fn;
    if (fn > this.fnMax) this.fnMax = fn;
    if (file >= 0 && file < strings) this.#useString(file);
    if (fn >= 0 && fn < strings) this.#useString(fn);
  }

  #useString(s: number): void {
    if (s >= this.#string.length) this.#string = widen(this.#string, s);
    if (this.#string[s] === 0) {
      this.#string[s] = 1;
      this.strings++;
    }
  }

  /** A new stack of `frameIds`, of `frames` frames. */
  stack(frameIds: ArrayLike<number>, frames: number): void {
    const n = frameIds.length;
    if (n < this.lengthMin) this.lengthMin = n;
    if (n > this.lengthMax) this.lengthMax = n;
    for (let k = 0; k < n; k++) {
      const f = frameIds[k];
      if (f < 0 || f >= frames) continue;
      if (f >= this.#frame.length) this.#frame = widen(this.#frame, f);
      if (this.#frame[f] === 0) {
        this.#frame[f] = 1;
        this.frames++;
      }
    }
  }

  /** A new traceback, of `stacks` stacks starting at `stackStart`. */
  traceback(s: number, total: number, stacks: number, stackStart: Uint32Array): void {
    if (total < this.totalMin) this.totalMin = total;
    if (total > this.totalMax) this.totalMax = total;
    if (s < 0 || s >= stacks) return;
    if (total !== NONE && !((total | 0) === total && total >= stackStart[s + 1] - stackStart[s])) this.odd = true;
    if (s >= this.#stack.length) this.#stack = widen(this.#stack, s);
    if (this.#stack[s] === 0) {
      this.#stack[s] = 1;
      this.stacks++;
    }
  }
}

/** `flags` in an array that has index `need`, twice as long at least. */
function widen(flags: Uint8Array, need: number): Uint8Array {
  return grow(new Uint8Array(Math.max(need + 1, 2 * flags.length)), flags);
}

/** `to` with `from` copied to its start. */
function grow<T extends Uint8Array | Int32Array | Uint32Array | Float64Array>(to: T, from: T): T {
  to.set(from);
  return to;
}

/** Fibonacci hashing constant: 2^32 / golden ratio. */
const GOLDEN = 0x9e3779b1 | 0;

/** The low 32 bits of a number and, for large or fractional ones, some of the rest. */
function bits(v: number): number {
  // Small whole numbers are their own bits; `%` on a double costs a call to the C library.
  if ((v | 0) === v) return v;
  return (v | 0) ^ (v / 4294967296 | 0) ^ (v - Math.floor(v) ? v * 4294967296 | 0 : 0);
}

function mix(h: number): number {
  h = Math.imul(h ^ h >>> 16, GOLDEN);
  return h ^ h >>> 15;
}

/**
 * `h`, already mixed, with `v` folded in. Each step mixes before the next
 * value comes, so that values of a few bits each do not cancel out: with
 * `31 * h + v`, frames `(file, line)` and `(file - 1, line + 31)` hashed
 * alike, and probe sequences in a table of a few thousand files and a few
 * hundred lines each ran long.
 */
function fold(h: number, v: number): number {
  h = Math.imul(h ^ v, GOLDEN);
  return h ^ h >>> 15;
}

function frameHash(file: number, line: number, column: number, fn: number): number {
  return mix(fold(fold(fold(mix(file), bits(line)), bits(column)), fn));
}

function stackHash(frames: ArrayLike<number>, from: number, to: number): number {
  let h = mix(to - from);
  for (let k = from; k < to; k++) h = fold(h, frames[k]);
  return mix(h);
}

function tracebackHash(stack: number, total: number): number {
  return mix(fold(mix(stack), bits(total)));
}
