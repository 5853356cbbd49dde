/**
 * Interned strings, frames, stacks and tracebacks, shared by snapshots.
 *
 * Tables only grow, so a snapshot that shares one with its filtered copies (or
 * with a tracer that keeps interning) never sees an id change meaning. Every
 * id is an index into plain arrays; grouping, filtering and the dump codec
 * work on these integers instead of on objects.
 *
 * - a *frame* is (file string id, line, column or -1, function string id or -1);
 * - a *stack* is a sequence of frame ids, most recent first (the raw order);
 * - a *traceback* is a stack plus its `totalNframe` (-1 when unknown).
 *
 * Bulk loaders (the dump codec) may append entries to the arrays directly,
 * provided every entry is distinct from all others of its kind: that skips the
 * per-entry map work of interning, and the intern maps catch up with such
 * entries on the next intern call.
 *
 * @module
 */
import type { RawFrame } from "./frame.ts";

/** Absent optional field (column, function name, totalNframe) in a table. */
export const NONE = -1;

/** Interned tables; see the module comment for the meaning of each column. */
export class TraceTable {
  readonly strings: string[] = [];
  readonly frameFile: number[] = [];
  readonly frameLine: number[] = [];
  readonly frameColumn: number[] = [];
  readonly frameFunction: number[] = [];
  /** Stack `s` is `stackFrames[stackStart[s] .. stackStart[s + 1])`. */
  readonly stackStart: number[] = [0];
  readonly stackFrames: number[] = [];
  readonly tracebackStack: number[] = [];
  readonly tracebackTotal: number[] = [];

  #stringIds = new Map<string, number>();
  // Open-addressing hash indexes of frames, stacks and tracebacks: slots hold id + 1, 0 when free.
  #frameSlots: Int32Array = new Int32Array(64);
  #stackSlots: Int32Array = new Int32Array(64);
  #tracebackSlots: Int32Array = new Int32Array(64);
  /** Entries below these counts are in the indexes; see the module comment on bulk loading. */
  #indexed = { strings: 0, frames: 0, stacks: 0, tracebacks: 0 };

  get frameCount(): number {
    return this.frameFile.length;
  }

  get stackCount(): number {
    return this.stackStart.length - 1;
  }

  get tracebackCount(): number {
    return this.tracebackStack.length;
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
    if (this.#indexed.frames < this.frameFile.length) this.#catchUp();
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
    const id = frameFile.push(file) - 1;
    frameLine.push(line);
    frameColumn.push(column);
    frameFunction.push(fn);
    slots[h] = id + 1;
    if (++this.#indexed.frames * 2 > slots.length) {
      this.#frameSlots = this.#rehash(slots, this.frameCount, (i) => this.#frameHashOf(i));
    }
    return id;
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
    const id = stackStart.length - 1;
    for (let k = 0; k < n; k++) stackFrames.push(frameIds[k]);
    stackStart.push(stackFrames.length);
    slots[h] = id + 1;
    if (++this.#indexed.stacks * 2 > slots.length) {
      this.#stackSlots = this.#rehash(
        slots,
        this.stackCount,
        (i) => stackHash(stackFrames, stackStart[i], stackStart[i + 1]),
      );
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
    const id = tracebackStack.push(stack) - 1;
    tracebackTotal.push(totalNframe);
    slots[h] = id + 1;
    if (++this.#indexed.tracebacks * 2 > slots.length) {
      this.#tracebackSlots = this.#rehash(
        slots,
        this.tracebackCount,
        (i) => tracebackHash(tracebackStack[i], tracebackTotal[i]),
      );
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
    if (done.frames < this.frameCount) {
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

/** Fibonacci hashing constant: 2^32 / golden ratio. */
const GOLDEN = 0x9e3779b1 | 0;

/** The low 32 bits of a number and, for large or fractional ones, some of the rest. */
function bits(v: number): number {
  return (v | 0) ^ (v / 4294967296 | 0) ^ (v % 1 ? v * 4294967296 | 0 : 0);
}

function mix(h: number): number {
  h = Math.imul(h ^ h >>> 16, GOLDEN);
  return h ^ h >>> 15;
}

function frameHash(file: number, line: number, column: number, fn: number): number {
  return mix(Math.imul(Math.imul(Math.imul(file, 31) + bits(line), 31) + bits(column), 31) + fn);
}

function stackHash(frames: ArrayLike<number>, from: number, to: number): number {
  let h = to - from;
  for (let k = from; k < to; k++) h = Math.imul(h, 31) + frames[k] | 0;
  return mix(h);
}

function tracebackHash(stack: number, total: number): number {
  return mix(Math.imul(stack, 31) + bits(total));
}
