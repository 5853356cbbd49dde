import { test } from "node:test";
import assert from "node:assert/strict";
import { Snapshot } from "../../../src/model/snapshot.ts";
import { TableData } from "../../../tui/state/table.ts";

const grouping = { keyType: "lineno", cumulative: false } as const;
const now = new Snapshot([
  [0, 100, [["a.ts", 1]], 1, 1],
  [0, 300, [["b.ts", 1]], 1, 30],
  [0, 200, [["c.ts", 1]], 1, 2],
], 1);
const before = new Snapshot([[0, 250, [["b.ts", 1]], 1, 25], [0, 10, [["gone.ts", 1]], 1, 1]], 1);
const files = (table: TableData, order: Uint32Array) => [...order].map((i) => table.tracebacks[i].at(0)!.filename);

test("a statistics table in size order keeps statistics() order", () => {
  const table = TableData.fromStatistics("snapshot", grouping, now.statistics("lineno"));
  assert.deepEqual(files(table, table.order("size")), ["b.ts", "c.ts", "a.ts"]);
});

test("count order puts the most blocks first", () => {
  const many = new Snapshot([[0, 100, [["a.ts", 1]], 1, 70], [0, 300, [["b.ts", 1]], 1, 30]], 1);
  const table = TableData.fromStatistics("snapshot", grouping, many.statistics("lineno"));
  assert.deepEqual(files(table, table.order("count")), ["a.ts", "b.ts"]);
});

test("average order puts the biggest blocks first", () => {
  const table = TableData.fromStatistics("snapshot", grouping, now.statistics("lineno"));
  assert.deepEqual(files(table, table.order("average")), ["c.ts", "a.ts", "b.ts"]);
});

test("growth order is compareTo's order", () => {
  const diffs = now.compareTo(before, "lineno");
  const table = TableData.fromDiffs("compare", grouping, diffs, false);
  assert.deepEqual(files(table, table.order("growth")), diffs.map((d) => d.traceback.at(0)!.filename));
});

test("a live table leaves out groups that are gone", () => {
  const table = TableData.fromDiffs("live", grouping, now.compareTo(before, "lineno"), true);
  assert.equal(table.length, 3);
  assert.ok(!files(table, table.order("size")).includes("gone.ts"));
});

test("an order is computed once and kept", () => {
  const table = TableData.fromStatistics("snapshot", grouping, now.statistics("lineno"));
  assert.equal(table.order("count"), table.order("count"));
});

test("positionOf finds a row by its key in a given order", () => {
  const table = TableData.fromStatistics("snapshot", grouping, now.statistics("lineno"));
  const key = now.statistics("lineno").find((s) => s.traceback.at(0)!.filename === "a.ts")!.traceback;
  assert.equal(table.positionOf(key, "size"), 2);
  assert.equal(table.positionOf(key, "average"), 1);
});

test("totals sum sizes, counts and changes", () => {
  const table = TableData.fromDiffs("compare", grouping, now.compareTo(before, "lineno"), false);
  assert.deepEqual(table.totals, { size: 600, count: 33, sizeDiff: 600 - 260 });
});
