/**
 * The words of the title bar (which view, how grouped and sorted, how big)
 * and of an empty table (why there is nothing to show).
 *
 * @module
 */
import { bytes, count } from "../format.ts";
import type { Grouping, SortKey, TableData } from "../state/table.ts";
import { isTable, type TableView, type View } from "../state/ui.ts";
import { perSecond } from "../../src/session/commands/allocated.ts";
import type { Part } from "./line.tsx";

/**
 * What the title bar needs to know besides the view.
 *
 * @example
 * ```ts
 * const facts: TitleFacts = {
 *   data: null, grouping: { keyType: "lineno", cumulative: false }, paused: true, regrouping: false,
 *   snapshots: 2, filters: 0, log: 40, error: null,
 * };
 * titleOf({ kind: "snapshots", position: 0, newLabel: null, oldLabel: null }, facts)[0].text; // " SNAPSHOTS · 2 held"
 * ```
 */
export interface TitleFacts {
  /** The table on screen, or null when there is none yet. */
  readonly data: TableData | null;
  /** The grouping asked for (the table may still have the previous one). */
  readonly grouping: Grouping;
  /** Whether the live table is paused (space). */
  readonly paused: boolean;
  /** A new grouping or filter set is being applied (in the leaks view: a new ranking is being made). */
  readonly regrouping: boolean;
  /** The order the rows are shown in, when it is not yet the view's (its order is being computed). */
  readonly shownSort?: SortKey;
  /** Number of snapshots held. */
  readonly snapshots: number;
  /** Number of active filters. */
  readonly filters: number;
  /** Number of lines in the log. */
  readonly log: number;
  /** Why the table could not be made, or null. */
  readonly error: string | null;
  /** The span of the allocated view, in seconds, when it has one. */
  readonly seconds?: number;
}

const SORT_NAMES: Record<SortKey, string> = {
  size: "size",
  count: "count",
  average: "average",
  growth: "growth (as compareTo)",
};

/**
 * The title bar of `view`.
 *
 * @example
 * ```ts
 * import { START } from "../state/ui.ts";
 * const facts: TitleFacts = {
 *   data: null, grouping: { keyType: "lineno", cumulative: false }, paused: false, regrouping: false,
 *   snapshots: 0, filters: 0, log: 0, error: null,
 * };
 * titleOf({ kind: "live", sort: "size", cursor: START }, facts).map((p) => p.text).join(""); // " LIVE · by lineno · sorted by size"
 * ```
 */
