/**
 * The keyboard: every key press goes through the keymap to intents, which
 * change the TUI's state, start commands (never waited for) or quit.
 *
 * @module
 */
import { type Key, useInput } from "ink";
import { type Dispatch, useRef } from "react";
import { complete } from "../../src/session/complete.ts";
import { locationOf } from "../components/stats-table.tsx";
import type { Controller } from "../session/controller.ts";
import type { LeakRanking } from "../state/leaks.ts";
import { noteInput } from "../state/idle.ts";
import { handleKey, type Intent, type KeyContext } from "../state/keys.ts";
import { type Action, currentView, isTable, reduce, type UiState } from "../state/ui.ts";
import { resolveCursor, shownSort, type TableOnScreen } from "./use-tables.ts";

/**
 * What the keymap needs from the screen as last drawn.
 *
 * @example
 * ```ts
 * declare const inputs: KeyInputs;
 * useKeys(inputs); // in the app's component, with what it has just drawn
 * ```
 */
export interface KeyInputs {
  /** The TUI's state as last drawn. */
  readonly ui: UiState;
  /** Changes the TUI's state. */
  readonly dispatch: Dispatch<Action>;
  /** Runs the command lines keys ask for. */
  readonly controller: Controller;
  /** Ends the app. */
  readonly quit: () => void;
  /** The table on screen. */
  readonly table: TableOnScreen;
  /** Snapshot labels, oldest first. */
  readonly labels: readonly string[];
  /** The label the session gives the next snapshot taken without one. */
  readonly nextLabel: string;
  /** Entries or lines of the list or text view on screen. */
  readonly length: number;
  /** Rows in a page of the view on screen. */
  readonly page: number;
  /** Whether the target is tracing (`t` stops it, else starts it). */
  readonly tracing: boolean;
  /** The line `t` runs to start tracing. */
  readonly startLine: string;
  /** The leaks view's ranking, when it has one. */
  readonly leaks?: LeakRanking | null;
}

/**
 * Handles the keys. Several keys may arrive before React draws again, so
 * the state each key sees is the one the previous key left, kept in a ref.
 *
 * @example
 * ```tsx
 * declare const inputs: KeyInputs;
 * const { ui, dispatch, controller, quit, table, labels, nextLabel, length, page, tracing, startLine } = inputs;
 * useKeys({ ui, dispatch, controller, quit, table, labels, nextLabel, length, page, tracing, startLine });
 * ```
 */
export function useKeys(inputs: KeyInputs): void {
  const latest = useRef(inputs);
  latest.current = inputs;
  const uiNow = useRef(inputs.ui);
  uiNow.current = inputs.ui;

  const contextFor = (state: UiState): KeyContext => {
    const { table, page, length, labels, nextLabel, tracing, startLine } = latest.current;
    const view = currentView(state);
    const data = table.data;
    // The state may be ahead of the screen (keys typed before it was drawn): its order as it will be shown.
    const sort = isTable(view) && data ? shownSort(data, view.sort) : null;
    const order = sort && data?.orderIfReady(sort);
    return {
      ui: state,
      page,
      table: isTable(view) && data && order && view.kind === table.view?.kind
        ? { data, order, position: resolveCursor(view.cursor, data, sort!) }
        : null,
      length,
      labels,
      tracing,
      startLine,
      defaultLabel: nextLabel,
    };
  };

  const act = (action: Action) => {
    uiNow.current = reduce(uiNow.current, action);
    latest.current.dispatch(action);
  };

  const openDrill = (at: number, context: KeyContext) => {
    const { derived, view } = latest.current.table;
    if (!derived || !view || context.table?.data !== derived.data) return;
    const data = derived.data;
    const row = context.table.order[at];
    const key = data.traceback(row);
    // A row gone from the new snapshot has its traces in the old one.
    const snapshot = data.size[row] === 0 && derived.old ? derived.old : derived.snapshot;
    const where = locationOf(key, data.grouping.keyType).map((p) => p.text).join("");
    const name = view.kind === "live" || view.kind === "allocated"
      ? view.kind
      : view.kind === "snapshot"
      ? view.label
      : `${view.newLabel} vs ${view.oldLabel}`;
    act({
      type: "push",
      view: {
        kind: "traceback",
        request: { title: `${name} #${at + 1}: ${where}`, snapshot, key, grouping: data.grouping },
        scroll: 0,
        newestFirst: false,
      },
    });
  };

  const openLeak = (at: number) => {
    const ranking = latest.current.leaks;
    const leak = ranking?.leaks[at];
    if (!ranking || !leak) return;
    const where = locationOf(leak.traceback, ranking.keyType).map((p) => p.text).join("");
    act({
      type: "push",
      view: {
        kind: "traceback",
        request: {
          title: `leaks #${at + 1} in ${ranking.labels.at(-1)}: ${where}`,
          snapshot: ranking.last,
          key: leak.traceback,
          grouping: { keyType: ranking.keyType, cumulative: false },
        },
        scroll: 0,
        newestFirst: false,
      },
    });
  };

  const completeCommand = () => {
    const prompt = uiNow.current.prompt;
    if (!prompt) return;
    const before = prompt.value.slice(0, prompt.caret);
    const { candidates, word } = complete(latest.current.controller.session, before);
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

  const perform = (intent: Intent, context: KeyContext) => {
    const { controller, quit } = latest.current;
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
        return openDrill(intent.position, context);
      case "drill-leak":
        return openLeak(intent.position);
      case "complete":
        return completeCommand();
    }
  };

  useInput((input: string, key: Key) => {
    noteInput();
    const special = key.return || key.escape || key.tab || key.backspace || key.delete || key.ctrl || key.meta;
    // Text typed ahead arrives in one piece; outside a prompt every character is a key.
    const keys = !uiNow.current.prompt && !special && input.length > 1 ? [...input] : [input];
    for (const one of keys) {
      const own = keys.length > 1 ? keyOf(one, key) : key;
      const context = contextFor(uiNow.current);
      for (const intent of handleKey(one, own, context)) perform(intent, context);
    }
  });
}

/**
 * The key of one character of a chunk typed ahead: `s` then Enter sent at
 * once must open the label prompt and then take it, as typed one by one.
 */
function keyOf(char: string, chunk: Key): Key {
  return { ...chunk, return: char === "\r" || char === "\n", tab: char === "\t", backspace: char === "\x7f" };
}
