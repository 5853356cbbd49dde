/**
 * The TUI's own state (which view is open, where the cursor is, what is
 * being typed) and the reducer that changes it. Pure: the session's state
 * lives in the session, and the screen is drawn from both.
 *
 * @module
 */
import type { Traceback } from "../../src/model/traceback.ts";
import type { DrillRequest } from "./drill.ts";
import { GROUP_KEYS, type Grouping, SORT_KEYS, type SortKey } from "./table.ts";

/**
 * The cursor of a table: its position in the sorted rows, the first row shown, and the selected row's key.
 *
 * @example
 * ```ts
 * const fourth: Cursor = { ...START, position: 3 }; // the fourth row selected, the first row on top
 * ```
 */
export interface Cursor {
  /** The selected row's position in sort order. */
  readonly position: number;
  /** The position in sort order of the first row shown. */
  readonly top: number;
  /** Keeps the same row selected when a refresh moves it. */
  readonly key: Traceback | null;
}

/**
 * A table of statistics: the live target, one snapshot, or two compared.
 *
 * @example
 * ```ts
 * const view: TableView = { kind: "compare", newLabel: "s2", oldLabel: "s1", sort: "growth", cursor: START };
 * ```
 */
export type TableView =
  | { readonly kind: "live"; readonly sort: SortKey; readonly cursor: Cursor }
  | { readonly kind: "snapshot"; readonly label: string; readonly sort: SortKey; readonly cursor: Cursor }
  | {
    readonly kind: "compare";
    readonly newLabel: string;
    readonly oldLabel: string;
    readonly sort: SortKey;
    readonly cursor: Cursor;
  }
  /** Allocations per line since tracing started or was cleared, freed included (`a`). */
  | { readonly kind: "allocated"; readonly sort: SortKey; readonly cursor: Cursor };

/**
 * Every view; the last of `UiState.views` is on screen.
 *
 * @example
 * ```ts
 * const log: View = { kind: "log", scroll: null }; // follows the end of the log
 * ```
 */
export type View =
  | TableView
  | {
    readonly kind: "snapshots";
    readonly position: number;
    readonly newLabel: string | null;
    readonly oldLabel: string | null;
  }
  | { readonly kind: "filters"; readonly position: number }
  | {
    readonly kind: "traceback";
    readonly request: DrillRequest;
    readonly scroll: number;
    readonly newestFirst: boolean;
  }
  /** What keeps the objects of a drilled row alive (Enter in a drill-in). */
  | { readonly kind: "retainers"; readonly request: DrillRequest; readonly scroll: number }
  | { readonly kind: "help"; readonly scroll: number }
  /** The places that grew steadily over the snapshots held (`l`); `position` is the selected row. */
  | { readonly kind: "leaks"; readonly position: number }
  /** `scroll` is the first line shown, or null to follow the end. */
  | { readonly kind: "log"; readonly scroll: number | null };

/**
 * What a prompt asks for.
 *
 * @example
 * ```ts
 * const kind: PromptKind = "dump"; // a file name to write a snapshot to
 * ```
 */
export type PromptKind = "label" | "glob" | "domain" | "dump" | "export" | "command";

/**
 * A one-line text input at the bottom of the screen.
 *
 * @example
 * ```ts
 * import { openPrompt } from "./keys.ts";
 * const prompt: Prompt = openPrompt("label", "s3");
 * reduce(initialUi(), { type: "prompt", prompt }).prompt?.placeholder; // "s3"
 * ```
 */
export interface Prompt {
  /** What the prompt asks for. */
  readonly kind: PromptKind;
  /** Shown before the text. */
  readonly title: string;
  /** Shown after the text: what Enter does, what is accepted. */
  readonly hint: string;
  /** The text typed so far. */
  readonly value: string;
  /** Caret position in `value`. */
  readonly caret: number;
  /** Taken when Enter is pressed on an empty value. */
  readonly placeholder: string;
  /** The snapshot a dump or export prompt is about. */
  readonly label?: string;
  /** The base of an export prompt's comparison (the snapshot marked `b`). */
  readonly base?: string;
  /** Index into the command history while recalling, else null. */
  readonly recall: number | null;
  /** Shown after the text until the next edit (completions). */
  readonly note?: string;
}

