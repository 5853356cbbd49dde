/**
 * What the test helpers say when they fail: the lines that grew (or held
 * most), with their growth and their tracebacks formatted as CPython's
 * `Traceback.format()`.
 *
 * @module
 */
import { formatCount, formatSize, pyFixed } from "../model/format.ts";
import type { Frame } from "../model/frame.ts";
import type { Snapshot } from "../model/snapshot.ts";
import type { StatisticDiff } from "../model/statistic.ts";
import type { Traced } from "./tracing.ts";

/** Tracebacks shown under each line. */
const TRACEBACKS_SHOWN = 3;

/**
 * A line whose memory grew from the first snapshot to the last.
 *
 * @example
 * ```ts
 * import type { Snapshot } from "../model/snapshot.ts";
 * declare const snapshots: Snapshot[];
 * const [worst]: GrownLine[] = grownLines(snapshots, 100, 64);
 * console.log(`${worst.diff.traceback}: +${worst.perRun} B a run`);
 * ```
 */
export interface GrownLine {
  /** The line (lineno statistics: one frame) and its change from the first snapshot to the last. */
  readonly diff: StatisticDiff;
  /** Bytes it grew by per run. */
  readonly perRun: number;
  /** In how many of the intervals between consecutive snapshots it grew. */
  readonly grewIn: number;
  /** Of how many intervals. */
  readonly intervals: number;
  /** The tracebacks at this line that grew, most growth first (at most three). */
  readonly tracebacks: readonly StatisticDiff[];
  /** How many more tracebacks at this line grew. */
  readonly moreTracebacks: number;
}

/**
 * A frame as a map key (a frame is identified by all its fields, as a `lineno` key is).
 *
 * @example
 * ```ts
 * import { Frame } from "../model/frame.ts";
 * keyOf(new Frame("a.ts", 3)); // '["a.ts",3,null,null]'
 * ```
 */
export function keyOf(frame: Frame | undefined): string {
  return frame ? JSON.stringify([frame.filename, frame.lineno, frame.column ?? null, frame.functionName ?? null]) : "";
}

/**
 * The lines of `snapshots` (oldest first, `runs` runs from the first to the
 * last) that grew by more than `tolerance` bytes per run from the first to
 * the last, and in at least half of the intervals between consecutive
 * snapshots, most growth first.
 *
 * @example
 * ```ts
 * import { Snapshot } from "../model/snapshot.ts";
 * const before = new Snapshot([], 1);
 * const after = new Snapshot([[1, 4096 * 10, [["leak.ts", 3]], 1, 10]], 1);
 * grownLines([before, after], 10, 64)[0].perRun; // 4096
 * ```
 */
export function grownLines(snapshots: readonly Snapshot[], runs: number, tolerance: number): GrownLine[] {
  const intervals = snapshots.length - 1;
  const first = snapshots[0];
  const last = snapshots[snapshots.length - 1];
  const grown = last.compareTo(first, "lineno").filter((diff) => diff.sizeDiff / runs > tolerance);
  if (!grown.length) return [];
  const sizes = snapshots.map((snapshot) => {
    const byLine = new Map<string, number>();
    for (const stat of snapshot.statistics("lineno")) byLine.set(keyOf(stat.traceback.at(0)), stat.size);
    return byLine;
  });
  const tracebacks = last.compareTo(first, "traceback").filter((diff) => diff.sizeDiff > 0);
  const lines = grown.map((diff) => {
    const key = keyOf(diff.traceback.at(0));
    let grewIn = 0;
    for (let i = 1; i < sizes.length; i++) {
      if ((sizes[i].get(key) ?? 0) > (sizes[i - 1].get(key) ?? 0)) grewIn++;
    }
    const here = tracebacks.filter((tb) => keyOf(tb.traceback.at(-1)) === key).sort((a, b) => b.sizeDiff - a.sizeDiff);
    return {
      diff,
      perRun: diff.sizeDiff / runs,
      grewIn,
      intervals,
      tracebacks: here.slice(0, TRACEBACKS_SHOWN),
      moreTracebacks: Math.max(0, here.length - TRACEBACKS_SHOWN),
    };
  });
  // Grown in a burst (a table doubling, work beside the check): not growth that runs keep adding to.
  return lines.filter((line) => line.grewIn >= Math.ceil(intervals / 2)).sort((a, b) =>
    b.diff.sizeDiff - a.diff.sizeDiff
  );
}

