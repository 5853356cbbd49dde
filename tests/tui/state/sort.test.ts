import { test } from "node:test";
import assert from "node:assert/strict";
import { runNow } from "../../../tui/state/pace.ts";
import { identity, mergeSteps, sortSteps } from "../../../tui/state/sort.ts";

/** `n` values drawn from `distinct` values (ties), the same for the same seed. */
function values(seed: number, n: number, distinct: number): Float64Array {
  let x = seed;
  return Float64Array.from({ length: n }, () => (x = (x * 1103515245 + 12345) % 2147483648) % distinct);
}

for (const n of [0, 1, 15, 16, 17, 33, 1000, 5000]) {
  test(`sorting ${n} rows gives Array#sort's stable order`, () => {
    const v = values(n + 1, n, 7);
    const compare = (a: number, b: number) => v[b] - v[a];
    const ours = runNow(sortSteps(identity(n), compare));
    const theirs = Array.from({ length: n }, (_, i) => i).sort(compare);
    assert.deepEqual([...ours], theirs);
  });
}

test("sorting stops at steps: a long sort can be sliced", () => {
  const v = values(3, 50_000, 1000);
  const steps = sortSteps(identity(v.length), (a, b) => v[a] - v[b]);
  let stops = 0;
  for (let step = steps.next(); !step.done; step = steps.next()) stops++;
  assert.ok(stops > 10, `${stops} stops`);
});

test("merging two sorted runs keeps both orders and puts the first run's ties first", () => {
  const v = [5, 3, 3, 1, 4, 3, 2];
  const compare = (a: number, b: number) => v[b] - v[a];
  const merged = runNow(mergeSteps(new Uint32Array([0, 1, 2, 3]), new Uint32Array([4, 5, 6]), compare));
  assert.deepEqual([...merged], [0, 4, 1, 2, 5, 6, 3]);
});
