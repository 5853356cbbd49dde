/**
 * `traceback LABEL N`: where the memory of the N-th entry of the last
 * listing was allocated, as full tracebacks with source lines.
 *
 * @module
 */
import { formatCount, pyFixed } from "../../model/format.ts";
import type { Command, JsonValue } from "../command.ts";
import { CommandError } from "../errors.ts";
import { entryJson, formatTraceback } from "../present.ts";
import { tracebacksOfRow } from "../tracebacks.ts";

/**
 * `traceback LABEL N [--limit COUNT] [--newest-first]`.
 *
 * @example
 * ```ts
 * import type { Session } from "../session.ts";
 * declare const session: Session;
 * await session.execute("traceback s1 1 --limit 5 --newest-first");
 * ```
 */
export const tracebackCommand: Command = {
  spec: {
    name: "traceback",
    summary: "Tracebacks of the N-th entry of the last listing, with source lines",
    help: [
      "Shows where the memory of entry N (from 1) of the last stats, compare or top was allocated in",
      "snapshot LABEL: each distinct traceback, biggest first, as 'COUNT memory blocks: SIZE KiB' then its",
      "frames oldest first with their source lines (TypeScript lines through source maps) and function names.",
      "Tracebacks hold as many frames as the snapshot was taken with (start NFRAME). Active filters apply.",
    ],
    args: [{ name: "LABEL", complete: "label" }, { name: "N", kind: "count" }],
    options: [
      {
        name: "limit",
        value: "COUNT",
        kind: "count",
        help: "show the COUNT biggest tracebacks (default 5)",
      },
      { name: "newest-first", help: "most recent frame first" },
    ],
  },
  run(session, args) {
    const n = args.number("N")!;
    const { listing, row: chosen } = session.listedRow("traceback", n);
    const entry = session.snapshotEntry("traceback", args.text("LABEL"));
    const stats = tracebacksOfRow(session.filtered(entry), chosen.traceback, listing);
    if (!stats.length) {
      throw new CommandError(
        "traceback",
        `entry ${n} (${chosen.traceback}) has no traces in ${entry.label}`,
      );
    }
    const limit = args.numberOption("limit", 5);
    const newestFirst = args.flag("newest-first");
    const lines = [`${entry.label} #${n}: ${chosen}`];
    const tracebacks: JsonValue[] = [];
    for (const stat of stats.slice(0, limit)) {
      lines.push(
        `${formatCount(stat.count)} memory blocks: ${pyFixed(stat.size / 1024, 1)} KiB`,
      );
      const formatted = formatTraceback(stat.traceback, newestFirst);
      lines.push(...formatted);
      tracebacks.push({ ...entryJson(stat), lines: formatted });
    }
    const other = stats.slice(limit);
    if (other.length) {
      const size = other.reduce((sum, s) => sum + s.size, 0);
      lines.push(
        `${other.length} other tracebacks: ${pyFixed(size / 1024, 1)} KiB`,
      );
    }
    return Promise.resolve({
      lines,
      data: {
        label: entry.label,
        entry: n,
        key: entryJson(chosen),
        total: stats.length,
        tracebacks,
      },
    });
  },
};
