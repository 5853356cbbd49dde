/**
 * Which lines `assertNoLeak` calls grown, and how its message reads, on
 * snapshots made by hand.
 *
 * @module
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { type RawTrace, Snapshot } from "../../src/model/snapshot.ts";
import { ownTraces } from "../../src/testing/noise.ts";
import { grownLines, leakMessage } from "../../src/testing/report.ts";

/** A snapshot where line 3 of leak.ts holds `leak` bytes (in `leak / 100` blocks, via main.ts:9) and line 7 holds `burst`. */
function snapshot(leak: number, burst: number, extra: RawTrace[] = []): Snapshot {
  const traces: RawTrace[] = [
    [1, leak, [["/app/leak.ts", 3, null, "keep"], ["/app/main.ts", 9, null, null]], 2, leak / 100],
    [0, burst, [["/app/burst.ts", 7, null, "grow"]], 1, 1],
    ...extra,
  ];
  return new Snapshot(traces.filter((t) => t[1] > 0), 5);
}

test("a line that grew by more than the tolerance per run, in at least half the batches, is grown", () => {
  // 100 runs: the leak grows 1000 B a batch (40 B a run); the burst once, by 8000 B (80 B a run) in 1 batch of 4.
  const snapshots = [
    snapshot(0, 0),
    snapshot(1000, 0),
    snapshot(2000, 8000),
    snapshot(3000, 8000),
    snapshot(4000, 8000),
  ];
  assert.deepEqual(grownLines(snapshots, 100, 64), []);
  const grown = grownLines(snapshots, 100, 32);
  assert.equal(grown.length, 1);
  assert.equal(String(grown[0].diff.traceback), "/app/leak.ts:3");
  assert.equal(grown[0].perRun, 40);
  assert.equal(grown[0].grewIn, 4);
  assert.equal(grown[0].intervals, 4);
  assert.equal(grown[0].tracebacks.length, 1);
  assert.equal(grown[0].tracebacks[0].traceback.length, 2);
});

test("growth in two of four batches is enough; shrinking back is not growth", () => {
  const steps = [snapshot(0, 0), snapshot(0, 4000), snapshot(0, 4000), snapshot(0, 8000), snapshot(0, 8000)];
  assert.equal(grownLines(steps, 100, 64)[0].grewIn, 2);
  const back = [snapshot(0, 0), snapshot(0, 8000), snapshot(0, 0), snapshot(0, 8000), snapshot(0, 0)];
  assert.deepEqual(grownLines(back, 100, 0), []);
});

test("the message names each line, its growth per run, its batches and its tracebacks as CPython formats them", () => {
  const grown = grownLines([snapshot(0, 0), snapshot(4096, 0), snapshot(8192, 0)], 2, 64);
  const message = leakMessage(grown, {
    runs: 2,
    warmup: 1,
    tolerance: 64,
    batches: 2,
    traced: { startedHere: true, heap: "line", excluded: [] },
  });
  assert.equal(
    message,
    [
      "assertNoLeak: 1 line grew by more than 64 B per run over 2 runs (after 1 warm-up runs)",
      "",
      "/app/leak.ts:3: +4096 B per run, grew in 2 of 2 batches",
      "  size=8192 B (+8192 B), count=81 (+81), average=100 B",
      "  81 memory blocks (+81): 8192 B (+8192 B, +4096 B per run)",
      '    File "/app/main.ts", line 9',
      '    File "/app/leak.ts", line 3',
      "",
      "(JS objects: the line engine, at their lines; 64 B per run tolerated)",
    ].join("\n"),
  );
});

test("traces with no frame but the runtime's own, or tsx's, are left out", () => {
  const noisy = snapshot(100, 0, [
    [0, 500, [["node:internal/timers", 3, null, null], ["<unknown>", 0, null, null]], 2, 1],
    [0, 700, [["/p/node_modules/tsx/dist/index.mjs", 13, null, null], ["node:internal/process/task_queues", 72]], 2, 1],
    [0, 900, [["node:internal/fs/dir", 5, null, null], ["/app/main.ts", 4, null, null]], 2, 1],
  ]);
  const own = ownTraces(noisy);
  assert.deepEqual(
    own.statistics("lineno").map((s) => String(s.traceback)).sort(),
    ["/app/leak.ts:3", "node:internal/fs/dir:5"],
  );
  assert.equal(ownTraces(own), own, "nothing to leave out: the same snapshot");
});
