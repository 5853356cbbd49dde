import { test } from "node:test";
import assert from "node:assert/strict";
import { type RawTrace, Snapshot } from "../../../src/model/snapshot.ts";
import { runNow } from "../../../tui/state/pace.ts";
import { joinSteps } from "../../../tui/state/join.ts";
import { SORT_KEYS, TableData } from "../../../tui/state/table.ts";

const grouping = { keyType: "lineno", cumulative: false } as const;
const now = new Snapshot([
  [0, 100, [["a.ts", 1]], 1, 1],
  [0, 300, [["b.ts", 1]], 1, 30],
  [0, 200, [["c.ts", 1]], 1, 2],
], 1);
const before = new Snapshot([[0, 250, [["b.ts", 1]], 1, 25], [0, 10, [["gone.ts", 1]], 1, 1]], 1);
const files = (table: TableData, order: Uint32Array) => [...order].map((i) => table.traceback(i).at(0)!.filename);
const of = (snapshot: Snapshot) => TableData.ofSnapshot("snapshot", grouping, snapshot);
const joined = (kind: "live" | "compare", a: Snapshot, b: Snapshot) =>
  runNow(joinSteps(kind, of(a), of(b), kind === "compare")).table;

test("a statistics table in size order keeps statistics() order", () => {
  const table = of(now);
  assert.deepEqual(files(table, table.order("size")), ["b.ts", "c.ts", "a.ts"]);
});

test("count order puts the most blocks first", () => {
  const many = new Snapshot([[0, 100, [["a.ts", 1]], 1, 70], [0, 300, [["b.ts", 1]], 1, 30]], 1);
  const table = of(many);
  assert.deepEqual(files(table, table.order("count")), ["a.ts", "b.ts"]);
});

test("average order puts the biggest blocks first", () => {
  const table = of(now);
  assert.deepEqual(files(table, table.order("average")), ["c.ts", "a.ts", "b.ts"]);
});

test("growth order is compareTo's order", () => {
  const diffs = now.compareTo(before, "lineno");
  const table = joined("compare", now, before);
  assert.deepEqual(files(table, table.order("growth")), diffs.map((d) => d.traceback.at(0)!.filename));
});

test("a live table leaves out groups that are gone", () => {
  const table = joined("live", now, before);
  assert.equal(table.length, 3);
  assert.ok(!files(table, table.order("size")).includes("gone.ts"));
});

test("an order is computed once and kept", () => {
  const table = of(now);
  assert.equal(table.order("count"), table.order("count"));
});

test("positionOf finds a row by its key in a given order", () => {
  const table = of(now);
  const key = now.statistics("lineno").find((s) => s.traceback.at(0)!.filename === "a.ts")!.traceback;
  table.order("size");
  table.order("average");
  assert.equal(table.positionOf(key, "size"), 2);
  assert.equal(table.positionOf(key, "average"), 1);
});

test("totals sum sizes, counts and changes", () => {
  const table = joined("compare", now, before);
  assert.deepEqual(table.totals, { size: 600, count: 33, sizeDiff: 600 - 260 });
});

/** Pseudo-random traces over `files` files, the same for the same seed; sizes drawn from few values (many ties). */
function random(seed: number, n: number, files = 40): Snapshot {
  let x = seed;
  const next = () => (x = (x * 1103515245 + 12345) % 2147483648) / 2147483648;
  const raw: RawTrace[] = [];
  for (let i = 0; i < n; i++) {
    const frames: [string, number, number, string][] = [];
    for (let d = 0; d < 1 + Math.floor(next() * 3); d++) {
      frames.push([`f${Math.floor(next() * files)}.ts`, 1 + Math.floor(next() * 9), 1, `fn${Math.floor(next() * 2)}`]);
    }
    raw.push([0, 8 * (1 + Math.floor(next() * 4)), frames, frames.length, 1 + Math.floor(next() * 2)]);
  }
  return new Snapshot(raw, 3);
}

for (const keyType of ["lineno", "filename", "traceback"] as const) {
  const grouping = { keyType, cumulative: false };

  test(`every order is the one sorted afresh, when continued from the refresh before (by ${keyType})`, () => {
    const snapshots = [random(1, 3000), random(2, 3000), random(3, 3000), random(4, 3000)];
    const tables = snapshots.map((s) => TableData.ofSnapshot("live", grouping, s));
    let previous = tables[0];
    for (let k = 1; k < tables.length; k++) {
      const { table, partner } = runNow(joinSteps("live", tables[k], tables[k - 1], false));
      for (const sort of SORT_KEYS) previous.order(sort);
      table.continues(previous, partner);
      const { table: fresh } = runNow(joinSteps("live", tables[k], tables[k - 1], false));
      for (const sort of SORT_KEYS) assert.deepEqual(table.order(sort), fresh.order(sort), `${sort} at refresh ${k}`);
      previous = table;
    }
  });

  test(`size order is statistics()'s and positionOf finds every row (by ${keyType})`, () => {
    const snapshot = random(7, 2000);
    const table = TableData.ofSnapshot("snapshot", grouping, snapshot);
    const order = table.order("size");
    assert.deepEqual(
      [...order].map((i) => String(table.traceback(i))),
      snapshot.statistics(keyType).map((s) => String(s.traceback)),
    );
    for (let p = 0; p < order.length; p += 7) assert.equal(table.positionOf(table.traceback(order[p]), "size"), p);
  });

  test(`positionOf finds the rows gone since the old snapshot (by ${keyType})`, () => {
    const table = runNow(joinSteps(
      "compare",
      TableData.ofSnapshot("snapshot", grouping, random(8, 500, 300)),
      TableData.ofSnapshot("snapshot", grouping, random(9, 500, 300)),
      true,
    )).table;
    const order = table.order("growth");
    for (let p = 0; p < order.length; p++) {
      assert.equal(table.positionOf(table.traceback(order[p]), "growth"), p);
    }
    assert.equal(
      table.positionOf(new Snapshot([[0, 1, [["elsewhere.ts", 1]], 1]], 1).statistics(keyType)[0].traceback, "growth"),
      -1,
    );
  });
}

test("an order is not ready until computed, and is the same array once it is", async () => {
  const table = TableData.ofSnapshot("snapshot", grouping, random(10, 20000, 5000));
  assert.equal(table.orderIfReady("count"), null);
  assert.ok(await table.prepare("count", { cancelled: () => false }));
  assert.equal(table.orderIfReady("count"), table.order("count"));
  assert.equal(await table.prepare("average", { cancelled: () => true }), false);
  assert.equal(table.orderIfReady("average"), null);
});
