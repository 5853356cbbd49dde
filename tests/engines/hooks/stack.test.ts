import { test } from "node:test";
import assert from "node:assert/strict";
import { type CapturedStack, type OwnFrames, properTailCalls, StackCapture } from "../../../src/runtime/stack.ts";
import { lineOf, pathOf } from "./helpers.ts";

const here = pathOf(import.meta.url);
const stacks = new StackCapture(() => false);

/**
 * Stands for a tracer entry point: the capture starts at its caller. (Not
 * `return capture.capture(...)`: an engine with proper tail calls would then
 * drop this frame before the capture looks for it.)
 */
function boundary(nframe: number, capture = stacks, own: OwnFrames = "drop"): CapturedStack {
  const stack = capture.capture(nframe, boundary, own);
  assert.ok(stack, "not dropped");
  return stack;
}

let lastCapture: CapturedStack | null = null;

function boundaryOrNull(capture: StackCapture, own: OwnFrames): CapturedStack | null {
  // Bun's transpiler turns `const s = f(); return s;` into a tail call: keep a side effect.
  lastCapture = capture.capture(5, boundaryOrNull, own);
  return lastCapture;
}

let captured: CapturedStack | null = null;

// Type-only lines vanish from emitted JavaScript: the lines below must not shift.
export interface Shifting {
  one: number;
  two: string;
  three: boolean;
}

function inner(): void {
  captured = boundary(3); // @inner-call
}

function outer(): void {
  inner(); // @outer-call
}

test("frames are most recent first: the calling line, then its callers, with function names", () => {
  outer(); // @top-call
  const frames = captured!.frames;
  assert.equal(frames.length, 3);
  assert.deepEqual(frames.map(([file, line]) => [file, line]), [
    [here, lineOf(here, "// @inner-call")],
    [here, lineOf(here, "// @outer-call")],
    [here, lineOf(here, "// @top-call")],
  ]);
  assert.deepEqual(frames.slice(0, 2).map((frame) => frame[3]), ["inner", "outer"]);
});

test("files are paths, not file:// URLs, and frames carry no column: a line is one key", () => {
  const [file, , column] = boundary(1).frames[0];
  assert.equal(file, here);
  assert.ok(!file.startsWith("file:"));
  assert.equal(column, null);
});

function nested(nframe: number): void {
  captured = boundary(nframe);
}

test("nframe limits the frames kept", () => {
  // Two user frames deep: the test runner's frames below are the runtime's, left out at the outer end.
  nested(1);
  assert.equal(captured!.frames.length, 1);
  nested(2);
  assert.equal(captured!.frames.length, 2);
});

test("totalNframe is the whole depth when the stack fits in the capture", async () => {
  const stack = await new Promise<CapturedStack>((resolve) => setTimeout(() => resolve(boundary(200)), 0));
  assert.equal(stack.totalNframe, stack.frames.length);
});

/** `n` user frames deep (no tail call: every frame stays, on Bun too). */
function deep(n: number): void {
  if (n === 0) captured = boundary(2);
  else deep(n - 1);
}

test("totalNframe is null when the stack is deeper than what was captured", () => {
  deep(30);
  assert.equal(captured!.frames.length, 2);
  assert.equal(captured!.totalNframe, null);
});

test("built-in frames (Array.prototype.map) are left out", () => {
  let stack: CapturedStack | null = null;
  [1].map((x) => (stack = boundary(2), x)); // @map-call
  const [first, second] = stack!.frames;
  assert.equal(first[1], lineOf(here, "// @map-call"));
  assert.equal(second[1], lineOf(here, "// @map-call"));
  assert.ok(stack!.frames.every(([file]) => file === here));
});

test("the same position gives the same frame object (tracebacks intern cheaply)", () => {
  const stacks2 = [0, 1].map(() => boundary(1));
  assert.equal(stacks2[0].frames[0], stacks2[1].frames[0]);
  assert.equal(stacks2[0].key, stacks2[1].key);
});

test("drop: a capture with a frame of the tracer's own files is given up", () => {
  const mine = new StackCapture((file) => file === here);
  assert.equal(boundaryOrNull(mine, "drop"), null);
});

test("strip: the tracer's own frames are removed, the rest kept", () => {
  const mine = new StackCapture((file) => file === here);
  const stack = boundaryOrNull(mine, "strip");
  assert.ok(stack);
  assert.ok(stack.frames.length > 0);
  assert.ok(stack.frames.every(([file]) => file !== here));
});

test("code run by eval is named <eval>", () => {
  // deno-lint-ignore no-eval
  const stack = eval("boundary(1)") as CapturedStack;
  assert.equal(stack.frames[0][0], "<eval>");
});

test("properTailCalls tells whether a function ending in return f() leaves a frame", () => {
  function tailCaller(): CapturedStack {
    return boundary(2);
  }
  const stack = tailCaller(); // @tail-call
  const names = stack.frames.map((frame) => frame[3]);
  assert.equal(names.includes("tailCaller"), !properTailCalls());
  assert.equal(typeof properTailCalls(), "boolean");
  assert.ok(stack.frames.some(([, line]) => line === lineOf(here, "// @tail-call")));
});

test("a capture leaves the program's stack settings as they were", () => {
  const limit = Error.stackTraceLimit;
  const prepare = Error.prepareStackTrace;
  boundary(5);
  assert.equal(Error.stackTraceLimit, limit);
  assert.equal(Error.prepareStackTrace, prepare);
  assert.equal(typeof new Error("x").stack, "string");
});
