import { test } from "node:test";
import assert from "node:assert/strict";
import { Countdowns } from "../../../src/engines/line/random.ts";

test("countdowns have the mean asked for, whatever the seed", () => {
  for (const mean of [64, 1024]) {
    for (const seed of [1, 2, 3, 0x7fffffff]) {
      const draws = new Countdowns(mean, seed);
      let sum = 0;
      const n = 200_000;
      for (let i = 0; i < n; i++) sum += draws.next();
      const error = sum / n / mean - 1;
      // The standard error of the mean of 200k geometric draws is about 0.22%.
      assert.ok(Math.abs(error) < 0.01, `mean ${mean}, seed ${seed}: ${(error * 100).toFixed(2)}% off`);
    }
  }
});

test("countdowns do not repeat within a long run", () => {
  const draws = new Countdowns(1024, 42);
  const first = Array.from({ length: 64 }, () => draws.next());
  for (let i = 0; i < 1_000_000; i++) {
    if (draws.next() !== first[0]) continue;
    const again = [first[0], ...Array.from({ length: 63 }, () => draws.next())];
    assert.notDeepEqual(again, first, `the sequence repeats after ${i + 64} draws`);
  }
});

test("a mean of 1 samples every allocation", () => {
  const draws = new Countdowns(1, 7);
  for (let i = 0; i < 100; i++) assert.equal(draws.next(), 1);
});
