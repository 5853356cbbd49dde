import { test } from "node:test";
import assert from "node:assert/strict";
import { align } from "../../../src/engines/line/align.ts";

/** `align` at one level, as a plain array. */
const one = (a: number[], b: number[]) => [...align([{ a, b }])];

/** A deterministic pseudo-random sequence of `n` keys below `range`. */
function keys(n: number, range: number, seed: number): number[] {
  let s = seed;
  return Array.from({ length: n }, () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return (s >>> 8) % range;
  });
}

/** Every partner has the same key at some level, and no item of `b` has two partners. */
function assertValid(levels: { a: number[]; b: number[] }[], partner: Int32Array): void {
  const used = new Set<number>();
  partner.forEach((j, i) => {
    if (j < 0) return;
    assert.ok(!used.has(j), `b[${j}] is matched twice`);
    used.add(j);
    assert.ok(levels.some((l) => l.a[i] === l.b[j]), `a[${i}] and b[${j}] have no key in common`);
  });
}

test("identical sequences are matched item for item", () => {
  assert.deepEqual(one([3, 1, 4, 1, 5], [3, 1, 4, 1, 5]), [0, 1, 2, 3, 4]);
});

test("empty sequences align to nothing", () => {
  assert.deepEqual(one([], [1, 2]), []);
  assert.deepEqual(one([1, 2], []), [-1, -1]);
});

test("an extra item in the first sequence stays unmatched", () => {
  assert.deepEqual(one([1, 2, 7, 3, 4], [1, 2, 3, 4]), [0, 1, -1, 2, 3]);
});

test("an extra item in the second sequence is skipped", () => {
  assert.deepEqual(one([1, 2, 3, 4], [1, 2, 7, 3, 4]), [0, 1, 3, 4]);
});

test("a repeated key with one copy dropped matches all the others in order", () => {
  assert.deepEqual(one([0, 0, 0, 0], [0, 0, 0, 0, 0]), [0, 1, 2, 3]);
  assert.deepEqual(one([5, 0, 0, 6, 0, 0], [5, 0, 0, 0, 6, 0, 0]), [0, 1, 2, 4, 5, 6]);
});

test("items between unique anchors are diffed exactly", () => {
  // 8 and 9 anchor (each once on each side); a 1 was added before 8, a 0 between them, a 2 after 9.
  assert.deepEqual(one([1, 0, 8, 0, 0, 9, 2], [0, 8, 0, 9, 2, 2]), [-1, 0, 1, 2, -1, 3, 5]);
});

test("an item changed in place is paired with the one it replaced", () => {
  // Bun prints `new Array(n)` as `Array(n)`: a `new` site became a call, between the same neighbours.
  assert.deepEqual(one([1, 2, 3], [1, 9, 3]), [0, 1, 2]);
  assert.deepEqual(one([7, 8, 3], [5, 6, 3]), [0, 1, 2], "at the start too");
});

test("items changed in a stretch with more on one side stay unmatched", () => {
  assert.deepEqual(one([1, 2, 3], [1, 8, 9, 3]), [0, -1, 3]);
});

test("an item moved elsewhere keeps its partner", () => {
  // Bun hoists a class to the top of the body: its site comes first there, last in the file.
  assert.deepEqual(one([9, 1, 2, 3], [1, 2, 3, 9]), [3, 0, 1, 2]);
});

test("an item moved elsewhere whose finest key changed is found by a coarser one", () => {
  const fine = { a: [9, 1, 2, 3], b: [1, 2, 3, 8] };
  const coarse = { a: [5, 0, 0, 0], b: [0, 0, 0, 5] };
  assert.deepEqual([...align([fine, coarse])], [3, 0, 1, 2]);
});

test("merged items that came out in another order are matched where their keys allow", () => {
  // Two declarations merged onto one line and printed in the other order.
  const partner = align([{ a: [1, 3, 2, 4], b: [1, 2, 3, 4] }]);
  assert.deepEqual([partner[0], partner[3]], [0, 3]);
  assert.deepEqual(new Set([partner[1], partner[2]]), new Set([2, 1]), "the swapped pair is matched across");
});

test("coarser keys align what the finer ones left between two matches", () => {
  // The finer keys of the middle items differ (a renamed function), their coarse ones agree.
  const fine = { a: [10, 11, 12, 13], b: [10, 21, 22, 23, 13] };
  const coarse = { a: [0, 1, 1, 0], b: [0, 1, 1, 2, 0] };
  assert.deepEqual([...align([fine])], [0, -1, -1, 4]);
  assert.deepEqual([...align([fine, coarse])], [0, 1, 2, 4]);
});

test("coarser keys never match across a finer match", () => {
  const fine = { a: [1, 7, 2], b: [1, 2, 8, 9] };
  const coarse = { a: [0, 5, 0], b: [0, 0, 5, 5] };
  // 7 would match 8 by its coarse key, but 8 is after the match of 2 (and not the only item of its key left).
  assert.deepEqual([...align([fine, coarse])], [0, -1, 1]);
});

test("levels of different lengths are refused", () => {
  assert.throws(() => align([{ a: [1, 2], b: [1] }, { a: [1], b: [1] }]), RangeError);
});

test("random edits leave only valid matches", () => {
  for (let seed = 1; seed <= 200; seed++) {
    const a = keys(40, 4, seed);
    const b = a.filter((_, i) => (i * seed) % 7 !== 0).concat(keys(5, 4, seed + 1000));
    const levels = [{ a, b }, { a: a.map((k) => k % 2), b: b.map((k) => k % 2) }];
    assertValid(levels, align(levels));
  }
});

test("a large input with scattered edits aligns almost whole in linear time", () => {
  const n = 200_000;
  const a = keys(n, 5_000, 7);
  // Every 100th item dropped and every 150th one doubled, as Bun's folding and printing would.
  const b: number[] = [];
  a.forEach((k, i) => {
    if (i % 100 === 50) return;
    b.push(k);
    if (i % 150 === 0) b.push(k + 1);
  });
  const started = performance.now();
  const partner = align([{ a, b }]);
  const ms = performance.now() - started;
  const matched = partner.filter((j) => j >= 0).length;
  assert.ok(matched >= n * 0.985, `${matched} of ${n} matched`);
  assert.ok(ms < 2_000, `took ${ms.toFixed(0)} ms`);
});

test("time grows about linearly with the input's length", () => {
  const time = (n: number) => {
    const a = keys(n, 1_000, 3);
    const b = a.filter((_, i) => i % 37 !== 0);
    let best = Infinity;
    for (let round = 0; round < 3; round++) {
      const started = performance.now();
      align([{ a, b }]);
      best = Math.min(best, performance.now() - started);
    }
    return best;
  };
  time(10_000); // warm up
  const small = time(50_000);
  const large = time(400_000);
  // Linear: 8 times the work; quadratic would be 64 times.
  assert.ok(large < Math.max(small, 1) * 24, `50k: ${small.toFixed(1)} ms, 400k: ${large.toFixed(1)} ms`);
});

test("sequences with nothing in common and few distinct keys end quickly", () => {
  const a = keys(100_000, 2, 11);
  const b = keys(100_000, 2, 12);
  const started = performance.now();
  const partner = align([{ a, b }]);
  const ms = performance.now() - started;
  assertValid([{ a, b }], partner);
  assert.ok(ms < 3_000, `took ${ms.toFixed(0)} ms`);
});
