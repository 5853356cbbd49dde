/**
 * `retainers LABEL N`: what keeps alive the objects of the N-th entry of
 * the last listing. The program puts a few of its live sampled objects
 * allocated there in a probe and takes a heap snapshot; the snapshot is
 * analysed here, in the controller (`src/retainers/`): each object's
 * shortest path from a root, named, merged with those of the same shape.
 *
 * @module
 */
import { isAbsolute, relative } from "node:path";
import process from "node:process";
import { analyseRetainers, type RetainerReport } from "../../retainers/analyse.ts";
import { fileDeclarations } from "../../retainers/declarations.ts";
import type { RetainerQuery, RetainerSnapshot } from "../../retainers/probe.ts";
import type { Command, JsonValue } from "../command.ts";
import type { Session } from "../session.ts";
import { CommandError } from "../errors.ts";
import type { Snapshot } from "../../model/snapshot.ts";
import type { Traceback } from "../../model/traceback.ts";
import { entryJson } from "../present.ts";
import { belongsToRow, type RowGrouping } from "../tracebacks.ts";

/** Objects the program is asked to look at, by default. */
const DEFAULT_OBJECTS = 20;

/**
 * `retainers LABEL N [--paths K] [--depth D] [--objects M]`.
 *
 * @example
 * ```ts
 * import type { Session } from "../session.ts";
 * declare const session: Session;
 * await session.execute("stats s1");
 * const outcome = await session.execute("retainers s1 1 --paths 3");
 * console.log(outcome?.result.lines.join("\n"));
 * ```
 */
export const retainersCommand: Command = {
  spec: {
    name: "retainers",
    summary: "What keeps the objects of the N-th entry of the last listing alive",
    help: [
      "Takes a few live objects allocated at entry N (from 1) of the last stats, compare or top of snapshot",
      "LABEL (the line engine's sampled objects, and buffers the hooks hold), asks the program for a heap",
      "snapshot with them, and shows for each shape of path the shortest path from a root to the objects:",
      "module variables, globals, captured variables, property keys, [*] array slots, Map and Set entries,",
      "class names, e.g. 'module app.ts -> const cache (Map) -> entry * -> value (Session)'. Paths of one",
      "shape are merged (the varying index or key shown as *) and counted, with one of them as it is.",
      "Objects alive now are looked at: those counted in LABEL may have been freed since. Needs a program",
      "traced with the line engine (run). The snapshot is analysed here; it stalls the program while taken.",
    ],
    args: [{ name: "LABEL", complete: "label" }, { name: "N", kind: "count" }],
    options: [
      { name: "paths", value: "K", kind: "count", help: "show the K most common shapes of path (default 5)" },
      {
        name: "depth",
        value: "D",
        kind: "count",
        help: "show at most D steps of a path: its root, then those nearest the object (default 12)",
      },
      {
        name: "objects",
        value: "M",
        kind: "count",
        help: `look at M of the live objects allocated there (default ${DEFAULT_OBJECTS})`,
      },
    ],
  },
  async run(session, args) {
    const n = args.number("N")!;
    const { listing, row: chosen } = session.listedRow("retainers", n);
    const entry = session.snapshotEntry("retainers", args.text("LABEL"));
    const found = await retainersOfRow(session, {
      title: `${entry.label} #${n}: ${chosen}`,
      label: entry.label,
      key: chosen.traceback,
      grouping: listing,
      snapshot: session.filtered(entry),
    }, {
      paths: args.numberOption("paths", 5),
      depth: args.numberOption("depth", 12),
      objects: args.numberOption("objects", DEFAULT_OBJECTS),
    });
    return { lines: found.lines, data: reportJson(entry.label, n, chosen, found.answer, found.report) };
  },
};

