/**
 * `stats --allocated`: what churns. Allocations and bytes per line per
 * second since tracing started or the traces were last cleared, freed ones
 * included (memray's temporary allocations), asked of the target (the line
 * engine counts them; other engines refuse, saying why).
 *
 * @module
 */
import { formatCount, formatSize, pyFixed } from "../../model/format.ts";
import type { KeyType } from "../../model/group.ts";
import type { Statistic } from "../../model/statistic.ts";
import type { Allocated } from "../../tracer.ts";
import { escapeControl } from "../../text/escape.ts";
import type { CommandResult, JsonValue } from "../command.ts";
import { filtered } from "../filtered.ts";
import { entryJson } from "../present.ts";
import type { Session } from "../session.ts";

/**
 * How `stats --allocated` groups and how much it shows.
 *
 * @example
 * ```ts
 * const listing: AllocatedListing = { keyType: "lineno", cumulative: false, limit: 10 };
 * ```
 */
export interface AllocatedListing {
  readonly keyType: KeyType;
  readonly cumulative: boolean;
  readonly limit: number;
}

/**
 * A rate per second as a person reads it: `12.3` under 100, whole numbers above.
 *
 * @example
 * ```ts
 * perSecond(1234.5); // "1234"
 * perSecond(0.25); // "0.2"
 * ```
 */
export function perSecond(n: number): string {
  return Math.abs(n) < 100 ? pyFixed(n, 1) : pyFixed(n, 0);
}

/**
 * One line of the listing: `file:line: 1.2 MiB/s, 5120 allocations/s (size=..., count=..., average=...)`.
 *
 * @example
 * ```ts
 * import type { Statistic } from "../../model/statistic.ts";
 * declare const stat: Statistic;
 * allocatedLine(stat, 10); // "app.ts:5: 51.2 KiB/s, 1024 allocations/s (size=512 KiB, count=10240, average=51 B)"
 * ```
 */
export function allocatedLine(stat: Statistic, seconds: number): string {
  const average = stat.count ? `, average=${formatSize(stat.size / stat.count, false)}` : "";
  return `${stat.traceback}: ${rates(stat.size, stat.count, seconds)} ` +
    `(size=${formatSize(stat.size, false)}, count=${formatCount(stat.count)}${average})`;
}

function rates(size: number, count: number, seconds: number): string {
  if (seconds <= 0) return "- B/s, - allocations/s";
  return `${formatSize(size / seconds, false)}/s, ${perSecond(count / seconds)} allocations/s`;
}

/**
 * `[ Top N allocated ... ]`, one line per group biggest first (bytes, then
 * allocations), and the totals over the span; active filters apply. The
 * data has the same entries with their rates.
 *
 * @example
 * ```ts
 * import type { Session } from "../session.ts";
 * declare const session: Session;
 * const { lines } = await allocatedListing(session, { keyType: "lineno", cumulative: false, limit: 5 });
 * ```
 */
export async function allocatedListing(session: Session, listing: AllocatedListing): Promise<CommandResult> {
  const allocated = await session.target.allocated();
  const stats = filtered(allocated.snapshot, session.filters).statistics(listing.keyType, listing.cumulative);
  return present(allocated, stats, listing, session.filters.map(String));
}

/** The listing of `stats` (already filtered and grouped) from `allocated`. */
function present(
  allocated: Allocated,
  stats: readonly Statistic[],
  { keyType, cumulative, limit }: AllocatedListing,
  filters: string[],
): CommandResult {
  const { seconds, sampleEvery } = allocated;
  const span = `${pyFixed(seconds, 1)} s`;
  const sampled = sampleEvery === 1 ? "every allocation counted" : `one allocation in ${sampleEvery} sampled`;
  const shown = stats.slice(0, limit);
  let size = 0;
  let count = 0;
  for (const stat of stats) {
    size += stat.size;
    count += stat.count;
  }
  const lines = [
    `[ Top ${limit} allocated, freed included: ${span} since tracing started or was cleared, ${sampled} ]`,
    ...shown.map((stat) => escapeControl(allocatedLine(stat, seconds))),
    `Total: ${rates(size, count, seconds)} over ${span} (${formatSize(size, false)}, ${
      formatCount(count)
    } allocations` +
    `, ${stats.length} ${keyType === "filename" ? "files" : "lines"})`,
  ];
  const rate = (n: number): number | null => seconds > 0 ? n / seconds : null;
  const entries: JsonValue[] = shown.map((stat, i) => ({
    rank: i + 1,
    ...entryJson(stat),
    text: allocatedLine(stat, seconds),
    bytesPerSecond: rate(stat.size),
    allocationsPerSecond: rate(stat.count),
  }));
  return {
    lines,
    data: {
      allocated: true,
      freedIncluded: true,
      since: new Date(allocated.since).toISOString(),
      seconds,
      sampleEvery,
      by: keyType,
      cumulative,
      limit,
      total: stats.length,
      filters,
      size,
      count,
      bytesPerSecond: rate(size),
      allocationsPerSecond: rate(count),
      entries,
    },
  };
}
