/**
 * Tracebacks: the frames where a memory block was allocated, oldest first,
 * as CPython's `Traceback`, with its `format()` (source lines read through
 * the line cache) and the order statistics are sorted in.
 *
 * @module
 */
import { compareFrames, Frame, type RawFrame } from "./frame.ts";
import { getline } from "../source/linecache.ts";

/** Python's `str.strip()` whitespace, which differs from `String#trim` (U+001C..U+001F, U+0085, U+FEFF). */
const PY_SPACE = "[\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]";
const PY_STRIP = new RegExp(`^${PY_SPACE}+|${PY_SPACE}+$`, "g");

/** Options of {@link Traceback.format}. */
export interface FormatOptions {
  /** Positive: the `limit` most recent frames; otherwise `frames.slice(0, limit)`, as CPython. */
  limit?: number | null;
  /** Most recent frame first instead of last. */
  mostRecentFirst?: boolean;
}

/**
 * Frames where a memory block was allocated, oldest first, like CPython's
 * `Traceback`; `String(traceback)` is its first (oldest) frame, as in CPython.
 *
 * @example
 * ```ts
 * const tb = Traceback.fromRaw([["app.ts", 9], ["app.ts", 12]], 2);
 * tb.at(-1)?.lineno; // 9: the most recent frame is last
 * for (const line of tb.format()) console.log(line);
 * ```
 */
export class Traceback implements Iterable<Frame> {
  readonly #frames: readonly Frame[];

  /**
   * @param frames oldest first
   * @param totalNframe frames before truncation to the traceback limit, `null` if unknown
   */
  constructor(frames: readonly Frame[], readonly totalNframe: number | null = null) {
    this.#frames = frames;
  }

  /** A traceback from raw frames, which are most recent first (CPython's raw order). */
  static fromRaw(frames: readonly RawFrame[], totalNframe: number | null = null): Traceback {
    const out: Frame[] = [];
    for (let i = frames.length - 1; i >= 0; i--) {
      const [filename, lineno, column, fn] = frames[i];
      out.push(new Frame(filename, lineno, column ?? undefined, fn ?? undefined));
    }
    return new Traceback(out, totalNframe);
  }

  /** Number of frames kept (at most the traceback limit). */
  get length(): number {
    return this.#frames.length;
  }

  /** Frame `i` from the oldest; negative indexes count from the most recent. */
  at(i: number): Frame | undefined {
    return this.#frames.at(i);
  }

  [Symbol.iterator](): Iterator<Frame> {
    return this.#frames[Symbol.iterator]();
  }

  /** The oldest frame as `filename:lineno`, as CPython's `str(traceback)`. */
  toString(): string {
    return String(this.#frames[0]);
  }

  /** True when both hold the same frames (`totalNframe` is ignored, as in CPython). */
  equals(other: Traceback): boolean {
    return compareTracebacks(this, other) === 0;
  }

  /**
   * Lines as CPython's `Traceback.format()`: `  File "name", line N`, then the
   * stripped source line (through source maps) when there is one.
   */
  format({ limit = null, mostRecentFirst = false }: FormatOptions = {}): string[] {
    let frames = limit === null
      ? this.#frames.slice()
      : limit > 0
      ? this.#frames.slice(-limit)
      : this.#frames.slice(0, limit);
    if (mostRecentFirst) frames = frames.reverse();
    const lines: string[] = [];
    for (const frame of frames) {
      lines.push(`  File "${frame.filename}", line ${frame.lineno}`);
      const source = getline(frame.filename, frame.lineno).replace(PY_STRIP, "");
      if (source) lines.push(`    ${source}`);
    }
    return lines;
  }
}

/**
 * Orders tracebacks as CPython compares their frame tuples, oldest first.
 *
 * @example
 * ```ts
 * compareTracebacks(Traceback.fromRaw([["a", 1]]), Traceback.fromRaw([["a", 2]])); // -1
 * ```
 */
export function compareTracebacks(a: Traceback, b: Traceback): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = compareFrames(a.at(i)!, b.at(i)!);
    if (c) return c;
  }
  return Math.sign(a.length - b.length);
}
