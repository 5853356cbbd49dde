/**
 * Drill-in: the lines that show the tracebacks behind one row of a table
 * (found in steps by `rowTracebackSteps`, as `traceback LABEL N` finds them) with
 * their source and a few lines around it.
 *
 * @module
 */
import type { Frame } from "../../src/model/frame.ts";
import type { Snapshot } from "../../src/model/snapshot.ts";
import type { Statistic } from "../../src/model/statistic.ts";
import type { Traceback } from "../../src/model/traceback.ts";
import { getline, getlines } from "../../src/source/linecache.ts";
import { originalPosition } from "../../src/source/sourcemap.ts";
import { bytes, count, shortPath } from "../format.ts";
import type { Grouping } from "./table.ts";

/**
 * What to drill into: a row's key in a snapshot (filters already applied).
 *
 * @example
 * ```ts
 * import type { Snapshot } from "../../src/model/snapshot.ts";
 * import { Traceback } from "../../src/model/traceback.ts";
 * declare const snapshot: Snapshot;
 * const request: DrillRequest = {
 *   title: "s2 #1", snapshot, key: Traceback.fromRaw([["app.ts", 12]]), grouping: { keyType: "lineno", cumulative: false },
 * };
 * ```
 */
export interface DrillRequest {
  /** Names the row, e.g. `live #3` or `s2 #1`. */
  readonly title: string;
  /** The snapshot the row comes from, filters applied. */
  readonly snapshot: Snapshot;
  /** The row's key: one frame (lineno, filename) or a traceback. */
  readonly key: Traceback;
  /** How the row's table was grouped. */
  readonly grouping: Grouping;
}

/**
 * How a drill-in line is shown.
 *
 * @example
 * ```ts
 * const tone: LineTone = "current"; // a frame's own source line, marked ▶
 * ```
 */
export type LineTone = "heading" | "frame" | "current" | "context" | "note";

/**
 * One line of the drill-in view.
 *
 * @example
 * ```ts
 * const heading: DrillLine = { text: "3 memory blocks: 96 B", tone: "heading" };
 * ```
 */
export interface DrillLine {
  /** The text, without a newline. */
  readonly text: string;
  /** How the line is shown. */
  readonly tone: LineTone;
}

/**
 * A source line and its neighbours.
 *
 * @example
 * ```ts
 * import { Frame } from "../../src/model/frame.ts";
 * const context: SourceContext | null = sourceContext(new Frame("scripts/demo.ts", 55), 1);
 * context?.lines.map((l) => l.lineno); // [54, 55, 56]
 * ```
 */
export interface SourceContext {
  /** The file the lines come from (the original source when a source map leads there). */
  readonly file: string;
  /** The frame's line in `file`. */
  readonly line: number;
  /** `line` and its neighbours, in order. */
  readonly lines: readonly { readonly lineno: number; readonly text: string }[];
}

const clean = (text: string) => text.replace(/\r?\n$/, "").replaceAll("\t", "  ");

/**
 * The source line of `frame` with `radius` lines either side, through its
 * source map when it has one; `null` when the source cannot be read.
 *
 * @example
 * ```ts
 * import { Frame } from "../../src/model/frame.ts";
 * sourceContext(new Frame("scripts/demo.ts", 55), 2)?.lines.length; // 5
 * ```
 */
export function sourceContext(frame: Frame, radius: number): SourceContext | null {
  const mapped = originalPosition(frame.filename, frame.lineno);
  const file = mapped?.file ?? frame.filename;
  const line = mapped?.line ?? frame.lineno;
  const all = getlines(file);
  if (line >= 1 && line <= all.length) {
    const lines = [];
    for (let n = Math.max(1, line - radius); n <= Math.min(all.length, line + radius); n++) {
      lines.push({ lineno: n, text: clean(all[n - 1]) });
    }
    return { file, line, lines };
  }
  // The original file is gone but a map may still carry its text.
  const only = getline(frame.filename, frame.lineno);
  return only ? { file, line, lines: [{ lineno: line, text: clean(only) }] } : null;
}

/**
 * How {@link drillLines} lays out tracebacks.
 *
 * @example
 * ```ts
 * import process from "node:process";
 * const options: DrillOptions = { newestFirst: true, radius: 0, limit: 5, cwd: process.cwd() };
 * ```
 */
export interface DrillOptions {
  /** Most recent frame first instead of oldest first. */
  readonly newestFirst: boolean;
  /** Lines of source shown either side of each frame's line. */
  readonly radius: number;
  /** At most this many tracebacks; the rest are summed up in one line. */
  readonly limit: number;
  /** File names under this directory are shown relative to it. */
  readonly cwd?: string;
  /** The snapshot's traceback limit: a traceback that long may have lost older frames. */
  readonly tracebackLimit?: number;
}

/**
 * The drill-in view's lines: for each traceback its block count and size,
 * then its frames (`File "name", line N, in function`) each followed by its
 * source with the frame's line marked.
 *
 * @example
 * ```ts
 * import { tracebacksOfRow } from "../../src/session/tracebacks.ts";
 * declare const request: DrillRequest;
 * const stats = tracebacksOfRow(request.snapshot, request.key, request.grouping);
 * for (const line of drillLines(stats, { newestFirst: false, radius: 2, limit: 20 })) {
 *   console.log(line.text);
 * }
 * ```
 */
export function drillLines(stats: readonly Statistic[], options: DrillOptions): DrillLine[] {
  const out: DrillLine[] = [];
  const shown = stats.slice(0, options.limit);
  shown.forEach((stat, i) => {
    if (i) out.push({ text: "", tone: "context" });
    out.push({
      text: `${count(stat.count)} memory blocks: ${bytes(stat.size)}` +
        (stats.length > 1 ? `  (traceback ${i + 1} of ${stats.length})` : ""),
      tone: "heading",
    });
    const frames = [...stat.traceback];
    if (options.newestFirst) frames.reverse();
    for (const frame of frames) {
      const name = shortPath(frame.filename, options.cwd);
      const context = sourceContext(frame, options.radius);
      const mappedTo = context && context.file !== frame.filename
        ? `  (${shortPath(context.file, options.cwd)}:${context.line})`
        : "";
      out.push({
        text: `  File "${name}", line ${frame.lineno}` +
          (frame.functionName ? `, in ${frame.functionName}` : "") + mappedTo,
        tone: "frame",
      });
      if (!context) continue;
      const width = String(context.lines.at(-1)!.lineno).length;
      for (const { lineno, text } of context.lines) {
        const current = lineno === context.line;
        out.push({
          text: `  ${current ? "▶" : " "} ${String(lineno).padStart(width)} │ ${text}`,
          tone: current ? "current" : "context",
        });
      }
    }
    const total = stat.traceback.totalNframe;
    if (total !== null && total > stat.traceback.length) {
      out.push({ text: `  … ${total - stat.traceback.length} older frames not kept (traceback limit)`, tone: "note" });
    } else if (options.tracebackLimit && stat.traceback.length >= options.tracebackLimit) {
      // Grouped tracebacks do not know how deep the stack was: say where the cut may be.
      out.push({
        text: `  … older frames, if any, were not kept (traceback limit ${options.tracebackLimit}: start N keeps more)`,
        tone: "note",
      });
    }
  });
  const rest = stats.slice(options.limit);
  if (rest.length) {
    const size = rest.reduce((sum, s) => sum + s.size, 0);
    out.push({ text: "", tone: "context" });
    out.push({ text: `${rest.length} other tracebacks: ${bytes(size)}`, tone: "note" });
  }
  if (!stats.length) out.push({ text: "no traces left for this row", tone: "note" });
  return out;
}
