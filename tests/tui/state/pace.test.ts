import { test } from "node:test";
import assert from "node:assert/strict";
import { type Meter, NEVER, runNow, runSliced, SLICE_MS, sliced, type Steps } from "../../../tui/state/pace.ts";

/** Work of `steps` half-milliseconds, stopping after each. */
function* busy(steps: number, done: { finished: boolean; left: boolean }): Steps<string> {
  try {
    for (let i = 0; i < steps; i++) {
      const until = performance.now() + 0.5;
      while (performance.now() < until) { /* work */ }
      yield;
    }
    done.finished = true;
    return "done";
  } finally {
    done.left = true;
  }
}

test("run at once, the work ends with its result", () => {
  const done = { finished: false, left: false };
  assert.equal(runNow(busy(10, done)), "done");
  assert.ok(done.finished);
});

test("run in slices, the work lets timers run between slices and counts only its own time", async () => {
  const done = { finished: false, left: false };
  let ticks = 0;
  const timer = setInterval(() => ticks++, 1);
  const meter: Meter = { busy: 0 };
  const started = performance.now();
  // Work of ten slices' time: it stops at least nine times.
  const result = await runSliced(busy(20 * SLICE_MS, done), NEVER, meter);
  clearInterval(timer);
  assert.equal(result, "done");
  assert.ok(ticks >= 1, `${ticks} timer ticks during the work`);
  assert.ok(meter.busy > 0 && meter.busy <= performance.now() - started, `${meter.busy} ms`);
});

test("cancelled work stops at its next slice, its cleanup run, with null", async () => {
  const done = { finished: false, left: false };
  let cancelled = false;
  setTimeout(() => cancelled = true, 1);
  assert.equal(await runSliced(busy(2000, done), { cancelled: () => cancelled }), null);
  assert.ok(!done.finished);
  assert.ok(done.left);
});

test("a loop body run in slices visits every index once", async () => {
  const seen = new Uint8Array(100_000);
  assert.ok(await sliced(seen.length, NEVER, (i) => seen[i]++));
  assert.ok(seen.every((s) => s === 1));
  assert.equal(await sliced(10, { cancelled: () => true }, () => {}), false);
});
