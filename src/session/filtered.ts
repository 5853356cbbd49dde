/**
 * Snapshots with the active filters applied, made once per snapshot and
 * set of filters: the REPL's listings and the TUI's tables share these
 * copies, so a big snapshot is filtered once however many views show it.
 *
 * @module
 */
import type { DomainFilter, Filter } from "../model/filter.ts";
import type { Snapshot } from "../model/snapshot.ts";

/**
 * The filters a listing applies, in the session's order.
 *
 * @example
 * ```ts
 * import { DomainFilter, Filter } from "../model/filter.ts";
 * const mine: Filters = [new Filter(true, "*app.ts"), new DomainFilter(false, 0)];
 * ```
 */
export type Filters = readonly (Filter | DomainFilter)[];

/** Filtered copies, kept while their snapshot lives and for the last set of filters only. */
const copies = new WeakMap<Snapshot, { readonly key: string; readonly snapshot: Snapshot }>();

/** Keys of filter lists already named: a list is immutable once the session holds it. */
const keys = new WeakMap<Filters, string>();

/**
 * A name for a set of filters, equal for equal filters: their text (which
 * carries every field), one per line.
 *
 * @example
 * ```ts
 * import { DomainFilter } from "../model/filter.ts";
 * filtersKey([new DomainFilter(true, 1)]); // "include domain 1"
 * ```
 */
export function filtersKey(filters: Filters): string {
  let key = keys.get(filters);
  if (key === undefined) keys.set(filters, key = filters.map(String).join("\n"));
  return key;
}

/**
 * `snapshot` with `filters` applied (itself when there are none); the copy
 * is kept until other filters are asked for.
 *
 * @example
 * ```ts
 * import type { Snapshot } from "../model/snapshot.ts";
 * import { DomainFilter } from "../model/filter.ts";
 * declare const snapshot: Snapshot;
 * const buffers = filtered(snapshot, [new DomainFilter(true, 1)]);
 * buffers.statistics("lineno");
 * ```
 */
export function filtered(snapshot: Snapshot, filters: Filters): Snapshot {
  if (!filters.length) return snapshot;
  const key = filtersKey(filters);
  const hit = copies.get(snapshot);
  if (hit?.key === key) return hit.snapshot;
  const copy = snapshot.filterTraces(filters);
  copies.set(snapshot, { key, snapshot: copy });
  return copy;
}
