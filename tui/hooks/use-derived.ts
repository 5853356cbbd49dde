/**
 * The table of a source, derived off the key path: a new source, filter
 * set or grouping starts a derivation; the last finished table stays on
 * screen until the next one is ready.
 *
 * @module
 */
import { useEffect, useState } from "react";
import type { Filters } from "../../src/session/filtered.ts";
import { messageOf } from "../../src/session/errors.ts";
import { breathe, derive, type Derived, type TableSource } from "../state/derive.ts";
import { whenIdle } from "../state/idle.ts";
import { type Grouping, SORT_KEYS, type SortKey } from "../state/table.ts";

/** How long the keyboard must be quiet before orders nobody asked for are sorted. */
const QUIET_MS = 300;

/**
 * A derived table and whether a newer one is on its way.
 *
 * @example
 * ```ts
 * const first: DerivedState = { derived: null, pending: true, regrouping: true, error: null }; // nothing to show yet
 * ```
 */
export interface DerivedState {
  /** The table shown, or null before the first one. */
  readonly derived: Derived | null;
  /** True while the table shown is not (yet) the one asked for. */
  readonly pending: boolean;
  /**
   * True while the table shown was grouped or filtered otherwise than asked
   * (or there is none yet): worth saying so, unlike a routine refresh.
   */
  readonly regrouping: boolean;
  /** Why the last derivation failed, or null. */
  readonly error: string | null;
}

/** What a derivation was asked to make. */
interface Request {
  readonly source: TableSource | null;
  readonly filtersKey: string;
  readonly keyType: string;
  readonly cumulative: boolean;
}

const same = (a: Request, b: Request) =>
  a.source === b.source && a.filtersKey === b.filtersKey && a.keyType === b.keyType && a.cumulative === b.cumulative;

/**
 * Derives the table of `source` (null: no table) whenever it, the filters
 * (named by `filtersKey`) or the grouping change. Once a table is ready,
 * the orders of the other sort keys are prepared in the background, so `o`
 * never waits for a sort. While `enabled` is false (the table is off
 * screen) nothing is derived.
 *
 * @example
 * ```tsx
 * import type { Session } from "../../src/session/session.ts";
 * import type { TableSource } from "../state/derive.ts";
 * declare const session: Session, source: TableSource;
 * const { derived, pending } = useDerived(source, session.filters, "", { keyType: "lineno", cumulative: false }, "size");
 * ```
 */
export function useDerived(
  source: TableSource | null,
  filters: Filters,
  filtersKey: string,
  grouping: Grouping,
  sort: SortKey,
  enabled = true,
): DerivedState {
  const { keyType, cumulative } = grouping;
  const request: Request = { source, filtersKey, keyType, cumulative };
  const [done, setDone] = useState<{ request: Request; derived: Derived | null; error: string | null } | null>(null);
  useEffect(() => {
    // Off screen: keep the last table and derive again when shown.
    if (!enabled) return;
    const asked: Request = { source, filtersKey, keyType, cumulative };
    if (!source) {
      setDone({ request: asked, derived: null, error: null });
      return;
    }
    let cancelled = false;
    void (async () => {
      const derived = await derive(source, filters, filtersKey, { keyType, cumulative }, sort, () => cancelled);
      if (!derived || cancelled) return;
      setDone({ request: asked, derived, error: null });
      for (const other of SORT_KEYS) {
        // Sorting 100k rows takes tens of ms: only while no key is being pressed.
        if (!await whenIdle(QUIET_MS, () => cancelled)) return;
        await breathe();
        if (cancelled) return;
        derived.data.prepare(other);
      }
    })().catch((error) => {
      // A failed derivation must not leave the table waiting forever; the next refresh tries again.
      if (!cancelled) {
        setDone((previous) => ({ request: asked, derived: previous?.derived ?? null, error: messageOf(error) }));
      }
    });
    return () => {
      cancelled = true;
    };
    // The sort only says which order to prepare first; it does not change the table.
  }, [source, filtersKey, keyType, cumulative, enabled]);
  const current = done !== null && same(done.request, request);
  const pending = source !== null && !current;
  const settled = done !== null && done.derived !== null &&
    same(done.request, { ...request, source: done.request.source });
  return {
    derived: source === null ? null : done?.derived ?? null,
    pending,
    regrouping: pending && !settled,
    error: current ? done.error : null,
  };
}
