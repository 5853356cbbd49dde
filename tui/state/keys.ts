/**
 * What each key does, in each view and in prompts: a pure function from a
 * key press and what is on screen to intents (state changes for the
 * reducer, command lines for the session, quitting). Key handlers never
 * wait: commands run on their own and report when done.
 *
 * @module
 */
import type { Key } from "ink";
import { DOMAIN_HINT, domainFilter, GLOB_HINT, globFilter } from "./filters.ts";
import type { TableData } from "./table.ts";
import { quote } from "../../src/session/tokenize.ts";
import { type Action, currentView, isTable, type Prompt, type PromptKind, START, type UiState } from "./ui.ts";

/**
 * Something a key press asks for.
 *
 * @example
 * ```ts
 * const snapshot: Intent = { type: "run", line: "snapshot", echo: false };
 * ```
 */
export type Intent =
  | { readonly type: "ui"; readonly action: Action }
  /** Run a line of the command language; `echo` shows it in the log first (typed after `:`). */
  | { readonly type: "run"; readonly line: string; readonly echo: boolean }
  | { readonly type: "quit" }
  /** Open the tracebacks of the row at `position` of the table on screen. */
  | { readonly type: "drill"; readonly position: number }
  /** Open the tracebacks of the place at `position` of the leaks view. */
  | { readonly type: "drill-leak"; readonly position: number }
  | { readonly type: "delete-snapshot"; readonly label: string }
  /** Complete the word before the caret of the command line. */
  | { readonly type: "complete" };

/**
 * What the keymap needs to know about the screen and the session.
 *
 * @example
 * ```ts
 * import { initialUi } from "./ui.ts";
 * const context: KeyContext = {
 *   ui: initialUi(), page: 20, table: null, length: 0, labels: [], tracing: false, startLine: "start 5", defaultLabel: "s1",
 * };
 * ```
 */
export interface KeyContext {
  /** The TUI's state as last drawn. */
  readonly ui: UiState;
  /** Rows of the list or text on screen that fit in one page. */
  readonly page: number;
  /**
   * The table on screen, the order its rows are shown in, and the cursor's
   * position in that order (after following its row across refreshes).
   */
  readonly table: { readonly data: TableData; readonly order: Uint32Array; readonly position: number } | null;
  /** Number of entries (snapshots, filters) or lines (drill-in, help, log) of the view on screen. */
  readonly length: number;
  /** Snapshot labels, oldest first. */
  readonly labels: readonly string[];
  /** Whether the target is tracing (`t` stops it, else starts it). */
  readonly tracing: boolean;
  /** The line `t` runs to start tracing, e.g. `start 5`. */
  readonly startLine: string;
  /** The label the session gives a snapshot when none is typed (shown in the prompt). */
  readonly defaultLabel: string;
}

const ui = (action: Action): Intent => ({ type: "ui", action });
const message = (text: string, tone: "info" | "error" = "error"): Intent =>
  ui({ type: "message", message: { text, tone } });

/**
 * A new prompt of `kind`.
 *
 * @example
 * ```ts
 * openPrompt("label", "s3").title; // "snapshot label"
 * ```
 */
export function openPrompt(kind: PromptKind, placeholder = "", label?: string, base?: string): Prompt {
  const titles: Record<PromptKind, [string, string]> = {
    label: ["snapshot label", "Enter takes the snapshot · Esc cancels"],
    glob: ["glob filter", GLOB_HINT],
    domain: ["domain filter", DOMAIN_HINT],
    dump: [`dump ${label ?? ""} to file`, "Enter writes the snapshot in the binary dump format · Esc cancels"],
    export: [
      `export ${label ?? ""}${base ? ` compared with ${base}` : ""} to file`,
      "Enter writes it; the name gives the format: .html, .pb.gz (pprof), .heapprofile, .speedscope.json · Esc cancels",
    ],
    command: [":", "a REPL command, e.g. stats --limit 5 · Tab completes · ↑↓ history · help lists commands"],
  };
  const [title, hint] = titles[kind];
  return { kind, title, hint, value: "", caret: 0, placeholder, label, ...(base ? { base } : {}), recall: null };
}

