import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { sampleEstimate, SamplerEngine, sampleWeight } from "../../src/engines/sampler.ts";
import { isTracerFile } from "../../src/engines/own-frames.ts";
import type { RawTrace } from "../../src/model/snapshot.ts";
import { runtime } from "../../src/runtime/index.ts";

const rt = runtime();
const here = fileURLToPath(import.meta.url);

/** Node and Deno must have V8's sampler; Bun must not claim one. */
function hasSampler(): boolean {
  assert.equal(
    rt.capabilities.heapSampler,
    rt.name !== "bun",
    `${rt.name}: heapSampler capability`,
  );
  return rt.capabilities.heapSampler;
}

/** Line (1-based) of the first line of this file containing `text`. */
function lineOf(text: string): number {
  return readFileSync(here, "utf8").split("\n").findIndex((l) => l.includes(text)) + 1;
}

/** Sum of the traces whose most recent frame is function `name`: [bytes, count]. */
function charged(traces: RawTrace[], name: string): [number, number] {
  let bytes = 0;
  let count = 0;
  for (const [, size, frames, , n] of traces) {
    if (frames[0]?.[3] === name) {
      bytes += size;
      count += n ?? 1;
    }
  }
  return [bytes, count];
}

async function sampled<T>(
  interval: number,
  nframe: number,
  work: () => T,
): Promise<{ traces: RawTrace[]; kept: T; engine: SamplerEngine }> {
  const engine = new SamplerEngine();
  await engine.start(nframe, { samplingInterval: interval });
  const kept = work();
  await rt.gc();
  const traces = await engine.collect();
  return { traces, kept, engine };
}

// Types stripped from the emitted JavaScript shift the lines V8 sees (Deno); the mapping must undo it.
interface Shape {
  x: number;
  y: number;
  z: number;
}

function retainArrays(n: number, length: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < n; i++) out.push(new Array(length).fill(i + 0.5));
  return out;
}

function retainObjects(into: Shape[]): void {
  for (let i = 0; i < into.length; i++) into[i] = { x: i, y: i + 1, z: i + 2 };
}

function outer(): number[][] {
  return middle();
}
function middle(): number[][] {
  return inner();
}
function inner(): number[][] {
  return retainArrays(50, 1000);
}

test("SamplerEngine is available on Node and Deno, and refuses to start elsewhere", async () => {
  const engine = new SamplerEngine();
  if (hasSampler()) {
    await engine.start(1, {});
    await engine.stop();
  } else {
    await assert.rejects(engine.start(1, {}), /no sampling heap profiler/);
  }
});

test("sampleWeight is 1 / (1 - exp(-size / interval))", () => {
  assert.equal(sampleWeight(1024, 1024), 1 / (1 - Math.exp(-1)));
  assert.ok(Math.abs(sampleWeight(16, 1024 * 1024) - 65536.5) < 0.01);
});

test("a small object's sample is worth the bytes V8 attributes to it and V8's weight in allocations", () => {
  // V8 reports size × round(1 / p(size)): 32 × 33 for a 32-byte object at 1024.
  assert.deepEqual(sampleEstimate(1056, 1024), { bytes: 1056, count: 33 });
});

test("an object larger than 2.2 intervals gets its exact weight", () => {
  const { bytes, count } = sampleEstimate(8016, 1024);
  assert.equal(count, sampleWeight(8016, 1024));
  assert.equal(bytes, 8016 * sampleWeight(8016, 1024));
});

test("sampled frames give the file as a path, the function name and the function's TypeScript line", async () => {
  if (!hasSampler()) return;
  const { traces, engine } = await sampled(
    1024,
    1,
    () => retainArrays(200, 1000),
  );
  await engine.stop();
  const frame = traces.map((t) => t[2][0]).find((f) => f?.[3] === "retainArrays");
  assert.ok(frame, "a trace charged to retainArrays");
  assert.equal(frame[0], here);
  assert.equal(frame[1], lineOf("function retainArrays("));
});

test("estimated bytes of retained arrays are within 15% of their size at a small interval", async () => {
  if (!hasSampler()) return;
  const n = 2000;
  const length = 1000;
  const { traces, kept, engine } = await sampled(
    1024,
    1,
    () => retainArrays(n, length),
  );
  await engine.stop();
  // Each array keeps a FixedDoubleArray of 8 bytes per element (plus headers).
  const known = n * length * 8;
  const [bytes, count] = charged(traces, "retainArrays");
  assert.equal(kept.length, n);
  assert.ok(
    Math.abs(bytes / known - 1) < 0.15,
    `estimated ${bytes} B for ${known} B`,
  );
  assert.ok(
    count >= n * 0.85,
    `estimated ${count} allocations for at least ${n}`,
  );
});

test("estimated bytes of retained small objects are within 15% of the heap they take", async () => {
  if (!hasSampler()) return;
  // Compiled before measuring, so that its code is not counted as what it keeps.
  retainObjects(new Array(1000));
  // A million objects (tens of MB), so that the test runner's own allocations are noise.
  const kept: Shape[] = new Array(1_000_000);
  await rt.gc();
  const before = rt.heapStatistics().heapUsed;
  const { traces, engine } = await sampled(4096, 1, () => retainObjects(kept));
  const taken = rt.heapStatistics().heapUsed - before;
  await engine.stop();
  const [bytes] = charged(traces, "retainObjects");
  assert.equal(kept[kept.length - 1].z, kept.length + 1);
  assert.ok(
    Math.abs(bytes / taken - 1) < 0.15,
    `estimated ${bytes} B for ${taken} B`,
  );
});

