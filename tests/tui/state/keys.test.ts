import { test } from "node:test";
import assert from "node:assert/strict";
import type { Key } from "ink";
import { Snapshot } from "../../../src/model/snapshot.ts";
import { handleKey, type Intent, type KeyContext, openPrompt } from "../../../tui/state/keys.ts";
import { TableData } from "../../../tui/state/table.ts";
import { initialUi, reduce, type UiState } from "../../../tui/state/ui.ts";

const NO_KEY: Key = {
  upArrow: false,
  downArrow: false,
  leftArrow: false,
  rightArrow: false,
  pageDown: false,
  pageUp: false,
  home: false,
  end: false,
  return: false,
  escape: false,
  ctrl: false,
  shift: false,
  tab: false,
  backspace: false,
  delete: false,
  meta: false,
  super: false,
  hyper: false,
  capsLock: false,
  numLock: false,
};

const rows = new Snapshot(Array.from({ length: 50 }, (_, i) => [0, 1000 - i, [[`f${i}.ts`, 1]], 1] as const), 1);
const table = TableData.ofSnapshot("live", { keyType: "lineno", cumulative: false }, rows);
const order = table.order("size");

function context(ui: UiState = initialUi(), extra: Partial<KeyContext> = {}): KeyContext {
  return {
    ui,
    page: 10,
    table: { data: table, order, position: 0 },
    length: 0,
    labels: [],
    tracing: true,
    startLine: "start 5",
    defaultLabel: "s1",
    ...extra,
  };
}

/** The state after the ui intents of one key. */
function after(ui: UiState, intents: Intent[]): UiState {
  return intents.reduce((state, i) => i.type === "ui" ? reduce(state, i.action) : state, ui);
}

test("q quits", () => {
  assert.deepEqual(handleKey("q", NO_KEY, context()), [{ type: "quit" }]);
});

test("Ctrl-C quits even while typing in a prompt", () => {
  const ui = reduce(initialUi(), { type: "prompt", prompt: openPrompt("command") });
  assert.deepEqual(handleKey("c", { ...NO_KEY, ctrl: true }, context(ui)), [{ type: "quit" }]);
});

test("t stops tracing when tracing and starts it with the start line when not", () => {
  assert.deepEqual(handleKey("t", NO_KEY, context()), [{ type: "run", line: "stop", echo: false }]);
  assert.deepEqual(handleKey("t", NO_KEY, context(undefined, { tracing: false })), [{
    type: "run",
    line: "start 5",
    echo: false,
  }]);
});

test("PgDn moves the cursor a page down and keeps it on screen", () => {
  const ui = after(initialUi(), handleKey("", { ...NO_KEY, pageDown: true }, context()));
  const view = ui.views[0];
  assert.ok(view.kind === "live");
  assert.equal(view.cursor.position, 10);
  assert.equal(view.cursor.top, 1);
});

test("End goes to the last row and k goes back up one", () => {
  let ui = after(initialUi(), handleKey("", { ...NO_KEY, end: true }, context()));
  ui = after(ui, handleKey("k", NO_KEY, context(ui, { table: { data: table, order, position: 49 } })));
  const view = ui.views[0];
  assert.ok(view.kind === "live");
  assert.equal(view.cursor.position, 48);
});

test("o cycles the sort through size, count, average and growth", () => {
  let ui = initialUi();
  const sorts = [];
  for (let i = 0; i < 4; i++) {
    ui = after(ui, handleKey("o", NO_KEY, context(ui)));
    const view = ui.views[0];
    assert.ok(view.kind === "live");
    sorts.push(view.sort);
  }
  assert.deepEqual(sorts, ["count", "average", "growth", "size"]);
});

test("g cycles the grouping and turns cumulative off for tracebacks", () => {
  let ui = after(initialUi(), handleKey("C", NO_KEY, context()));
  assert.deepEqual(ui.grouping, { keyType: "lineno", cumulative: true });
  ui = after(ui, handleKey("g", NO_KEY, context(ui)));
  assert.deepEqual(ui.grouping, { keyType: "filename", cumulative: true });
  ui = after(ui, handleKey("g", NO_KEY, context(ui)));
  assert.deepEqual(ui.grouping, { keyType: "traceback", cumulative: false });
});

test("C by traceback explains why it does nothing", () => {
  const ui = { ...initialUi(), grouping: { keyType: "traceback", cumulative: false } as const };
  const next = after(ui, handleKey("C", NO_KEY, context(ui)));
  assert.equal(next.grouping.cumulative, false);
  assert.match(next.message?.text ?? "", /cumulative does not apply/);
});

test("s opens the label prompt with the default label", () => {
  const ui = after(initialUi(), handleKey("s", NO_KEY, context(undefined, { defaultLabel: "s3" })));
  assert.equal(ui.prompt?.kind, "label");
  assert.equal(ui.prompt?.placeholder, "s3");
});

test("Enter on an empty label prompt snapshots with the default label", () => {
  const ui = after(initialUi(), handleKey("s", NO_KEY, context(undefined, { defaultLabel: "s3" })));
  const intents = handleKey("\r", { ...NO_KEY, return: true }, context(ui));
  assert.deepEqual(intents.filter((i) => i.type === "run"), [{ type: "run", line: "snapshot", echo: false }]);
});

test("c compares the last two snapshots", () => {
  const ui = after(initialUi(), handleKey("c", NO_KEY, context(undefined, { labels: ["a", "b", "c"] })));
  const view = ui.views.at(-1);
  assert.ok(view?.kind === "compare");
  assert.deepEqual([view.newLabel, view.oldLabel], ["c", "b"]);
});

test("Esc closes a prompt without running anything", () => {
  const ui = after(initialUi(), handleKey("/", NO_KEY, context()));
  const intents = handleKey("", { ...NO_KEY, escape: true }, context(ui));
  assert.deepEqual(intents, [{ type: "ui", action: { type: "prompt-close" } }]);
});

test("typing in a prompt inserts at the caret", () => {
  let ui = after(initialUi(), handleKey(":", NO_KEY, context()));
  ui = after(ui, handleKey("stts", NO_KEY, context(ui)));
  ui = after(ui, handleKey("", { ...NO_KEY, leftArrow: true }, context(ui)));
  ui = after(ui, handleKey("", { ...NO_KEY, leftArrow: true }, context(ui)));
  ui = after(ui, handleKey("a", NO_KEY, context(ui)));
  assert.equal(ui.prompt?.value, "stats");
});

test("a glob prompt runs the filter command", () => {
  let ui = after(initialUi(), handleKey("/", NO_KEY, context()));
  ui = after(ui, handleKey("!*lib*", NO_KEY, context(ui)));
  const intents = handleKey("\r", { ...NO_KEY, return: true }, context(ui));
  assert.deepEqual(intents.filter((i) => i.type === "run"), [{
    type: "run",
    line: "filter exclude '*lib*'",
    echo: false,
  }]);
});
