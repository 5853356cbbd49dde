/**
 * From snapshots to a table: filters applied, traces grouped, changes
 * matched, one sort order prepared. Done in steps that give the event
 * loop back every few milliseconds (see `pace.ts`), so keys pressed
 * meanwhile are handled at once. Each step's result is kept while its
 * snapshot lives: a snapshot is filtered once per filter set and grouped
 * once per grouping; a live refresh reuses the previous refresh's grouping
 * and orders, and a comparison is joined once per pair and grouping.
 *
 * @module
 */
import type { TraceColumns } from "../../src/model/columns.ts";
import { filterColumns } from "../../src/model/filtering.ts";
import { groupTraces } from "../../src/model/group.ts";
import { Snapshot } from "../../src/model/snapshot.ts";
import type { Filters } from "../../src/session/filtered.ts";
import { joinSteps } from "./join.ts";
import { noteTableCost } from "./load.ts";
import { breathe, runSliced, type Steps } from "./pace.ts";
import { RowKeys } from "./rows.ts";
import { type Grouping, SORT_KEYS, type SortKey, TableData, type TableKind } from "./table.ts";

export { breathe } from "./pace.ts";

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

/** Traces filtered per step. */
const CHUNK = 8192;

/** Filtered copies, kept while their snapshot lives and for the last set of filters only. */
const copies = new WeakMap<Snapshot, { readonly key: string; readonly snapshot: Snapshot }>();

/**
 * `raw` with `filters` applied (itself when there are none), a chunk of
 * traces per step: `Snapshot.filterTraces`'s rules, trace by trace. The
 * copy is kept while `raw` lives, for the last set of filters only.
 *
 * @example
 * ```ts
 * import { Filter } from "../../src/model/filter.ts";
 * import type { Snapshot } from "../../src/model/snapshot.ts";
 * import { filtersKey } from "../../src/session/filtered.ts";
 * import { runNow } from "./pace.ts";
 * declare const snapshot: Snapshot;
 * const filters = [new Filter(true, "*app.ts")];
 * const mine = runNow(filterSteps(snapshot, filters, filtersKey(filters))); // snapshot.filterTraces(filters)'s traces
 * ```
 */
export function* filterSteps(raw: Snapshot, filters: Filters, filtersKey: string): Steps<Snapshot> {
  if (!filters.length) return raw;
  const hit = copies.get(raw);
  if (hit?.key === filtersKey) return hit.snapshot;
  const { table, columns } = raw;
  const parts: TraceColumns[] = [];
  for (let from = 0; from < columns.length; from += CHUNK) {
    const to = Math.min(columns.length, from + CHUNK);
    const chunk: TraceColumns = {
      length: to - from,
      domain: columns.domain.subarray(from, to),
      size: columns.size.subarray(from, to),
      traceback: columns.traceback.subarray(from, to),
      count: columns.count ? columns.count.subarray(from, to) : null,
    };
    parts.push(filterColumns(table, chunk, filters));
    yield;
  }
  const snapshot = new Snapshot({
    table,
    columns: concat(parts, columns.count !== null),
    tracebackLimit: raw.tracebackLimit,
  });
  copies.set(raw, { key: filtersKey, snapshot });
  return snapshot;
}

function concat(parts: readonly TraceColumns[], withCount: boolean): TraceColumns {
  if (parts.length === 1) return parts[0];
  const length = parts.reduce((n, p) => n + p.length, 0);
  const out = {
    length,
    domain: new Int32Array(length),
    size: new Float64Array(length),
    traceback: new Uint32Array(length),
    count: withCount ? new Float64Array(length) : null,
  };
  let at = 0;
  for (const part of parts) {
    out.domain.set(part.domain, at);
    out.size.set(part.size, at);
    out.traceback.set(part.traceback, at);
    if (out.count && part.count) out.count.set(part.count, at);
    at += part.length;
  }
  return out;
}

/**
 * A table grouped from a snapshot, and the filtered snapshot it was grouped from.
 *
 * @example
 * ```ts
 * declare const grouped: Grouped;
 * grouped.table.length; // groups of grouped.snapshot's traces
 * ```
 */
export interface Grouped {
  readonly table: TableData;
  readonly snapshot: Snapshot;
}

/** Grouped tables of a snapshot, by kind, grouping and filters. */
const groupedTables = new WeakMap<Snapshot, Map<string, Grouped>>();

const keyOf = (kind: TableKind, grouping: Grouping, filtersKey: string) =>
  `${kind}\0${grouping.keyType}\0${grouping.cumulative}\0${filtersKey}`;

/**
 * The statistics of `raw` (filtered) as a table with its rows indexed, in
 * steps; grouped once and then kept while `raw` lives.
 *
 * @example
 * ```ts
 * import type { Snapshot } from "../../src/model/snapshot.ts";
 * import { runNow } from "./pace.ts";
 * declare const snapshot: Snapshot;
 * const { table } = runNow(groupSteps(snapshot, [], "", { keyType: "traceback", cumulative: false }, "snapshot"));
 * ```
 */
