/**
 * Listing commands: stats, compare and top. Every listing applies the
 * active filters and becomes the session's last listing, which `traceback`
 * reads. Their lines show file names, function names and source lines with
 * control characters escaped (whoever prints them: the REPL, `run`'s report,
 * the TUI) and source lines wider than 200 columns cut; their data (`--json`)
 * keeps them exact.
 *
 * @module
 */
import { Filter } from "../../model/filter.ts";
import { pyFixed } from "../../model/format.ts";
import type { KeyType } from "../../model/group.ts";
import type { Statistic, StatisticDiff } from "../../model/statistic.ts";
import type { Command, CommandResult, JsonValue } from "../command.ts";
import { CommandError } from "../errors.ts";
import { escapeControl } from "../../text/escape.ts";
import { entryJson, listedSource, sourceLine } from "../present.ts";
import { allocatedListing } from "./allocated.ts";
import type { Session } from "../session.ts";
import type { OptionSpec, ParsedArgs } from "../spec.ts";

const KEYS = ["lineno", "filename", "traceback"] as const;

const LISTING_OPTIONS: readonly OptionSpec[] = [
  {
    name: "by",
    value: "KEY",
    kind: { choices: KEYS },
    help: "group by lineno (default), filename or traceback",
  },
  {
    name: "cumulative",
    help: "count every frame of a traceback, not only the most recent",
  },
  {
    name: "limit",
    value: "N",
    kind: "count",
    help: "show the N first entries (default 10)",
  },
];

interface Grouping {
  keyType: KeyType;
  cumulative: boolean;
  limit: number;
}

function grouping(command: string, args: ParsedArgs): Grouping {
  const keyType = args.textOption("by", "lineno") as KeyType;
  const cumulative = args.flag("cumulative");
  if (cumulative && keyType === "traceback") {
    throw new CommandError(
      command,
      "--cumulative cannot be used with --by traceback",
    );
  }
  return { keyType, cumulative, limit: args.numberOption("limit", 10) };
}

function numbered(
  entries: readonly { [key: string]: JsonValue }[],
): JsonValue[] {
  return entries.map((e, i) => ({ rank: i + 1, ...e }));
}

/**
 * Makes `entries` the session's last listing and shows the first ones under
 * `[ title ]`; `labels` name the snapshots listed in the data.
 */
function listing(
  session: Session,
  command: "stats" | "compare",
  { keyType, cumulative, limit }: Grouping,
  entries: readonly (Statistic | StatisticDiff)[],
  title: string,
  labels: { label: string } | { new: string; old: string },
): Promise<CommandResult> {
  const label = "label" in labels ? labels.label : labels.new;
  session.setListing({ command, label, keyType, cumulative, entries });
  const shown = entries.slice(0, limit);
  return Promise.resolve({
    lines: [`[ ${title} ]`, ...shown.map((entry) => escapeControl(String(entry)))],
    data: {
      ...labels,
      by: keyType,
      cumulative,
      limit,
      total: entries.length,
      filters: session.filters.map(String),
      entries: numbered(shown.map(entryJson)),
    },
  });
}

/**
 * `stats [LABEL] [--by KEY] [--cumulative] [--limit N]`: the seed's "[ Top N ]" listing.
 *
 * @example
 * ```ts
 * import type { Session } from "../session.ts";
 * declare const session: Session;
 * await session.execute("stats s1 --by filename --limit 5");
 * ```
 */
export const statsCommand: Command = {
  spec: {
    name: "stats",
    summary: "Statistics of a snapshot, biggest first",
    help: [
      "Prints '[ Top N ]' then one line per group of traces of snapshot LABEL (default: the latest),",
      "biggest first, as Python's str(Statistic). Active filters apply.",
      "Entries are numbered from 1 for traceback LABEL N.",
      "--allocated asks the program instead: allocations and bytes per line per second since tracing",
      "started or was cleared, freed ones included (what churns: the garbage collector's work). The line",
      "engine counts them (a program started by run or tui); V8's sampler and Bun's census cannot.",
    ],
    args: [{ name: "LABEL", optional: true, complete: "label" }],
    options: [
      ...LISTING_OPTIONS,
      { name: "allocated", help: "allocations per line per second, freed included, from the program (no LABEL)" },
    ],
  },
  run(session, args) {
    const group = grouping("stats", args);
    if (args.flag("allocated")) {
      if (args.text("LABEL") !== undefined) {
        throw new CommandError("stats", "--allocated reads the program, not a snapshot: give no LABEL");
      }
      return allocatedListing(session, group);
    }
    const entry = session.snapshotEntry("stats", args.text("LABEL"));
    const stats = session.filtered(entry).statistics(group.keyType, group.cumulative);
    return listing(session, "stats", group, stats, `Top ${group.limit}`, { label: entry.label });
  },
};

