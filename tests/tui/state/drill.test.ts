import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Frame } from "../../../src/model/frame.ts";
import { type RawTrace, Snapshot } from "../../../src/model/snapshot.ts";
import type { Statistic } from "../../../src/model/statistic.ts";
import { Traceback } from "../../../src/model/traceback.ts";
import { tracebacksOfRow } from "../../../src/session/tracebacks.ts";
import { drillLines, sourceContext } from "../../../tui/state/drill.ts";
import { runNow } from "../../../tui/state/pace.ts";
import { rowTracebackSteps } from "../../../tui/state/row-tracebacks.ts";

const snapshot = new Snapshot([
  [0, 100, [["a.ts", 9, 1, "leaf"], ["main.ts", 1]], 2],
  [0, 300, [["a.ts", 9, 1, "leaf"], ["other.ts", 2]], 2],
  [0, 50, [["b.ts", 3], ["a.ts", 9, 1, "leaf"]], 2],
], 2);

test("a line's tracebacks are those whose newest frame is that line", () => {
  const key = Traceback.fromRaw([["a.ts", 9, 1, "leaf"]]);
  const stats = tracebacksOfRow(snapshot, key, { keyType: "lineno", cumulative: false });
  assert.deepEqual(stats.map((s) => s.size), [300, 100]);
});

test("cumulative rows take every traceback that passes through the line", () => {
  const key = Traceback.fromRaw([["a.ts", 9, 1, "leaf"]]);
  const stats = tracebacksOfRow(snapshot, key, { keyType: "lineno", cumulative: true });
  assert.deepEqual(stats.map((s) => s.size), [300, 100, 50]);
});

test("a file's tracebacks are those whose newest frame is in the file", () => {
  const key = Traceback.fromRaw([["b.ts", 0]]);
  const stats = tracebacksOfRow(snapshot, key, { keyType: "filename", cumulative: false });
  assert.deepEqual(stats.map((s) => s.size), [50]);
});

test("source context gives the line and its neighbours, clipped to the file", async () => {
  const dir = await mkdtemp(join(tmpdir(), "tracemalloc-tui-"));
  try {
    const file = join(dir, "x.ts");
    await writeFile(file, "one\n\ttwo\nthree\n");
    const context = sourceContext(new Frame(file, 1), 2);
    assert.deepEqual(context?.lines, [{ lineno: 1, text: "one" }, { lineno: 2, text: "  two" }, {
      lineno: 3,
      text: "three",
    }]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("a frame without a readable source has no context", () => {
  assert.equal(sourceContext(new Frame("<unknown>", 0), 2), null);
});

test("more tracebacks than the limit are summed up in one line", () => {
  const key = Traceback.fromRaw([["a.ts", 9, 1, "leaf"]]);
  const stats = tracebacksOfRow(snapshot, key, { keyType: "lineno", cumulative: true });
  const lines = drillLines(stats, { newestFirst: false, radius: 0, limit: 1 });
  assert.equal(lines.at(-1)?.text, "2 other tracebacks: 150 B");
});

test("a traceback as long as the traceback limit says older frames may be cut", () => {
  const deep = new Snapshot([[0, 10, [["a.ts", 1]], 7]], 1);
  const lines = drillLines(deep.statistics("traceback"), {
    newestFirst: false,
    radius: 0,
    limit: 5,
    tracebackLimit: 1,
  });
  assert.ok(lines.some((l) => l.text.includes("were not kept (traceback limit 1")));
});

test("a traceback shorter than the traceback limit says nothing about older frames", () => {
  const lines = drillLines(new Snapshot([[0, 10, [["a.ts", 1]], 1]], 3).statistics("traceback"), {
    newestFirst: false,
    radius: 0,
    limit: 5,
    tracebackLimit: 3,
  });
  assert.ok(!lines.some((l) => l.text.includes("older frames")));
});

/** Pseudo-random traces over a few files, lines and functions, the same for the same seed. */
function randomSnapshot(seed: number, n: number): Snapshot {
  let x = seed;
  const next = () => (x = (x * 1103515245 + 12345) % 2147483648) / 2147483648;
  const raw: RawTrace[] = [];
  for (let i = 0; i < n; i++) {
    const frames: [string, number, number?, string?][] = [];
    for (let d = 0; d < Math.floor(next() * 4); d++) {
      const fn = next() < 0.3 ? undefined : `fn${Math.floor(next() * 3)}`;
      frames.push([`f${Math.floor(next() * 4)}.ts`, 1 + Math.floor(next() * 4), next() < 0.2 ? undefined : 1, fn]);
    }
    raw.push([0, 8 * (1 + Math.floor(next() * 3)), frames, frames.length, 1]);
  }
  return new Snapshot(raw, 3);
}

for (const keyType of ["lineno", "filename", "traceback"] as const) {
  for (const cumulative of keyType === "traceback" ? [false] : [false, true]) {
    test(`the tracebacks found in steps are tracebacksOfRow's, by ${keyType}${cumulative ? ", cumulative" : ""}`, () => {
      const snapshot = randomSnapshot(keyType.length + (cumulative ? 1 : 0), 3000);
      const grouping = { keyType, cumulative };
      const shown = (stats: readonly Statistic[]) => stats.map((s) => `${s.traceback}|${s.size}|${s.count}`);
      for (const row of snapshot.statistics(keyType, cumulative)) {
        assert.deepEqual(
          shown(runNow(rowTracebackSteps(snapshot, row.traceback, grouping))),
          shown(tracebacksOfRow(snapshot, row.traceback, grouping)),
          String(row.traceback),
        );
      }
    });
  }
}

test("a key the snapshot does not hold has no tracebacks", () => {
  const snapshot = randomSnapshot(9, 100);
  const elsewhere = new Snapshot([[0, 1, [["elsewhere.ts", 1]], 1]], 1).statistics("lineno")[0].traceback;
  assert.deepEqual(runNow(rowTracebackSteps(snapshot, elsewhere, { keyType: "lineno", cumulative: false })), []);
});
