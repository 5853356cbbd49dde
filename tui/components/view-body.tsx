/**
 * The body of the screen: the view on screen, whichever it is, drawn in
 * the rows the layout gives it.
 *
 * @module
 */
// @jsxRuntime automatic
// @jsxImportSource react
import { Box } from "ink";
import type { ReactElement } from "react";
import type { SnapshotEntry } from "../../src/session/session.ts";
import type { TableOnScreen } from "../hooks/use-tables.ts";
import type { View } from "../state/ui.ts";
import { FilterList } from "./filter-list.tsx";
import { SnapshotList } from "./snapshot-list.tsx";
import { StatsTable } from "./stats-table.tsx";
import { type StyledLine, TextView } from "./text-view.tsx";

/**
 * Props of {@link ViewBody}.
 *
 * @example
 * ```ts
 * import type { TableOnScreen } from "../hooks/use-tables.ts";
 * declare const table: TableOnScreen;
 * const help: ViewBodyProps = {
 *   view: { kind: "help", scroll: 0 }, table, empty: "", entries: [], filters: [], lines: [{ text: "HELP" }],
 *   height: 20, width: 100,
 * };
 * ```
 */
export interface ViewBodyProps {
  /** The view on screen. */
  readonly view: View;
  /** Its table, when it is a table view. */
  readonly table: TableOnScreen;
  /** Shown when the table has no row. */
  readonly empty: string;
  /** The snapshots held, for the snapshot list. */
  readonly entries: readonly SnapshotEntry[];
  /** The active filters as text, for the filter list. */
  readonly filters: readonly string[];
  /** The lines of a text view (drill-in, help, log). */
  readonly lines: readonly StyledLine[];
  /** Rows of the body. */
  readonly height: number;
  /** Columns of each line. */
  readonly width: number;
}

/**
 * The view's body.
 *
 * @example
 * ```tsx
 * import type { TableOnScreen } from "../hooks/use-tables.ts";
 * import type { View } from "../state/ui.ts";
 * declare const view: View, table: TableOnScreen;
 * <ViewBody view={view} table={table} empty="" entries={[]} filters={[]} lines={[]} height={20} width={100} />
 * ```
 */
export function ViewBody(props: ViewBodyProps): ReactElement {
  const { view, table, entries, filters, lines, height, width } = props;
  let body: ReactElement;
  if (table.view) {
    body = (
      <StatsTable
        data={table.data}
        sort={table.sort}
        order={table.order}
        position={table.position}
        top={table.top}
        height={height - 1}
        width={width}
        empty={props.empty}
        seconds={table.derived?.source.kind === "allocated" ? table.derived.source.seconds : undefined}
      />
    );
  } else if (view.kind === "snapshots") {
    body = (
      <SnapshotList
        entries={entries}
        position={Math.min(view.position, Math.max(0, entries.length - 1))}
        newLabel={view.newLabel}
        oldLabel={view.oldLabel}
        height={height - 1}
        width={width}
      />
    );
  } else if (view.kind === "filters") {
    body = (
      <FilterList
        filters={filters}
        position={Math.min(view.position, Math.max(0, filters.length - 1))}
        height={height - 1}
        width={width}
      />
    );
  } else {
    const last = Math.max(0, lines.length - height);
    // The log follows its end unless scrolled back.
    const scroll = view.kind === "log" ? view.scroll ?? last : Math.min("scroll" in view ? view.scroll : 0, last);
    body = <TextView lines={lines} scroll={scroll} height={height} width={width} />;
  }
  return <Box flexDirection="column" height={height}>{body}</Box>;
}