/** A key with no modifier or special key: plain typed text. */
function plain(key: Key): boolean {
  return !(key.ctrl || key.meta || key.return || key.escape || key.tab || key.backspace || key.delete ||
    key.upArrow || key.downArrow || key.leftArrow || key.rightArrow || key.pageUp || key.pageDown ||
    key.home || key.end);
}

/**
 * The intents of one key press. `input` is one character (or one special
 * key); the caller splits typed-ahead text into characters outside prompts.
 *
 * @example
 * ```ts
 * import type { Key } from "ink";
 * declare const noKey: Key;
 * declare const context: KeyContext;
 * handleKey("o", noKey, context); // [{ type: "ui", action: { type: "cycle-sort" } }]
 * ```
 */
export function handleKey(input: string, key: Key, context: KeyContext): Intent[] {
  if (key.ctrl && input === "c") return [{ type: "quit" }];
  if (context.ui.prompt) return promptKey(input, key, context.ui.prompt, context);
  const view = currentView(context.ui);
  const moved = movement(input, key, context);
  if (moved) return moved;
  if (key.escape) {
    if (context.ui.views.length > 1) return [ui({ type: "pop" })];
    return context.ui.message ? [ui({ type: "message", message: null })] : [];
  }
  if (key.return) return enter(context);
  if (!plain(key)) return [];
  switch (input) {
    case "q":
      return [{ type: "quit" }];
    case "?":
      return view.kind === "help" ? [ui({ type: "pop" })] : [ui({ type: "push", view: { kind: "help", scroll: 0 } })];
    case "t":
      return [{ type: "run", line: context.tracing ? "stop" : context.startLine, echo: false }];
    case "s":
      return [ui({ type: "prompt", prompt: openPrompt("label", context.defaultLabel) })];
    case "c":
      return compare(context);
    case "/":
      return [ui({ type: "prompt", prompt: openPrompt("glob") })];
    case "d":
      return [ui({ type: "prompt", prompt: openPrompt("domain") })];
    case "g":
      return [ui({ type: "cycle-group" })];
    case "C":
      return [ui({ type: "toggle-cumulative" })];
    case "o":
      return isTable(view) ? [ui({ type: "cycle-sort" })] : [];
    case "a":
      return view.kind === "allocated"
        ? [ui({ type: "pop" })]
        : [ui({ type: "push", view: { kind: "allocated", sort: "size", cursor: START } })];
    case "l":
      return leaks(context);
    case " ":
      return [ui({ type: "toggle-pause" })];
    case ":":
      return [ui({ type: "prompt", prompt: openPrompt("command") })];
    case "S":
      return view.kind === "snapshots" ? [] : [ui({
        type: "push",
        view: { kind: "snapshots", position: Math.max(0, context.labels.length - 1), newLabel: null, oldLabel: null },
      })];
    case "F":
      return view.kind === "filters" ? [] : [ui({ type: "push", view: { kind: "filters", position: 0 } })];
    case "L":
      return view.kind === "log" ? [] : [ui({ type: "push", view: { kind: "log", scroll: null } })];
    case "R":
      return [{ type: "run", line: "reset-peak", echo: false }];
    case "X":
      return [{ type: "run", line: "clear", echo: false }];
  }
  return viewKey(input, context);
}

/** Arrows, j/k, pages, Home/End: the cursor of a table or list, or the scroll of a text. */
function movement(input: string, key: Key, context: KeyContext): Intent[] | null {
  const { page } = context;
  let delta: number;
  if (key.upArrow || (input === "k" && plain(key))) delta = -1;
  else if (key.downArrow || (input === "j" && plain(key))) delta = 1;
  else if (key.pageUp) delta = -page;
  else if (key.pageDown) delta = page;
  else if (key.home) delta = -Infinity;
  else if (key.end) delta = Infinity;
  else return null;
  const view = currentView(context.ui);
  if (isTable(view)) {
    const table = context.table;
    if (!table || !table.data.length) return [];
    const position = clamp(table.position + delta, table.data.length - 1);
    const key = table.data.traceback(table.order[position]);
    return [ui({ type: "cursor", position, key, page })];
  }
  if (view.kind === "snapshots" || view.kind === "filters" || view.kind === "leaks") {
    return [ui({ type: "scroll", position: clamp(view.position + delta, context.length - 1) })];
  }
  const last = Math.max(0, context.length - page);
  if (view.kind === "log") {
    const from = view.scroll ?? last;
    const next = clamp(from + delta, last);
    return [ui({ type: "scroll", position: next >= last ? null : next })];
  }
  return [ui({ type: "scroll", position: clamp(view.scroll + delta, last) })];
}

