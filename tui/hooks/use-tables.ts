/**
 * The table on screen: the live one (from the feed) or the topmost stored
 * one (a snapshot, or two compared), each derived only while on screen,
 * and where the cursor is in it.
 *
 * @module
 */
import { useMemo } from "react";
import type { Filters } from "../../src/session/filtered.ts";
import type { SnapshotEntry } from "../../src/session/session.ts";
import type { Allocated } from "../../src/tracer.ts";
import type { LiveSample } from "../session/feed.ts";
import type { Derived, TableSource } from "../state/derive.ts";
import { SORT_KEYS, type SortKey, type TableData } from "../state/table.ts";
import { currentView, type Cursor, isTable, type TableView, type UiState, visibleTop } from "../state/ui.ts";
import { type DerivedState, useDerived } from "./use-derived.ts";

/** A table of stored snapshots. */
type StoredView = Extract<TableView, { kind: "snapshot" | "compare" }>;

/**
 * The position of the cursor's row in `data` shown in `sort` order: the
 * same row as before a refresh or re-sort when it is still there, else the
 * same position. Looks at one row, or finds the row by its key: never a
 * pass over the rows.
 *
 * @example
 * ```ts
 * import type { TableData } from "../state/table.ts";
 * import type { TableView } from "../state/ui.ts";
 * declare const view: TableView, table: TableData;
 * resolveCursor(view.cursor, table, view.sort); // 3
 * ```
 */
export function resolveCursor(cursor: Cursor, data: TableData | null, sort: SortKey): number {
  if (!data || !data.length) return 0;
  const position = Math.min(cursor.position, data.length - 1);
  const order = data.orderIfReady(sort);
  if (!cursor.key || !order) return position;
  const here = data.traceback(order[position]);
  if (here === cursor.key || here.equals(cursor.key)) return position;
  const found = data.positionOf(cursor.key, sort);
  return found >= 0 ? found : position;
}

/**
 * The order a table is shown in: the one asked for once it is computed;
 * until then the nearest computed one before it in the cycle of `o` (the
 * one just shown, after `o`), the title saying that it is sorting.
 *
 * @example
 * ```ts
 * import type { TableData } from "../state/table.ts";
 * declare const table: TableData;
 * shownSort(table, "count"); // "count" once computed, else "size" if that is
 * ```
 */
export function shownSort(data: TableData, asked: SortKey): SortKey {
  const at = SORT_KEYS.indexOf(asked);
  for (let back = 0; back < SORT_KEYS.length; back++) {
    const sort = SORT_KEYS[(at - back + SORT_KEYS.length) % SORT_KEYS.length];
    if (data.orderIfReady(sort)) return sort;
  }
  return asked;
}

/**
 * The table on screen, if the view is a table.
 *
 * @example
 * ```ts
 * declare const inputs: TableInputs;
 * const { data, position, top }: TableOnScreen = useTables(inputs); // data is null off a table view
 * ```
 */
export interface TableOnScreen {
  /** The view on screen when it is a table, else null. */
  readonly view: TableView | null;
  /** Its derivation: the table, whether a newer one is coming, and why it failed. */
  readonly state: DerivedState | null;
  /** The derived table, when it is the one the view asks for. */
  readonly derived: Derived | null;
  /** The rows shown, or null. */
  readonly data: TableData | null;
  /** The order the rows are shown in: the view's, or the one shown before while the view's is computed. */
  readonly sort: SortKey;
  /** The rows in that order (null when there are no rows or no order yet). */
  readonly order: Uint32Array | null;
  /** The selected row's position in sort order, and the first row shown. */
  readonly position: number;
  /** The position in sort order of the first row shown. */
  readonly top: number;
}

/**
 * What {@link useTables} works from.
 *
 * @example
 * ```ts
 * import type { Session } from "../../src/session/session.ts";
 * import { initialUi } from "../state/ui.ts";
 * declare const session: Session;
 * const { filters } = session;
 * const inputs: TableInputs = {
 *   ui: initialUi(), snapshots: session.snapshots, live: null, filters, filtersKey: filters.map(String).join("\n"), page: 20,
 * };
 * ```
 */
