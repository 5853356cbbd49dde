/**
 * Frames (a file and a line, as CPython's `Frame`), their raw form, and the
 * order CPython sorts them in (strings compared by code point).
 *
 * @module
 */
/**
 * One frame of a traceback: a file and a line, like CPython's `Frame`.
 *
 * Engines may add the column and the function's name; a frame is identified
 * by all its fields, so two frames that differ only in function name are two
 * keys in `statistics("lineno")`, just as two differing tuples would be in
 * CPython.
 *
 * @example
 * ```ts
 * const frame = new Frame("src/app.ts", 12, 5, "handle");
 * String(frame); // "src/app.ts:12"
 * ```
 */
export class Frame {
  /** @param filename file name or path, `"<unknown>"` when not known
   *  @param lineno 1-based line number, 0 when not known
   *  @param column 1-based column, when the engine knows it
   *  @param functionName the enclosing function's name, when known */
  constructor(
    readonly filename: string,
    readonly lineno: number,
    readonly column?: number,
    readonly functionName?: string,
  ) {}

  /** `filename:lineno`, as CPython's `str(frame)`. */
  toString(): string {
    return `${this.filename}:${this.lineno}`;
  }

  /** True when every field matches. */
  equals(other: Frame): boolean {
    return compareFrames(this, other) === 0;
  }
}

/** A frame as engines and the raw form pass it: `[filename, lineno, column?, functionName?]`. */
export type RawFrame = readonly [
  filename: string,
  lineno: number,
  column?: number | null,
  functionName?: string | null,
];

/**
 * Orders strings by Unicode code point, as Python compares `str`
 * (JavaScript's `<` compares UTF-16 units and disagrees above U+FFFF).
 *
 * @example
 * ```ts
 * compareStrings("\u{10000}", "\uffff"); // 1
 * ```
 */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (astral code points) sort above every other BMP unit.
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) return xs ? 1 : -1;
    return x < y ? -1 : 1;
  }
  return a.length - b.length < 0 ? -1 : a.length === b.length ? 0 : 1;
}

const compareOptional = <T>(a: T | undefined, b: T | undefined, cmp: (x: T, y: T) => number) =>
  a === b ? 0 : a === undefined ? -1 : b === undefined ? 1 : cmp(a, b);

/**
 * Orders frames as CPython orders `(filename, lineno)` tuples; the optional
 * fields break remaining ties (absent before present).
 *
 * @example
 * ```ts
 * compareFrames(new Frame("a.js", 2), new Frame("a.js", 10)); // -1
 * ```
 */
export function compareFrames(a: Frame, b: Frame): number {
  return compareStrings(a.filename, b.filename) ||
    Math.sign(a.lineno - b.lineno) ||
    compareOptional(a.column, b.column, (x, y) => Math.sign(x - y)) ||
    compareOptional(a.functionName, b.functionName, compareStrings);
}
