/**
 * The TUI: the screen drawn from the session (through the controller and
 * the live feed) and the TUI's own state, and the keys that change them.
 *
 * @module
 */
import { Box, type Key, useApp, useInput } from "ink";
import { type ReactElement, useCallback, useEffect, useMemo, useReducer, useRef } from "react";
import { complete } from "../src/session/complete.ts";
import { FilterBar } from "./components/filter-bar.tsx";
import { FilterList } from "./components/filter-list.tsx";
import { Footer } from "./components/footer.tsx";
import { Header } from "./components/header.tsx";
import { helpLines } from "./components/help.ts";
import { Line, type Part } from "./components/line.tsx";
import { OutputPane, styleLog } from "./components/output-pane.tsx";
import { SnapshotList } from "./components/snapshot-list.tsx";
import { locationOf, StatsTable } from "./components/stats-table.tsx";
import { type StyledLine, TextView } from "./components/text-view.tsx";
import { useClock } from "./hooks/use-clock.ts";
import { useDerived } from "./hooks/use-derived.ts";
import { useDrill } from "./hooks/use-drill.ts";
import { useStore } from "./hooks/use-store.ts";
import { type Size, useTerminalSize } from "./hooks/use-terminal-size.ts";
import { layout } from "./layout.ts";
import type { Controller } from "./session/controller.ts";
import type { LiveFeed } from "./session/feed.ts";
import type { Derived, TableSource } from "./state/derive.ts";
import type { DrillLine, LineTone } from "./state/drill.ts";
import { noteInput } from "./state/idle.ts";
import { handleKey, type Intent, type KeyContext } from "./state/keys.ts";
import type { Grouping, SortKey, TableData } from "./state/table.ts";
import {
  type Action,
  currentView,
  type Cursor,
  initialUi,
  isTable,
  reduce,
  type TableView,
  type UiState,
  type View,
  visibleTop,
} from "./state/ui.ts";
import { bytes, count } from "./format.ts";