export interface TableInputs {
  /** The TUI's state: the view, its sort and the grouping. */
  readonly ui: UiState;
  /** The session's snapshots by label. */
  readonly snapshots: ReadonlyMap<string, SnapshotEntry>;
  /** The live feed's last two snapshots, or null when not tracing. */
  readonly live: LiveSample | null;
  /** The session's active filters. */
  readonly filters: Filters;
  /** Names `filters`: a table is derived again when it changes. */
  readonly filtersKey: string;
  /** Rows of the table body. */
  readonly page: number;
  /** The target's allocations freed included, while the allocated view is on screen. */
  readonly allocated?: Allocated | null;
}

/**
 * The table of the view on screen, derived off the key path.
 *
 * @example
 * ```tsx
 * import type { Session } from "../../src/session/session.ts";
 * import type { LiveFeed } from "../session/feed.ts";
 * import type { UiState } from "../state/ui.ts";
 * declare const ui: UiState, session: Session, feed: LiveFeed;
 * const { filters } = session;
 * const filtersKey = filters.map(String).join("\n");
 * const page = 20;
 * const table = useTables({ ui, snapshots: session.snapshots, live: feed.state.live, filters, filtersKey, page });
 * ```
 */
export function useTables(inputs: TableInputs): TableOnScreen {
  const { ui, snapshots, live, filters, filtersKey, page } = inputs;
  const view = currentView(ui);

  const liveView = ui.views[0] as TableView;
  const liveSource = useMemo<TableSource | null>(
    () => live ? { kind: "live", current: live.current, previous: live.previous } : null,
    [live],
  );
  const liveState = useDerived(
    liveSource,
    filters,
    filtersKey,
    ui.grouping,
    liveView.sort,
    view === liveView,
  );

  const stored = ui.views.findLast((v): v is StoredView => v.kind === "snapshot" || v.kind === "compare") ?? null;
  const newSnapshot = stored
    ? snapshots.get(stored.kind === "snapshot" ? stored.label : stored.newLabel)?.snapshot
    : undefined;
  const oldSnapshot = stored?.kind === "compare" ? snapshots.get(stored.oldLabel)?.snapshot : undefined;
  const storedSource = useMemo<TableSource | null>(() => {
    if (!stored || !newSnapshot) return null;
    if (stored.kind === "snapshot") return { kind: "snapshot", snapshot: newSnapshot };
    return oldSnapshot ? { kind: "compare", now: newSnapshot, before: oldSnapshot } : null;
  }, [stored?.kind, newSnapshot, oldSnapshot]);
  const storedState = useDerived(
    storedSource,
    filters,
    filtersKey,
    ui.grouping,
    stored?.sort ?? "growth",
    stored !== null && view === stored,
  );

  const allocated = inputs.allocated ?? null;
  const allocatedSource = useMemo<TableSource | null>(
    () => allocated ? { kind: "allocated", snapshot: allocated.snapshot, seconds: allocated.seconds } : null,
    [allocated],
  );
  const allocatedState = useDerived(
    allocatedSource,
    filters,
    filtersKey,
    ui.grouping,
    view.kind === "allocated" ? view.sort : "size",
    view.kind === "allocated",
  );

  const tableView = isTable(view) ? view : null;
  const state = tableView?.kind === "live"
    ? liveState
    : tableView?.kind === "allocated"
    ? allocatedState
    : tableView
    ? storedState
    : null;
  // A stored table made from another pair of snapshots would be misleading: wait for the right one.
  const derived = tableView && state?.derived &&
      (tableView.kind === "live" || tableView.kind === "allocated" || state.derived.source === storedSource)
    ? state.derived
    : null;
  const data = derived?.data ?? null;
  const asked = tableView?.sort ?? "size";
  const sort = data ? shownSort(data, asked) : asked;
  const order = data?.orderIfReady(sort) ?? null;
  const position = tableView ? resolveCursor(tableView.cursor, data, sort) : 0;
  const top = tableView ? visibleTop(Math.min(tableView.cursor.top, position), position, page) : 0;
  return { view: tableView, state, derived, data, sort, order, position, top };
}