/**
 * What the check saw of JS objects, in words.
 *
 * @example
 * ```ts
 * heapNote({ startedHere: true, heap: "sampler", excluded: [] }); // "JS objects: V8's sampler ..."
 * ```
 */
export function heapNote(traced: Traced): string {
  switch (traced.heap) {
    case "line":
      return "JS objects: the line engine, at their lines";
    case "sampler":
      return "JS objects: V8's sampler, at their function's first line (run the tests with the preload for lines)";
    case "census":
      return "JS objects: not checked (Bun's census has no lines; run the tests with the preload for them)";
    default:
      return "JS objects: not traced";
  }
}

/**
 * The lines of one traceback's growth: a heading as the REPL's `traceback`
 * prints it, then the frames as CPython's `Traceback.format()`, indented.
 */
function tracebackLines(diff: StatisticDiff, runs: number): string[] {
  const lines = [
    `  ${formatCount(diff.count)} memory blocks (${formatCount(diff.countDiff, true)}): ${
      formatSize(diff.size, false)
    } ` +
    `(${formatSize(diff.sizeDiff, true)}, ${formatSize(diff.sizeDiff / runs, true)} per run)`,
  ];
  for (const line of diff.traceback.format()) lines.push(`  ${cut(line)}`);
  return lines;
}

/**
 * A line of a message cut at 200 columns (a minified file's source line).
 *
 * @example
 * ```ts
 * cut("x".repeat(300)).length; // 229
 * ```
 */
export function cut(line: string): string {
  return line.length > SOURCE_LIMIT ? `${line.slice(0, SOURCE_LIMIT)}… [line cut at ${SOURCE_LIMIT} columns]` : line;
}

const SOURCE_LIMIT = 200;

/**
 * How the check ran, for {@link leakMessage}.
 *
 * @example
 * ```ts
 * const run: LeakRun = {
 *   runs: 100, warmup: 10, tolerance: 64, batches: 4, traced: { startedHere: true, heap: "line", excluded: [] },
 * };
 * ```
 */
export interface LeakRun {
  readonly runs: number;
  readonly warmup: number;
  readonly tolerance: number;
  readonly batches: number;
  readonly traced: Traced;
}

/**
 * The failure message of `assertNoLeak`: a heading, then each line that
 * grew with its growth per run, in how many batches it grew, its
 * statistics as CPython prints them, and its tracebacks.
 *
 * @example
 * ```ts
 * declare const grown: GrownLine[];
 * const message = leakMessage(grown, {
 *   runs: 100, warmup: 10, tolerance: 64, batches: 4, traced: { startedHere: true, heap: "line", excluded: [] },
 * });
 * ```
 */
export function leakMessage(grown: readonly GrownLine[], run: LeakRun): string {
  const lines = [
    `assertNoLeak: ${grown.length} line${grown.length === 1 ? "" : "s"} grew by more than ` +
    `${formatSize(run.tolerance, false)} per run over ${run.runs} runs (after ${run.warmup} warm-up runs)`,
  ];
  for (const line of grown) {
    const where = line.diff.traceback.at(0);
    lines.push(
      "",
      `${where}: ${formatSize(line.perRun, true)} per run, grew in ${line.grewIn} of ${line.intervals} batches`,
      `  ${String(line.diff).slice(String(line.diff.traceback).length + 2)}`,
    );
    for (const tb of line.tracebacks) lines.push(...tracebackLines(tb, run.runs));
    if (line.moreTracebacks) lines.push(`  ... and ${line.moreTracebacks} more tracebacks`);
  }
  lines.push("", `(${heapNote(run.traced)}; ${pyFixed(run.tolerance, 0)} B per run tolerated)`);
  return lines.join("\n");
}
