/**
 * The table of a source, derived off the key path: a new source, filter
 * set or grouping starts a derivation in slices; the last finished table
 * stays on screen until the next one is ready. An order not computed yet
 * is computed in slices too, the table staying in the order it was shown
 * in meanwhile.
 *
 * @module
 */
import { useEffect, useState } from "react";
import type { KeyType } from "../../src/model/group.ts";
import type { Filters } from "../../src/session/filtered.ts";
import { messageOf } from "../../src/session/errors.ts";
import { derive, type Derived, type TableSource } from "../state/derive.ts";
import { whenIdle } from "../state/idle.ts";
import { LatestJob } from "../state/latest.ts";
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
  readonly keyType: KeyType;
  readonly cumulative: boolean;
}

/** A request with what its derivation needs besides. */
interface Asked {
  readonly request: Request;
  readonly filters: Filters;
  readonly sort: SortKey;
}

const same = (a: Request, b: Request) =>
  a.source === b.source && a.filtersKey === b.filtersKey && a.keyType === b.keyType && a.cumulative === b.cumulative;

/**
 * Derives the table of `source` (null: no table) whenever it, the filters
 * (named by `filtersKey`) or the grouping change, with the order of `sort`
 * ready; when `sort` changes to an order not computed yet, computes it.
 * Once the keyboard is quiet, the orders of the other sort keys are
 * prepared too, so `o` seldom waits for a sort. While `enabled` is false
 * (the table is off screen) nothing is derived.
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
  // Bumped when an order is ready, to draw the table in it.
  const [, setSorted] = useState(0);
  // One derivation at a time: a live refresh waits for the one running (a new grouping is not restarted by every
  // refresh); a new grouping, filter set or table cancels it.
  const [jobs] = useState(() =>
    new LatestJob<Asked>(async ({ request, filters, sort }, pace) => {
      const { source, filtersKey, keyType, cumulative } = request;
      try {
        const derived = await derive(source!, filters, filtersKey, { keyType, cumulative }, sort, pace.cancelled);
        if (derived && !pace.cancelled()) setDone({ request, derived, error: null });
      } catch (error) {
        // A failed derivation must not leave the table waiting forever; the next refresh tries again.
        if (!pace.cancelled()) {
          setDone((previous) => ({ request, derived: previous?.derived ?? null, error: messageOf(error) }));
        }
      }
    }, (running, next) =>
      running.request.source?.kind === "live" && next.request.source?.kind === "live" &&
      same(running.request, { ...next.request, source: running.request.source }))
  );
  useEffect(() => () => jobs.stop(), [jobs]);
  useEffect(() => {
    // Off screen: keep the last table and derive again when shown.
    if (!enabled) {
      jobs.stop();
      return;
    }
    const asked: Request = { source, filtersKey, keyType, cumulative };
    if (!source) {
      jobs.stop();
      setDone({ request: asked, derived: null, error: null });
      return;
    }
    // The order a derivation prepares first is the one asked for when it starts; a new sort does not restart it.
    jobs.ask({ request: asked, filters, sort });
  }, [source, filtersKey, keyType, cumulative, enabled]);

  const derived = source === null ? null : done?.derived ?? null;
  const data = derived?.data ?? null;
  useEffect(() => {
    if (!enabled || !data) return;
    let cancelled = false;
    const pace = { cancelled: () => cancelled };
    void (async () => {
      if (!data.orderIfReady(sort)) {
        if (!await data.prepare(sort, pace)) return;
        setSorted((n) => n + 1);
      }
      // Orders nobody asked for: only while no key is being pressed.
      for (const other of SORT_KEYS) {
        if (data.orderIfReady(other) || (other === "growth" && !data.hasDiff)) continue;
        if (!await whenIdle(QUIET_MS, pace.cancelled)) return;
        if (!await data.prepare(other, pace)) return;
      }
    })().catch(() => {
      // An order that cannot be computed is computed again when asked for (and fails there, visibly).
    });
    return () => {
      cancelled = true;
    };
  }, [data, sort, enabled]);

  const current = done !== null && same(done.request, request);
  const pending = source !== null && !current;
  const settled = done !== null && done.derived !== null &&
    same(done.request, { ...request, source: done.request.source });
  return { derived, pending, regrouping: pending && !settled, error: current ? done.error : null };
}
