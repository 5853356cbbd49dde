/**
 * Splitting a command line into words, shell-like: blanks separate words,
 * `'…'` quotes literally, `"…"` quotes with `\"` and `\\` escapes, a
 * backslash outside quotes escapes the next character, and a `#` starting a
 * word begins a comment that runs to the end of the line.
 *
 * @module
 */

/**
 * One word of a command line.
 *
 * @example
 * ```ts
 * const [, glob]: Word[] = tokenize('include "*.ts"'); // { text: "*.ts", quoted: true, start: 8 }
 * ```
 */
export interface Word {
  /** The word with quotes and escapes removed. */
  readonly text: string;
  /** True when any part of it was quoted or escaped, so it is never taken as an option. */
  readonly quoted: boolean;
  /** Offset of its first character in the line. */
  readonly start: number;
}

const BLANK = /[ \t\r\n\v\f]/;

/**
 * Splits `line` into words.
 *
 * @throws {SyntaxError} on an unterminated quote or a trailing backslash
 * @example
 * ```ts
 * tokenize(`filter include "my dir/*" # mine`).map((w) => w.text);
 * // ["filter", "include", "my dir/*"]
 * ```
 */
export function tokenize(line: string): Word[] {
  const words: Word[] = [];
  let i = 0;
  const n = line.length;
  while (i < n) {
    while (i < n && BLANK.test(line[i])) i++;
    if (i >= n) break;
    if (line[i] === "#") break;
    const start = i;
    let text = "";
    let quoted = false;
    while (i < n && !BLANK.test(line[i])) {
      const c = line[i];
      if (c === "'") {
        const close = line.indexOf("'", i + 1);
        if (close < 0) {
          throw new SyntaxError(`unterminated ' quote at column ${i + 1}`);
        }
        text += line.slice(i + 1, close);
        quoted = true;
        i = close + 1;
      } else if (c === '"') {
        i++;
        quoted = true;
        let closed = false;
        while (i < n) {
          const d = line[i];
          if (d === '"') {
            closed = true;
            i++;
            break;
          }
          if (d === "\\" && (line[i + 1] === '"' || line[i + 1] === "\\")) {
            text += line[i + 1];
            i += 2;
          } else {
            text += d;
            i++;
          }
        }
        if (!closed) {
          throw new SyntaxError(`unterminated " quote at column ${start + 1}`);
        }
      } else if (c === "\\") {
        if (i + 1 >= n) throw new SyntaxError("a backslash ends the line");
        text += line[i + 1];
        quoted = true;
        i += 2;
      } else {
        text += c;
        i++;
      }
    }
    words.push({ text, quoted, start });
  }
  return words;
}

/**
 * `text` as one word of a command line, quoted when needed, so front ends
 * can build lines from file names and globs: `tokenize(quote(s))` gives `s`.
 *
 * @example
 * ```ts
 * quote("my file.dump"); // "'my file.dump'"
 * quote("s1"); // "s1"
 * ```
 */
export function quote(text: string): string {
  if (/^[A-Za-z0-9_./:@%+=,][A-Za-z0-9_./:@%+=,-]*$/.test(text)) return text;
  return `'${text.replaceAll("'", `'"'"'`)}'`;
}
