/**
 * Source bytes as text and text as lines, the way CPython's linecache reads
 * a file: strict UTF-8 and universal newlines.
 *
 * @module
 */
const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Source bytes as text: UTF-8 with a leading BOM dropped, or `null` when the
 * bytes are not UTF-8 (a binary file), as CPython's linecache gives up on a
 * file that does not decode.
 *
 * @example
 * ```ts
 * decodeSource(new Uint8Array([0xef, 0xbb, 0xbf, 0x61])); // "a"
 * decodeSource(new Uint8Array([0xff])); // null
 * ```
 */
export function decodeSource(bytes: Uint8Array): string | null {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return null;
  }
}

/**
 * Text split into lines as Python's `readlines()` in universal-newline mode,
 * then linecache: `\n`, `\r\n` and `\r` end a line and each becomes `\n`, and
 * the last line gets a `\n` when it has none. Other Unicode separators
 * (U+2028, form feed, ...) stay inside a line, as in Python.
 *
 * @example
 * ```ts
 * splitLines("a\r\nb\rc"); // ["a\n", "b\n", "c\n"]
 * splitLines(""); // []
 * ```
 */
export function splitLines(text: string): string[] {
  const parts = text.split(/\r\n|\r|\n/);
  // A text ending with a terminator (or an empty one) leaves an empty tail that is no line.
  if (parts[parts.length - 1] === "") parts.pop();
  return parts.map((line) => line + "\n");
}
