import { test } from "node:test";
import assert from "node:assert/strict";
import { measureObject, Shape } from "../../../src/engines/line/measure.ts";
import { SiteKind } from "../../../src/engines/line/plan.ts";
import { SampleStore } from "../../../src/engines/line/samples.ts";
import { runtime } from "../../../src/runtime/index.ts";

const sizes = runtime().objectSizes;

/** A store holding `value` as its one sample (every allocation sampled), at site 1. */
function holding(value: object): SampleStore {
  const store = new SampleStore(1, sizes);
  const tb = store.internSite(1, ["/app/a.ts", 3, null, "make"]);
  const { size, shape } = measureObject(value, SiteKind.Array, 0, sizes);
  store.add(value, 1, tb, size, shape);
  return store;
}

/** The bytes of the store's traces after a sweep. */
function bytesOf(store: SampleStore): number {
  store.sweep();
  return store.collect().reduce((sum, trace) => sum + trace[1], 0);
}

test("an array sample is sized again when its length changes", () => {
  const list: number[] = [1, 2, 3];
  const store = holding(list);
  const before = bytesOf(store);
  for (let i = 0; i < 100; i++) list.push(i);
  assert.equal(bytesOf(store), sizes.array(103));
  assert.ok(bytesOf(store) > before);
});

test("an array sample whose length did not change keeps its size: its elements are not read again", () => {
  const list: string[] = ["short"];
  const store = holding(list);
  const before = bytesOf(store);
  list[0] = "x".repeat(1000); // a held long string would count, were the elements read
  assert.equal(bytesOf(store), before);
});

test("the traces of a store sum its live samples by traceback", () => {
  const store = new SampleStore(4, sizes);
  const a = store.internSite(1, ["/app/a.ts", 3, null, "make"]);
  const b = store.internSite(2, ["/app/a.ts", 4, null, "make"]);
  const held = [{}, {}, {}];
  store.add(held[0], 1, a, 40, Shape.Fixed);
  store.add(held[1], 1, a, 40, Shape.Fixed);
  store.add(held[2], 2, b, 24, Shape.Fixed);
  store.sweep();
  const traces = store.collect().map(([domain, size, frames, , count]) => [domain, size, frames[0][1], count]);
  assert.deepEqual(traces, [[0, 320, 3, 8], [0, 96, 4, 4]]);
});
