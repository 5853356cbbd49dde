import { test } from "node:test";
import assert from "node:assert/strict";
import { Snapshot } from "../../../src/model/snapshot.ts";
import { titleOf } from "../../../tui/components/title.ts";
import { resolveCursor, shownSort } from "../../../tui/hooks/use-tables.ts";
import { TableData } from "../../../tui/state/table.ts";
import { START } from "../../../tui/state/ui.ts";

const grouping = { keyType: "lineno", cumulative: false } as const;
const snapshot = new Snapshot(
  Array.from({ length: 30 }, (_, i) => [0, 1000 - i, [[`f${i}.ts`, 1]], 1, 1 + (i % 7)] as const),
  1,
);

test("a table is shown in the order asked for once computed, else in the one before it in o's cycle", () => {
  const table = TableData.ofSnapshot("snapshot", grouping, snapshot);
  table.order("size");
  assert.equal(shownSort(table, "count"), "size");
  table.order("count");
  assert.equal(shownSort(table, "count"), "count");
  assert.equal(shownSort(table, "average"), "count");
  assert.equal(shownSort(table, "growth"), "count");
});

test("the title says which order the rows are in, and which one is being computed", () => {
  const table = TableData.ofSnapshot("snapshot", grouping, snapshot);
  const facts = {
    data: table,
    grouping,
    paused: false,
    regrouping: false,
    snapshots: 1,
    filters: 0,
    log: 0,
    error: null,
  };
  const view = { kind: "snapshot", label: "s1", sort: "count", cursor: START } as const;
  const text = (shown: "size" | "count") => titleOf(view, { ...facts, shownSort: shown }).map((p) => p.text).join("");
  assert.match(text("size"), /sorted by size · sorting by count…/);
  assert.match(text("count"), /sorted by count · 30 rows/);
});

test("the cursor stays on its row when the order it is shown in changes, found by its key", () => {
  const table = TableData.ofSnapshot("snapshot", grouping, snapshot);
  const bySize = table.order("size");
  const key = table.traceback(bySize[5]);
  const byCount = table.order("count");
  const position = resolveCursor({ position: 5, top: 0, key }, table, "count");
  assert.equal(table.traceback(byCount[position]), key);
});