function clamp(value: number, max: number): number {
  return Math.max(0, Math.min(max, value));
}

function enter(context: KeyContext): Intent[] {
  const view = currentView(context.ui);
  if (isTable(view)) {
    if (!context.table?.data.length) return [message("no row to drill into")];
    return [{ type: "drill", position: context.table.position }];
  }
  if (view.kind === "snapshots") {
    const label = context.labels[view.position];
    if (label === undefined) return [];
    return [ui({ type: "push", view: { kind: "snapshot", label, sort: "size", cursor: START } })];
  }
  if (view.kind === "leaks") {
    return context.length ? [{ type: "drill-leak", position: Math.min(view.position, context.length - 1) }] : [];
  }
  if (view.kind === "traceback") {
    return [ui({ type: "push", view: { kind: "retainers", request: view.request, scroll: 0 } })];
  }
  return [];
}

/** `l`: the leaks view over every snapshot held (3 or more); again: back. */
function leaks(context: KeyContext): Intent[] {
  const view = currentView(context.ui);
  if (view.kind === "leaks") return [ui({ type: "pop" })];
  const held = context.labels.length;
  if (held < 3) {
    return [
      message(`leaks need at least 3 snapshots, and ${held} ${held === 1 ? "is" : "are"} held: press s to take one`),
    ];
  }
  return [ui({ type: "push", view: { kind: "leaks", position: 0 } })];
}

/** `c`: the compare view of the marked pair (snapshots view), else of the last two snapshots. */
function compare(context: KeyContext): Intent[] {
  const { labels } = context;
  const view = currentView(context.ui);
  if (labels.length < 2) {
    return [message(`compare needs two snapshots (have ${labels.length}): press s to take one`)];
  }
  let newLabel = labels[labels.length - 1];
  let oldLabel = labels[labels.length - 2];
  if (view.kind === "snapshots") {
    const selected = labels[view.position];
    newLabel = view.newLabel ?? (view.oldLabel !== null ? selected : newLabel);
    oldLabel = view.oldLabel ??
      (view.newLabel !== null ? labels[Math.max(0, labels.indexOf(view.newLabel) - 1)] : oldLabel);
    if (newLabel === oldLabel) return [message(`pick two different snapshots (both are ${newLabel})`)];
  }
  return [ui({ type: "push", view: { kind: "compare", newLabel, oldLabel, sort: "growth", cursor: START } })];
}

/** Keys that only mean something in one view. */
function viewKey(input: string, context: KeyContext): Intent[] {
  const view = currentView(context.ui);
  const { labels } = context;
  if (view.kind === "traceback" && input === "r") return [ui({ type: "toggle-newest-first" })];
  if (view.kind === "compare" && "[]{}".includes(input) && input) {
    const stepOld = input === "[" || input === "]";
    const step = input === "[" || input === "{" ? -1 : 1;
    const other = stepOld ? view.newLabel : view.oldLabel;
    const choices = labels.filter((l) => l !== other);
    const from = choices.indexOf(stepOld ? view.oldLabel : view.newLabel);
    const next = choices[clamp(from + step, choices.length - 1)];
    if (next === undefined) return [];
    return [ui({
      type: "replace",
      view: { ...view, ...(stepOld ? { oldLabel: next } : { newLabel: next }), cursor: START },
    })];
  }
  if (view.kind === "snapshots") {
    const label = labels[view.position];
    if (label === undefined) return [];
    if (input === "x") return [{ type: "delete-snapshot", label }];
    if (input === "w") return [ui({ type: "prompt", prompt: openPrompt("dump", `${label}.tmsnap`, label) })];
    if (input === "e") {
      // A base marked with b (another snapshot) makes it a comparison: the HTML report of growth.
      const base = view.oldLabel !== null && view.oldLabel !== label ? view.oldLabel : undefined;
      const name = base ? `${label}-vs-${base}.html` : `${label}.html`;
      return [ui({ type: "prompt", prompt: openPrompt("export", name, label, base) })];
    }
    if (input === "n") return [ui({ type: "replace", view: { ...view, newLabel: label } })];
    if (input === "b") return [ui({ type: "replace", view: { ...view, oldLabel: label } })];
  }
  if (view.kind === "filters" && input === "x") {
    if (!context.length) return [];
    return [{ type: "run", line: `filter remove ${view.position + 1}`, echo: false }];
  }
  return [];
}

