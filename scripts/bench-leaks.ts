/**
 * Benchmark of `findLeaks` (the `leaks` command's ranking): 4 snapshots of
 * 100k traces each (the model benchmark's workload: 50k distinct
 * tracebacks of 1-5 frames over 2k files), built separately as snapshots
 * taken from a program are (each with its own table), a tenth of the
 * tracebacks growing from one snapshot to the next. Prints the first call
 * (what a command meets) and the best of `--repeat` warm calls, by lineno
 * and by traceback.
 *
 * Options: `--traces 100000`, `--snapshots 4`, `--tracebacks 50000`,
 * `--files 2000`, `--repeat 5`.
 *
 * @example
 * ```sh
 * node --import tsx scripts/bench-leaks.ts
 * deno run -A scripts/bench-leaks.ts
 * bun scripts/bench-leaks.ts
 * ```
 * @module
 */
import process from "node:process";
import { findLeaks } from "../src/model/leaks.ts";
import type { KeyType } from "../src/model/group.ts";
import { type RawTrace, Snapshot } from "../src/model/snapshot.ts";
import { currentRuntimeName } from "../src/runtime/spawn.ts";
import { Random } from "../tests/oracle/random.ts";
import { syntheticTracebacks } from "./bench/synthetic.ts";

const argv = process.argv;
const num = (name: string, fallback: number) => {
  const i = argv.indexOf(`--${name}`);
  return i > 0 ? Number(argv[i + 1]) : fallback;
};
const TRACES = num("traces", 100_000);
const SNAPSHOTS = num("snapshots", 4);
const TRACEBACKS = num("tracebacks", 50_000);
const FILES = num("files", 2_000);
const REPEAT = num("repeat", 5);

function generate(): Snapshot[] {
  const rand = new Random(42);
  const tracebacks = syntheticTracebacks(rand, FILES, TRACEBACKS);
  const base: RawTrace[] = Array.from({ length: TRACES }, () => {
    const size = rand.chance(0.95) ? rand.int(16, 512) : rand.int(512, 1 << 20);
    return [rand.chance(0.9) ? 0 : rand.int(1, 2), size, tracebacks[rand.int(0, TRACEBACKS - 1)], 5];
  });
  return Array.from({ length: SNAPSHOTS }, (_, s) => {
    // A tenth of the traces grow by 64 B a snapshot; the rest change at random.
    const traces = base.map((t, i): RawTrace =>
      i % 10 === 0 ? [t[0], t[1] + 64 * s, t[2], t[3]] : [t[0], rand.chance(0.5) ? t[1] : t[1] + 16, t[2], t[3]]
    );
    return new Snapshot(traces, 5);
  });
}

function time(keyType: KeyType, snapshots: Snapshot[]): { first: number; warm: number; places: number } {
  let started = performance.now();
  const places = findLeaks(snapshots, keyType).length;
  const first = performance.now() - started;
  let warm = Infinity;
  for (let i = 0; i < REPEAT; i++) {
    started = performance.now();
    findLeaks(snapshots, keyType);
    warm = Math.min(warm, performance.now() - started);
  }
  return { first, warm, places };
}

const snapshots = generate();
console.log(`${currentRuntimeName()}: findLeaks over ${SNAPSHOTS} snapshots of ${TRACES} traces`);
for (const keyType of ["lineno", "traceback"] as const) {
  const { first, warm, places } = time(keyType, snapshots);
  console.log(
    `  by ${keyType.padEnd(9)}  first ${first.toFixed(0).padStart(4)} ms  warm ${
      warm.toFixed(0).padStart(4)
    } ms  (${places} growing places)`,
  );
}
