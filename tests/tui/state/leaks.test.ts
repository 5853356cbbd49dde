import { test } from "node:test";
import assert from "node:assert/strict";
import { DomainFilter, Filter } from "../../../src/model/filter.ts";
import type { KeyType } from "../../../src/model/group.ts";
import { findLeaks, type LeakStatistic } from "../../../src/model/leaks.ts";
import { type RawTrace, Snapshot } from "../../../src/model/snapshot.ts";
import type { Filters } from "../../../src/session/filtered.ts";
import type { SnapshotEntry } from "../../../src/session/state.ts";
import { rankHeld, rankSteps } from "../../../tui/state/leaks.ts";
import { runNow } from "../../../tui/state/pace.ts";

/**
 * Snapshot `i` of a series of pseudo-random traces over `places` places:
 * most grow, some churn, some stay; each snapshot with a table of its own.
 */
function taken(i: number, places: number): SnapshotEntry {
  let x = 17;
  const next = (k: number) => Math.floor((x = (x * 48271) % 2147483647) / 2147483647 * k);
  const raw: RawTrace[] = [];
  for (let p = 0; p < places; p++) {
    const frames: [string, number][] = [[`src/f${next(400)}.ts`, 1 + next(50)], ["src/main.ts", 3]];
    const kind = next(3);
    const size = kind === 0 ? 8 * (1 + i) * (1 + next(4)) : kind === 1 ? (i % 2 ? 8 : 64) : 32;
    raw.push([next(3), size, frames, 2, 1]);
  }
  return { label: `s${i + 1}`, snapshot: new Snapshot(raw, 2), origin: "taken", time: new Date(0), source: "test" };
}

const entries = Array.from({ length: 4 }, (_, i) => taken(i, 20_000));

const described = (leaks: readonly LeakStatistic[]) =>
  leaks.map((l) => `${l.traceback} ${l.sizes.join(",")} ${l.counts.join(",")}`);

/** What the REPL's `leaks` ranks: findLeaks over each snapshot's filterTraces(). */
const theirs = (filters: Filters, keyType: KeyType) =>
  described(findLeaks(entries.map((e) => e.snapshot.filterTraces(filters)), keyType));

test("the leaks view's ranking, made in steps with the filters applied a chunk at a time, is findLeaks over filterTraces()", () => {
  const filters = [new Filter(true, "src/f1*"), new DomainFilter(false, 2)];
  for (const keyType of ["lineno", "filename", "traceback"] as const) {
    for (const applied of [[], filters]) {
      const ranking = runNow(rankSteps(entries, applied, keyType));
      assert.ok(ranking.leaks.length > 10, `${keyType}: places grew`);
      assert.deepEqual(described(ranking.leaks), theirs(applied, keyType), `${keyType}, ${applied.length} filters`);
      assert.deepEqual(ranking.labels, ["s1", "s2", "s3", "s4"]);
      assert.equal(ranking.last.columns.length, entries[3].snapshot.filterTraces(applied).columns.length);
    }
  }
});

test("rankHeld ranks in slices as rankSteps does, and gives none once cancelled", async () => {
  const ranking = await rankHeld(entries, [], "lineno");
  assert.deepEqual(described(ranking!.leaks), theirs([], "lineno"));
  assert.ok(await rankHeld(entries, [], "traceback", () => true) === null);
  await assert.rejects(rankHeld(entries.slice(0, 2), [], "lineno"), RangeError);
});