/** Editing keys of a prompt. */
function promptKey(input: string, key: Key, prompt: Prompt, context: KeyContext): Intent[] {
  const { value, caret } = prompt;
  const edit = (next: string, at: number, recall?: number | null): Intent[] => [
    ui({ type: "prompt-edit", value: next, caret: at, recall }),
  ];
  if (key.escape) return [ui({ type: "prompt-close" })];
  if (key.return) return [ui({ type: "prompt-close" }), ...submit(prompt)];
  if (key.backspace || (key.ctrl && input === "h")) {
    return caret ? edit(value.slice(0, caret - 1) + value.slice(caret), caret - 1) : [];
  }
  if (key.delete) return edit(value.slice(0, caret) + value.slice(caret + 1), caret);
  if (key.leftArrow) return edit(value, Math.max(0, caret - 1));
  if (key.rightArrow) return edit(value, Math.min(value.length, caret + 1));
  if (key.home || (key.ctrl && input === "a")) return edit(value, 0);
  if (key.end || (key.ctrl && input === "e")) return edit(value, value.length);
  if (key.ctrl && input === "u") return edit(value.slice(caret), 0);
  if (key.ctrl && input === "k") return edit(value.slice(0, caret), caret);
  if (key.tab) return prompt.kind === "command" ? [{ type: "complete" }] : [];
  if ((key.upArrow || key.downArrow) && prompt.kind === "command") {
    const { history } = context.ui;
    if (!history.length) return [];
    const from = prompt.recall ?? history.length;
    const to = key.upArrow ? Math.max(0, from - 1) : from + 1;
    if (to >= history.length) return edit("", 0, null);
    return edit(history[to], history[to].length, to);
  }
  if (!plain(key) || !input) return [];
  // Typed or pasted text; line breaks end up as spaces in a one-line input.
  const text = input.replace(/[\r\n\t]+/g, " ");
  return edit(value.slice(0, caret) + text + value.slice(caret), caret + text.length);
}

/** What Enter in a prompt does. */
function submit(prompt: Prompt): Intent[] {
  const text = prompt.value.trim() || prompt.placeholder;
  switch (prompt.kind) {
    case "label": {
      // No label typed: the session gives its default one (the placeholder shows it), as in the REPL.
      const typed = prompt.value.trim();
      return [{ type: "run", line: typed ? `snapshot ${typed}` : "snapshot", echo: false }];
    }
    case "dump":
      return text ? [{ type: "run", line: `dump ${prompt.label} ${quote(text)}`, echo: false }] : [];
    case "export": {
      const base = prompt.base ? ` --base ${quote(prompt.base)}` : "";
      return text ? [{ type: "run", line: `export ${quote(prompt.label!)} ${quote(text)}${base}`, echo: false }] : [];
    }
    case "command":
      return text ? [ui({ type: "remember", line: text }), { type: "run", line: text, echo: true }] : [];
    case "glob":
    case "domain": {
      const parsed = prompt.kind === "glob" ? globFilter(text) : domainFilter(text);
      return "error" in parsed ? [message(parsed.error)] : [{ type: "run", line: parsed.line, echo: false }];
    }
  }
}
