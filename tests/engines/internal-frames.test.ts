import { test } from "node:test";
import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import { readFileSync } from "node:fs";
import process from "node:process";
import { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import type { Frame } from "../../src/model/frame.ts";
import type { Trace } from "../../src/model/trace.ts";
import { runtime } from "../../src/runtime/index.ts";
import { isInternalFile } from "../../src/runtime/internal-frames.ts";
import * as tracemalloc from "../../src/tracer.ts";
import { tracing } from "./tracing.ts";

const here = fileURLToPath(import.meta.url);
const source = readFileSync(here, "utf8").split("\n");
const lineOf = (mark: string): number => source.findIndex((line) => line.includes(mark)) + 1;

/** The sizes used here, distinct from anything else the process allocates. */
const PUSHED = 3 * 65_537;
const HEARD = 5 * 65_537;
const MADE = 7 * 65_537;

let held: unknown[] = [];

/** A Buffer made by the runtime's own stream code (its string converted), on behalf of the marked line. */
function pushText(): void {
  const stream = new Readable({ read() {} });
  stream.push("p".repeat(PUSHED)); // @push
  held.push(stream);
}

/** A listener the runtime's EventEmitter calls. */
function onEvent(): void {
  held.push(new Uint8Array(HEARD)); // @listener
}

function emitEvent(): void {
  const emitter = new EventEmitter();
  emitter.on("event", onEvent);
  emitter.emit("event"); // @emit
}

/** An allocation right in the test: the test runner's frames lie below. */
function makeBuffer(): void {
  held.push(new Uint8Array(MADE)); // @made
}

/** The frames (most recent first) of the traced buffer of `size` bytes, after running `body` while tracing. */
async function framesOf(
  body: () => void,
  size: number,
  nframe: number,
  options?: tracemalloc.TracerOptions,
): Promise<Frame[]> {
  const snapshot = await tracing(
    async () => {
      body();
      return await tracemalloc.takeSnapshot({ gc: false });
    },
    nframe,
    options,
  );
  held = [];
  const trace = [...snapshot.traces].find((t: Trace) => t.domain === 1 && t.size === size);
  assert.ok(trace, `a trace of ${size} bytes`);
  return [...trace.traceback].reverse();
}

const at = (frame: Frame | undefined) => frame && `${frame.filename}:${frame.lineno}`;

test("a buffer a runtime function makes (a stream's push) is charged to the user's line", async () => {
  const frames = await framesOf(pushText, PUSHED, 1);
  assert.deepEqual(frames.map(at), [`${here}:${lineOf("// @push")}`]);
});

test("the traceback limit counts the user's frames, the runtime's above them left out", async () => {
  const frames = await framesOf(pushText, PUSHED, 2);
  assert.equal(at(frames[0]), `${here}:${lineOf("// @push")}`);
  assert.equal(frames[1]?.filename, here);
});

test("with internalFrames the runtime's frame that made the buffer comes first", async () => {
  const frames = await framesOf(pushText, PUSHED, 5, { internalFrames: true });
  assert.ok(isInternalFile(frames[0].filename), frames.map(at).join(" <- "));
  assert.ok(frames.some((frame) => at(frame) === `${here}:${lineOf("// @push")}`), frames.map(at).join(" <- "));
});

test("the runtime's frames between two user frames are kept (EventEmitter#emit calling a listener)", async () => {
  const frames = await framesOf(emitEvent, HEARD, 3);
  const shown = frames.map(at).join(" <- ");
  assert.equal(at(frames[0]), `${here}:${lineOf("// @listener")}`, shown);
  assert.ok(isInternalFile(frames[1].filename), shown);
  assert.equal(at(frames[2]), `${here}:${lineOf("// @emit")}`, shown);
});

test("the test runner's frames below the test are left out, at the outer end and under resumed async functions", async () => {
  const frames = await framesOf(makeBuffer, MADE, 100);
  assert.ok(frames.every((frame) => !isInternalFile(frame.filename)), frames.map(at).join(" <- "));
  assert.equal(at(frames[0]), `${here}:${lineOf("// @made")}`);
});

test("with internalFrames the test runner's frames below the test are kept", async () => {
  const frames = await framesOf(makeBuffer, MADE, 100, { internalFrames: true });
  assert.ok(isInternalFile(frames.at(-1)!.filename), frames.map(at).join(" <- "));
});

test("TRACEMALLOC_INTERNAL_FRAMES=1 shows them when start() is not told", async () => {
  process.env.TRACEMALLOC_INTERNAL_FRAMES = "1";
  try {
    const frames = await framesOf(pushText, PUSHED, 5);
    assert.ok(isInternalFile(frames[0].filename), frames.map(at).join(" <- "));
  } finally {
    delete process.env.TRACEMALLOC_INTERNAL_FRAMES;
  }
});

test("start refuses an invalid TRACEMALLOC_INTERNAL_FRAMES with a RangeError naming it", () => {
  process.env.TRACEMALLOC_INTERNAL_FRAMES = "sometimes";
  try {
    assert.throws(() => tracemalloc.start(1), /^RangeError: TRACEMALLOC_INTERNAL_FRAMES: invalid value "sometimes"/);
  } finally {
    delete process.env.TRACEMALLOC_INTERNAL_FRAMES;
  }
  assert.equal(tracemalloc.isTracing(), false);
});

test("start refuses an internalFrames option that is not a boolean", () => {
  assert.throws(() => tracemalloc.start(1, { internalFrames: "yes" as unknown as boolean }), TypeError);
  assert.equal(tracemalloc.isTracing(), false);
});

/** Keeps arrays made by this file's own function, for V8's sampler to see. */
function retain(kept: number[][]): void {
  for (let i = 0; i < 2000; i++) kept.push(new Array(64).fill(i)); // @retain
}

/** The sampler's traces through this file, read while `retain`, called by a timer, holds its arrays. */
async function sampledHere(internalFrames: boolean): Promise<Frame[][]> {
  const kept: number[][] = [];
  const traces = await tracing(
    async () => {
      await new Promise<void>((resolve) => setTimeout(() => resolve(retain(kept)), 0));
      return [...(await tracemalloc.takeSnapshot()).traces];
    },
    100,
    { engine: "sampler", samplingInterval: 512, internalFrames },
  );
  assert.equal(kept.length, 2000);
  return traces.filter((t) => t.domain === 0).map((t) => [...t.traceback].reverse())
    .filter((frames) => frames.some((frame) => frame.filename === here));
}

test("V8's sampler leaves the runtime's frames out at both ends of a stack", async () => {
  if (!runtime().capabilities.heapSampler) return; // Bun: no sampler
  const stacks = await sampledHere(false);
  assert.ok(stacks.length > 0, "samples through this file");
  for (const frames of stacks) {
    const shown = frames.map(at).join(" <- ");
    assert.ok(!isInternalFile(frames[0].filename), shown);
    assert.ok(!isInternalFile(frames.at(-1)!.filename), shown);
  }
});

test("with internalFrames V8's sampler keeps the runtime's frames under a timer's callback", async () => {
  if (!runtime().capabilities.heapSampler) return; // Bun: no sampler
  const stacks = await sampledHere(true);
  assert.ok(stacks.some((frames) => isInternalFile(frames.at(-1)!.filename)), `${stacks.length} stacks`);
});