test("the tracer's own frames and allocations never appear in traces", async () => {
  if (!hasSampler()) return;
  const { traces, engine } = await sampled(
    256,
    64,
    () => retainArrays(20, 100),
  );
  // A second read, so that the first read's own allocations were made while sampling.
  const again = await engine.collect();
  await engine.stop();
  for (const [, , frames] of [...traces, ...again]) {
    for (const [file] of frames) {
      assert.ok(
        !isTracerFile(file) && !rt.isInspectorFrame(file),
        `tracer frame ${file}`,
      );
    }
  }
});

test("nframe limits the frames kept and totalNframe keeps the real depth", async () => {
  if (!hasSampler()) return;
  const { traces, engine } = await sampled(1024, 2, outer);
  await engine.stop();
  const trace = traces.find((t) => t[2][0]?.[3] === "retainArrays" && t[2][1]?.[3] === "inner");
  assert.ok(trace, "a trace retainArrays <- inner");
  assert.equal(trace[2].length, 2);
  assert.ok(trace[3] !== null && trace[3] >= 5, `total depth ${trace[3]}`);
});

test("clear forgets the samples taken so far but keeps sampling", async () => {
  if (!hasSampler()) return;
  const { engine, kept } = await sampled(
    1024,
    1,
    () => retainArrays(200, 1000),
  );
  await engine.clear();
  assert.equal(charged(await engine.collect(), "retainArrays")[0], 0);
  const more = retainArrays(200, 1000);
  assert.ok(charged(await engine.collect(), "retainArrays")[0] > 0);
  await engine.stop();
  assert.equal(kept.length + more.length, 400);
});

test("current memory is the sum of the traces and the peak never falls below it", async () => {
  if (!hasSampler()) return;
  const { engine, kept } = await sampled(
    1024,
    1,
    () => retainArrays(200, 1000),
  );
  const traces = await engine.collect();
  const memory = await engine.memory();
  await engine.stop();
  const sum = traces.reduce((s, t) => s + t[1], 0);
  assert.ok(
    Math.abs(memory.current - sum) <= sum * 0.01,
    `${memory.current} vs ${sum}`,
  );
  assert.ok(memory.peak >= memory.current);
  assert.equal(kept.length, 200);
});

test("the peak is the highest current seen and resetPeak brings it down to current", async () => {
  if (!hasSampler()) return;
  const engine = new SamplerEngine();
  await engine.start(1, { samplingInterval: 1024 });
  let kept: number[][] | null = retainArrays(500, 1000);
  const high = await engine.memory();
  kept = null;
  await rt.gc();
  const low = await engine.memory();
  assert.ok(
    low.current < high.current / 2,
    `${low.current} after freeing ${high.current}`,
  );
  assert.equal(low.peak, high.peak);
  await engine.resetPeak();
  const reset = await engine.memory();
  await engine.stop();
  assert.ok(reset.peak < high.peak && reset.peak >= reset.current * 0.5);
  assert.equal(kept, null);
});

test("stop forgets every trace and zeroes memory", async () => {
  if (!hasSampler()) return;
  const { engine, kept } = await sampled(
    1024,
    1,
    () => retainArrays(100, 1000),
  );
  await engine.stop();
  assert.deepEqual(await engine.collect(), []);
  assert.deepEqual(await engine.memory(), { current: 0, peak: 0 });
  assert.equal(kept.length, 100);
});

test("the sampler cannot tell an object's traceback", async () => {
  if (!hasSampler()) return;
  const engine = new SamplerEngine();
  await engine.start(1, {});
  const obj = { a: 1 };
  assert.equal(engine.objectTraceback(obj), null);
  await engine.stop();
});

test("the sampler's limits say that it samples and that frames are functions", () => {
  const text = new SamplerEngine().limits.join("\n");
  assert.match(text, /sampled/);
  assert.match(text, /functions, not lines/);
});

test("a read on a budget reuses the last profile while reading again costs too much; a plain read is fresh", async () => {
  if (!hasSampler()) return;
  const engine = new SamplerEngine();
  await engine.start(1, { samplingInterval: 64 * 1024 });
  try {
    const first = await engine.collect();
    const at = engine.readAt;
    assert.ok(at !== undefined);
    // Any read may be reused within maxAge, whatever it cost.
    assert.equal(await engine.collect({ maxAge: 60_000 }), first);
    assert.equal(engine.readAt, at);
    const both = await engine.read({ maxAge: 60_000 });
    assert.equal(both.traces, first);
    await new Promise((resolve) => setTimeout(resolve, 5));
    await engine.collect();
    assert.ok(engine.readAt! > at!, "a read without options reads the profile again");
  } finally {
    await engine.stop();
  }
  assert.equal(engine.readAt, undefined);
});
