import { test } from "node:test";
import assert from "node:assert/strict";
import type { KeyType } from "../../src/model/group.ts";
import { findLeaks, findLeaksSteps, LeakStatistic } from "../../src/model/leaks.ts";
import { type RawTrace, Snapshot } from "../../src/model/snapshot.ts";
import { compareTracebacks, type Traceback } from "../../src/model/traceback.ts";

const KEY_TYPES: readonly KeyType[] = ["lineno", "filename", "traceback"];

/** File names whose code point order differs from their UTF-16 order, and plain ones. */
const FILES = ["app.ts", "b/é.ts", "z\u{1F600}.ts", "z\uE000.ts", "lib.ts", "a.ts", "Z.ts", "app.ts2"];

/**
 * `n` snapshots of `places` pseudo-random places (the same for the same
 * seed), each with a table of its own unless `shared`, their frames on
 * `lines` lines of a few files. Each place follows one of a few patterns of
 * sizes, once or twice per snapshot, so that many places tie on
 * steadiness, growth and last size and are ordered by their frames.
 */
function series(seed: number, n: number, places: number, shared = false, lines = 6): Snapshot[] {
  let x = seed;
  const next = (k: number) => Math.floor((x = (x * 48271) % 2147483647) / 2147483647 * k);
  const frame = (): [string, number, number?, string?] => {
    const file = `d${next(30)}/${FILES[next(FILES.length)]}`, line = 1 + next(lines);
    const kind = next(3);
    return kind === 0 ? [file, line] : kind === 1 ? [file, line, 1 + next(2)] : [file, line, 1, `fn${next(3)}`];
  };
  const patterns = [
    (i: number) => 8 * (i + 1), // grows every time
    (i: number) => i ? 64 : 8, // grew once
    (i: number) => i % 2 ? 8 : 32 + 8 * i, // churns
    () => 16, // flat
  ];
  const place = Array.from({ length: places }, () => ({
    frames: Array.from({ length: 1 + next(3) }, frame),
    pattern: patterns[next(patterns.length)],
    times: 1 + next(2),
  }));
  const raws = Array.from({ length: n }, (_, i) => {
    const raw: RawTrace[] = [];
    for (const { frames, pattern, times } of place) {
      for (let t = 0; t < times; t++) raw.push([next(2), pattern(i), frames, frames.length, 1]);
    }
    return raw;
  });
  if (!shared) return raws.map((raw) => new Snapshot(raw, 3));
  // Parts of one snapshot share its table: one table for every snapshot of the series.
  const all = new Snapshot(raws.flat(), 3);
  let at = 0;
  return raws.map((raw) => part(all, at, at += raw.length));
}

/** Traces `from` to `to` of `snapshot`, in a snapshot sharing its table. */
function part(snapshot: Snapshot, from: number, to: number): Snapshot {
  const { domain, size, traceback } = snapshot.columns;
  return new Snapshot({
    table: snapshot.table,
    tracebackLimit: snapshot.tracebackLimit,
    columns: {
      length: to - from,
      domain: domain.slice(from, to),
      size: size.slice(from, to),
      traceback: traceback.slice(from, to),
      count: null,
    },
  });
}

const frames = (traceback: Traceback) =>
  JSON.stringify([...traceback].map((f) => [f.filename, f.lineno, f.column ?? null, f.functionName ?? null]));

/**
 * The ranking made another way: each snapshot's `statistics()`, places
 * matched by their frames, sorted by a comparator (steadiest, biggest
 * growth, biggest last size, then CPython's traceback order).
 */
function oracle(snapshots: readonly Snapshot[], keyType: KeyType): LeakStatistic[] {
  const places = new Map<string, { traceback: Traceback; sizes: number[]; counts: number[] }>();
  snapshots.forEach((snapshot, i) => {
    for (const stat of snapshot.statistics(keyType)) {
      const key = frames(stat.traceback);
      let place = places.get(key);
      if (!place) {
        places.set(
          key,
          place = { traceback: stat.traceback, sizes: snapshots.map(() => 0), counts: snapshots.map(() => 0) },
        );
      }
      place.sizes[i] += stat.size;
      place.counts[i] += stat.count;
    }
  });
  return [...places.values()]
    .filter((p) => p.sizes.at(-1)! > p.sizes[0])
    .map((p) => new LeakStatistic(p.traceback, p.sizes, p.counts))
    .sort((a, b) =>
      b.steadiness - a.steadiness || b.growth - a.growth || b.last - a.last ||
      compareTracebacks(a.traceback, b.traceback)
    );
}

const described = (leaks: readonly LeakStatistic[]) =>
  leaks.map((l) => `${frames(l.traceback)} ${l.sizes.join(",")} ${l.counts.join(",")} ${l.grew}/${l.intervals}`);

test("findLeaks ranks as statistics() matched by frames and sorted by a comparator would, ties included", () => {
  for (const keyType of KEY_TYPES) {
    for (const seed of [1, 2, 3]) {
      const snapshots = series(seed, 4, 2000);
      const ranked = findLeaks(snapshots, keyType);
      const ties = ranked.filter((l, i) =>
        i && l.steadiness === ranked[i - 1].steadiness && l.growth === ranked[i - 1].growth &&
        l.last === ranked[i - 1].last
      );
      assert.ok(ties.length > 3, `${keyType}: a ranking with ties to settle (${ties.length})`);
      assert.deepEqual(described(ranked), described(oracle(snapshots, keyType)), `${keyType}, seed ${seed}`);
    }
  }
});

test("findLeaks over snapshots that share one table ranks as over snapshots with tables of their own", () => {
  for (const keyType of KEY_TYPES) {
    const snapshots = series(7, 3, 2000, true);
    assert.deepEqual(described(findLeaks(snapshots, keyType)), described(oracle(snapshots, keyType)), keyType);
  }
});

test("findLeaksSteps, stepped with other rankings made between its steps, gives what findLeaks gives", () => {
  const snapshots = series(11, 5, 30_000, false, 1000);
  for (const keyType of KEY_TYPES) {
    const steps = findLeaksSteps(snapshots, keyType);
    let step = steps.next();
    let taken = 1;
    while (!step.done) {
      // Other work between two steps, as the TUI's event loop does: another ranking of the same snapshots.
      if (taken % 50 === 0) findLeaks(snapshots.slice(1), keyType);
      step = steps.next();
      taken++;
    }
    // A few hundred files make a few steps; thousands of lines and tracebacks, many.
    assert.ok(taken > (keyType === "filename" ? 3 : 20), `${keyType}: made in steps (${taken})`);
    assert.deepEqual(described(step.value), described(findLeaks(snapshots, keyType)), keyType);
  }
});

test("findLeaksSteps checks its arguments at its first step", () => {
  const steps = findLeaksSteps(series(1, 2, 10), "lineno");
  assert.throws(() => steps.next(), { name: "RangeError", message: "leaks need at least 3 snapshots, not 2" });
  assert.throws(() => findLeaksSteps(series(1, 3, 10), "traceback " as KeyType).next());
});
