/**
 * The model against CPython's tracemalloc on the same random raw traces:
 * statistics, compareTo, filterTraces and Traceback.format, formats included.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type RawTrace, Snapshot } from "../../src/model/snapshot.ts";
import { DomainFilter, Filter } from "../../src/model/filter.ts";
import { Traceback } from "../../src/model/traceback.ts";
import type { RawFrame } from "../../src/model/frame.ts";
import type { Statistic, StatisticDiff } from "../../src/model/statistic.ts";
import type { Trace } from "../../src/model/trace.ts";
import { Random } from "../oracle/random.ts";

const ORACLE = join(dirname(fileURLToPath(import.meta.url)), "../oracle/tracemalloc_oracle.py");

type FilterSpec =
  | { kind: "domain"; inclusive: boolean; domain: number }
  | {
    kind: "filter";
    inclusive: boolean;
    pattern: string;
    lineno?: number;
    all_frames?: boolean;
    domain?: number;
  };

interface Case {
  new: RawTrace[];
  old: RawTrace[];
  limit: number;
  filters: FilterSpec[];
  formats: [RawFrame[], number | null, boolean][];
}

const sourceDir = mkdtempSync(join(tmpdir(), "tracemalloc-diff-"));
const sourceFile = join(sourceDir, "source.js");
writeFileSync(
  sourceFile,
  [
    "const first = 1;",
    "    indented();",
    "",
    "\tmixed \t whitespace\t ",
    "\x1c\x1fpython-only whitespace\x1c",
    "unicode \u2028 separator stays inside the line",
    "windows line\r\nmac line\rlast line",
  ].join("\n"),
);

const FILES = [
  "src/app.ts",
  "src/mod1/a.ts",
  "src/mod10/b.ts",
  "node_modules/pkg/index.js",
  "<unknown>",
  "a b.js",
  'quote"d.js',
  "ünïcode.ts",
  "\u{1d4b3}astral.ts",
  "\uffffbmp-high.js",
  "[brackets].js",
  "star*.js",
  "q?.js",
  "back\\slash.js",
  "",
  "dir/sub/deep/file.mjs",
  "UPPER.TS",
  "upper.ts",
  "line\nbreak.js",
  sourceFile,
];

const PATTERNS = [
  "*",
  "src/*",
  "*.ts",
  "*mod1*",
  "[a-f]*",
  "[!s]*",
  "?\u{1d4b3}*",
  "*\\*",
  "<unknown>",
  "*[*]*",
  "*/*/*",
  "UPPER.ts",
  "",
  "*node_modules*",
  "src/mod1*",
];

function randomSize(rand: Random): number {
  if (rand.chance(0.08)) return 0;
  switch (rand.int(0, 5)) {
    case 0:
      return rand.int(0, 100);
    case 1:
      return rand.pick([10239, 10240, 102399, 102400, 10 * 1024 + 256, 1024 * 1024 * 10 - 1]);
    case 2:
      return rand.int(1, 4096) * 256;
    default:
      return Math.floor(2 ** (rand.next() * 52));
  }
}

function randomFrames(rand: Random, files: string[]): RawFrame[] {
  const frames: RawFrame[] = [];
  const n = rand.int(1, 5);
  for (let i = 0; i < n; i++) {
    if (i > 0 && rand.chance(0.15)) frames.push(frames[rand.int(0, i - 1)]); // recursion
    else frames.push([rand.pick(files), rand.chance(0.1) ? 0 : rand.int(1, 12)]);
  }
  return frames;
}

function randomTraces(rand: Random, pool: RawFrame[][], count: number): RawTrace[] {
  const traces: RawTrace[] = [];
  for (let i = 0; i < count; i++) {
    const frames = rand.pick(pool);
    const total = rand.chance(0.3) ? null : frames.length + rand.int(0, 3);
    traces.push([rand.pick([0, 0, 0, 1, 2, 7]), randomSize(rand), frames, total]);
  }
  return traces;
}

/**
 * Traces of size 0 (1-3 per traceback) for tracebacks only one of the two
 * snapshots has: zero-size groups that appear or disappear, whose changes
 * CPython prints `(+0 B)`.
 */
function zeroTraces(rand: Random, frames: RawFrame[][]): RawTrace[] {
  return frames.flatMap((f) =>
    Array.from({ length: rand.int(1, 3) }, () => [rand.pick([0, 0, 1]), 0, f, f.length] as RawTrace)
  );
}

function randomFilter(rand: Random): FilterSpec {
  if (rand.chance(0.25)) return { kind: "domain", inclusive: rand.chance(0.5), domain: rand.pick([0, 1, 2, 7]) };
  const spec: FilterSpec = {
    kind: "filter",
    inclusive: rand.chance(0.5),
    pattern: rand.chance(0.3) ? rand.pick(FILES) : rand.pick(PATTERNS),
  };
  if (rand.chance(0.3)) spec.lineno = rand.int(0, 12);
  if (rand.chance(0.4)) spec.all_frames = true;
  if (rand.chance(0.3)) spec.domain = rand.pick([0, 1, 2, 7]);
  return spec;
}

