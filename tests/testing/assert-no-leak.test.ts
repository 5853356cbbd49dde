/**
 * `assertNoLeak` in the test process itself, as a suite without the
 * preload runs it: buffers (domain 1) are exact on every runtime; JS
 * objects come from V8's sampler or Bun's census here (see
 * `preload.test.ts` for their lines).
 *
 * @module
 */
import { test } from "node:test";
import assert, { AssertionError } from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { assertNoLeak } from "../../mod.ts";
import { DomainFilter } from "../../src/model/filter.ts";
import * as tracemalloc from "../../src/tracer.ts";
import { clean, kept, leak, leakLater } from "./fixtures/leaky.ts";

const LEAKY = fileURLToPath(new URL("./fixtures/leaky.ts", import.meta.url));

async function failure(check: Promise<void>): Promise<AssertionError> {
  try {
    await check;
  } catch (error) {
    assert.ok(error instanceof AssertionError, `an AssertionError, not ${error}`);
    return error;
  }
  assert.fail("the check passed");
}

test("a function that keeps buffers in a module array fails, naming the line with its traceback", async () => {
  kept.length = 0;
  const error = await failure(assertNoLeak(leak, { runs: 40, warmup: 4 }));
  const message = error.message;
  assert.equal(error.operator, "assertNoLeak");
  assert.match(
    message,
    /^assertNoLeak: \d+ lines? grew by more than 64 B per run over 40 runs \(after 4 warm-up runs\)\n/,
  );
  // The buffer's line, exact: 4096 B a run, in every batch, with the source line under its frame.
  const [, heading, , statistics, blocks] = message.match(
    new RegExp(`\\n(${escape(LEAKY)}:11: \\+(\\d+) B per run, grew in 4 of 4 batches)\\n  (size=.*)\\n  (.*)\\n`),
  )!;
  assert.ok(heading, message);
  assert.match(statistics, /^size=\d+(\.\d)? KiB \(\+160 KiB\), count=\d+ \(\+\d+\), average=\d+ B$/);
  assert.match(blocks, /^\d+ memory blocks \(\+\d+\): \d+(\.\d)? KiB \(\+160 KiB, \+4096 B per run\)$/);
  assert.match(
    message,
    new RegExp(
      `\\n    File "${escape(LEAKY)}", line 11(, in leak)?\\n      kept\\.push\\(new Uint8Array\\(4096\\)\\);`,
    ),
  );
  assert.match(message, /\n\(JS objects: .*; 64 B per run tolerated\)$/);
  assert.equal(tracemalloc.isTracing(), false, "the check stopped the tracing it started");
  kept.length = 0;
});

test("a function that keeps nothing passes", async () => {
  await assertNoLeak(clean, { runs: 40, warmup: 4 });
  assert.equal(tracemalloc.isTracing(), false);
});

test("an async function is awaited: what it keeps after an await is found", async () => {
  kept.length = 0;
  const error = await failure(assertNoLeak(leakLater, { runs: 20, warmup: 2, filters: [new DomainFilter(true, 1)] }));
  assert.match(error.message, new RegExp(`\\n${escape(LEAKY)}:29: \\+1000 B per run, grew in 4 of 4 batches\\n`));
  kept.length = 0;
});

test("growth within the tolerance passes; tracing already on stays on", async () => {
  kept.length = 0;
  await tracemalloc.start(3);
  try {
    await assertNoLeak(leak, { runs: 20, warmup: 2, tolerance: 64 * 1024 });
    assert.equal(tracemalloc.isTracing(), true, "left as it was");
    assert.equal(tracemalloc.getTracebackLimit(), 3);
  } finally {
    await tracemalloc.stop();
    kept.length = 0;
  }
});

test("a function that throws fails the check with its error, and tracing stops", async () => {
  await assert.rejects(
    assertNoLeak(() => {
      throw new Error("boom");
    }),
    /^Error: boom$/,
  );
  assert.equal(tracemalloc.isTracing(), false);
});

test("bad options are refused at once", async () => {
  await assert.rejects(assertNoLeak(clean, { runs: 0 }), RangeError);
  await assert.rejects(assertNoLeak(clean, { tolerance: -1 }), RangeError);
  await assert.rejects(assertNoLeak(clean, { warmup: 1.5 }), RangeError);
  await assert.rejects(assertNoLeak(42 as unknown as () => void), TypeError);
  assert.equal(tracemalloc.isTracing(), false);
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
