import { test } from "node:test";
import assert from "node:assert/strict";
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
    test(`a joined compare table is compareTo's, in its order (by ${keyType}${cumulative ? ", cumulative" : ""})`, async () => {
      const now = random(1, 300);
      const before = random(2, 250);
      const grouping = { keyType, cumulative };
      const joined = await joinTables(
        "compare",
        TableData.fromStatistics("snapshot", grouping, now.statistics(keyType, cumulative)),
        TableData.fromStatistics("snapshot", grouping, before.statistics(keyType, cumulative)),
        true,
        never,
      );
      const ours = [...joined!.order("growth")].map((i) =>
        `${joined!.tracebacks[i]}|${joined!.size[i]}|${joined!.sizeDiff[i]}|${joined!.count[i]}|${joined!.countDiff[i]}`
      );
      const theirs = now.compareTo(before, keyType, cumulative).map((d) =>
        `${d.traceback}|${d.size}|${d.sizeDiff}|${d.count}|${d.countDiff}`
      );
      assert.deepEqual(ours, theirs);
    });
  }
}

test("a joined live table leaves out the rows that are gone", async () => {
  const grouping = { keyType: "lineno", cumulative: false } as const;
  const now = new Snapshot([[0, 10, [["a.ts", 1]], 1]], 1);
  const before = new Snapshot([[0, 4, [["a.ts", 1]], 1], [0, 7, [["gone.ts", 1]], 1]], 1);
  const joined = await joinTables(
    "live",
    TableData.fromStatistics("live", grouping, now.statistics("lineno")),
    TableData.fromStatistics("live", grouping, before.statistics("lineno")),
    false,
    never,
  );
  assert.equal(joined!.length, 1);
  assert.equal(joined!.sizeDiff[0], 6);
});

test("a cancelled join gives nothing", async () => {
  const grouping = { keyType: "lineno", cumulative: false } as const;
  const big = random(3, 20000);
  const table = TableData.fromStatistics("live", grouping, big.statistics("lineno"));
  const other = TableData.fromStatistics("live", grouping, random(4, 20000).statistics("lineno"));
  assert.equal(await joinTables("live", table, other, false, { cancelled: () => true }), null);
});
