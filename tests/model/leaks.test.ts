import { test } from "node:test";
import assert from "node:assert/strict";
import { findLeaks, LeakStatistic, MIN_SNAPSHOTS, sizeBars } from "../../src/model/leaks.ts";
import type { RawFrame } from "../../src/model/frame.ts";
import { type RawTrace, Snapshot } from "../../src/model/snapshot.ts";
import { Traceback } from "../../src/model/traceback.ts";

const STEADY: RawFrame = ["app.ts", 10, 3, "handle"];
const CHURN: RawFrame = ["app.ts", 20, 3, "handle"];
const STEP: RawFrame = ["app.ts", 30, 1, "warmUp"];

/** One snapshot per column of sizes: place → its size in that snapshot (0: absent). */
function series(places: [RawFrame, number[]][]): Snapshot[] {
  const n = places[0][1].length;
  return Array.from({ length: n }, (_, i) => {
    const traces: RawTrace[] = places.filter(([, sizes]) => sizes[i] > 0).map(([frame, sizes]) => [
      0,
      sizes[i],
      [frame],
      1,
    ]);
    return new Snapshot(traces, 5);
  });
}

const lines = (leaks: readonly LeakStatistic[]) => leaks.map((leak) => leak.traceback.at(-1)!.lineno);

test("a place that grows in every interval ranks above one that churns with more growth", () => {
  const leaks = findLeaks(
    series([
      [CHURN, [1000, 9000, 2000, 9500]],
      [STEADY, [100, 200, 300, 400]],
    ]),
    "lineno",
  );
  assert.deepEqual(lines(leaks), [10, 20]);
});

test("a place that grows in every interval ranks above one that grew once and stopped", () => {
  const leaks = findLeaks(
    series([
      [STEP, [0, 50_000, 50_000, 50_000]],
      [STEADY, [100, 200, 300, 400]],
    ]),
    "lineno",
  );
  assert.deepEqual(lines(leaks), [10, 30]);
});

test("growth is the size in the last snapshot minus the size in the first", () => {
  const [leak] = findLeaks(series([[STEADY, [100, 50, 300, 250]]]), "lineno");
  assert.equal(leak.growth, 150);
  assert.equal(leak.first, 100);
  assert.equal(leak.last, 250);
});

test("intervals grown count the intervals whose size went up, not flat or shrinking ones", () => {
  const [leak] = findLeaks(series([[STEADY, [100, 200, 200, 150, 400]]]), "lineno");
  assert.equal(leak.intervals, 4);
  assert.equal(leak.grew, 2);
});

test("sizes and counts are given per snapshot, in the order the snapshots were given, 0 where absent", () => {
  const snapshots = [
    new Snapshot([], 5),
    new Snapshot([[0, 64, [STEADY], 1], [0, 64, [STEADY], 1]], 5),
    new Snapshot([[0, 64, [STEADY], 1, 3], [0, 128, [STEADY], 1]], 5),
  ];
  const [leak] = findLeaks(snapshots, "lineno");
  assert.deepEqual(leak.sizes, [0, 128, 192]);
  assert.deepEqual(leak.counts, [0, 2, 4]);
});

test("steadiness is 1 for growth in every interval, else (grew / intervals) × (net growth / total change)", () => {
  const leaks = findLeaks(
    series([
      [STEADY, [100, 200, 300, 400]],
      [STEP, [0, 600, 600, 600]],
      [CHURN, [100, 500, 200, 400]],
    ]),
    "lineno",
  );
  const by = new Map(leaks.map((leak) => [leak.traceback.at(-1)!.lineno, leak.steadiness]));
  assert.equal(by.get(10), 1);
  assert.equal(by.get(30), 1 / 3);
  // Grew in 2 of 3 intervals; net +300 of 400 + 300 + 200 moved.
  assert.equal(by.get(20), (2 / 3) * (300 / 900));
});

test("places that are no bigger in the last snapshot than in the first are left out", () => {
  const leaks = findLeaks(
    series([
      [STEADY, [100, 200, 300, 400]],
      [CHURN, [500, 900, 100, 500]],
      [STEP, [800, 900, 1000, 700]],
    ]),
    "lineno",
  );
  assert.deepEqual(lines(leaks), [10]);
});

test("places are matched across snapshots by every field of their frames", () => {
  const other: RawFrame = [STEADY[0], STEADY[1], STEADY[2], "otherFunction"];
  const leaks = findLeaks(
    series([
      [STEADY, [100, 200, 300]],
      [other, [300, 200, 400]],
    ]),
    "lineno",
  );
  assert.deepEqual(leaks.map((leak) => leak.traceback.at(-1)!.functionName), ["handle", "otherFunction"]);
  assert.deepEqual(leaks.map((leak) => leak.sizes), [[100, 200, 300], [300, 200, 400]]);
});

test("grouped by traceback, one line reached from two callers is two places", () => {
  const snapshots = [1, 2, 3].map((i) =>
    new Snapshot([
      [0, 100 * i, [STEADY, ["main.ts", 5]], 2],
      [0, 100, [STEADY, ["main.ts", 9]], 2],
    ], 5)
  );
  const leaks = findLeaks(snapshots, "traceback");
  assert.equal(leaks.length, 1);
  assert.deepEqual([...leaks[0].traceback].map(String), ["main.ts:5", "app.ts:10"]);
  assert.deepEqual(findLeaks(snapshots, "lineno")[0].sizes, [200, 300, 400]);
});

test("ties in steadiness go to the biggest growth", () => {
  const bigger: RawFrame = ["app.ts", 40];
  const leaks = findLeaks(
    series([
      [STEADY, [100, 200, 300]],
      [bigger, [1000, 2000, 3000]],
    ]),
    "lineno",
  );
  assert.deepEqual(lines(leaks), [40, 10]);
});

test("fewer than 3 snapshots are refused", () => {
  assert.equal(MIN_SNAPSHOTS, 3);
  const two = series([[STEADY, [100, 200]]]);
  assert.throws(() => findLeaks(two, "lineno"), {
    name: "RangeError",
    message: "leaks need at least 3 snapshots, not 2",
  });
  assert.throws(() => findLeaks([], "lineno"), RangeError);
});

test("sizeBars draws one bar per size, from the smallest of the series to the largest", () => {
  assert.equal(sizeBars([0, 100, 200, 300]), "▁▃▆█");
  assert.equal(sizeBars([300, 0, 300]), "█▁█");
  assert.equal(sizeBars([5, 5, 5]), "▁▁▁");
});

test("a leak prints its place, growth, first and last size, intervals grown, steadiness and bars", () => {
  const leak = new LeakStatistic(Traceback.fromRaw([["app.ts", 12]]), [0, 1024, 2048, 4096], [0, 1, 2, 4]);
  assert.equal(String(leak), "app.ts:12: +4096 B (0 B → 4096 B), grew 3/3, steadiness 1.00, sizes ▁▃▅█");
});