/** Props of {@link App}. */
export interface AppProps {
  readonly controller: Controller;
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

/** How long a message stays on the footer, in ms. */
const MESSAGE_MS = 10_000;

/** A table of stored snapshots. */
type StoredView = Extract<TableView, { kind: "snapshot" | "compare" }>;

/** The position of the cursor's row after a refresh: the same row when it is still there. */
function resolveCursor(cursor: Cursor, data: TableData | null, sort: SortKey): number {
  if (!data || !data.length) return 0;
  const position = Math.min(cursor.position, data.length - 1);
  if (!cursor.key) return position;
  const here = data.tracebacks[data.order(sort)[position]];
  if (here === cursor.key || here.equals(cursor.key)) return position;
  const found = data.positionOf(cursor.key, sort);
  return found >= 0 ? found : position;
}

/** The default label of the next snapshot: the first free one of s1, s2, ... */
function nextLabel(labels: readonly string[]): string {
  let n = 1;
  while (labels.includes(`s${n}`)) n++;
  return `s${n}`;
}

const TONES: Record<LineTone, Omit<Part, "text">> = {
  heading: { bold: true, color: "yellow" },
  frame: { color: "cyan" },
  current: { bold: true },
  context: { dim: true },
  note: { dim: true },
};

function styleDrill(line: DrillLine): StyledLine {
  return { text: line.text, style: TONES[line.tone] };
}

/**
 * The whole screen.
 *
 * @example
 * ```tsx
 * render(<App controller={controller} feed={feed} startLine="start 5" startup={["run scripts/demo.ts"]} />);
 * ```
 */
export function App(props: AppProps): ReactElement {
  const { controller, feed } = props;
  const session = controller.session;
  const { exit } = useApp();
  const { columns, rows } = useTerminalSize(props.size);
  const [ui, dispatch] = useReducer(reduce, undefined, initialUi);
  const control = useStore(controller);
  const live = useStore(feed);
  const now = useClock(1000);
  const quit = useCallback(() => (props.onQuit ?? exit)(), [props.onQuit, exit]);

  useEffect(() => {
    let cancelled = false;
    void (async () => {
      for (const line of props.startup ?? []) await controller.run(line);
      if (!cancelled) feed.start();
    })();
    return () => {
      cancelled = true;
    };
    // Startup runs once, with the controller and feed the app was made with.
  }, []);
  useEffect(() =>
    controller.onNotice((notice) => {
      dispatch({ type: "message", message: { text: notice.text, tone: notice.tone } });
      feed.refresh();
    }), [controller, feed]);
  useEffect(() => controller.onQuit(quit), [controller, quit]);
  useEffect(() => feed.setPaused(ui.paused), [feed, ui.paused]);
  useEffect(() => {
    // A message gives way to the view's keys after a while.
    if (!ui.message) return;
    const timer = setTimeout(() => dispatch({ type: "expire", message: ui.message! }), MESSAGE_MS);
    return () => clearTimeout(timer);
  }, [ui.message]);

  const view = currentView(ui);
  const shape = layout(columns, rows);
  const width = shape.width;
  const filters = session.filters;
  const filterTexts = filters.map(String);
  const filtersKey = filterTexts.join("\n");
  const entries = [...session.snapshots.values()];
  const labels = entries.map((e) => e.label);

  // The live table, derived while it is on screen.
  const liveView = ui.views[0] as TableView;
  const liveSource = useMemo<TableSource | null>(
    () => live.live ? { kind: "live", current: live.live.current, previous: live.live.previous } : null,
    [live.live],
  );
  const liveState = useDerived(
    liveSource,
    filters,
    filtersKey,
    ui.grouping,
    liveView.sort,
    view === liveView,
    feed.reportCost.bind(feed),
  );

  // The topmost snapshot or compare table, derived while it is on screen.
  const stored = ui.views.findLast((v): v is StoredView => v.kind === "snapshot" || v.kind === "compare") ?? null;
  const newSnapshot = stored
    ? session.snapshots.get(stored.kind === "snapshot" ? stored.label : stored.newLabel)?.snapshot
    : undefined;
  const oldSnapshot = stored?.kind === "compare" ? session.snapshots.get(stored.oldLabel)?.snapshot : undefined;
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

  const tableView = isTable(view) ? view : null;
  const tableState = tableView?.kind === "live" ? liveState : tableView ? storedState : null;
  // A stored table made from another pair of snapshots would be misleading: wait for the right one.
  const derived: Derived | null = tableView && tableState?.derived &&
      (tableView.kind === "live" || tableState.derived.source === storedSource)
    ? tableState.derived
    : null;
  const data = derived?.data ?? null;
  const page = Math.max(
    1,
    isTable(view) || view.kind === "snapshots" || view.kind === "filters" ? shape.body - 1 : shape.body,
  );
  const position = tableView ? resolveCursor(tableView.cursor, data, tableView.sort) : 0;
  const top = tableView ? visibleTop(Math.min(tableView.cursor.top, position), position, page) : 0;

  const drillRequest = view.kind === "traceback" ? view.request : null;
  const drill = useDrill(drillRequest, view.kind === "traceback" && view.newestFirst);
  const help = useMemo(() => helpLines(live.status?.limits ?? []), [live.status?.limits]);
  const textLines: readonly StyledLine[] = view.kind === "traceback"
    ? (drill ?? [{ text: "reading tracebacks…", tone: "note" as const }]).map(styleDrill)
    : view.kind === "help"
    ? help
    : view.kind === "log"
    ? control.log.map(styleLog)
    : [];
  const length = view.kind === "snapshots"
    ? labels.length
    : view.kind === "filters"
    ? filters.length
    : textLines.length;

  // Key handling reads the latest state through refs: several keys may arrive before React renders again.
  const latest = useRef({ ui, data, derived, tableView, labels, length, page });
  latest.current = { ui, data, derived, tableView, labels, length, page };
  const uiNow = useRef(ui);
  uiNow.current = ui;

  const contextFor = (state: UiState): KeyContext => {
    const l = latest.current;
    const v = currentView(state);
    const table = isTable(v) && l.data && (v.kind === l.tableView?.kind)
      ? { data: l.data, position: resolveCursor(v.cursor, l.data, v.sort) }
      : null;
    return {
      ui: state,
      page: l.page,
      table,
      length: l.length,
      labels: l.labels,
      tracing: live.status?.tracing ?? false,
      startLine: props.startLine,
      defaultLabel: nextLabel(l.labels),
    };
  };

  const act = (action: Action) => {
    uiNow.current = reduce(uiNow.current, action);
    dispatch(action);
  };

  const perform = (intent: Intent) => {
    switch (intent.type) {
      case "ui":
        return act(intent.action);
      case "run":
        // Not awaited: the controller reports through notices and its state.
        void controller.run(intent.line, intent.echo);
        return;
      case "quit":
        return quit();
      case "delete-snapshot":
        return controller.deleteSnapshot(intent.label);
      case "drill":
        return openDrill(intent.position);
      case "complete":
        return completeCommand();
    }
  };

  const openDrill = (at: number) => {
    const { derived: d, tableView: v } = latest.current;
    if (!d || !v) return;
    const row = d.data.order(v.sort)[at];
    const key = d.data.tracebacks[row];
    const snapshot = d.data.size[row] === 0 && d.old ? d.old : d.snapshot;
    const where = locationOf(key, d.data.grouping.keyType).map((p) => p.text).join("");
    const name = v.kind === "live" ? "live" : v.kind === "snapshot" ? v.label : `${v.newLabel} vs ${v.oldLabel}`;
    act({
      type: "push",
      view: {
        kind: "traceback",
        request: { title: `${name} #${at + 1}: ${where}`, snapshot, key, grouping: d.data.grouping },
        scroll: 0,
        newestFirst: false,
      },
    });
  };

  const completeCommand = () => {
    const prompt = uiNow.current.prompt;
    if (!prompt) return;
    const before = prompt.value.slice(0, prompt.caret);
    const { candidates, word } = complete(session, before);
    if (!candidates.length) return;
    let common = candidates[0];
    for (const c of candidates) while (!c.startsWith(common)) common = common.slice(0, -1);
    const insert = common.slice(word.length) + (candidates.length === 1 && !common.endsWith("/") ? " " : "");
    act({
      type: "prompt-edit",
      value: before + insert + prompt.value.slice(prompt.caret),
      caret: prompt.caret + insert.length,
      note: candidates.length > 1 ? candidates.join("  ") : undefined,
    });
  };

  useInput((input: string, key: Key) => {
    noteInput();
    const special = key.return || key.escape || key.tab || key.backspace || key.delete || key.ctrl || key.meta;
    // Text typed ahead arrives in one piece; outside a prompt every character is a key.
    const keys = !uiNow.current.prompt && !special && input.length > 1 ? [...input] : [input];
    for (const one of keys) {
      for (const intent of handleKey(one, key, contextFor(uiNow.current))) perform(intent);
    }
  });

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
      <Line
        width={width}
        parts={titleOf(view, {
          data,
          grouping: ui.grouping,
          paused: ui.paused,
          pending: tableState?.regrouping ?? false,
          labels,
          filters: filters.length,
          log: control.log.length,
          took: live.took,
          tracing: live.status?.tracing ?? null,
          error: tableState?.error ?? null,
        })}
        fill
        inverse
      />
      <Box flexDirection="column" height={shape.body}>
        {tableView
          ? (
            <StatsTable
              data={data}
              sort={tableView.sort}
              position={position}
              top={top}
              height={shape.body - 1}
              width={width}
              empty={emptyText(
                tableView,
                !!live.status?.exit,
                live.status?.tracing ?? null,
                tableState?.pending ?? false,
                labels,
              )}
            />
          )
          : view.kind === "snapshots"
          ? (
            <SnapshotList
              entries={entries}
              position={Math.min(view.position, Math.max(0, entries.length - 1))}
              newLabel={view.newLabel}
              oldLabel={view.oldLabel}
              height={shape.body - 1}
              width={width}
            />
          )
          : view.kind === "filters"
          ? (
            <FilterList
              filters={filterTexts}
              position={Math.min(view.position, Math.max(0, filters.length - 1))}
              height={shape.body - 1}
              width={width}
            />
          )
          : (
            <TextView
              lines={textLines}
              scroll={view.kind === "log"
                ? (view.scroll ?? Math.max(0, textLines.length - shape.body))
                : Math.min("scroll" in view ? view.scroll : 0, Math.max(0, textLines.length - shape.body))}
              height={shape.body}
              width={width}
            />
          )}
      </Box>
      {shape.pane ? <OutputPane log={control.log} height={shape.pane} width={width} /> : null}
      <Footer prompt={ui.prompt} message={ui.message} busy={control.busy} view={view.kind} width={width} />
    </Box>
  );
}

