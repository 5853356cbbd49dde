/**
 * `leaks`: the places whose memory grew steadily over three or more
 * snapshots, steadiest first, as a table that says how to read it. The
 * ranking is the model's (`findLeaks`); this is its listing.
 *
 * @module
 */
import { formatSize } from "../../model/format.ts";
import type { KeyType } from "../../model/group.ts";
import { findLeaks, type LeakStatistic, MIN_SNAPSHOTS, sizeBars } from "../../model/leaks.ts";
import { Statistic } from "../../model/statistic.ts";
import { escapeControl } from "../../text/escape.ts";
import { textWidth } from "../../text/width.ts";
import type { Command, JsonValue } from "../command.ts";
import { CommandError } from "../errors.ts";
import { frameJson } from "../present.ts";
import type { Session } from "../session.ts";
import type { SnapshotEntry } from "../state.ts";

/**
 * How to read a leaks listing, one line per column group; `first` and
 * `last` are the labels of the first and last snapshot.
 *
 * @example
 * ```ts
 * leaksLegend("s1", "s4")[0]; // "steadiness = (intervals it grew in / intervals) × (net growth / total change); ..."
 * ```
 */
export function leaksLegend(first: string, last: string): string[] {
  return [
    "steadiness = (intervals it grew in / intervals) × (net growth / total change); 1.00: grew every time, never shrank",
    `grew: the intervals (one snapshot to the next) it grew in · growth: its size in ${last} minus its size in ${first}`,
    "sizes: one bar per snapshot, its smallest size ▁ to its largest █ · ranked by steadiness, then growth",
  ];
}

/**
 * Where a ranked place is, for a listing: its line (`file:line`), or for a
 * whole traceback its most recent frame and the caller's, most recent first.
 *
 * @example
 * ```ts
 * import type { LeakStatistic } from "../../model/leaks.ts";
 * declare const leak: LeakStatistic;
 * placeOf(leak, "traceback"); // "app.ts:12 ← main.ts:30 (+2 frames)"
 * ```
 */
export function placeOf(leak: LeakStatistic, keyType: KeyType): string {
  const frames = [...leak.traceback].reverse();
  if (keyType !== "traceback" || frames.length < 2) return String(frames[0]);
  const more = frames.length - 2;
  return `${frames[0]} ← ${frames[1]}${more ? ` (+${more} frame${more === 1 ? "" : "s"})` : ""}`;
}

/** The labels of a series, shortened when long: `s1, s2, s3` or `s1, s2, …, s30`. */
function seriesName(labels: readonly string[]): string {
  return labels.length <= 6 ? labels.join(", ") : `${labels[0]}, ${labels[1]}, …, ${labels.at(-1)}`;
}

/** The snapshots LABEL... name, or every snapshot held, in the order taken; 3 or more. */
function series(session: Session, labels: readonly string[]): SnapshotEntry[] {
  if (!labels.length) {
    const held = [...session.snapshots.values()];
    if (held.length < MIN_SNAPSHOTS) {
      throw new CommandError(
        "leaks",
        `needs at least ${MIN_SNAPSHOTS} snapshots, and ${held.length} ${held.length === 1 ? "is" : "are"} held ` +
          "(snapshot takes one)",
      );
    }
    return held;
  }
  const twice = labels.find((label, i) => labels.indexOf(label) !== i);
  if (twice !== undefined) throw new CommandError("leaks", `snapshot ${JSON.stringify(twice)} given twice`);
  const entries = labels.map((label) => session.snapshotEntry("leaks", label));
  if (entries.length < MIN_SNAPSHOTS) {
    throw new CommandError("leaks", `needs at least ${MIN_SNAPSHOTS} snapshots, and ${entries.length} were given`);
  }
  return entries;
}

/** Rows of text in aligned columns: numbers right, the last column left and unpadded. */
function columns(rows: readonly (readonly string[])[], left: ReadonlySet<number>): string[] {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => textWidth(row[c]))));
  return rows.map((row) =>
    row.map((cell, c) => {
      if (c === row.length - 1) return cell;
      const pad = " ".repeat(widths[c] - textWidth(cell));
      return left.has(c) ? cell + pad : pad + cell;
    }).join("  ")
  );
}

