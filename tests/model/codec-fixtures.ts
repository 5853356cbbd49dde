/**
 * The snapshots behind the dump files of each format version in
 * `fixtures/`: `dump-v<version>-<name>.tmjs` is `new Snapshot(raw, limit)` of
 * `v1Fixtures()[name]`, written by that version's encoder (version 1 before
 * version 2 replaced it, version 2 at f7b93eb). Loading each file must give
 * these traces back.
 *
 * @module
 */
import type { RawTrace } from "../../src/model/snapshot.ts";

/** A snapshot's raw traces and traceback limit. */
export interface Fixture {
  raw: RawTrace[];
  limit: number;
}

/** The fixtures by name; each exercises some forms of version 1. */
export function v1Fixtures(): Record<string, Fixture> {
  // Rich frames, shared frames and stacks, absent and known totals, negative
  // domains in runs, whole sizes and counts up to 2^53 (varints), UTF-8 names.
  const rich: RawTrace[] = [
    [0, 64, [["src/app.ts", 12, 5, "handle"], ["src/main.ts", 3, null, null]], 2, 1],
    [3, 7, [["src/app.ts", 12, 5, "handle"]], null, 2],
    [-4, 1000, [["lib/ü.js", 1, 1, "λ"]], 9, 1],
    [-4, 2 ** 40, [["emoji-😀/𝒳.ts", -7, 0, "\ufeffbom"]], 1, 2 ** 40],
    [-4, 2 ** 53, [["日本語/ファイル.js", 2 ** 52 - 1, 2 ** 31, ""]], null, 3],
    [2 ** 31 - 1, 0, [["src/app.ts", 12, 5, "handle"], ["src/main.ts", 3, null, null]], 5, 1],
    [-(2 ** 31), 127, [["a\u0000b", 0]], 1, 1],
  ];
  // Sizes and counts with no varint form (raw float64 columns); lone
  // surrogates in names (a UTF-16LE string table).
  const exact: RawTrace[] = [
    [0, 1.5, [["lone-\ud800.ts", 1]], 1, 0.25],
    [0, -3, [["\udc00-low.ts", 2]], 1, 1],
    [1, -0, [["pair-\ud83d\ude00.ts", 3, 4, "end-\ud83d"]], 1, 1],
    [1, Number.NaN, [["lone-\ud800.ts", 1]], 1, 2],
    [1, Infinity, [["lone-\ud800.ts", 1]], 1, 1],
    [0, 2 ** 60, [["lone-\ud800.ts", 5]], 1, 1e-3],
  ];
  // 300 tracebacks used unevenly: the traceback column as varints, the most used first.
  const ranked: RawTrace[] = [];
  for (let i = 0; i < 300; i++) ranked.push([i % 3, i, [[`f${i % 7}.ts`, i], ["main.ts", i % 5]], 2]);
  for (let i = 0; i < 200; i++) ranked.push([0, 1, [["hot.ts", 1]], 1]);
  return {
    rich: { raw: rich, limit: 3 },
    exact: { raw: exact, limit: 1 },
    ranked: { raw: ranked, limit: 2 },
    empty: { raw: [], limit: 0 },
  };
}
