import { test } from "node:test";
import assert from "node:assert/strict";
import { HookEngine } from "../../../src/engines/hooks.ts";
import { hooked, keep, lineOf, pathOf, tracedBytes, tracesAt } from "./helpers.ts";

const here = pathOf(import.meta.url);

test("traced memory is the sum of the live traces' sizes", async () => {
  await hooked(async (engine) => {
    const kept = [new ArrayBuffer(1000), new Uint16Array(50), new SharedArrayBuffer(8)];
    const { mine, all, current } = await tracedBytes(engine, here);
    assert.equal(mine, 1108);
    assert.equal(current, all);
    keep(kept);
  });
});

test("the peak is exact: the highest traced size reached, even between two queries", async () => {
  await hooked(async (engine) => {
    const buffer = new ArrayBuffer(0, { maxByteLength: 100000 });
    // Synchronous from here to the query: nothing else allocates in between.
    void engine.resetPeak();
    buffer.resize(70000);
    buffer.resize(1000);
    const memory = engine.memory();
    const { current, peak } = await memory;
    assert.equal(peak - current, 69000);
  });
});

test("resetPeak sets the peak to the current traced size", async () => {
  await hooked(async (engine) => {
    const big = new ArrayBuffer(50000, { maxByteLength: 50000 });
    big.resize(0);
    void engine.resetPeak();
    const { current, peak } = await engine.memory();
    assert.equal(peak, current);
  });
});

test("clear forgets traces and zeroes traced memory and its peak", async () => {
  await hooked(async (engine) => {
    const kept = new ArrayBuffer(4096); // @before-clear
    await engine.clear();
    const traces = await engine.collect();
    assert.deepEqual(tracesAt(traces, here, lineOf(here, "// @before-clear")), []);
    assert.equal(engine.objectTraceback(kept), null);
  });
});

test("clear zeroes current and peak at once", async () => {
  await hooked(async (engine) => {
    const kept = new ArrayBuffer(4096);
    const cleared = engine.clear();
    const memory = engine.memory();
    await cleared;
    assert.deepEqual(await memory, { current: 0, peak: 0 });
    keep(kept);
  });
});

test("clear keeps the hooks: later allocations are traced", async () => {
  await hooked(async (engine) => {
    await engine.clear();
    const bytes = new Uint8Array(33); // @after-clear
    const found = tracesAt(await engine.collect(), here, lineOf(here, "// @after-clear"));
    assert.equal(found.length, 1);
    keep(bytes);
  });
});

test("a buffer traced before clear and freed after it does not make traced memory negative", async () => {
  await hooked(async (engine) => {
    let buffer: ArrayBuffer | null = new ArrayBuffer(100, { maxByteLength: 100 });
    await engine.clear();
    buffer.resize(0);
    buffer = null;
    const { current } = await engine.memory();
    assert.ok(current >= 0);
  });
});

test("overhead grows with the number of traces and is 0 when not tracing", async () => {
  const engine = new HookEngine();
  assert.equal(engine.overhead(), 0);
  await engine.start(1, {});
  try {
    const before = engine.overhead();
    const kept = Array.from({ length: 100 }, () => new ArrayBuffer(8));
    assert.ok(engine.overhead() >= before + 100 * 50, `${engine.overhead()} vs ${before}`);
    keep(kept);
  } finally {
    await engine.stop();
  }
  assert.equal(engine.overhead(), 0);
});

test("traced memory is zero when not tracing", async () => {
  const engine = new HookEngine();
  assert.deepEqual(await engine.memory(), { current: 0, peak: 0 });
  assert.deepEqual(await engine.collect(), []);
});
