/**
 * From snapshots to a table: filters applied, traces grouped, changes
 * matched, one sort order prepared. Done in steps that give the event loop
 * back between them, so keys pressed meanwhile are handled at once; a
 * snapshot's statistics are grouped once per filter set and grouping (a
 * live refresh reuses those of the previous refresh).
 *
 * @module
 */
import type { Snapshot } from "../../src/model/snapshot.ts";
import { filtered, type Filters } from "../../src/session/filtered.ts";
import { breathe, joinTables, type Pace } from "./join.ts";
import { noteTableCost } from "./load.ts";
import { type Grouping, type SortKey, TableData, type TableKind } from "./table.ts";

export { breathe } from "./join.ts";

/**
 * What a table is made from.
 *
 * @example
 * ```ts
 * import type { Snapshot } from "../../src/model/snapshot.ts";
 * declare const now: Snapshot, before: Snapshot;
 * const source: TableSource = { kind: "compare", now, before };
 * ```
 */
export type TableSource =
  | { readonly kind: "live"; readonly current: Snapshot; readonly previous: Snapshot | null }
  | { readonly kind: "snapshot"; readonly snapshot: Snapshot }
  | { readonly kind: "compare"; readonly now: Snapshot; readonly before: Snapshot }
  /** Allocations since tracing started or was cleared, freed included, over `seconds`. */
  | { readonly kind: "allocated"; readonly snapshot: Snapshot; readonly seconds: number };

/**
 * A table and the filtered snapshots its rows come from (for drill-in).
 *
 * @example
 * ```ts
 * declare const derived: Derived;
 * const { data, snapshot } = derived; // row i of data groups traces of snapshot
 * ```
 */
export interface Derived {
  /** What it was made from. */
  readonly source: TableSource;
  /** The table's rows. */
  readonly data: TableData;
  /** The (new) snapshot with the filters applied. */
  readonly snapshot: Snapshot;
  /** The old snapshot with the filters applied (compare tables). */
  readonly old: Snapshot | null;
}

/** Statistics tables of a snapshot, by filters, grouping and kind. */
const tableCache = new WeakMap<Snapshot, Map<string, TableData>>();

/** The statistics of `raw` (filtered) as a table, grouped once and then kept. */
async function statisticsOf(
  raw: Snapshot,
  filters: Filters,
  filtersKey: string,
  grouping: Grouping,
  kind: TableKind,
  pace: Pace,
): Promise<{ table: TableData; snapshot: Snapshot } | null> {
  const snapshot = filtered(raw, filters);
  const key = `${kind}\0${grouping.keyType}\0${grouping.cumulative}\0${filtersKey}`;
  let tables = tableCache.get(raw);
  const hit = tables?.get(key);
  if (hit) return { table: hit, snapshot };
  await breathe();
  if (pace.cancelled()) return null;
  const table = TableData.fromStatistics(kind, grouping, snapshot.statistics(grouping.keyType, grouping.cumulative));
  if (!tables) tableCache.set(raw, tables = new Map());
  tables.set(key, table);
  return { table, snapshot };
}

/**
 * The table of `source`, grouped as `grouping` says, with the order of
 * `sort` ready. Resolves to null when `cancelled()` turns true on the way.
 *
 * @example
 * ```ts
 * import type { Snapshot } from "../../src/model/snapshot.ts";
 * declare const snapshot: Snapshot;
 * const derived = await derive({ kind: "snapshot", snapshot }, [], "", { keyType: "lineno", cumulative: false }, "size");
 * derived?.data.length;
 * ```
 */
export async function derive(
  source: TableSource,
  filters: Filters,
  filtersKey: string,
  grouping: Grouping,
  sort: SortKey,
  cancelled: () => boolean = () => false,
): Promise<Derived | null> {
  const started = performance.now();
  const derived = await make(source, filters, filtersKey, grouping, sort, cancelled);
  // The live feed paces its refreshes by what each one costs the app, this included.
  if (derived && source.kind === "live") noteTableCost(performance.now() - started);
  return derived;
}

/** {@link derive}'s steps. */
async function make(
  source: TableSource,
  filters: Filters,
  filtersKey: string,
  grouping: Grouping,
  sort: SortKey,
  cancelled: () => boolean,
): Promise<Derived | null> {
  const pace: Pace = { cancelled };
  // Let the frame that acknowledges the key reach the screen (Ink draws at most 60 frames a second) first.
  await breathe(20);
  if (cancelled()) return null;
  const finish = async (derived: Derived): Promise<Derived | null> => {
    await breathe();
    if (cancelled()) return null;
    derived.data.prepare(sort);
    return derived;
  };
  if (source.kind === "snapshot" || source.kind === "allocated") {
    const made = await statisticsOf(source.snapshot, filters, filtersKey, grouping, source.kind, pace);
    return made && finish({ source, data: made.table, snapshot: made.snapshot, old: null });
  }
  if (source.kind === "live") {
    const now = await statisticsOf(source.current, filters, filtersKey, grouping, "live", pace);
    if (!now) return null;
    if (!source.previous) return finish({ source, data: now.table, snapshot: now.snapshot, old: null });
    const before = await statisticsOf(source.previous, filters, filtersKey, grouping, "live", pace);
    const data = before && await joinTables("live", now.table, before.table, false, pace);
    return data && finish({ source, data, snapshot: now.snapshot, old: null });
  }
  const now = await statisticsOf(source.now, filters, filtersKey, grouping, "snapshot", pace);
  const before = now && await statisticsOf(source.before, filters, filtersKey, grouping, "snapshot", pace);
  const data = before && await joinTables("compare", now.table, before.table, true, pace);
  return data && finish({ source, data, snapshot: now!.snapshot, old: before!.snapshot });
}
