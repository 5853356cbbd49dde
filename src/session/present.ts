/**
 * Statistics, frames and tracebacks as commands show them: JSON shapes for
 * `--json`, and tracebacks with source lines and function names.
 *
 * @module
 */
import type { HeapEngineInfo } from "../engines/engine.ts";
import type { Frame } from "../model/frame.ts";
import { formatSize } from "../model/format.ts";
import { Statistic, type StatisticDiff } from "../model/statistic.ts";
import { Traceback } from "../model/traceback.ts";
import { cutRight, textWidth } from "../text/width.ts";
import type { JsonValue } from "./command.ts";

/**
 * A frame for `--json`.
 *
 * @example
 * ```ts
 * import { Frame } from "../model/frame.ts";
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
 * import type { Snapshot } from "../model/snapshot.ts";
 * declare const snapshot: Snapshot;
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
 * The widest source line a listing shows whole, in terminal columns. A line
 * of a minified bundle can be tens of kilobytes: longer ones are cut (see
 * {@link listedSource}). CPython never cuts; lines up to this width are
 * shown byte for byte as its `Traceback.format()` shows them.
 *
 * @example
 * ```ts
 * listedSource("x".repeat(SOURCE_LINE_LIMIT)).length; // 200: shown whole
 * ```
 */
export const SOURCE_LINE_LIMIT = 200;

/**
 * A source line as listings show it: as it is up to `limit` columns, else
 * cut to `limit` columns (the cut marked `…`, between whole characters, as
 * the TUI cuts) and followed by a note that says so.
 *
 * @example
 * ```ts
 * listedSource("const rows = [];"); // "const rows = [];"
 * listedSource("a".repeat(20_000), 10); // "aaaaaaaaa… [line cut at 10 columns]"
 * ```
 */
export function listedSource(source: string, limit = SOURCE_LINE_LIMIT): string {
  // A code unit takes at most two columns: short lines need no measuring.
  if (source.length * 2 <= limit || textWidth(source) <= limit) return source;
  return `${cutRight(source, limit)} [line cut at ${limit} columns]`;
}

/**
 * A traceback as CPython's `Traceback.format()` — `  File "name", line N`
 * then the stripped source line — with `, in NAME` added when the engine
 * knows the function, as Python's own tracebacks do. Source lines wider
 * than {@link SOURCE_LINE_LIMIT} columns are cut ({@link listedSource}).
 *
 * @example
 * ```ts
 * import { Traceback } from "../model/traceback.ts";
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
      ...source.map((line) => `    ${listedSource(line.slice(4))}`),
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
 * import { Frame } from "../model/frame.ts";
 * sourceLine(new Frame("app.ts", 3)); // "const rows = [];"
 * ```
 */
export function sourceLine(frame: Frame): string {
  const source = new Traceback([frame]).format()[1];
  return source === undefined ? "" : source.slice(4);
}

/**
 * The domain-0 engine in words, for `status`, `start` and the TUI header.
 *
 * @example
 * ```ts
 * describeEngine({ name: "line", lineLevel: true, sampling: { unit: "allocations", every: 1024 } });
 * // "line engine (exact lines), one allocation in 1024 sampled"
 * ```
 */
export function describeEngine(engine: HeapEngineInfo): string {
  const what = engine.name === "line"
    ? "line engine (exact lines)"
    : engine.name === "sampler"
    ? "V8 sampler (function-level)"
    : "heap census (object types, no lines)";
  const sampling = engine.sampling;
  if (!sampling) return what;
  return sampling.unit === "allocations"
    ? `${what}, one allocation in ${sampling.every} sampled`
    : `${what}, sampled every ${formatSize(sampling.every, false)}`;
}

/**
 * The domain-0 engine in a few words, for the TUI header.
 *
 * @example
 * ```ts
 * shortEngine({ name: "line", lineLevel: true, sampling: { unit: "allocations", every: 16 } }); // "lines, 1/16 sampled"
 * ```
 */
export function shortEngine(engine: HeapEngineInfo): string {
  const sampling = engine.sampling;
  const every = !sampling
    ? ""
    : sampling.unit === "allocations"
    ? `, 1/${sampling.every} sampled`
    : `, every ${formatSize(sampling.every, false)}`;
  const what = engine.name === "line" ? "lines" : engine.name === "sampler" ? "V8 sampler: functions" : "census: types";
  return what + every;
}

/**
 * What a target's tracer sees of its worker threads, for `status`: on every
 * runtime today, nothing. Each worker (`worker_threads.Worker` on Node, Deno
 * and Bun; the web `Worker` on Deno and Bun) has its own heap and globals,
 * and the tracer's hooks and load hook live in the main thread only, so a
 * worker's allocations are not seen (the program itself runs as before).
 * `runtime` is the status's runtime, e.g. `"node 24.21.0"`.
 *
 * @example
 * ```ts
 * workersStatus("deno 2.9.5").text;
 * // "not traced (allocations in worker threads are not seen: Worker, worker_threads)"
 * ```
 */
export function workersStatus(runtime: string): { traced: false; text: string } {
  const kinds = runtime.startsWith("node") ? "worker_threads" : "Worker, worker_threads";
  return { traced: false, text: `not traced (allocations in worker threads are not seen: ${kinds})` };
}