function leakJson(leak: LeakStatistic, rank: number): JsonValue {
  return {
    rank,
    text: String(leak),
    growth: leak.growth,
    first: leak.first,
    last: leak.last,
    intervals: leak.intervals,
    grew: leak.grew,
    steadiness: leak.steadiness,
    sizes: leak.sizes,
    counts: leak.counts,
    traceback: [...leak.traceback].map(frameJson),
  };
}

/**
 * `leaks [LABEL...] [--by lineno|traceback] [--limit N]`: what kept growing.
 *
 * @example
 * ```ts
 * import type { Session } from "../session.ts";
 * declare const session: Session;
 * await session.execute("leaks --limit 5"); // over every snapshot held
 * await session.execute("leaks s1 s3 s5 --by traceback");
 * ```
 */
export const leaksCommand: Command = {
  spec: {
    name: "leaks",
    summary: "Places whose memory grew steadily over 3 or more snapshots",
    help: [
      "Ranks the places that are bigger in the last of the snapshots LABEL... than in the first (default: every",
      "snapshot held, in the order taken; at least 3), steadiest first, then by growth. Steadiness is",
      "(intervals it grew in / intervals) × (net growth / total change): 1.00 for a place that grew from each",
      "snapshot to the next and never shrank; one that grew once and stopped, or grows and shrinks (churn),",
      "scores less. Each row shows the steadiness, the intervals it grew in (grew 3/3), its growth, its first",
      "and last size and its sizes as bars (▁ smallest to █ largest). Active filters apply. Entries are",
      "numbered from 1 for traceback LABEL N.",
    ],
    args: [{ name: "LABEL", optional: true, rest: true, complete: "label" }],
    options: [
      {
        name: "by",
        value: "KEY",
        kind: { choices: ["lineno", "traceback"] },
        help: "a place is a line (lineno, default) or a whole traceback",
      },
      { name: "limit", value: "N", kind: "count", help: "show the N first places (default 10)" },
    ],
  },
  run(session, args) {
    const keyType = args.textOption("by", "lineno") as KeyType;
    const limit = args.numberOption("limit", 10);
    const entries = series(session, args.rest("LABEL"));
    const labels = entries.map((entry) => entry.label);
    const first = labels[0], last = labels.at(-1)!;
    const leaks = findLeaks(entries.map((entry) => session.filtered(entry)), keyType);
    const shown = leaks.slice(0, limit);
    session.setListing({
      command: "leaks",
      label: last,
      keyType,
      cumulative: false,
      entries: shown.map((leak) => new Statistic(leak.traceback, leak.last, leak.counts.at(-1)!)),
    });
    const title = `[ Top ${limit} of ${leaks.length} growing places over ${labels.length} snapshots: ` +
      `${seriesName(labels)} ]`;
    const lines = [title];
    if (shown.length) {
      const rows = shown.map((leak, i) => [
        String(i + 1),
        leak.steadiness.toFixed(2),
        `${leak.grew}/${leak.intervals}`,
        formatSize(leak.growth, true),
        `${formatSize(leak.first, false)} → ${formatSize(leak.last, false)}`,
        sizeBars(leak.sizes),
        placeOf(leak, keyType),
      ]);
      const header = ["#", "steadiness", "grew", "growth", `${first} → ${last}`, "sizes", "place"];
      lines.push(...columns([header, ...rows], new Set([5])));
      lines.push(...leaksLegend(first, last));
      lines.push(`traceback ${last} N: where the memory of entry N was allocated`);
    } else {
      lines.push(`no place is bigger in ${last} than in ${first}`);
    }
    return Promise.resolve({
      lines: lines.map((line) => escapeControl(line)),
      data: {
        labels,
        by: keyType,
        limit,
        total: leaks.length,
        filters: session.filters.map(String),
        entries: shown.map((leak, i) => leakJson(leak, i + 1)),
      },
    });
  },
};
