/**
 * Offsets to lines and columns, counted as JavaScript engines count them
 * (`\n`, `\r\n`, `\r`, U+2028 and U+2029 end a line).
 *
 * @module
 */

/**
 * The line starts of a text, for turning offsets into 1-based lines and
 * columns.
 *
 * @example
 * ```ts
 * const lines = new LineIndex("a\nbc");
 * lines.lineOf(3); // 2
 * lines.columnOf(3, 2); // 2
 * ```
 */
export class LineIndex {
  readonly #starts: number[] = [0];
  #last = 0;

  constructor(text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10 || c === 0x2028 || c === 0x2029) this.#starts.push(i + 1);
      else if (c === 13) {
        if (text.charCodeAt(i + 1) === 10) i++;
        this.#starts.push(i + 1);
      }
    }
  }

  /** Number of lines. */
  get count(): number {
    return this.#starts.length;
  }

  /** The 1-based line of `offset`. Fast for offsets asked in increasing order. */
  lineOf(offset: number): number {
    const starts = this.#starts;
    let i = this.#last;
    if (starts[i] <= offset && (i + 1 >= starts.length || starts[i + 1] > offset)) return i + 1;
    if (i + 1 < starts.length && starts[i + 1] <= offset && (i + 2 >= starts.length || starts[i + 2] > offset)) {
      this.#last = i + 1;
      return i + 2;
    }
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    this.#last = i = lo;
    return i + 1;
  }

  /** The 1-based column of `offset` on 1-based `line`. */
  columnOf(offset: number, line: number): number {
    return offset - this.#starts[line - 1] + 1;
  }

  /** The offset where 1-based `line` starts. */
  startOf(line: number): number {
    return this.#starts[line - 1];
  }
}