export function titleOf(view: View, facts: TitleFacts): Part[] {
  const { data } = facts;
  if (isTable(view)) {
    const name = view.kind === "live"
      ? facts.paused ? " LIVE (PAUSED: space resumes)" : " LIVE"
      : view.kind === "snapshot"
      ? ` SNAPSHOT ${view.label}`
      : view.kind === "allocated"
      ? ` ALLOCATED, freed included${facts.seconds === undefined ? "" : `, over ${facts.seconds.toFixed(1)} s`}`
      : ` COMPARE ${view.newLabel} (new) with ${view.oldLabel} (base)`;
    const { keyType, cumulative } = facts.grouping;
    const sorted = facts.shownSort ?? view.sort;
    const parts: Part[] = [
      { text: name, bold: true },
      { text: ` · by ${keyType}${cumulative ? ", cumulative" : ""} · sorted by ${SORT_NAMES[sorted]}` },
    ];
    if (facts.regrouping) parts.push({ text: " · updating…", color: "yellow" });
    else if (sorted !== view.sort) parts.push({ text: ` · sorting by ${view.sort}…`, color: "yellow" });
    if (data?.kind === "allocated") {
      const totals = data.totals;
      const rows = `${data.length} row${data.length === 1 ? "" : "s"}`;
      const per = (n: number) => facts.seconds ? n / facts.seconds : 0;
      parts.push({
        text: ` · ${rows} · ${bytes(per(totals.size))}/s in ${perSecond(per(totals.count))} allocations/s`,
      });
    } else if (data) {
      const totals = data.totals;
      const rows = `${data.length} row${data.length === 1 ? "" : "s"}`;
      parts.push({ text: ` · ${rows} · ${bytes(totals.size)} in ${count(totals.count)} blocks` });
      if (data.kind === "compare") parts.push({ text: ` (${bytes(totals.sizeDiff, true)})` });
    }
    if (facts.error) parts.push({ text: ` · failed: ${facts.error}`, color: "red" });
    return parts;
  }
  switch (view.kind) {
    case "snapshots":
      return [{ text: ` SNAPSHOTS · ${facts.snapshots} held`, bold: true }];
    case "filters":
      return [{ text: ` FILTERS · ${facts.filters} active`, bold: true }];
    case "leaks":
      return [
        { text: ` LEAKS over ${facts.snapshots} snapshots`, bold: true },
        { text: ` · by ${facts.grouping.keyType} · every snapshot held, in the order taken · steadiest first` },
        // The previous ranking stays on screen while the one asked for is made.
        ...(facts.regrouping ? [{ text: " · updating…", color: "yellow" }] : []),
      ];
    case "traceback":
      return [
        { text: ` TRACEBACKS of ${view.request.title}`, bold: true },
        { text: ` · ${view.newestFirst ? "newest frame first" : "oldest frame first"} (r flips)` },
      ];
    case "retainers":
      return [
        { text: ` RETAINERS of ${view.request.title}`, bold: true },
        { text: " · what keeps its live objects alive, from a heap snapshot of the program" },
      ];
    case "help":
      return [{ text: " HELP", bold: true }];
    case "log":
      return [{ text: ` LOG · ${facts.log} lines`, bold: true }];
  }
}

/**
 * What the screen knows about why a table may be empty.
 *
 * @example
 * ```ts
 * import { START } from "../state/ui.ts";
 * const facts: EmptyFacts = { exited: false, tracing: true, pending: false, labels: ["s1"] };
 * emptyText({ kind: "snapshot", label: "s2", sort: "size", cursor: START }, facts);
 * // "snapshot s2 no longer exists (Esc goes back)"
 * ```
 */
export interface EmptyFacts {
  /** Whether the target has exited. */
  readonly exited: boolean;
  /** Null until the target's first status. */
  readonly tracing: boolean | null;
  /** Whether the table is still being computed. */
  readonly pending: boolean;
  /** Labels of the snapshots held. */
  readonly labels: readonly string[];
  /** Why the allocated view has nothing (the engine cannot count them, say). */
  readonly allocatedError?: string | null;
}

/**
 * Why the table of `view` has no row.
 *
 * @example
 * ```ts
 * import { START } from "../state/ui.ts";
 * const facts: EmptyFacts = { exited: false, tracing: false, pending: false, labels: [] };
 * emptyText({ kind: "live", sort: "size", cursor: START }, facts); // "not tracing: press t to start"
 * ```
 */
export function emptyText(view: TableView, facts: EmptyFacts): string {
  if (facts.pending) return "computing statistics…";
  if (view.kind === "live") {
    if (facts.exited) return "the program ended before any traces were taken (snapshots taken before stay usable)";
    if (facts.tracing === null) return "waiting for the program…";
    return facts.tracing ? "no traces yet (or none left after the filters)" : "not tracing: press t to start";
  }
  if (view.kind === "allocated") {
    if (facts.allocatedError) return `${facts.allocatedError} (a or Esc goes back)`;
    if (facts.tracing === false) return "not tracing: press t to start";
    return "no allocations counted yet (or none left after the filters)";
  }
  const missing = (view.kind === "snapshot" ? [view.label] : [view.newLabel, view.oldLabel])
    .filter((l) => !facts.labels.includes(l));
  if (missing.length) return `snapshot ${missing.join(" and ")} no longer exists (Esc goes back)`;
  return "no traces (or none left after the filters)";
}
