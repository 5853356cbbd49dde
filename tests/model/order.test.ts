import { test } from "node:test";
import assert from "node:assert/strict";
import { type RawTrace, Snapshot } from "../../src/model/snapshot.ts";
import type { RawFrame } from "../../src/model/frame.ts";
import { compareStatisticDiffs, compareStatistics } from "../../src/model/statistic.ts";
import { numericKeys, orderByKeys } from "../../src/model/order.ts";
import { Random } from "../oracle/random.ts";

// statistics() and compareTo() sort by radix passes over numeric keys; these
// check that order against the comparators that state CPython's order, on
// frames with columns and function names, astral and high-BMP names, and
// sizes that are fractional, negative, -0 or huge.

const NAMES = ["a.js", "b.js", "\u{1d4b3}.js", "\uffff.js", "", "a.js\u0000", "ü.ts"];

function frames(rand: Random): RawFrame[] {
  return Array.from({ length: rand.int(1, 6) }, (): RawFrame => {
    const column = rand.chance(0.4) ? rand.pick([null, 0, 1, 7, 2 ** 40]) : undefined;
    const fn = rand.chance(0.4) ? rand.pick([null, "f", "g", "\u{1f600}", ""]) : undefined;
    return [rand.pick(NAMES), rand.pick([0, 1, 2, 3, -4, 2 ** 45, 10]), column, fn];
  });
}

function traces(rand: Random, pool: RawFrame[][], n: number): RawTrace[] {
  const size = () => rand.pick([0, -0, 1, 2.5, 3, 1e15, 2 ** 53, -7, 16, 16, 64, 0.1, Number.MAX_SAFE_INTEGER * 4]);
  return Array.from({ length: n }, (): RawTrace => {
    const count = rand.chance(0.3) ? rand.pick([1, 2, 0.5, 3]) : undefined;
    return [0, size(), rand.pick(pool), null, count];
  });
}

test("statistics and compareTo come out in the comparators' order", () => {
  for (let seed = 1; seed <= 40; seed++) {
    const rand = new Random(seed);
    const pool = Array.from({ length: rand.int(1, 60) }, () => frames(rand));
    const now = new Snapshot(traces(rand, pool, rand.int(0, 400)), 6);
    const old = new Snapshot(traces(rand, pool.concat([frames(rand)]), rand.int(0, 300)), 6);
    for (const key of ["filename", "lineno", "traceback"] as const) {
      for (const cumulative of key === "traceback" ? [false] : [false, true]) {
        const stats = now.statistics(key, cumulative);
        assert.deepEqual(stats.map(String), stats.slice().sort(compareStatistics).map(String), `${seed} ${key}`);
        for (const other of [old, now.filterTraces([])]) {
          const diffs = now.compareTo(other, key, cumulative);
          assert.deepEqual(
            diffs.map((d) => [String(d), d.sizeDiff, d.countDiff]),
            diffs.slice().sort(compareStatisticDiffs).map((d) => [String(d), d.sizeDiff, d.countDiff]),
            `${seed} ${key} compareTo`,
          );
        }
      }
    }
  }
});

test("orderByKeys sorts by several keys, most significant first, and keeps ties in order", () => {
  const a = [3, 1, 3, 0, 1];
  const b = [0, 5, 0, 9, 2];
  const order = orderByKeys(5, 2, (k, out) => out.set(k ? b : a));
  assert.deepEqual([...order], [3, 4, 1, 0, 2]);
});

test("numericKeys orders any finite values, -Infinity (absent) first", () => {
  const values = new Float64Array([2 ** 60, -3.5, -Infinity, 0, -0, 2 ** 60 + 2 ** 10, 7]);
  const out = new Uint32Array(values.length);
  numericKeys(values, out);
  assert.deepEqual([...out], [4, 1, 0, 2, 2, 5, 3]);
});

test("groups tied on every number come out in the comparators' order, few or many to a tie", () => {
  // Ties of 1 to 300 groups: short ones are ordered by insertion, long ones by radix ranks.
  for (const tie of [1, 2, 7, 63, 64, 65, 300]) {
    const rand = new Random(tie);
    const pool = Array.from({ length: 3 * tie }, () => frames(rand));
    // Every trace has the same size, so groups of one trace each tie on size and count.
    const now = new Snapshot(pool.map((f): RawTrace => [0, 64, f, null]), 6);
    const old = new Snapshot(pool.slice(tie).map((f): RawTrace => [0, 32, f, null]), 6);
    for (const key of ["filename", "lineno", "traceback"] as const) {
      const stats = now.statistics(key);
      assert.deepEqual(stats.map(String), stats.slice().sort(compareStatistics).map(String), `${tie} ${key}`);
      assert.deepEqual(
        stats.map((s) => [...s.traceback].map(String)),
        stats.slice().sort(compareStatistics).map((s) => [...s.traceback].map(String)),
        `${tie} ${key} tracebacks`,
      );
      const diffs = now.compareTo(old, key);
      assert.deepEqual(
        diffs.map((d) => [String(d), [...d.traceback].map(String)]),
        diffs.slice().sort(compareStatisticDiffs).map((d) => [String(d), [...d.traceback].map(String)]),
        `${tie} ${key} compareTo`,
      );
    }
  }
});
