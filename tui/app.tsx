/**
 * The TUI: the screen drawn from the session's state, the live feed's, the
 * controller's log and the TUI's own state, redrawn when any of them says
 * it changed; keys turn into commands for the session or changes of the
 * TUI's state, never into writes to the session's state.
 *
 * @module
 */
// @jsxRuntime automatic
// @jsxImportSource react
import { Box, useApp } from "ink";
import { type ReactElement, useCallback, useMemo, useReducer } from "react";
import { filtersKey } from "../src/session/filtered.ts";
import { FilterBar } from "./components/filter-bar.tsx";
import { Footer } from "./components/footer.tsx";
import { Header } from "./components/header.tsx";
import { LEAKS_CHROME, LeaksView } from "./components/leaks-view.tsx";
import { Line } from "./components/line.tsx";
import { OutputPane } from "./components/output-pane.tsx";
import { emptyText, titleOf } from "./components/title.ts";
import { ViewBody } from "./components/view-body.tsx";
import { useAllocated } from "./hooks/use-allocated.ts";
import { useClock } from "./hooks/use-clock.ts";
import { useKeys } from "./hooks/use-keys.ts";
import { useLeaks } from "./hooks/use-leaks.ts";
import { useLifecycle } from "./hooks/use-lifecycle.ts";
import { useStore } from "./hooks/use-store.ts";
import { useTables } from "./hooks/use-tables.ts";
import { type Size, useTerminalSize } from "./hooks/use-terminal-size.ts";
import { useTextLines } from "./hooks/use-text-lines.ts";
import { layout } from "./layout.ts";
import type { Controller } from "./session/controller.ts";
import type { LiveFeed } from "./session/feed.ts";
import { currentView, initialUi, isTable, reduce } from "./state/ui.ts";

/**
 * Props of {@link App}.
 *
 * @example
 * ```ts
 * import type { Controller } from "./session/controller.ts";
 * import type { LiveFeed } from "./session/feed.ts";
 * declare const controller: Controller, feed: LiveFeed;
 * const props: AppProps = { controller, feed, startLine: "start 5", size: { columns: 120, rows: 40 } };
 * ```
 */
export interface AppProps {
  /** Runs the command lines and keeps the log. */
  readonly controller: Controller;
  /** Refreshes the header and the live table. */
  readonly feed: LiveFeed;
  /** The line `t` runs to start tracing, e.g. `start 5`. */
  readonly startLine: string;
  /** Lines run once before the live feed starts, e.g. `run scripts/demo.ts`. */
  readonly startup?: readonly string[];
  /** A fixed screen size (tests); default: the terminal's, following resizes. */
  readonly size?: Size;
  /** Called to quit; default: unmount the Ink app. */
  readonly onQuit?: () => void;
}

const NO_LINES: readonly string[] = [];

/**
 * The whole screen.
 *
 * @example
 * ```tsx
 * import { render } from "ink";
 * import type { Controller } from "./session/controller.ts";
 * import type { LiveFeed } from "./session/feed.ts";
 * declare const controller: Controller, feed: LiveFeed;
 * render(<App controller={controller} feed={feed} startLine="start 5" startup={["run scripts/demo.ts"]} />);
 * ```
 */
export function App(props: AppProps): ReactElement {
  const { controller, feed } = props;
  const { exit } = useApp();
  const { columns, rows } = useTerminalSize(props.size);
  const [ui, dispatch] = useReducer(reduce, undefined, initialUi);
  const held = useStore(controller.session);
  const control = useStore(controller);
  const live = useStore(feed);
  const now = useClock(1000);
  const quit = useCallback(() => (props.onQuit ?? exit)(), [props.onQuit, exit]);
  useLifecycle({
    controller,
    feed,
    dispatch,
    startup: props.startup ?? NO_LINES,
    paused: ui.paused,
    message: ui.message,
    quit,
  });

  const view = currentView(ui);
  const shape = layout(columns, rows);
  const { width } = shape;
  const { filters, snapshots } = held;
  const filterTexts = useMemo(() => filters.map(String), [filters]);
  const entries = useMemo(() => [...snapshots.values()], [snapshots]);
  const labels = useMemo(() => entries.map((e) => e.label), [entries]);
  // Tables and lists give their first body row to column titles.
  const page = Math.max(
    1,
    isTable(view) || view.kind === "snapshots" || view.kind === "filters"
      ? shape.body - 1
      : view.kind === "leaks"
      ? shape.body - LEAKS_CHROME
      : shape.body,
  );
  const leaks = useLeaks(view.kind === "leaks", entries, filters, filtersKey(filters), ui.grouping.keyType);
  const allocated = useAllocated(controller.session, view.kind === "allocated", ui.paused);
  const table = useTables({
    ui,
    snapshots,
    live: live.live,
    filters,
    filtersKey: filtersKey(filters),
    page,
    allocated: allocated.allocated,
  });
  const lines = useTextLines(view, control.log, live.status?.limits ?? NO_LINES, controller.session);
  const length = view.kind === "snapshots"
    ? labels.length
    : view.kind === "filters"
    ? filters.length
    : view.kind === "leaks"
    ? leaks.ranking?.leaks.length ?? 0
    : lines.length;
  const tracing = live.status?.tracing ?? null;
  useKeys({
    ui,
    dispatch,
    controller,
    quit,
    table,
    labels,
    nextLabel: held.nextLabel,
    length,
    page,
    tracing: tracing ?? false,
    startLine: props.startLine,
    leaks: leaks.ranking,
  });

  const title = titleOf(view, {
    data: table.data,
    grouping: ui.grouping,
    paused: ui.paused,
    regrouping: view.kind === "leaks" ? leaks.pending : table.state?.regrouping ?? false,
    shownSort: table.data ? table.sort : undefined,
    snapshots: labels.length,
    filters: filters.length,
    log: control.log.length,
    error: table.state?.error ?? null,
    seconds: view.kind === "allocated" ? allocated.allocated?.seconds : undefined,
  });
  const empty = table.view
    ? emptyText(table.view, {
      exited: !!live.status?.exit,
      tracing,
      pending: (view.kind === "allocated" && allocated.pending) || (table.state?.pending ?? false),
      labels,
      allocatedError: allocated.error,
    })
    : "";
  return (
    <Box flexDirection="column" width={width} height={rows}>
      <Header
        status={live.status}
        samples={live.samples}
        since={live.since}
        now={now}
        snapshots={labels.length}
        busy={control.busy}
        error={live.error}
        width={width}
      />
      <FilterBar filters={filterTexts} width={width} />
      <Line width={width} parts={title} fill inverse />
      {view.kind === "leaks"
        ? (
          <LeaksView
            {...leaks}
            held={labels.length}
            position={view.position}
            height={shape.body}
            width={width}
          />
        )
        : (
          <ViewBody
            view={view}
            table={table}
            empty={empty}
            entries={entries}
            filters={filterTexts}
            lines={lines}
            height={shape.body}
            width={width}
          />
        )}
      {shape.pane ? <OutputPane log={control.log} height={shape.pane} width={width} /> : null}
      <Footer prompt={ui.prompt} message={ui.message} busy={control.busy} view={view.kind} width={width} />
    </Box>
  );
}
