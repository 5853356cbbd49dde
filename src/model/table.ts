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
  #frameIds = new Map<string, number>();
  #stackIds = new Map<string, number>();
  #tracebackIds = new Map<string, number>();
  /** Entries below these counts are in the maps; see the module comment on bulk loading. */
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
    this.#catchUp();
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
    this.#catchUp();
    const key = `${file},${line},${column},${fn}`;
    let id = this.#frameIds.get(key);
    if (id === undefined) {
      id = this.frameFile.push(file) - 1;
      this.frameLine.push(line);
      this.frameColumn.push(column);
      this.frameFunction.push(fn);
      this.#frameIds.set(key, id);
      this.#indexed.frames++;
    }
    return id;
  }

  /** Id of a raw `[filename, lineno, column?, functionName?]` frame. */
  internRawFrame(frame: RawFrame): number {
    const [filename, lineno, column, fn] = frame;
    return this.internFrame(
      this.internString(String(filename)),
      lineno,
      column ?? NONE,
      fn == null ? NONE : this.internString(fn),
    );
  }

  /** Id of a stack of frame ids, most recent first. */
  internStack(frameIds: readonly number[]): number {
    this.#catchUp();
    const key = frameIds.join(",");
    let id = this.#stackIds.get(key);
    if (id === undefined) {
      id = this.stackStart.length - 1;
      for (const f of frameIds) this.stackFrames.push(f);
      this.stackStart.push(this.stackFrames.length);
      this.#stackIds.set(key, id);
      this.#indexed.stacks++;
    }
    return id;
  }

  /** Id of a traceback: a stack and its original depth (`NONE` when unknown). */
  internTraceback(stack: number, totalNframe: number): number {
    this.#catchUp();
    const key = `${stack},${totalNframe}`;
    let id = this.#tracebackIds.get(key);
    if (id === undefined) {
      id = this.tracebackStack.push(stack) - 1;
      this.tracebackTotal.push(totalNframe);
      this.#tracebackIds.set(key, id);
      this.#indexed.tracebacks++;
    }
    return id;
  }

  /** Adds entries appended directly to the arrays to the intern maps. */
  #catchUp(): void {
    const done = this.#indexed;
    if (done.strings < this.strings.length) {
      for (let i = done.strings; i < this.strings.length; i++) this.#stringIds.set(this.strings[i], i);
      done.strings = this.strings.length;
    }
    if (done.frames < this.frameFile.length) {
      for (let i = done.frames; i < this.frameFile.length; i++) {
        const key = `${this.frameFile[i]},${this.frameLine[i]},${this.frameColumn[i]},${this.frameFunction[i]}`;
        this.#frameIds.set(key, i);
      }
      done.frames = this.frameFile.length;
    }
    if (done.stacks < this.stackCount) {
      for (let i = done.stacks; i < this.stackCount; i++) {
        this.#stackIds.set(this.stackFrames.slice(this.stackStart[i], this.stackStart[i + 1]).join(","), i);
      }
      done.stacks = this.stackCount;
    }
    if (done.tracebacks < this.tracebackCount) {
      for (let i = done.tracebacks; i < this.tracebackCount; i++) {
        this.#tracebackIds.set(`${this.tracebackStack[i]},${this.tracebackTotal[i]}`, i);
      }
      done.tracebacks = this.tracebackCount;
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
