import { test } from "node:test";
import assert from "node:assert/strict";
import { Statistic, StatisticDiff } from "../../src/model/statistic.ts";
import { Traceback } from "../../src/model/traceback.ts";

const at = (file: string, line: number) => Traceback.fromRaw([[file, line]]);

test("Statistic prints like CPython's str(Statistic)", () => {
  assert.equal(String(new Statistic(at("a.py", 5), 5002, 2)), "a.py:5: size=5002 B, count=2, average=2501 B");
});

test("StatisticDiff prints sizes and counts with their signed change", () => {
  assert.equal(
    String(new StatisticDiff(at("a.py", 5), 5002, 5000, 2, 1)),
    "a.py:5: size=5002 B (+5000 B), count=2 (+1), average=2501 B",
  );
});

test("a freed group has no average", () => {
  assert.equal(
    String(new StatisticDiff(at("a.py", 5), 0, -4428 * 1024, 0, -3)),
    "a.py:5: size=0 B (-4428 KiB), count=0 (-3)",
  );
});

test("units step up at 10 KiB and keep three significant digits below 100", () => {
  assert.equal(String(new Statistic(at("x", 1), 48 * 1024, 1)), "x:1: size=48.0 KiB, count=1, average=48.0 KiB");
  assert.equal(String(new Statistic(at("x", 1), 8173 * 1024, 71332)), "x:1: size=8173 KiB, count=71332, average=117 B");
});

test("averages that fall on a half round to even, as Python's %.0f", () => {
  assert.equal(String(new Statistic(at("x", 1), 5, 2)), "x:1: size=5 B, count=2, average=2 B");
});
