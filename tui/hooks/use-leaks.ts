/**
 * The leaks view's ranking, made while the view is on screen and made
 * again when the snapshots held, the filters or the grouping change.
 *
 * @module
 */
import { useEffect, useState } from "react";
import type { KeyType } from "../../src/model/group.ts";
import { MIN_SNAPSHOTS } from "../../src/model/leaks.ts";
import { messageOf } from "../../src/session/errors.ts";
import type { Filters } from "../../src/session/filtered.ts";
import type { SnapshotEntry } from "../../src/session/state.ts";
import { type LeakRanking, rankHeld } from "../state/leaks.ts";

/**
 * The ranking on screen and whether a newer one is on its way.
 *
 * @example
 * ```ts
 * const first: LeaksOnScreen = { ranking: null, pending: true, error: null }; // nothing to show yet
 * ```
 */
export interface LeaksOnScreen {
  /** The last ranking made, or null (none yet, or fewer than 3 snapshots held). */
  readonly ranking: LeakRanking | null;
  /** True while the ranking shown is not the one asked for. */
  readonly pending: boolean;
  /** Why the last ranking failed, or null. */
  readonly error: string | null;
}

/**
 * Ranks `entries` (the snapshots held, oldest first) with `filters` applied,
 * by `keyType`, while `enabled`.
 *
 * @example
 * ```tsx
 * import type { Session } from "../../src/session/session.ts";
 * declare const session: Session;
 * const entries = [...session.snapshots.values()];
 * const { ranking } = useLeaks(true, entries, session.filters, "", "lineno");
 * ```
 */
export function useLeaks(
  enabled: boolean,
  entries: readonly SnapshotEntry[],
  filters: Filters,
  filtersKey: string,
  keyType: KeyType,
): LeaksOnScreen {
  const [done, setDone] = useState<{ asked: unknown[]; ranking: LeakRanking | null; error: string | null } | null>(
    null,
  );
  const asked = [entries, filtersKey, keyType];
  useEffect(() => {
    if (!enabled) return;
    if (entries.length < MIN_SNAPSHOTS) {
      setDone({ asked, ranking: null, error: null });
      return;
    }
    let cancelled = false;
    rankHeld(entries, filters, keyType, () => cancelled).then(
      (ranking) => {
        if (ranking && !cancelled) setDone({ asked, ranking, error: null });
      },
      (error) => {
        if (!cancelled) setDone({ asked, ranking: null, error: messageOf(error) });
      },
    );
    return () => {
      cancelled = true;
    };
  }, [enabled, entries, filtersKey, keyType]);
  const current = done !== null && done.asked.every((part, i) => part === asked[i]);
  return {
    ranking: done?.ranking ?? null,
    pending: enabled && !current,
    error: current ? done.error : null,
  };
}