/**
 * A row of a listing or a table to ask about: its key, how its rows were
 * grouped, and the snapshot (filters applied) it comes from.
 *
 * @example
 * ```ts
 * import type { Snapshot } from "../../model/snapshot.ts";
 * import { Traceback } from "../../model/traceback.ts";
 * declare const snapshot: Snapshot;
 * const row: RetainersRow = {
 *   title: "s2 #1", label: "s2", key: Traceback.fromRaw([["/app/server.ts", 16]]),
 *   grouping: { keyType: "lineno", cumulative: false }, snapshot,
 * };
 * ```
 */
export interface RetainersRow {
  /** The first line shown, naming the row. */
  readonly title: string;
  /** The snapshot's label (or the view's name), for messages. */
  readonly label: string;
  readonly key: Traceback;
  readonly grouping: RowGrouping;
  /** The snapshot the row comes from, filters applied. */
  readonly snapshot: Snapshot;
}

/**
 * How much {@link retainersOfRow} looks at and shows.
 *
 * @example
 * ```ts
 * const defaults: RetainersOptions = { paths: 5, depth: 12, objects: 20 };
 * ```
 */
export interface RetainersOptions {
  /** Shapes of path shown. */
  readonly paths: number;
  /** Steps of a path shown at most. */
  readonly depth: number;
  /** Objects the program is asked to look at. */
  readonly objects: number;
}

/**
 * What keeps the objects of `row` alive: the program's answer, its
 * analysis, and the lines `retainers` prints (the TUI shows them too).
 *
 * @throws {CommandError} when there is no object to look at, saying why
 *
 * @example
 * ```ts
 * import type { Session } from "../session.ts";
 * declare const session: Session;
 * declare const row: RetainersRow;
 * const { lines } = await retainersOfRow(session, row, { paths: 5, depth: 12, objects: 20 });
 * ```
 */
export async function retainersOfRow(
  session: Session,
  row: RetainersRow,
  options: RetainersOptions,
): Promise<{ lines: string[]; answer: RetainerSnapshot; report: RetainerReport }> {
  const target = session.target;
  if (!target.retainerSnapshot) {
    throw new CommandError("retainers", "this session's target cannot take heap snapshots");
  }
  const query: RetainerQuery = {
    key: [...row.key].map((frame) => [frame.filename, frame.lineno] as const),
    keyType: row.grouping.keyType,
    cumulative: row.grouping.cumulative,
    objects: options.objects,
  };
  const answer = await session.activity(
    "finding live objects and taking a heap snapshot in the program",
    target.retainerSnapshot(query),
  );
  if (!answer.format || answer.taken === 0) {
    const buffersOnly = rowDomains(row.snapshot, row.key, row.grouping).every((d) => d !== 0);
    throw new CommandError("retainers", nothingFound(answer, String(row.key), row.label, buffersOnly));
  }
  const report = await analyseRetainers(answer, answer.bytes, {
    depth: options.depth,
    declaration: fileDeclarations(),
    showFile,
    phase: (text, work) => session.activity(text, work()),
  });
  return { lines: [row.title, ...describeReport(answer, report, options.paths)], answer, report };
}

/** The domains of the traces behind a listing's row. */
function rowDomains(snapshot: Snapshot, key: Traceback, grouping: RowGrouping): number[] {
  const matches = belongsToRow(key, grouping);
  const domains = new Set<number>();
  for (const trace of snapshot.traces) if (matches(trace.traceback)) domains.add(trace.domain);
  return [...domains];
}

/** Why there is nothing to look at, in words. */
function nothingFound(answer: RetainerSnapshot, place: string, label: string, buffersOnly: boolean): string {
  if (buffersOnly) {
    return `no live object allocated at ${place} to look at: its traces are buffers the hooks count without a ` +
      "reference the tracer can follow (fixed-size ArrayBuffers); the line engine's sample of the typed array " +
      "or Buffer made on the same line is one to follow, when there is one";
  }
  if (answer.engine !== null && answer.engine !== "line") {
    const engine = answer.engine === "sampler" ? "V8's sampler (engine sampler)" : `the ${answer.engine} engine`;
    return `no live object allocated at ${place} to look at: ${engine} does not keep the objects it counts; ` +
      "trace with the line engine (start --engine line, then run) to follow objects";
  }
  return `no live sampled object allocated at ${place} now: those counted in ${label} have been freed since, ` +
    "or too few were allocated there to be sampled (start --every N samples more)";
}

