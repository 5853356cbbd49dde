/**
 * Text for table cells and the header: sizes, counts, durations, paths
 * made short (and their control characters escaped) and cells cut to a
 * width (in terminal columns, see `src/text/width.ts`). Pure; no terminal
 * involved.
 *
 * @module
 */
import { relative, sep } from "node:path";
import process from "node:process";
import { formatCount, formatSize } from "../src/model/format.ts";
import { escapeControl } from "../src/text/escape.ts";
import { cutLeft, cutRight, padEnd, padStart } from "../src/text/width.ts";

/**
 * A byte count as tracemalloc writes it (`1126 KiB`, `+44.0 KiB` with
 * `sign`).
 *
 * @example
 * ```ts
 * bytes(2048); // "2048 B"
 * bytes(45056, true); // "+44.0 KiB"
 * ```
 */
export function bytes(size: number, sign = false): string {
  return formatSize(size, sign);
}

/**
 * A count, with `+` in front of positive changes when `sign` is set.
 *
 * @example
 * ```ts
 * count(51); // "51"
 * count(22, true); // "+22"
 * ```
 */
export function count(n: number, sign = false): string {
  return formatCount(n, sign);
}

/**
 * Elapsed time as `m:ss`, or `h:mm:ss` from an hour on.
 *
 * @example
 * ```ts
 * duration(65_000); // "1:05"
 * duration(3_723_000); // "1:02:03"
 * ```
 */
export function duration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${m}:${s}`;
}

/**
 * A file name as the screen shows it: relative to `cwd` when it lies under
 * it, else as given (URLs and pseudo-names such as `<unknown>` included),
 * with its control characters escaped (a name from a dump made elsewhere
 * cannot drive the terminal), so its width is what the screen shows.
 *
 * @example
 * ```ts
 * shortPath("/work/app/src/a.ts", "/work/app"); // "src/a.ts"
 * shortPath("/lib/x.js", "/work/app"); // "/lib/x.js"
 * shortPath("/lib/evil\x1b[2J.js", "/work/app"); // "/lib/evil\\x1b[2J.js"
 * ```
 */
export function shortPath(file: string, cwd: string = process.cwd()): string {
  return escapeControl(file.startsWith(cwd + sep) ? relative(cwd, file) : file);
}

// Cells are cut where the terminal's columns are, not where UTF-16 code units are.
export { cutLeft, cutRight } from "../src/text/width.ts";

/**
 * `text` right-aligned in `width` columns (cut from the left when longer),
 * measured in terminal columns.
 *
 * @example
 * ```ts
 * right("51", 5); // "   51"
 * right("データ.ts", 7); // " …タ.ts" ("ー" is not split: a space fills its column)
 * ```
 */
export function right(text: string, width: number): string {
  return padStart(cutLeft(text, width), width);
}

/**
 * `text` left-aligned in `width` columns (cut at the right when longer),
 * measured in terminal columns.
 *
 * @example
 * ```ts
 * left("size", 6); // "size  "
 * left("アプリ", 8); // "アプリ  "
 * ```
 */
export function left(text: string, width: number): string {
  return padEnd(cutRight(text, width), width);
}
