import { test } from "node:test";
import assert from "node:assert/strict";
import { JscHeapEngine } from "../../src/engines/jsc.ts";
import { type HeapCensus, runtime, type RuntimeAdapter } from "../../src/runtime/index.ts";

const rt = runtime();

/** Bun must offer its heap census; Node and Deno do not have one. */
function hasCensus(): boolean {
  assert.equal(
    rt.capabilities.heapCensus,
    rt.name === "bun",
    `${rt.name}: heapCensus capability`,
  );
  return rt.capabilities.heapCensus;
}

test("JscHeapEngine runs where the runtime has a heap census, and refuses to start elsewhere", async () => {
  const engine = new JscHeapEngine();
  if (hasCensus()) {
    await engine.start(1, {});
    await engine.stop();
  } else {
    await assert.rejects(engine.start(1, {}), /no heap census/);
  }
});

test("domain 0 on Bun is never empty: one trace per object type with a <jsc:Type> frame at line 0", async () => {
  if (!hasCensus()) return;
  const engine = new JscHeapEngine();
  await engine.start(1, {});
  const traces = await engine.collect();
  await engine.stop();
  assert.ok(traces.length > 0);
  for (const [domain, size, frames, total, count] of traces) {
    assert.equal(domain, 0);
    assert.equal(frames.length, 1);
    assert.match(frames[0][0], /^<jsc:.+>$/);
    assert.equal(frames[0][1], 0);
    assert.equal(total, 1);
    assert.ok(count! > 0 && size > 0);
  }
  assert.ok(traces.some((t) => t[2][0][0] === "<jsc:Object>"));
});

test("retained objects raise their type's count", async () => {
  if (!hasCensus()) return;
  const engine = new JscHeapEngine();
  await engine.start(1, {});
  const objects = (traces: Awaited<ReturnType<JscHeapEngine["collect"]>>) =>
    traces.find((t) => t[2][0][0] === "<jsc:Object>")?.[4] ?? 0;
  await rt.gc();
  const before = objects(await engine.collect());
  const kept = Array.from({ length: 50_000 }, (_, i) => ({ i }));
  const after = objects(await engine.collect());
  await engine.stop();
  assert.ok(after - before >= 50_000, `${after} - ${before}`);
  assert.equal(kept.length, 50_000);
});

test("estimated sizes share the heap's size among types in proportion to their counts", async () => {
  // A fixed census, so that the arithmetic is checked on every runtime.
  const census: HeapCensus = {
    counts: new Map([["Object", 3], ["string", 1]]),
    objectCount: 4,
    heapSize: 400,
    shallowSize: () => null,
  };
  const fake: RuntimeAdapter = {
    ...rt,
    capabilities: { ...rt.capabilities, heapCensus: true },
    heapCensus: () => Promise.resolve(census),
  };
  const engine = new JscHeapEngine(fake);
  await engine.start(1, {});
  const traces = await engine.collect();
  const memory = await engine.memory();
  await engine.stop();
  assert.deepEqual(traces, [
    [0, 300, [["<jsc:Object>", 0]], 1, 3],
    [0, 100, [["<jsc:string>", 0]], 1, 1],
  ]);
  assert.deepEqual(memory, { current: 400, peak: 400 });
});

test("the census's limits say that there is no allocation profiler and no source locations", () => {
  const text = new JscHeapEngine().limits.join("\n");
  assert.match(text, /no allocation profiler/);
  assert.match(text, /without source locations/);
  assert.match(text, /estimated/);
});

test("stop zeroes the census's traced memory", async () => {
  if (!hasCensus()) return;
  const engine = new JscHeapEngine();
  await engine.start(1, {});
  assert.ok((await engine.memory()).current > 0);
  await engine.stop();
  assert.deepEqual(await engine.memory(), { current: 0, peak: 0 });
  assert.deepEqual(await engine.collect(), []);
});

test("a census on a budget may be reused, and one read gives traces and memory together", async () => {
  if (!rt.capabilities.heapCensus) return;
  const engine = new JscHeapEngine();
  await engine.start(1, {});
  try {
    const { traces, memory } = await engine.read();
    const at = engine.readAt;
    assert.ok(traces.length > 0 && memory.current > 0);
    assert.deepEqual(await engine.memory({ maxAge: 60_000 }), memory);
    assert.equal(engine.readAt, at);
  } finally {
    await engine.stop();
  }
});
