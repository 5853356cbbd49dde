import { test } from "node:test";
import assert from "node:assert/strict";
import { DomainFilter } from "../../../src/model/filter.ts";
import { type RawTrace, Snapshot } from "../../../src/model/snapshot.ts";
import { joinTables } from "../../../tui/state/join.ts";
import { TableData } from "../../../tui/state/table.ts";

const never = { cancelled: () => false };

/** A snapshot of pseudo-random traces over a few files and lines, the same for the same seed. */
function random(seed: number, n: number): Snapshot {
  let x = seed;
  const next = () => (x = (x * 1103515245 + 12345) % 2147483648) / 2147483648;
  const raw: RawTrace[] = [];
  for (let i = 0; i < n; i++) {
    const frames: [string, number, number, string][] = [];
    for (let d = 0; d < 1 + Math.floor(next() * 3); d++) {
      frames.push([`f${Math.floor(next() * 5)}.ts`, 1 + Math.floor(next() * 6), 1, `fn${Math.floor(next() * 2)}`]);
    }
    raw.push([Math.floor(next() * 2), Math.floor(next() * 50) * 8, frames, frames.length, 1 + Math.floor(next() * 3)]);
  }
  return new Snapshot(raw, 3);
}

for (const keyType of ["lineno", "filename", "traceback"] as const) {
  for (const cumulative of keyType === "traceback" ? [false] : [false, true]) {
    const by = `by ${keyType}${cumulative ? ", cumulative" : ""}`;
    const grouping = { keyType, cumulative };
    const rows = (table: TableData) =>
      [...table.order("growth")].map((i) =>
        `${table.traceback(i)}|${table.size[i]}|${table.sizeDiff[i]}|${table.count[i]}|${table.countDiff[i]}`
      );
    const theirs = (now: Snapshot, before: Snapshot) =>
      now.compareTo(before, keyType, cumulative).map((d) =>
        `${d.traceback}|${d.size}|${d.sizeDiff}|${d.count}|${d.countDiff}`
      );

    test(`a joined compare table is compareTo's, in its order (${by})`, async () => {
      const now = random(1, 300);
      const before = random(2, 250);
      const joined = await joinTables(
        "compare",
        TableData.ofSnapshot("snapshot", grouping, now),
        TableData.ofSnapshot("snapshot", grouping, before),
        true,
        never,
      );
      assert.deepEqual(rows(joined!), theirs(now, before));
    });

    test(`snapshots sharing a table join as compareTo compares them (${by})`, async () => {
      const now = random(5, 400);
      const before = now.filterTraces([new DomainFilter(true, 0)]);
      assert.equal(before.table, now.table);
      const joined = await joinTables(
        "compare",
        TableData.ofSnapshot("snapshot", grouping, now),
        TableData.ofSnapshot("snapshot", grouping, before),
        true,
        never,
      );
      assert.deepEqual(rows(joined!), theirs(now, before));
    });
  }
}

test("a joined live table leaves out the rows that are gone", async () => {
  const grouping = { keyType: "lineno", cumulative: false } as const;
  const now = new Snapshot([[0, 10, [["a.ts", 1]], 1]], 1);
  const before = new Snapshot([[0, 4, [["a.ts", 1]], 1], [0, 7, [["gone.ts", 1]], 1]], 1);
  const joined = await joinTables(
    "live",
    TableData.ofSnapshot("live", grouping, now),
    TableData.ofSnapshot("live", grouping, before),
    false,
    never,
  );
  assert.equal(joined!.length, 1);
  assert.equal(joined!.sizeDiff[0], 6);
});

test("frames differing only by column or function name are other rows", async () => {
  const grouping = { keyType: "lineno", cumulative: false } as const;
  const now = new Snapshot([[0, 10, [["a.ts", 1, 2, "f"]], 1], [0, 5, [["a.ts", 1]], 1]], 1);
  const before = new Snapshot([[0, 4, [["a.ts", 1, 3, "f"]], 1], [0, 3, [["a.ts", 1, 2]], 1]], 1);
  const joined = await joinTables(
    "compare",
    TableData.ofSnapshot("snapshot", grouping, now),
    TableData.ofSnapshot("snapshot", grouping, before),
    true,
    never,
  );
  assert.equal(joined!.length, 4);
  assert.deepEqual([...joined!.sizeDiff].sort((a, b) => a - b), [-4, -3, 5, 10]);
});

test("a cancelled join gives nothing", async () => {
  const grouping = { keyType: "lineno", cumulative: false } as const;
  const table = TableData.ofSnapshot("live", grouping, random(3, 20000));
  const other = TableData.ofSnapshot("live", grouping, random(4, 20000));
  assert.equal(await joinTables("live", table, other, false, { cancelled: () => true }), null);
});