/**
 * A line of feedback under the table.
 *
 * @example
 * ```ts
 * const taken: Message = { text: "snapshot s1 taken", tone: "info" };
 * reduce(initialUi(), { type: "message", message: taken }).message?.text; // "snapshot s1 taken"
 * ```
 */
export interface Message {
  /** The text, one line. */
  readonly text: string;
  /** `error` shows it in red, `info` in green. */
  readonly tone: "info" | "error";
}

/**
 * Everything the TUI itself remembers.
 *
 * @example
 * ```ts
 * const ui: UiState = initialUi();
 * ui.views.length; // 1: the live table
 * ```
 */
export interface UiState {
  /** Every view opened, the one on screen last. */
  readonly views: readonly View[];
  /** How the tables are grouped (`g`, `C`). */
  readonly grouping: Grouping;
  /** Whether the live table is paused (space). */
  readonly paused: boolean;
  /** The prompt being typed into, or null. */
  readonly prompt: Prompt | null;
  /** Command lines typed after `:`, oldest first. */
  readonly history: readonly string[];
  /** Feedback shown in the footer, or null. */
  readonly message: Message | null;
}

/**
 * A cursor at the first row.
 *
 * @example
 * ```ts
 * const live: View = { kind: "live", sort: "size", cursor: START };
 * ```
 */
export const START: Cursor = { position: 0, top: 0, key: null };

/**
 * The state the TUI opens with: the live table, grouped by line.
 *
 * @example
 * ```ts
 * import { useReducer } from "react";
 * const [ui, dispatch] = useReducer(reduce, undefined, initialUi);
 * ```
 */
export function initialUi(): UiState {
  return {
    views: [{ kind: "live", sort: "size", cursor: START }],
    grouping: { keyType: "lineno", cumulative: false },
    paused: false,
    prompt: null,
    history: [],
    message: null,
  };
}

/**
 * The changes the reducer knows.
 *
 * @example
 * ```ts
 * const action: Action = { type: "cycle-sort" };
 * currentView(reduce(initialUi(), action)); // { kind: "live", sort: "count", cursor: START }
 * ```
 */
export type Action =
  | { readonly type: "push"; readonly view: View }
  | { readonly type: "pop" }
  /** Replaces the view on screen (same kind, new fields). */
  | { readonly type: "replace"; readonly view: View }
  /** Moves a table cursor to `position` (already clamped), keeping it within a page of `page` rows. */
  | { readonly type: "cursor"; readonly position: number; readonly key: Traceback | null; readonly page: number }
  /** Moves a list cursor or scrolls a text view to `position` (already clamped). */
  | { readonly type: "scroll"; readonly position: number | null }
  | { readonly type: "cycle-group" }
  | { readonly type: "toggle-cumulative" }
  | { readonly type: "cycle-sort" }
  | { readonly type: "toggle-pause" }
  | { readonly type: "toggle-newest-first" }
  | { readonly type: "prompt"; readonly prompt: Prompt }
  | {
    readonly type: "prompt-edit";
    readonly value: string;
    readonly caret: number;
    readonly recall?: number | null;
    readonly note?: string;
  }
  | { readonly type: "prompt-close" }
  | { readonly type: "remember"; readonly line: string }
  | { readonly type: "message"; readonly message: Message | null }
  /** Clears `message` if it is still the one shown. */
  | { readonly type: "expire"; readonly message: Message };

/**
 * The view on screen.
 *
 * @example
 * ```ts
 * currentView(initialUi()).kind; // "live"
 * ```
 */
export function currentView(state: UiState): View {
  return state.views[state.views.length - 1];
}

/**
 * Whether `view` shows a table of statistics.
 *
 * @example
 * ```ts
 * isTable({ kind: "help", scroll: 0 }); // false
 * ```
 */
export function isTable(view: View): view is TableView {
  return view.kind === "live" || view.kind === "snapshot" || view.kind === "compare" || view.kind === "allocated";
}