interface TitleFacts {
  readonly data: TableData | null;
  readonly grouping: Grouping;
  readonly paused: boolean;
  readonly pending: boolean;
  readonly labels: readonly string[];
  readonly filters: number;
  readonly log: number;
  readonly took: number;
  readonly tracing: boolean | null;
  readonly error: string | null;
}

const SORT_NAMES: Record<SortKey, string> = {
  size: "size",
  count: "count",
  average: "average",
  growth: "growth (as compareTo)",
};

/** The view's title bar: what is shown and how it is grouped and sorted. */
function titleOf(view: View, facts: TitleFacts): Part[] {
  const { data } = facts;
  if (isTable(view)) {
    const name = view.kind === "live"
      ? facts.paused ? " LIVE (PAUSED: space resumes)" : " LIVE"
      : view.kind === "snapshot"
      ? ` SNAPSHOT ${view.label}`
      : ` COMPARE ${view.newLabel} (new) with ${view.oldLabel} (base)`;
    const { keyType, cumulative } = facts.grouping;
    const parts: Part[] = [
      { text: name, bold: true },
      { text: ` · by ${keyType}${cumulative ? ", cumulative" : ""} · sorted by ${SORT_NAMES[view.sort]}` },
    ];
    if (facts.pending) parts.push({ text: " · updating…", color: "yellow" });
    if (data) {
      const totals = data.totals;
      parts.push({
        text: ` · ${data.length} row${data.length === 1 ? "" : "s"} · ${bytes(totals.size)} in ${
          count(totals.count)
        } blocks`,
      });
      if (data.kind === "compare") parts.push({ text: ` (${bytes(totals.sizeDiff, true)})` });
    }
    if (facts.error) parts.push({ text: ` · failed: ${facts.error}` });
    return parts;
  }
  switch (view.kind) {
    case "snapshots":
      return [{ text: ` SNAPSHOTS · ${facts.labels.length} held`, bold: true }];
    case "filters":
      return [{ text: ` FILTERS · ${facts.filters} active`, bold: true }];
    case "traceback":
      return [
        { text: ` TRACEBACKS of ${view.request.title}`, bold: true },
        { text: ` · ${view.newestFirst ? "newest frame first" : "oldest frame first"} (r flips)` },
      ];
    case "help":
      return [{ text: " HELP", bold: true }];
    case "log":
      return [{ text: ` LOG · ${facts.log} lines`, bold: true }];
  }
}

function emptyText(
  view: TableView,
  exited: boolean,
  tracing: boolean | null,
  pending: boolean,
  labels: readonly string[],
): string {
  if (pending) return "computing statistics…";
  if (view.kind === "live") {
    if (exited) return "the program has ended before any traces were taken (snapshots taken before stay usable)";
    if (tracing === null) return "waiting for the program…";
    return tracing ? "no traces yet (or none left after the filters)" : "not tracing: press t to start";
  }
  const missing = (view.kind === "snapshot" ? [view.label] : [view.newLabel, view.oldLabel])
    .filter((l) => !labels.includes(l));
  if (missing.length) return `snapshot ${missing.join(" and ")} no longer exists (Esc goes back)`;
  return "no traces (or none left after the filters)";
}
