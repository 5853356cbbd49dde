/**
 * `export LABEL FILE`: a snapshot written for another tool (pprof,
 * DevTools, speedscope, a browser), or the change since a base snapshot.
 *
 * @module
 */
import { formatSize } from "../../model/format.ts";
import { findLeaks, MIN_SNAPSHOTS, sizeBars } from "../../model/leaks.ts";
import {
  BASE_SUPPORT,
  EXPORT_FORMATS,
  type ExportFormat,
  type ExportInput,
  FORMAT_ENDINGS,
  formatOfFile,
  NO_BASE_REASON,
  writeExport,
} from "../../export/formats.ts";
import type { LeakRow, TimelinePoint } from "../../export/html.ts";
import type { Command } from "../command.ts";
import { CommandError } from "../errors.ts";
import type { Session } from "../session.ts";
import pkg from "../../../package.json" with { type: "json" };

const GENERATOR = `${pkg.name} ${pkg.version}`;

const ENDINGS = EXPORT_FORMATS.map((f) => FORMAT_ENDINGS[f][0]);

/** The totals of every snapshot the session holds (filtered alike), oldest first. */
function timeline(session: Session, label: string, base?: string): TimelinePoint[] {
  return [...session.snapshots.values()].map((entry) => {
    const { size, length } = session.filtered(entry).columns;
    let total = 0;
    for (let i = 0; i < length; i++) total += size[i];
    return {
      label: entry.label,
      time: entry.time,
      size: total,
      traces: length,
      ...(entry.label === label ? { current: true } : {}),
      ...(entry.label === base ? { base: true } : {}),
    };
  });
}

/** Places of the `leaks` ranking the HTML report shows at most. */
const LEAK_ROWS = 20;

/**
 * The `leaks` ranking of every snapshot the session holds (filtered alike,
 * by line), as the `leaks` command gives it with no labels; none with fewer
 * than three snapshots.
 */
function leaks(session: Session): readonly LeakRow[] | undefined {
  const entries = [...session.snapshots.values()];
  if (entries.length < MIN_SNAPSHOTS) return undefined;
  return findLeaks(entries.map((entry) => session.filtered(entry)), "lineno").slice(0, LEAK_ROWS).map((leak) => {
    const frame = leak.traceback.at(-1)!;
    return {
      file: frame.filename,
      line: frame.lineno,
      ...(frame.functionName ? { fn: frame.functionName } : {}),
      growth: leak.growth,
      grew: leak.grew,
      intervals: leak.intervals,
      steadiness: leak.steadiness,
      bars: sizeBars(leak.sizes),
    };
  });
}

/**
 * `export LABEL FILE [--format pprof|heapprofile|speedscope|html] [--base OLD]`:
 * writes snapshot LABEL (the active filters applied) to FILE in a format
 * another tool reads, the format given or taken from FILE's name; with
 * `--base`, the change since snapshot OLD where the format can hold one.
 *
 * @example
 * ```ts
 * import type { Session } from "../session.ts";
 * declare const session: Session;
 * await session.execute("export after after.pb.gz"); // go tool pprof -http : after.pb.gz
 * await session.execute("export after growth.html --base before"); // open it in a browser
 * ```
 */
export const exportCommand: Command = {
  spec: {
    name: "export",
    summary: "Write snapshot LABEL to FILE for pprof, DevTools, speedscope or a browser",
    help: [
      "Writes snapshot LABEL, with the active filters applied, to FILE in a format another tool reads,",
      "atomically (all of it or nothing):",
      "  pprof        gzipped protobuf: go tool pprof, Pyroscope, Parca, Grafana (.pb.gz)",
      "  heapprofile  Chrome DevTools, Memory panel, Load profile (.heapprofile)",
      "  speedscope   speedscope.app, drag and drop (.speedscope.json)",
      "  html         one self-contained page: flame graph, search, top lines, memory over time (.html)",
      "The format is --format, else taken from FILE's name.",
      "--base OLD writes the change since snapshot OLD: pprof as a diff profile (values may be negative),",
      "html as the flame graph of growth; heapprofile and speedscope cannot hold negative sizes.",
    ],
    args: [{ name: "LABEL", complete: "label" }, { name: "FILE", complete: "file" }],
    options: [
      {
        name: "format",
        value: "FORMAT",
        kind: { choices: EXPORT_FORMATS },
        help: `${EXPORT_FORMATS.join(", ")} (default: from FILE's name)`,
      },
      { name: "base", value: "OLD", help: "export the change since snapshot OLD (pprof, html)" },
    ],
  },
  async run(session, args) {
    const entry = session.snapshotEntry("export", args.text("LABEL"));
    const file = args.text("FILE")!;
    const format = (args.textOption("format") ?? formatOfFile(file)) as ExportFormat | undefined;
    if (!format) {
      throw new CommandError(
        "export",
        `cannot tell the format from the name ${JSON.stringify(file)}: give --format ` +
          `${EXPORT_FORMATS.join("|")} or end the name with ${ENDINGS.join(", ")}`,
      );
    }
    const baseLabel = args.textOption("base");
    const baseEntry = baseLabel === undefined ? undefined : session.snapshotEntry("export", baseLabel);
    if (baseEntry && !BASE_SUPPORT[format]) {
      throw new CommandError(
        "export",
        `${format} cannot hold a comparison (${NO_BASE_REASON[format]}): use --format pprof or html ` +
          `with --base, or export each snapshot on its own`,
      );
    }
    if (baseEntry && baseEntry.label === entry.label) {
      throw new CommandError("export", `--base ${baseEntry.label} is the snapshot exported: pick another one`);
    }
    const input: ExportInput = {
      snapshot: session.filtered(entry),
      label: entry.label,
      time: entry.time,
      source: entry.source,
      ...(baseEntry
        ? { base: { snapshot: session.filtered(baseEntry), label: baseEntry.label, time: baseEntry.time } }
        : {}),
      filters: session.filters.map(String),
      timeline: timeline(session, entry.label, baseEntry?.label),
      leaks: leaks(session),
      generator: GENERATOR,
    };
    const bytes = await session.activity(`writing ${file}`, writeExport(file, format, input));
    const what = baseEntry ? `${entry.label} compared with ${baseEntry.label}` : entry.label;
    return {
      lines: [`${what} written to ${file} as ${format} (${formatSize(bytes, false)})`],
      data: {
        label: entry.label,
        base: baseEntry?.label ?? null,
        file,
        format,
        bytes,
        filters: session.filters.map(String),
      },
    };
  },
};