/**
 * `compare NEW OLD [--by KEY] [--cumulative] [--limit N]`: the seed's "[ Top N differences ]".
 *
 * @example
 * ```ts
 * import type { Session } from "../session.ts";
 * declare const session: Session;
 * await session.execute("compare s2 s1 --cumulative");
 * ```
 */
export const compareCommand: Command = {
  spec: {
    name: "compare",
    summary: "Differences between two snapshots, biggest change first",
    help: [
      "Prints '[ Top N differences ]' then one line per group whose size or count changed from OLD to NEW,",
      "biggest change first, as Python's str(StatisticDiff). Active filters apply to both snapshots.",
    ],
    args: [{ name: "NEW", complete: "label" }, {
      name: "OLD",
      complete: "label",
    }],
    options: LISTING_OPTIONS,
  },
  run(session, args) {
    const group = grouping("compare", args);
    const now = session.snapshotEntry("compare", args.text("NEW"));
    const before = session.snapshotEntry("compare", args.text("OLD"));
    const diffs = session.filtered(now).compareTo(session.filtered(before), group.keyType, group.cumulative);
    return listing(session, "compare", group, diffs, `Top ${group.limit} differences`, {
      new: now.label,
      old: before.label,
    });
  },
};

/** Traces the seed's `display_top` leaves out. */
const UNKNOWN = new Filter(false, "<unknown>");

/**
 * `top [LABEL] [--limit N]`: the seed's "pretty top", with source lines.
 *
 * @example
 * ```ts
 * import type { Session } from "../session.ts";
 * declare const session: Session;
 * await session.execute("top s1 --limit 3");
 * ```
 */
export const topCommand: Command = {
  spec: {
    name: "top",
    summary: "The top lines of a snapshot with their source",
    help: [
      "Prints the lines allocating most in snapshot LABEL (default: the latest), each with its source line,",
      "then how much the other lines hold and the total, as the tracemalloc documentation's display_top.",
      "Traces of unknown place and those the active filters drop are left out.",
    ],
    args: [{ name: "LABEL", optional: true, complete: "label" }],
    options: [LISTING_OPTIONS[2]],
  },
  run(session, args) {
    const limit = args.numberOption("limit", 10);
    const entry = session.snapshotEntry("top", args.text("LABEL"));
    const stats = session.filtered(entry).filterTraces([UNKNOWN]).statistics(
      "lineno",
    );
    session.setListing({
      command: "top",
      label: entry.label,
      keyType: "lineno",
      cumulative: false,
      entries: stats,
    });
    const kib = (size: number) => `${pyFixed(size / 1024, 1)} KiB`;
    const lines = [`Top ${limit} lines`];
    const shown = stats.slice(0, limit);
    const entries: JsonValue[] = [];
    shown.forEach((stat, i) => {
      const frame = stat.traceback.at(0)!;
      const source = sourceLine(frame);
      lines.push(
        escapeControl(`#${i + 1}: ${frame.filename}:${frame.lineno}: ${kib(stat.size)}`),
      );
      if (source) lines.push(`    ${escapeControl(listedSource(source))}`);
      entries.push({ rank: i + 1, ...entryJson(stat), source });
    });
    const other = stats.slice(limit);
    const otherSize = other.reduce((sum, s) => sum + s.size, 0);
    if (other.length) lines.push(`${other.length} other: ${kib(otherSize)}`);
    const total = stats.reduce((sum, s) => sum + s.size, 0);
    lines.push(`Total allocated size: ${kib(total)}`);
    return Promise.resolve({
      lines,
      data: {
        label: entry.label,
        limit,
        filters: session.filters.map(String),
        entries,
        other: { count: other.length, size: otherSize },
        total,
      },
    });
  },
};