/** The report as lines: the shapes of path, most objects first. */
function describeReport(answer: RetainerSnapshot, report: RetainerReport, shown: number): string[] {
  const lines: string[] = [];
  const looked = answer.taken === answer.found
    ? `${answer.taken} live object${answer.taken === 1 ? "" : "s"} allocated there`
    : `${answer.taken} of the ${answer.found} live sampled objects allocated there`;
  const shapes = report.paths.length;
  lines.push(`${looked}; ${shapes} shape${shapes === 1 ? "" : "s"} of path from a root:`);
  const width = String(Math.max(report.unreachable, ...report.paths.map((p) => p.count))).length;
  for (const path of report.paths.slice(0, shown)) {
    lines.push(`  ${String(path.count).padStart(width)} x ${path.shape}`);
    if (path.example !== path.shape) lines.push(`  ${" ".repeat(width)}   e.g. ${path.example}`);
  }
  const rest = report.paths.slice(shown);
  if (rest.length) {
    const objects = rest.reduce((sum, p) => sum + p.count, 0);
    lines.push(
      `  ${rest.length} other shape${rest.length === 1 ? "" : "s"}: ${objects} object${objects === 1 ? "" : "s"}`,
    );
  }
  if (report.unreachable) {
    const why = report.format === "jsc"
      ? "garbage, or held through a Map or a Set the snapshot does not show (see the note)"
      : "garbage that only the tracer's weak references still see (the next collection frees it)";
    lines.push(`  ${String(report.unreachable).padStart(width)} x no path from a root: ${why}`);
  }
  if (report.format === "jsc" && report.unreachable) {
    lines.push(
      "note: JavaScriptCore's heap snapshot does not show what a Map or a Set holds; only the entries of the Maps and",
      "Sets the line engine holds (module-level ones, and those it sampled) were added by the program: an object held",
      "through another Map or Set shows no path",
    );
  }
  if (!answer.entriesComplete) lines.push("note: the program stopped looking through Map and Set entries (too many)");
  const mb = (answer.bytes.byteLength / 1e6).toFixed(1);
  lines.push(
    `heap snapshot (${report.format === "jsc" ? "JavaScriptCore" : "V8"}): ${mb} MB, ` +
      `${report.nodes.toLocaleString("en-US")} objects; taken in ${seconds(answer.snapshotMs)}, ` +
      `read in ${seconds(report.readMs)}, searched in ${seconds(report.searchMs)}`,
  );
  return lines;
}

/** The report for `--json`. */
function reportJson(
  label: string,
  n: number,
  chosen: Parameters<typeof entryJson>[0],
  answer: RetainerSnapshot,
  report: RetainerReport,
): JsonValue {
  return {
    label,
    entry: n,
    key: entryJson(chosen),
    found: answer.found,
    taken: answer.taken,
    paths: report.paths.map((p) => ({ shape: p.shape, example: p.example, count: p.count, anchored: p.anchored })),
    unreachable: report.unreachable,
    missing: report.missing,
    entriesComplete: answer.entriesComplete,
    snapshot: {
      format: report.format,
      bytes: answer.bytes.byteLength,
      nodes: report.nodes,
      edges: report.edges,
      takenMs: Math.round(answer.snapshotMs),
      readMs: Math.round(report.readMs),
      searchMs: Math.round(report.searchMs),
    },
  };
}

/** A file relative to the working directory when it is below it. */
function showFile(file: string): string {
  if (!isAbsolute(file)) return file;
  const path = relative(process.cwd(), file);
  return path && !path.startsWith("..") && !isAbsolute(path) ? path : file;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}
