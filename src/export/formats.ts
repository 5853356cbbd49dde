/**
 * Exports: a snapshot (or the change between two) written for another tool.
 * Which formats there are, how a file's name picks one, which can hold a
 * comparison, and the one function that writes any of them atomically.
 *
 * | format        | file name          | opens in                                   | a comparison (`--base`)         |
 * | ------------- | ------------------ | ------------------------------------------ | ------------------------------- |
 * | `pprof`       | `.pb.gz`, `.pprof` | `go tool pprof`, Pyroscope, Parca, Grafana | a diff profile (negative values) |
 * | `heapprofile` | `.heapprofile`     | Chrome DevTools, Memory panel, Load        | no: sizes cannot be negative    |
 * | `speedscope`  | `.speedscope.json` | speedscope.app                             | no: weights cannot be negative  |
 * | `html`        | `.html`, `.htm`    | any browser                                | the flame graph of growth       |
 *
 * @module
 */
import type { Snapshot } from "../model/snapshot.ts";
import { writeFileAtomic } from "../model/file.ts";
import { encodeHeapProfile } from "./heapprofile.ts";
import { encodeHtml, type LeakRow, type TimelinePoint, topRows } from "./html.ts";
import { encodePprof } from "./pprof.ts";
import { encodeSpeedscope } from "./speedscope.ts";
import { stacksOf } from "./stacks.ts";

/**
 * The export formats, in the order help lists them.
 *
 * @example
 * ```ts
 * EXPORT_FORMATS.join("|"); // "pprof|heapprofile|speedscope|html"
 * ```
 */
export const EXPORT_FORMATS = ["pprof", "heapprofile", "speedscope", "html"] as const;

/**
 * One of {@link EXPORT_FORMATS}.
 *
 * @example
 * ```ts
 * const format: ExportFormat = "pprof";
 * ```
 */
export type ExportFormat = typeof EXPORT_FORMATS[number];

/**
 * File-name endings of each format, the first the usual one.
 *
 * @example
 * ```ts
 * FORMAT_ENDINGS.pprof; // [".pb.gz", ".pprof"]
 * ```
 */
export const FORMAT_ENDINGS: Readonly<Record<ExportFormat, readonly string[]>> = {
  pprof: [".pb.gz", ".pprof"],
  heapprofile: [".heapprofile"],
  speedscope: [".speedscope.json"],
  html: [".html", ".htm"],
};

/**
 * The format a file's name asks for (its ending, any case), or `undefined`.
 *
 * @example
 * ```ts
 * formatOfFile("heap.pb.gz"); // "pprof"
 * formatOfFile("report.HTML"); // "html"
 * formatOfFile("data.json"); // undefined
 * ```
 */
export function formatOfFile(file: string): ExportFormat | undefined {
  const name = file.toLowerCase();
  return EXPORT_FORMATS.find((format) => FORMAT_ENDINGS[format].some((ending) => name.endsWith(ending)));
}

/**
 * Whether a format can hold the change between two snapshots, and how.
 *
 * @example
 * ```ts
 * BASE_SUPPORT.pprof; // "a diff profile: values are the change and may be negative"
 * BASE_SUPPORT.speedscope; // null
 * ```
 */
export const BASE_SUPPORT: Readonly<Record<ExportFormat, string | null>> = {
  pprof: "a diff profile: values are the change and may be negative",
  heapprofile: null,
  speedscope: null,
  html: "the flame graph of growth, and the top lines by change",
};

/**
 * Why a format cannot hold a comparison, for the error message (`""` for those that can).
 *
 * @example
 * ```ts
 * NO_BASE_REASON.heapprofile; // "DevTools reads no negative sizes"
 * ```
 */
export const NO_BASE_REASON: Readonly<Record<ExportFormat, string>> = {
  pprof: "",
  heapprofile: "DevTools reads no negative sizes",
  speedscope: "speedscope reads no negative weights",
  html: "",
};

