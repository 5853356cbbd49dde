/**
 * The leaks view's ranking: the model's `findLeaks` over every snapshot
 * held, in the order taken, with the active filters applied, made off the
 * key path (the event loop is given back between snapshots).
 *
 * @module
 */
import type { KeyType } from "../../src/model/group.ts";
import { findLeaks, type LeakStatistic, MIN_SNAPSHOTS } from "../../src/model/leaks.ts";
import type { Snapshot } from "../../src/model/snapshot.ts";
import { filtered, type Filters } from "../../src/session/filtered.ts";
import type { SnapshotEntry } from "../../src/session/state.ts";
import { breathe } from "./pace.ts";

/**
 * The places that grew over the snapshots held, steadiest first.
 *
 * @example
 * ```ts
 * declare const ranking: LeakRanking;
 * const [top] = ranking.leaks; // the steadiest place, its sizes in ranking.labels' snapshots
 * ```
 */
export interface LeakRanking {
  /** The snapshots ranked over, oldest first. */
  readonly labels: readonly string[];
  /** What a place is: a line, a file or a whole traceback. */
  readonly keyType: KeyType;
  /** The places bigger in the last snapshot than in the first, steadiest first. */
  readonly leaks: readonly LeakStatistic[];
  /** The last snapshot with the filters applied: where a place's tracebacks are shown from. */
  readonly last: Snapshot;
}

/**
 * The ranking of `entries` (3 or more, oldest first), filtered by
 * `filters`, by `keyType`; null when `cancelled()` turns true on the way.
 *
 * @example
 * ```ts
 * import type { Session } from "../../src/session/session.ts";
 * declare const session: Session;
 * const ranking = await rankHeld([...session.snapshots.values()], session.filters, "lineno");
 * ranking?.leaks[0]?.steadiness; // 1 for a place that grew every time
 * ```
 */
export async function rankHeld(
  entries: readonly SnapshotEntry[],
  filters: Filters,
  keyType: KeyType,
  cancelled: () => boolean = () => false,
): Promise<LeakRanking | null> {
  if (entries.length < MIN_SNAPSHOTS) {
    throw new RangeError(`leaks need at least ${MIN_SNAPSHOTS} snapshots, not ${entries.length}`);
  }
  // Let the frame that acknowledges the key reach the screen first.
  await breathe(20);
  const snapshots: Snapshot[] = [];
  for (const entry of entries) {
    if (cancelled()) return null;
    snapshots.push(filtered(entry.snapshot, filters));
    await breathe();
  }
  if (cancelled()) return null;
  const leaks = findLeaks(snapshots, keyType);
  return { labels: entries.map((e) => e.label), keyType, leaks, last: snapshots.at(-1)! };
}
