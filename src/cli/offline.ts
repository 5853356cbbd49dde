/**
 * `stats FILE`, `compare NEW OLD` and `leaks FILE FILE FILE...`: analysis of
 * dump files with no program, through the same commands as the REPL.
 *
 * @module
 */
import { basename } from "node:path";
import { OfflineTarget } from "../session/offline.ts";
import { CommandError, messageOf } from "../session/errors.ts";
import { Session } from "../session/session.ts";
import { quote } from "../session/tokenize.ts";
import type { CliIO } from "./io.ts";
import { Printer } from "./printer.ts";

/** Options shared by the offline commands, as commander parses them. */
export interface FilterOptions {
  by: string;
  cumulative?: boolean;
  limit: number;
  include?: string[];
  exclude?: string[];
  allFrames?: boolean;
  includeDomain?: number[];
  excludeDomain?: number[];
  json?: boolean;
}

/** The filter lines and the listing options of `options`, in the command language. */
function filterLines(options: FilterOptions): string[] {
  const allFrames = options.allFrames ? " --all-frames" : "";
  return [
    ...(options.include ?? []).map((glob) => `filter include ${quote(glob)}${allFrames}`),
    ...(options.exclude ?? []).map((glob) => `filter exclude ${quote(glob)}${allFrames}`),
    ...(options.includeDomain ?? []).map((n) => `filter domain include ${n}`),
    ...(options.excludeDomain ?? []).map((n) => `filter domain exclude ${n}`),
  ];
}

function listingFlags(options: FilterOptions): string {
  return ` --by ${options.by} --limit ${options.limit}${options.cumulative ? " --cumulative" : ""}`;
}

/**
 * Runs `setup` lines quietly, then prints the result of `report`; resolves
 * to the exit status (1 when a line fails, with its message on stderr).
 */
async function analyse(
  name: string,
  setup: readonly string[],
  report: string,
  json: boolean,
  io: CliIO,
): Promise<number> {
  const session = new Session({ target: new OfflineTarget() });
  const printer = new Printer(io, { json });
  const off = session.on((event) => printer.event(event));
  try {
    for (const line of setup) await session.execute(line);
    const outcome = await session.execute(report);
    if (outcome) printer.result(outcome);
    return 0;
  } catch (error) {
    // The lines are this module's own; the user typed `stats` or `compare`, so name that.
    const problem = error instanceof CommandError ? error.problem : messageOf(error);
    printer.error(`${name}: ${problem}`, name);
    return 1;
  } finally {
    off();
    await session.close();
  }
}

/**
 * `stats FILE`: the `[ Top N ]` listing of a dump file.
 *
 * @example
 * ```ts
 * import { processIO } from "./io.ts";
 *
 * await offlineStats("app.dump", { by: "lineno", limit: 10 }, processIO()); // 0
 * ```
 */
export function offlineStats(
  file: string,
  options: FilterOptions,
  io: CliIO,
): Promise<number> {
  return analyse(
    "stats",
    [`load ${quote(file)} snapshot`, ...filterLines(options)],
    `stats snapshot${listingFlags(options)}`,
    options.json ?? false,
    io,
  );
}

/** Options of the offline `export`, as commander parses them. */
export interface ExportOptions extends Omit<FilterOptions, "by" | "limit" | "cumulative"> {
  format?: string;
  base?: string;
}

/** A dump file's label in an export: its name without the folder and the extension, as one word. */
function exportLabel(file: string, fallback: string): string {
  const name = basename(file).replace(/\.[^.]*$/, "").replace(/\s+/g, "_").replace(/^-+/, "");
  return name || fallback;
}

/**
 * `export DUMP OUT`: a dump file written for pprof, DevTools, speedscope or
 * a browser, the format from `--format` or OUT's name; with `--base OLD`, the
 * change since the older dump file OLD (pprof, html).
 *
 * @example
 * ```ts
 * import { processIO } from "./io.ts";
 *
 * await offlineExport("after.dump", "after.pb.gz", {}, processIO()); // 0
 * await offlineExport("after.dump", "growth.html", { base: "before.dump" }, processIO()); // 0
 * ```
 */
export function offlineExport(
  dump: string,
  out: string,
  options: ExportOptions,
  io: CliIO,
): Promise<number> {
  const label = exportLabel(dump, "snapshot");
  let base = options.base === undefined ? undefined : exportLabel(options.base, "base");
  if (base === label) base = `${base}_base`;
  return analyse(
    "export",
    [
      // The base first: the report's memory-over-time chart shows the snapshots in this order.
      ...(options.base !== undefined ? [`load ${quote(options.base)} ${quote(base!)}`] : []),
      `load ${quote(dump)} ${quote(label)}`,
      ...filterLines(options as FilterOptions),
    ],
    `export ${quote(label)} ${quote(out)}${options.format ? ` --format ${options.format}` : ""}` +
      (base !== undefined ? ` --base ${quote(base)}` : ""),
    options.json ?? false,
    io,
  );
}

/**
 * `compare NEW OLD`: the `[ Top N differences ]` listing of two dump files.
 *
 * @example
 * ```ts
 * import { processIO } from "./io.ts";
 *
 * await offlineCompare("after.dump", "before.dump", { by: "lineno", limit: 10 }, processIO()); // 0
 * ```
 */
export function offlineCompare(
  newer: string,
  older: string,
  options: FilterOptions,
  io: CliIO,
): Promise<number> {
  return analyse(
    "compare",
    [
      `load ${quote(newer)} new`,
      `load ${quote(older)} old`,
      ...filterLines(options),
    ],
    `compare new old${listingFlags(options)}`,
    options.json ?? false,
    io,
  );
}

/**
 * The labels of dump files in a listing: their names without the folder
 * and the extension, or as given when those would not tell them apart.
 */
function fileLabels(files: readonly string[]): string[] {
  const names = files.map((file) => basename(file).replace(/\.[^.]*$/, "") || basename(file));
  return names.every((name, i) => name && names.indexOf(name) === i) ? names : [...files];
}

/**
 * `leaks FILE FILE FILE...`: the places that grew steadily over dump files
 * given in the order they were taken (3 or more), steadiest first.
 *
 * @example
 * ```ts
 * import { processIO } from "./io.ts";
 *
 * await offlineLeaks(["1.dump", "2.dump", "3.dump"], { by: "lineno", limit: 10 }, processIO()); // 0
 * ```
 */
export function offlineLeaks(
  files: readonly string[],
  options: FilterOptions,
  io: CliIO,
): Promise<number> {
  const labels = fileLabels(files);
  return analyse(
    "leaks",
    [...files.map((file, i) => `load ${quote(file)} ${quote(labels[i])}`), ...filterLines(options)],
    `leaks ${labels.map(quote).join(" ")} --by ${options.by} --limit ${options.limit}`,
    options.json ?? false,
    io,
  );
}
