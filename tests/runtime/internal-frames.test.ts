import { test } from "node:test";
import assert from "node:assert/strict";
import process from "node:process";
import { internalFramesShown, isInternalFile, userFacing } from "../../src/runtime/internal-frames.ts";

/** `userFacing` of a stack given by its files, most recent first: the files it keeps, and the rest of its answer. */
function kept(files: readonly string[], complete: boolean, limit = 10) {
  const range = userFacing(files.length, (i) => isInternalFile(files[i]), complete, limit);
  return { files: files.slice(range.start, range.end), settled: range.settled, total: range.total };
}

const USER = ["/app/a.ts", "/app/b.ts"];

test("the built-in modules of Node, Deno and Bun, and tsx's loader, are the runtime's files", () => {
  for (
    const file of [
      "node:fs",
      "node:internal/streams/readable",
      "node:internal/modules/run_main",
      "ext:core/01_core.js",
      "ext:deno_node/internal/timers.mjs",
      "ext:runtime_main/js/99_main.js",
      "internal:streams/readable",
      "bun:main",
      "[native code]",
      "/home/me/app/node_modules/tsx/dist/register-B1c7OH6V.cjs",
    ]
  ) assert.equal(isInternalFile(file), true, file);
});

test("the user's files are not the runtime's, whatever their names", () => {
  for (
    const file of [
      "/app/main.ts",
      "file:///app/node.ts",
      "/app/internal/x.ts",
      "/app/node_modules/express/index.js",
      "<eval>",
      "C:\\app\\ext.ts",
    ]
  ) assert.equal(isInternalFile(file), false, file);
});

test("the runtime's frames above the user's first frame are dropped", () => {
  assert.deepEqual(kept(["node:internal/streams/readable", "node:fs", ...USER], true).files, USER);
});

test("the runtime's frames below the user's last frame are dropped when the stack is whole", () => {
  const stack = [...USER, "node:internal/modules/esm/module_job", "node:internal/modules/run_main"];
  assert.deepEqual(kept(stack, true), { files: USER, settled: true, total: 2 });
});

test("the runtime's frames between two user frames are kept", () => {
  const stack = ["/app/listener.ts", "node:events", "/app/main.ts", "node:internal/modules/run_main"];
  assert.deepEqual(kept(stack, true).files, ["/app/listener.ts", "node:events", "/app/main.ts"]);
});

test("the traceback limit counts frames from the user's first one", () => {
  const stack = ["node:fs", "node:fs", "/app/a.ts", "/app/b.ts", "/app/c.ts"];
  assert.deepEqual(kept(stack, true, 2).files, USER);
  assert.equal(kept(stack, true, 2).total, 3);
});

test("a stack cut short keeps the runtime's frames it ends with, and says more of it could tell", () => {
  const stack = [...USER, "node:internal/timers", "node:internal/timers"];
  assert.deepEqual(kept(stack, false), { files: stack, settled: false, total: null });
});

test("a stack cut short whose kept frames end at a user frame is settled", () => {
  const stack = [...USER, "node:internal/timers"];
  assert.deepEqual(kept(stack, false, 2), { files: USER, settled: true, total: null });
});

test("a stack of the runtime's frames only is kept whole", () => {
  const stack = ["node:fs", "node:internal/modules/esm/load", "node:internal/modules/run_main"];
  assert.deepEqual(kept(stack, true), { files: stack, settled: true, total: 3 });
  assert.equal(kept(stack, false).settled, false);
});

/** Runs `body` with `TRACEMALLOC_INTERNAL_FRAMES` set to `value` (unset for undefined), then puts it back. */
function withVariable(value: string | undefined, body: () => void): void {
  const before = process.env.TRACEMALLOC_INTERNAL_FRAMES;
  if (value === undefined) delete process.env.TRACEMALLOC_INTERNAL_FRAMES;
  else process.env.TRACEMALLOC_INTERNAL_FRAMES = value;
  try {
    body();
  } finally {
    if (before === undefined) delete process.env.TRACEMALLOC_INTERNAL_FRAMES;
    else process.env.TRACEMALLOC_INTERNAL_FRAMES = before;
  }
}

test("the runtime's frames are hidden unless the option or TRACEMALLOC_INTERNAL_FRAMES=1 shows them", () => {
  withVariable(undefined, () => assert.equal(internalFramesShown(undefined), false));
  withVariable("0", () => assert.equal(internalFramesShown(undefined), false));
  withVariable("1", () => assert.equal(internalFramesShown(undefined), true));
  withVariable("1", () => assert.equal(internalFramesShown(false), false));
  withVariable(undefined, () => assert.equal(internalFramesShown(true), true));
});

test("another value of TRACEMALLOC_INTERNAL_FRAMES is refused with a RangeError naming it", () => {
  withVariable(
    "yes",
    () => assert.throws(() => internalFramesShown(undefined), /^RangeError: TRACEMALLOC_INTERNAL_FRAMES: /),
  );
});
