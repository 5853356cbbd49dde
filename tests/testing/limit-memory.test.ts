/**
 * `limitMemory` in the test process itself: buffers (domain 1) are exact on
 * every runtime, so a function holding 1 MiB of them at once fails a
 * 512 KiB limit and passes a 4 MiB one.
 *
 * @module
 */
import { test } from "node:test";
import assert, { AssertionError } from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { limitMemory } from "../../mod.ts";
import * as tracemalloc from "../../src/tracer.ts";
import { clean, spike } from "./fixtures/leaky.ts";

const LEAKY = fileURLToPath(new URL("./fixtures/leaky.ts", import.meta.url));
const MiB = 1024 * 1024;

test("limitMemory fails when the function held more than the limit at once, naming the lines", async () => {
  let error: unknown;
  try {
    await limitMemory(512 * 1024, () => spike(MiB));
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof AssertionError, `an AssertionError, not ${error}`);
  assert.equal(error.operator, "limitMemory");
  const message = error.message;
  assert.match(
    message,
    /^limitMemory: traced memory peaked at \d+(\.\d)? (KiB|MiB) above where it began, over the limit of 512 KiB\n/,
  );
  const peak = Number(/peaked at (\d+(?:\.\d)?) (KiB|MiB)/.exec(message)![1]) *
    (/peaked at [\d.]+ MiB/.test(message) ? MiB : 1024);
  assert.ok(peak >= MiB, `the buffers alone are 1 MiB: ${message.split("\n")[0]}`);
  assert.match(message, /\nThe lines holding most when the function ended \(JS objects: [^\n]*\):\n/);
  assert.match(
    message,
    new RegExp(
      `\\n\\n${escape(LEAKY)}:23: \\+1024 KiB in \\d+ memory blocks\\n(    .*\\n)*    File "${escape(LEAKY)}", line 23`,
    ),
  );
  assert.equal(tracemalloc.isTracing(), false, "the check stopped the tracing it started");
});

test("limitMemory passes under the limit and gives the peak above the start", async () => {
  const peak = await limitMemory(4 * MiB, () => spike(MiB));
  assert.ok(peak >= MiB && peak < 4 * MiB, `${peak} B`);
  assert.ok(await limitMemory(MiB, clean) < MiB);
  assert.equal(tracemalloc.isTracing(), false);
});

test("limitMemory awaits an async function and counts what it held across an await", async () => {
  const peak = await limitMemory(4 * MiB, async () => {
    const held = new Uint8Array(2 * MiB);
    await new Promise((resolve) => setTimeout(resolve, 0));
    return held.length;
  });
  assert.ok(peak >= 2 * MiB, `${peak} B`);
});

test("limitMemory refuses a limit that is not a byte count", async () => {
  await assert.rejects(limitMemory(-1, clean), RangeError);
  await assert.rejects(limitMemory(Number.NaN, clean), RangeError);
  await assert.rejects(limitMemory(10, "f" as unknown as () => void), TypeError);
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
