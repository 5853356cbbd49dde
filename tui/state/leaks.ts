/**
 * The leaks view's ranking: the model's `findLeaks` over every snapshot
 * held, in the order taken, with the active filters applied, made in
 * slices of at most a few milliseconds (`pace.ts`), so that keys are
 * answered while it is made (it took 126-470 ms in one piece for three
 * snapshots of 100k traces).
 *
 * @module
 */
import type { KeyType } from "../../src/model/group.ts";
import { findLeaksSteps, type LeakStatistic, MIN_SNAPSHOTS } from "../../src/model/leaks.ts";
import type { Snapshot } from "../../src/model/snapshot.ts";
import { type Filters, filtersKey } from "../../src/session/filtered.ts";
import type { SnapshotEntry } from "../../src/session/state.ts";
import { filterSteps } from "./derive.ts";
import { breathe, runSliced, type Steps } from "./pace.ts";

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
 * `filters`, by `keyType`, made in slices of a few milliseconds (see
 * `pace.ts`); null when `cancelled()` turns true on the way.
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
  return await runSliced(rankSteps(entries, filters, keyType), { cancelled });
}

/**
 * The ranking of `entries` in steps: each snapshot filtered a chunk of
 * traces at a time (the copies the tables use), then the model's
 * `findLeaksSteps`, the ranking `findLeaks` (and the REPL's `leaks`) makes.
 *
 * @example
 * ```ts
 * import type { Session } from "../../src/session/session.ts";
 * import { runNow } from "./pace.ts";
 * declare const session: Session;
 * const ranking = runNow(rankSteps([...session.snapshots.values()], session.filters, "lineno"));
 * ```
 */
export function* rankSteps(entries: readonly SnapshotEntry[], filters: Filters, keyType: KeyType): Steps<LeakRanking> {
  const key = filtersKey(filters);
  const snapshots: Snapshot[] = [];
  for (const entry of entries) snapshots.push(yield* filterSteps(entry.snapshot, filters, key));
  const leaks = yield* findLeaksSteps(snapshots, keyType);
  return { labels: entries.map((e) => e.label), keyType, leaks, last: snapshots.at(-1)! };
}