/**
 * The first row to show so that `position` is visible in a page of `page`
 * rows, moving as little as possible from `top`.
 *
 * @example
 * ```ts
 * visibleTop(0, 25, 10); // 16
 * ```
 */
export function visibleTop(top: number, position: number, page: number): number {
  if (position < top) return position;
  if (position >= top + page) return position - Math.max(1, page) + 1;
  return top;
}

function withCurrent(state: UiState, view: View): UiState {
  return { ...state, views: [...state.views.slice(0, -1), view] };
}

/**
 * The next state after `action`.
 *
 * @example
 * ```ts
 * reduce(initialUi(), { type: "cycle-sort" }).views[0]; // { kind: "live", sort: "count", ... }
 * ```
 */
export function reduce(state: UiState, action: Action): UiState {
  const view = currentView(state);
  switch (action.type) {
    case "push":
      return { ...state, views: [...state.views, action.view], message: null };
    case "pop":
      return state.views.length > 1 ? { ...state, views: state.views.slice(0, -1), message: null } : state;
    case "replace":
      return withCurrent(state, action.view);
    case "cursor": {
      if (!isTable(view)) return state;
      const top = visibleTop(view.cursor.top, action.position, action.page);
      return withCurrent(state, { ...view, cursor: { position: action.position, top, key: action.key } });
    }
    case "scroll":
      if (view.kind === "snapshots" || view.kind === "filters" || view.kind === "leaks") {
        return withCurrent(state, { ...view, position: action.position ?? 0 });
      }
      if (view.kind === "traceback" || view.kind === "retainers" || view.kind === "help") {
        return withCurrent(state, { ...view, scroll: action.position ?? 0 });
      }
      if (view.kind === "log") return withCurrent(state, { ...view, scroll: action.position });
      return state;
    case "cycle-group": {
      const next = GROUP_KEYS[(GROUP_KEYS.indexOf(state.grouping.keyType) + 1) % GROUP_KEYS.length];
      // Cumulative sums are not defined per traceback (tracemalloc refuses them).
      const grouping = { keyType: next, cumulative: next === "traceback" ? false : state.grouping.cumulative };
      return { ...state, grouping, views: state.views.map(resetCursor) };
    }
    case "toggle-cumulative":
      if (state.grouping.keyType === "traceback") {
        return {
          ...state,
          message: { text: "cumulative does not apply when grouping by traceback (g to change)", tone: "error" },
        };
      }
      return {
        ...state,
        grouping: { ...state.grouping, cumulative: !state.grouping.cumulative },
        views: state.views.map(resetCursor),
      };
    case "cycle-sort": {
      if (!isTable(view)) return state;
      // Allocations have no growth: their sorts are bytes, allocations and average.
      const keys = view.kind === "allocated" ? SORT_KEYS.filter((k) => k !== "growth") : SORT_KEYS;
      return withCurrent(state, { ...view, sort: keys[(keys.indexOf(view.sort) + 1) % keys.length], cursor: START });
    }
    case "toggle-pause":
      return { ...state, paused: !state.paused };
    case "toggle-newest-first":
      if (view.kind !== "traceback") return state;
      return withCurrent(state, { ...view, newestFirst: !view.newestFirst, scroll: 0 });
    case "prompt":
      return { ...state, prompt: action.prompt, message: null };
    case "prompt-edit":
      if (!state.prompt) return state;
      return {
        ...state,
        prompt: {
          ...state.prompt,
          value: action.value,
          caret: action.caret,
          recall: action.recall === undefined ? state.prompt.recall : action.recall,
          note: action.note,
        },
      };
    case "prompt-close":
      return { ...state, prompt: null };
    case "remember":
      if (!action.line.trim() || state.history.at(-1) === action.line) return state;
      return { ...state, history: [...state.history.slice(-199), action.line] };
    case "message":
      return { ...state, message: action.message };
    case "expire":
      return state.message === action.message ? { ...state, message: null } : state;
  }
}

/** Regrouping changes every row: tables start again from the top. */
function resetCursor(view: View): View {
  return isTable(view) ? { ...view, cursor: START } : view;
}
