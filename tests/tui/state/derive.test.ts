import { test } from "node:test";
import assert from "node:assert/strict";
import { DomainFilter, Filter } from "../../../src/model/filter.ts";
import { type RawTrace, Snapshot } from "../../../src/model/snapshot.ts";
import { filtersKey } from "../../../src/session/filtered.ts";
import { derive, deriveSteps, type TableSource } from "../../../tui/state/derive.ts";
import { runNow } from "../../../tui/state/pace.ts";
import { type Grouping, SORT_KEYS, type TableData } from "../../../tui/state/table.ts";

/** Pseudo-random traces, the same for the same seed; `files` file names, a few lines each. */
function random(seed: number, n: number, files = 50): Snapshot {
  let x = seed;
  const next = () => (x = (x * 1103515245 + 12345) % 2147483648) / 2147483648;
  const raw: RawTrace[] = [];
  for (let i = 0; i < n; i++) {
    const frames: [string, number, number, string][] = [];
    for (let d = 0; d < 1 + Math.floor(next() * 3); d++) {
      frames.push([`f${Math.floor(next() * files)}.ts`, 1 + Math.floor(next() * 9), 1, `fn${Math.floor(next() * 2)}`]);
    }
    raw.push([Math.floor(next() * 3), 8 * (1 + Math.floor(next() * 6)), frames, frames.length, 1]);
  }
  return new Snapshot(raw, 3);
}

const byLine: Grouping = { keyType: "lineno", cumulative: false };

/** The rows of `table` in `sort` order, as text. */
const rows = (table: TableData, sort: (typeof SORT_KEYS)[number]) =>
  [...table.order(sort)].map((i) =>
    `${table.traceback(i)}|${table.size[i]}|${table.count[i]}|${table.sizeDiff[i]}|${table.countDiff[i]}`
  );

test("a snapshot's table, filtered a chunk of traces at a time, is statistics() of filterTraces()", () => {
  const snapshot = random(1, 30_000);
  const filters = [new Filter(true, "f1*"), new DomainFilter(false, 2)];
  const derived = runNow(deriveSteps({ kind: "snapshot", snapshot }, filters, filtersKey(filters), byLine, "size"));
  const theirs = snapshot.filterTraces(filters).statistics("lineno").map((s) =>
    `${s.traceback}|${s.size}|${s.count}|0|0`
  );
  assert.deepEqual(rows(derived.data, "size"), theirs);
  assert.equal(derived.snapshot.traces.length, snapshot.filterTraces(filters).traces.length);
});

test("a snapshot is grouped once per grouping and filter set", () => {
  const snapshot = random(2, 2000);
  const source: TableSource = { kind: "snapshot", snapshot };
  const first = runNow(deriveSteps(source, [], "", byLine, "size"));
  const other = runNow(deriveSteps(source, [], "", { keyType: "filename", cumulative: false }, "size"));
  assert.notEqual(other.data, first.data);
  assert.equal(runNow(deriveSteps(source, [], "", byLine, "count")).data, first.data);
});

test("every live refresh's table, continued from the one before, is the one made afresh, in every order", () => {
  const snapshots = [random(3, 4000), random(4, 4000), random(5, 4000), random(6, 4000), random(7, 4000)];
  for (let k = 1; k < snapshots.length; k++) {
    const live: TableSource = { kind: "live", current: snapshots[k], previous: snapshots[k - 1] };
    const derived = runNow(deriveSteps(live, [], "", byLine, "size"));
    for (const sort of SORT_KEYS) derived.data.order(sort);
    const fresh = runNow(deriveSteps(
      { kind: "compare", now: snapshots[k], before: snapshots[k - 1] },
      [],
      "",
      byLine,
      "size",
    ));
    for (const sort of SORT_KEYS) {
      const kept = rows(fresh.data, sort).filter((r) => !r.includes("|0|0|"));
      assert.deepEqual(rows(derived.data, sort), kept, `${sort} at refresh ${k}`);
    }
  }
});

test("a comparison is compareTo(), and is joined once per pair and grouping", () => {
  const now = random(8, 3000), before = random(9, 3000);
  const source: TableSource = { kind: "compare", now, before };
  const derived = runNow(deriveSteps(source, [], "", byLine, "growth"));
  const theirs = now.compareTo(before, "lineno").map((d) =>
    `${d.traceback}|${d.size}|${d.count}|${d.sizeDiff}|${d.countDiff}`
  );
  assert.deepEqual(rows(derived.data, "growth"), theirs);
  assert.equal(runNow(deriveSteps({ ...source }, [], "", byLine, "size")).data, derived.data);
});

test("a cancelled derivation gives nothing", async () => {
  const snapshot = random(10, 50_000, 5000);
  assert.equal(await derive({ kind: "snapshot", snapshot }, [], "", byLine, "size", () => true), null);
});
