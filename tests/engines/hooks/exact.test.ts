/**
 * Counts and sizes stay exact however buffers come and go: every traced
 * fixed-size buffer is one trace, freed once (by its finalizer, or by a
 * hooked call that detaches it), whichever object the registry watches on
 * this runtime (a record the buffer holds on Node, the buffer itself on
 * Deno and Bun, see `src/engines/hooks/store.ts`), through slot reuse,
 * `clear()` and a buffer that outlives the typed array it came from.
 *
 * @module
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { HookEngine } from "../../../src/engines/hooks.ts";
import { BUFFER_DOMAIN, TraceStore } from "../../../src/engines/hooks/store.ts";
import type { CapturedStack } from "../../../src/runtime/stack.ts";
import { collectUntil, hooked, inFrame, keep, lineOf, pathOf, tracedBytes, tracesAt } from "./helpers.ts";

const here = pathOf(import.meta.url);

/** Traces at the line marked `marker`: how many, and their bytes. */
async function at(engine: HookEngine, marker: string): Promise<[number, number]> {
  const found = tracesAt(await engine.collect(), here, lineOf(here, marker));
  return [found.length, found.reduce((sum, [, size]) => sum + size, 0)];
}

/** Makes `count` views, encoder outputs and buffers at three lines; keeps one item in `every`. */
function churn(count: number, every: number): unknown[] {
  const encoder = new TextEncoder();
  const kept: unknown[] = [];
  for (let i = 0; i < count; i++) {
    const view = new Uint8Array(8 + (i % 3)); // @churn-view
    const text = encoder.encode("x".repeat(1 + (i % 4))); // @churn-encode
    const buffer = new ArrayBuffer(16); // @churn-buffer
    if (i % every === 0) kept.push(view, text, buffer);
  }
  return kept;
}

/** Sizes of the views, encoder outputs and buffers `churn(count, every)` keeps. */
function keptSizes(count: number, every: number): { views: number; texts: number; buffers: number; n: number } {
  let views = 0, texts = 0, n = 0;
  for (let i = 0; i < count; i += every) {
    views += 8 + (i % 3);
    texts += 1 + (i % 4);
    n++;
  }
  return { views, texts, buffers: 16 * n, n };
}

test("many short-lived buffers: once collected, exactly the kept ones are traced, with their sizes", async () => {
  await hooked(async (engine) => {
    const kept = churn(600, 7);
    const want = keptSizes(600, 7);
    const settled = await collectUntil(async () => (await at(engine, "// @churn-view"))[0] === want.n);
    assert.ok(settled, "the dropped views' traces went");
    await collectUntil(async () =>
      (await at(engine, "// @churn-encode"))[0] === want.n && (await at(engine, "// @churn-buffer"))[0] === want.n
    );
    assert.deepEqual(await at(engine, "// @churn-view"), [want.n, want.views]);
    assert.deepEqual(await at(engine, "// @churn-encode"), [want.n, want.texts]);
    assert.deepEqual(await at(engine, "// @churn-buffer"), [want.n, want.buffers]);
    const { current, all } = await tracedBytes(engine, here);
    assert.equal(current, all, "traced memory is the sum of the live traces");
    keep(kept);
  });
});

test("a second round over reused slots is as exact as the first", async () => {
  await hooked(async (engine) => {
    inFrame(() => churn(400, 1000)); // all but the first item dropped
    await collectUntil(async () => (await at(engine, "// @churn-view"))[0] === 0);
    const kept = churn(300, 5);
    const want = keptSizes(300, 5);
    await collectUntil(async () =>
      (await at(engine, "// @churn-view"))[0] === want.n && (await at(engine, "// @churn-encode"))[0] === want.n &&
      (await at(engine, "// @churn-buffer"))[0] === want.n
    );
    assert.deepEqual(await at(engine, "// @churn-view"), [want.n, want.views]);
    assert.deepEqual(await at(engine, "// @churn-encode"), [want.n, want.texts]);
    assert.deepEqual(await at(engine, "// @churn-buffer"), [want.n, want.buffers]);
    const { current, all } = await tracedBytes(engine, here);
    assert.equal(current, all);
    keep(kept);
  });
});