function randomCase(seed: number): Case {
  const rand = new Random(seed);
  const files = FILES.filter(() => rand.chance(0.6));
  if (!files.length) files.push("only.js");
  const pool = Array.from({ length: rand.int(1, 40) }, () => randomFrames(rand, files));
  const formatFrames = (): RawFrame[] =>
    Array.from({ length: rand.int(1, 5) }, () => [rand.pick([sourceFile, sourceFile, ...files]), rand.int(0, 9)]);
  // Zero-size tracebacks of files of their own (so their groups hold nothing else) and of the case's files.
  const zeroPool = (own: string) =>
    Array.from({ length: rand.int(0, 3) }, (_, i) => i ? randomFrames(rand, files) : randomFrames(rand, [own]));
  const born = zeroPool("zero/born.js"), gone = zeroPool("zero/gone.js");
  // Now and then one side is empty: everything appears, or everything disappears.
  const empty = rand.pick(["none", "none", "none", "none", "none", "none", "new", "old"]);
  return {
    new: empty === "new" ? [] : randomTraces(rand, pool, rand.int(0, 300)).concat(zeroTraces(rand, born)),
    old: empty === "old" ? [] : randomTraces(
      rand,
      pool.slice(0, Math.ceil(pool.length / 2)).concat([randomFrames(rand, files)]),
      rand.int(0, 200),
    ).concat(zeroTraces(rand, gone)),
    limit: rand.int(1, 5),
    filters: Array.from({ length: rand.int(0, 4) }, () => randomFilter(rand)),
    formats: Array.from(
      { length: 4 },
      () =>
        [formatFrames(), rand.pick([null, 1, 2, 0, -1, -2, 7]), rand.chance(0.5)] as [
          RawFrame[],
          number | null,
          boolean,
        ],
    ),
  };
}

const statRow = (s: Statistic | StatisticDiff) => [String(s), [...s.traceback].map((f) => [f.filename, f.lineno])];
const traceRow = (t: Trace) => [
  t.domain,
  t.size,
  [...t.traceback].map((f) => [f.filename, f.lineno]),
  t.traceback.totalNframe,
  String(t),
];

function ours(c: Case) {
  const now = new Snapshot(c.new, c.limit);
  const old = new Snapshot(c.old, c.limit);
  const statistics: Record<string, unknown> = {};
  const compare: Record<string, unknown> = {};
  for (const key of ["filename", "lineno", "traceback"] as const) {
    for (const cumulative of key === "traceback" ? [false] : [false, true]) {
      const name = `${key}${cumulative ? "/cumulative" : ""}`;
      statistics[name] = now.statistics(key, cumulative).map(statRow);
      compare[name] = now.compareTo(old, key, cumulative).map(statRow);
    }
  }
  const filtered = now.filterTraces(
    c.filters.map((f) =>
      f.kind === "domain"
        ? new DomainFilter(f.inclusive, f.domain)
        : new Filter(f.inclusive, f.pattern, f.lineno ?? null, f.all_frames ?? false, f.domain ?? null)
    ),
  );
  return {
    statistics,
    compare,
    filtered: [...filtered.traces].map(traceRow),
    filtered_stats: filtered.statistics("lineno").map(statRow),
    formats: c.formats.map(([frames, limit, recentFirst]) =>
      Traceback.fromRaw(frames).format({ limit, mostRecentFirst: recentFirst })
    ),
  };
}

const cases = Array.from({ length: 60 }, (_, i) => randomCase(1000 + i));

function oracle(): ReturnType<typeof ours>[] {
  const result = spawnSync("python3", [ORACLE], { input: JSON.stringify(cases), maxBuffer: 1 << 30 });
  assert.equal(result.status, 0, `python3 oracle failed: ${result.stderr}`);
  return JSON.parse(result.stdout.toString());
}

const expected = oracle();
const actual = cases.map(ours);
rmSync(sourceDir, { recursive: true, force: true });

for (const part of ["statistics", "compare", "filtered", "filtered_stats", "formats"] as const) {
  test(`${part} match CPython's tracemalloc on ${cases.length} random cases`, () => {
    for (let i = 0; i < cases.length; i++) {
      assert.deepEqual(actual[i][part], expected[i][part], `case ${i} (seed ${1000 + i})`);
    }
  });
}

test("the random cases exercise every unit and a non-trivial filter result", () => {
  const lines = expected.flatMap((r) => Object.values(r.statistics).flat() as [string, unknown][]).map((r) => r[0]);
  for (const unit of [" B", " KiB", " MiB", " GiB", " TiB"]) {
    assert.ok(lines.some((l) => l.includes(unit + ",")), `no statistic in${unit}`);
  }
  assert.ok(expected.some((r, i) => r.filtered.length > 0 && r.filtered.length < cases[i].new.length));
});

test("the random cases exercise zero sizes and zero counts, appearing and disappearing", () => {
  const stats = expected.flatMap((r) => Object.values(r.statistics).flat() as [string, unknown][]).map((r) => r[0]);
  const diffs = expected.flatMap((r) => Object.values(r.compare).flat() as [string, unknown][]).map((r) => r[0]);
  const traces = expected.flatMap((r) => r.filtered as unknown[][]).map((t) => t[4] as string);
  const seen = (lines: string[], pattern: RegExp) => assert.ok(lines.some((l) => pattern.test(l)), String(pattern));
  seen(stats, /: size=0 B, count=\d+, average=0 B$/);
  seen(diffs, /: size=0 B \(\+0 B\), count=0 \(-\d+\)$/); // a zero-size group disappears
  seen(diffs, /: size=0 B \(\+0 B\), count=(\d+) \(\+\1\), average=0 B$/); // one appears
  seen(diffs, /: size=\d+ B \(-\d+ B\), count=0 \(-\d+\)$/); // a group of some size disappears
  seen(traces, /: 0 B$/);
  assert.ok(cases.some((c) => !c.new.length) && cases.some((c) => !c.old.length), "a case with an empty side");
});