export function* groupSteps(
  raw: Snapshot,
  filters: Filters,
  filtersKey: string,
  grouping: Grouping,
  kind: TableKind,
): Steps<Grouped> {
  const key = keyOf(kind, grouping, filtersKey);
  const hit = groupedTables.get(raw)?.get(key);
  if (hit) return hit;
  const snapshot = yield* filterSteps(raw, filters, filtersKey);
  // One pass over the traces' ids: a few ms at 100k traces.
  const groups = groupTraces(snapshot.table, snapshot.columns, grouping.keyType, grouping.cumulative);
  yield;
  const keys = new RowKeys(snapshot.table, grouping.keyType, groups.keys);
  yield* keys.indexSteps();
  const made: Grouped = { table: TableData.fromGroups(kind, grouping, keys, groups.size, groups.count), snapshot };
  let tables = groupedTables.get(raw);
  if (!tables) groupedTables.set(raw, tables = new Map());
  tables.set(key, made);
  return made;
}

/** Live tables (with growth) by their current snapshot: the next refresh continues them. */
const liveTables = new WeakMap<Snapshot, Map<string, Made>>();

/** Comparison tables by new and old snapshot. */
const compareTables = new WeakMap<Snapshot, WeakMap<Snapshot, Map<string, Made>>>();

/**
 * A derived table as kept: without its source, whose snapshots a cache
 * entry must not hold (an entry holding the previous refresh would keep
 * that refresh's entry alive, and so on back to the first).
 */
type Made = Omit<Derived, "source">;

/** The table of `source`, without any order. */
function* tableSteps(source: TableSource, filters: Filters, filtersKey: string, grouping: Grouping): Steps<Derived> {
  if (source.kind === "snapshot" || source.kind === "allocated") {
    const made = yield* groupSteps(source.snapshot, filters, filtersKey, grouping, source.kind);
    return { source, data: made.table, snapshot: made.snapshot, old: null };
  }
  const key = keyOf(source.kind, grouping, filtersKey);
  if (source.kind === "live") {
    const known = liveTables.get(source.current)?.get(key);
    if (known) return { ...known, source };
    const now = yield* groupSteps(source.current, filters, filtersKey, grouping, "live");
    let tables = liveTables.get(source.current);
    if (!tables) liveTables.set(source.current, tables = new Map());
    if (!source.previous) {
      const first: Made = { data: now.table, snapshot: now.snapshot, old: null };
      tables.set(key, first);
      return { ...first, source };
    }
    const before = yield* groupSteps(source.previous, filters, filtersKey, grouping, "live");
    const { table, partner } = yield* joinSteps("live", now.table, before.table, false);
    const previous = liveTables.get(source.previous)?.get(key);
    if (previous) table.continues(previous.data, partner);
    const made: Made = { data: table, snapshot: now.snapshot, old: null };
    tables.set(key, made);
    return { ...made, source };
  }
  let pairs = compareTables.get(source.now);
  if (!pairs) compareTables.set(source.now, pairs = new WeakMap());
  let tables = pairs.get(source.before);
  if (!tables) pairs.set(source.before, tables = new Map());
  const known = tables.get(key);
  if (known) return { ...known, source };
  const now = yield* groupSteps(source.now, filters, filtersKey, grouping, "snapshot");
  const before = yield* groupSteps(source.before, filters, filtersKey, grouping, "snapshot");
  const { table } = yield* joinSteps("compare", now.table, before.table, true);
  const made: Made = { data: table, snapshot: now.snapshot, old: before.snapshot };
  tables.set(key, made);
  return { ...made, source };
}

/**
 * The table of `source` with the order of `sort` ready (and, for a live
 * refresh, every order the previous refresh had, which costs little from
 * there), in steps.
 *
 * @example
 * ```ts
 * import { runNow } from "./pace.ts";
 * import type { Snapshot } from "../../src/model/snapshot.ts";
 * declare const snapshot: Snapshot;
 * const derived = runNow(deriveSteps({ kind: "snapshot", snapshot }, [], "", { keyType: "lineno", cumulative: false }, "size"));
 * derived.data.orderIfReady("size"); // ready
 * ```
 */
export function* deriveSteps(
  source: TableSource,
  filters: Filters,
  filtersKey: string,
  grouping: Grouping,
  sort: SortKey,
): Steps<Derived> {
  const derived = yield* tableSteps(source, filters, filtersKey, grouping);
  yield* derived.data.orderSteps(sort);
  if (source.kind === "live" && source.previous) {
    const previous = liveTables.get(source.previous)?.get(keyOf("live", grouping, filtersKey));
    for (const other of SORT_KEYS) {
      if (previous?.data.orderIfReady(other)) yield* derived.data.orderSteps(other);
    }
  }
  return derived;
}

/**
 * The table of `source`, grouped as `grouping` says, with the order of
 * `sort` ready, made in slices. Resolves to null when `cancelled()` turns
 * true on the way.
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
  // Let the frame that acknowledges the key reach the screen (Ink draws at most 60 frames a second) first.
  await breathe(20);
  const meter = { busy: 0 };
  const derived = await runSliced(deriveSteps(source, filters, filtersKey, grouping, sort), { cancelled }, meter);
  // The live feed paces its refreshes by what each one costs the app, this included.
  if (derived && source.kind === "live") noteTableCost(meter.busy);
  return derived;
}