test("clear(): buffers traced before it never count again, even when their finalizers run after it", async () => {
  await hooked(async (engine) => {
    let before: unknown[] | null = churn(200, 1); // all kept for now
    await engine.clear();
    const kept = churn(100, 4);
    const want = keptSizes(100, 4);
    before = null;
    await collectUntil(async () => (await at(engine, "// @churn-view"))[0] === want.n);
    assert.deepEqual(await at(engine, "// @churn-view"), [want.n, want.views]);
    const { current, all } = await tracedBytes(engine, here);
    assert.equal(current, all, "the old session's finalizers took nothing from the new one");
    assert.equal(before, null);
    keep(kept);
  });
});

function bufferOfADroppedView(): ArrayBuffer {
  const view = new Float64Array(16); // @outlives
  return view.buffer;
}

test("a buffer taken from a typed array outlives it: still traced, freed with the buffer", async () => {
  await hooked(async (engine) => {
    const holder: { buffer: ArrayBuffer | null } = { buffer: null };
    inFrame(() => holder.buffer = bufferOfADroppedView());
    await collectUntil(() => false, 4); // the view is garbage now
    assert.deepEqual(await at(engine, "// @outlives"), [1, 128]);
    inFrame(() => assert.equal(holder.buffer?.byteLength, 128));
    holder.buffer = null;
    const freed = await collectUntil(async () => (await at(engine, "// @outlives"))[0] === 0);
    assert.ok(freed, "freed with the buffer");
    const { current, all } = await tracedBytes(engine, here);
    assert.equal(current, all);
  });
});

test("a buffer taken from its view and transferred is freed at once, and once", async () => {
  await hooked(async (engine) => {
    inFrame(() => {
      const view = new Uint8Array(48); // @moved-away
      const moved = structuredClone(view.buffer, { transfer: [view.buffer] });
      assert.equal(moved.byteLength, 48);
    });
    assert.deepEqual(await at(engine, "// @moved-away"), [0, 0]);
    // The view, its detached buffer and their finalizers go later: nothing is freed twice.
    await collectUntil(() => false, 4);
    const { current, all } = await tracedBytes(engine, here);
    assert.equal(current, all);
  });
});

const stack = (line: number): CapturedStack => ({ frames: [[here, line]], totalNframe: 1, key: `exact:${line}` });

test("TraceStore: a buffer's trace found, then forgotten when it is detached (has() remembers none)", () => {
  const store = new TraceStore();
  const buffer = new ArrayBuffer(32);
  store.add(buffer, BUFFER_DOMAIN, "fixed", 32, stack(1));
  assert.equal(store.has(buffer), true);
  assert.equal(store.has(buffer), true);
  store.delete(buffer);
  assert.equal(store.has(buffer), false);
  assert.equal(store.current, 0);
  assert.equal(store.size, 0);
});

test("TraceStore: a view's trace moves to its buffer once; detaching the buffer frees it once", () => {
  const store = new TraceStore();
  const view = new Uint8Array(24);
  store.add(view, BUFFER_DOMAIN, "view", 24, stack(2));
  assert.equal(store.tracedByView(view), true);
  store.adopt(view, view.buffer);
  store.adopt(view, view.buffer);
  assert.equal(store.tracedByView(view), false);
  assert.equal(store.has(view.buffer), true);
  assert.equal(store.size, 1);
  assert.equal(store.current, 24);
  assert.equal(store.traceback(view)?.at(-1)?.lineno, 2);
  store.delete(view.buffer);
  store.delete(view.buffer);
  assert.equal(store.current, 0);
  assert.equal(store.size, 0);
  assert.equal(store.traceback(view), null);
});

test("TraceStore: equal tracebacks and sizes count in one group; collect() lists each buffer", () => {
  const store = new TraceStore();
  const views = Array.from({ length: 10 }, (_, i) => new Uint8Array(i % 2 ? 8 : 16));
  for (const [i, view] of views.entries()) store.add(view, BUFFER_DOMAIN, "view", view.byteLength, stack(3 + (i % 3)));
  const traces = store.collect();
  assert.equal(traces.length, 10);
  assert.equal(traces.reduce((sum, [, size]) => sum + size, 0), 5 * 8 + 5 * 16);
  assert.equal(store.current, 120);
  store.clear();
  assert.equal(store.has(views[0]), false, "a stamp of an earlier session is not a trace");
  assert.deepEqual(store.collect(), []);
});

test("limits say that callers are sampled while tracing with more than one frame, and only then", async () => {
  const sampled = (limits: readonly string[]) => limits.some((limit) => /callers .* sample/.test(limit));
  await hooked((engine) => assert.equal(sampled(engine.limits), false), 1);
  await hooked((engine) => assert.equal(sampled(engine.limits), true), 3);
});