/**
 * What an export is made from.
 *
 * @example
 * ```ts
 * import { Snapshot } from "../model/snapshot.ts";
 * const snapshot = new Snapshot([[1, 4096, [["/app/leak.ts", 16, 3, "handle"]], 1]], 5);
 * const input: ExportInput = { snapshot, label: "s1", time: new Date(), generator: "tracemalloc-js" };
 * ```
 */
export interface ExportInput {
  /** The snapshot, with whatever filters apply already applied. */
  readonly snapshot: Snapshot;
  readonly label: string;
  /** When it was taken (or loaded). */
  readonly time: Date;
  /** What it was taken from. */
  readonly source?: string;
  /** A base snapshot (filtered alike): the export is the change since it. */
  readonly base?: { readonly snapshot: Snapshot; readonly label: string; readonly time: Date };
  /** The filters applied, as text (the HTML report names them). */
  readonly filters?: readonly string[];
  /** The session's snapshots (the HTML report charts them). */
  readonly timeline?: readonly TimelinePoint[];
  /** The `leaks` ranking (the HTML report shows it). */
  readonly leaks?: readonly LeakRow[];
  /** Who writes it, e.g. `tracemalloc-js 0.1.0`. */
  readonly generator: string;
}

/**
 * `input` in `format`, as the bytes of its file. A base with a format that
 * cannot hold a comparison throws a `RangeError` saying why.
 *
 * @example
 * ```ts
 * import { Snapshot } from "../model/snapshot.ts";
 * const snapshot = new Snapshot([[1, 4096, [["/app/leak.ts", 16, 3, "handle"]], 1]], 5);
 * const bytes = encodeExport("speedscope", { snapshot, label: "s1", time: new Date(), generator: "tracemalloc-js" });
 * ```
 */
export function encodeExport(format: ExportFormat, input: ExportInput): Uint8Array {
  const { snapshot, base } = input;
  if (base && !BASE_SUPPORT[format]) {
    throw new RangeError(
      `${format} cannot hold a comparison (${NO_BASE_REASON[format]}): export pprof or html with a base, ` +
        `or each snapshot on its own`,
    );
  }
  const stacks = stacksOf(snapshot, base?.snapshot);
  switch (format) {
    case "pprof":
      return encodePprof({
        stacks,
        time: input.time,
        baseTime: base?.time,
        diff: base !== undefined,
        comments: [
          base
            ? `snapshot ${input.label} compared with ${base.label}: values are the change`
            : `snapshot ${input.label}`,
          ...(input.source ? [`from ${input.source}`] : []),
          ...(input.filters?.length ? [`filters: ${input.filters.join("; ")}`] : []),
          `written by ${input.generator}`,
        ],
      });
    case "heapprofile":
      return encodeHeapProfile(stacks);
    case "speedscope":
      return encodeSpeedscope(stacks, input.label, input.generator);
    case "html":
      return encodeHtml({
        label: input.label,
        base: base?.label,
        time: input.time,
        source: input.source,
        stacks,
        top: topRows(snapshot, base?.snapshot),
        filters: input.filters,
        timeline: input.timeline,
        leaks: input.leaks,
        generator: input.generator,
      });
  }
}

/**
 * Writes `input` to `file` in `format`, atomically (a temporary file beside
 * it, flushed, then renamed over it, as `Snapshot.dump` writes); resolves
 * to the number of bytes written.
 *
 * @example
 * ```ts
 * import { Snapshot } from "../model/snapshot.ts";
 * const snapshot = new Snapshot([[1, 4096, [["/app/leak.ts", 16, 3, "handle"]], 1]], 5);
 * await writeExport("s1.html", "html", { snapshot, label: "s1", time: new Date(), generator: "tracemalloc-js" });
 * ```
 */
export async function writeExport(file: string, format: ExportFormat, input: ExportInput): Promise<number> {
  const bytes = encodeExport(format, input);
  await writeFileAtomic(file, bytes);
  return bytes.length;
}
