/**
 * Statistics, frames and tracebacks as commands show them: JSON shapes for
 * `--json`, and tracebacks with source lines and function names.
 *
 * @module
 */
import type { Frame } from "../model/frame.ts";
import { Statistic, type StatisticDiff } from "../model/statistic.ts";
import { Traceback } from "../model/traceback.ts";
import type { JsonValue } from "./command.ts";

/**
 * A frame for `--json`.
 *
 * @example
 * ```ts
 * frameJson(new Frame("app.ts", 3, 5, "main")); // { file: "app.ts", line: 3, column: 5, function: "main" }
 * ```
 */
export function frameJson(frame: Frame): JsonValue {
  return {
    file: frame.filename,
    line: frame.lineno,
    column: frame.column ?? null,
    function: frame.functionName ?? null,
  };
}

/**
 * A statistic or a statistic diff for `--json`: its text (CPython's
 * `str()`), its numbers and its frames, oldest first.
 *
 * @example
 * ```ts
 * entryJson(snapshot.statistics("lineno")[0]).size; // e.g. 5002
 * ```
 */
export function entryJson(
  entry: Statistic | StatisticDiff,
): { [key: string]: JsonValue } {
  const common = {
    text: String(entry),
    size: entry.size,
    count: entry.count,
    average: entry.count ? entry.size / entry.count : null,
    traceback: [...entry.traceback].map(frameJson),
  };
  if (entry instanceof Statistic) return common;
  return { ...common, sizeDiff: entry.sizeDiff, countDiff: entry.countDiff };
}

/**
 * A traceback as CPython's `Traceback.format()` — `  File "name", line N`
 * then the stripped source line — with `, in NAME` added when the engine
 * knows the function, as Python's own tracebacks do.
 *
 * @example
 * ```ts
 * formatTraceback(Traceback.fromRaw([["app.ts", 3, 1, "main"]]));
 * // ['  File "app.ts", line 3, in main', "    const rows = [];"]
 * ```
 */
export function formatTraceback(
  traceback: Traceback,
  mostRecentFirst = false,
): string[] {
  const frames = [...traceback];
  if (mostRecentFirst) frames.reverse();
  const lines: string[] = [];
  for (const frame of frames) {
    const [head, ...source] = new Traceback([frame]).format();
    lines.push(
      frame.functionName ? `${head}, in ${frame.functionName}` : head,
      ...source,
    );
  }
  return lines;
}

/**
 * The source line of a frame, stripped as Python's `str.strip()` (through
 * source maps), or `""` when there is none. Taken from
 * `Traceback.format()` so both agree on every line.
 *
 * @example
 * ```ts
 * sourceLine(new Frame("app.ts", 3)); // "const rows = [];"
 * ```
 */
export function sourceLine(frame: Frame): string {
  const source = new Traceback([frame]).format()[1];
  return source === undefined ? "" : source.slice(4);
}
