import { test } from "node:test";
import assert from "node:assert/strict";
import { type RawTrace, Snapshot } from "../../src/model/snapshot.ts";

const raw: RawTrace[] = [
  [0, 10, [["b.js", 2], ["a.js", 1]], 2],
  [0, 30, [["b.js", 2], ["a.js", 9]], 2],
  [1, 5, [["c.js", 3]], null],
];

test("traces are a read-only sequence with length, at() and iteration", () => {
  const snapshot = new Snapshot(raw, 2);
  assert.equal(snapshot.traces.length, 3);
  assert.equal(snapshot.traces.at(-1)?.domain, 1);
  assert.equal(snapshot.traces.at(3), undefined);
  assert.deepEqual([...snapshot.traces].map((t) => t.size), [10, 30, 5]);
  assert.equal(snapshot.tracebackLimit, 2);
});

test("a trace's traceback is oldest first and keeps totalNframe", () => {
  const tb = new Snapshot(raw, 2).traces.at(0)!.traceback;
  assert.deepEqual([...tb].map(String), ["a.js:1", "b.js:2"]);
  assert.equal(tb.totalNframe, 2);
});

test("rich frames keep their column and function name", () => {
  const frame = new Snapshot([[0, 1, [["a.ts", 3, 7, "make"]], 1]], 1).traces.at(0)!.traceback.at(0)!;
  assert.deepEqual([frame.filename, frame.lineno, frame.column, frame.functionName], ["a.ts", 3, 7, "make"]);
});

test("statistics group by the most recent frame", () => {
  const stats = new Snapshot(raw, 2).statistics("lineno");
  assert.deepEqual(stats.map(String), [
    "b.js:2: size=40 B, count=2, average=20 B",
    "c.js:3: size=5 B, count=1, average=5 B",
  ]);
});

test("cumulative statistics count every frame of a traceback", () => {
  const stats = new Snapshot(raw, 2).statistics("filename", true);
  assert.deepEqual(stats.map((s) => [String(s.traceback), s.size]), [["b.js:0", 40], ["a.js:0", 40], ["c.js:0", 5]]);
});

test("an unknown key type throws", () => {
  assert.throws(() => new Snapshot(raw, 2).statistics("file" as "filename"), /unknown key_type/);
});

test("cumulative statistics by traceback throw", () => {
  assert.throws(() => new Snapshot(raw, 2).statistics("traceback", true), /cumulative/);
});

test("compareTo reports new, grown and freed groups", () => {
  const old = new Snapshot([[0, 10, [["b.js", 2]], 1], [0, 7, [["gone.js", 1]], 1]], 1);
  const diffs = new Snapshot(raw, 2).compareTo(old, "lineno");
  assert.deepEqual(diffs.map(String), [
    "b.js:2: size=40 B (+30 B), count=2 (+1), average=20 B",
    "gone.js:1: size=0 B (-7 B), count=0 (-1)",
    "c.js:3: size=5 B (+5 B), count=1 (+1), average=5 B",
  ]);
});

test("a zero-size group that appears or disappears changes by +0 B, as CPython prints it", () => {
  const old = new Snapshot([[0, 0, [["gone.js", 1]], 1], [0, 0, [["gone.js", 1]], 1]], 1);
  const now = new Snapshot([[0, 0, [["new.js", 2]], 1]], 1);
  assert.deepEqual(now.compareTo(old, "lineno").map(String), [
    "gone.js:1: size=0 B (+0 B), count=0 (-2)",
    "new.js:2: size=0 B (+0 B), count=1 (+1), average=0 B",
  ]);
  // Nothing but zero-size groups on either side, and an empty snapshot on the other.
  assert.deepEqual(new Snapshot([], 1).compareTo(old, "filename").map(String), [
    "gone.js:0: size=0 B (+0 B), count=0 (-2)",
  ]);
  assert.ok(Object.is(new Snapshot([], 1).compareTo(old, "traceback")[0].sizeDiff, 0));
});

test("a fifth raw element counts the allocations a sampled trace stands for", () => {
  const snapshot = new Snapshot([[0, 4096, [["a.js", 1]], 1, 64], [0, 100, [["a.js", 1]], 1]], 1);
  assert.equal(snapshot.statistics("lineno")[0].count, 65);
  assert.equal(snapshot.traces.at(0)!.count, 64);
});

test("an empty traceback becomes <unknown>:0, as CPython reports a frame it could not get", () => {
  assert.equal(String(new Snapshot([[0, 1, [], 0]], 1).statistics("lineno")[0].traceback), "<unknown>:0");
});

test("a malformed raw trace throws TypeError naming its index", () => {
  assert.throws(() => new Snapshot([[0, 1, [["a", 1]], 1], [0, "x" as unknown as number, [], 1]], 1), /trace 1/);
});

test("compareTo adds the other table's new keys once, and they are interned after as any other", () => {
  const old = new Snapshot([
    [0, 10, [["b.js", 2]], 1],
    [0, 7, [["gone.js", 1], ["a.js", 1]], 2],
    [0, 3, [["new.js", 4, 2, "f"], ["gone.js", 1]], 2],
  ], 2);
  const now = new Snapshot(raw, 2);
  const before = [now.table.frameCount, now.table.stackCount];
  const shown = (diffs: ReturnType<Snapshot["compareTo"]>) =>
    diffs.map((d) => [String(d), [...d.traceback].map(String)]);
  for (const key of ["lineno", "traceback"] as const) {
    const expected = shown(new Snapshot(raw, 2).compareTo(old, key));
    assert.deepEqual(shown(now.compareTo(old, key)), expected, key);
    assert.deepEqual(shown(now.compareTo(old, key)), expected, `${key} again`);
  }
  // Frames gone.js:1 and new.js:4 as lineno keys; all three stacks of old as traceback keys.
  assert.deepEqual([now.table.frameCount, now.table.stackCount], [before[0] + 2, before[1] + 3]);
  const table = now.table;
  const gone = table.internRawFrame(["gone.js", 1]);
  assert.equal(table.frameCount, before[0] + 2, "interning a frame compareTo added finds it");
  assert.equal(table.findFrame(table.internString("new.js"), 4, 2, table.internString("f")), before[0] + 1);
  const a1 = table.internRawFrame(["a.js", 1]);
  assert.equal(table.internStack([gone, a1]), table.findStack([gone, a1]));
  assert.ok(table.findStack([gone, a1]) >= before[1], "the stack compareTo added");
  assert.equal(table.stackCount, before[1] + 3);
});
