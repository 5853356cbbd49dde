/**
 * The synthetic tracebacks the model's benchmarks share: `tracebacks`
 * distinct stacks of 1-5 frames over `files` file names (a tenth of them
 * under `node_modules`), lines 1-500, drawn from `rand` in a fixed order so
 * that one seed gives the same workload everywhere.
 *
 * @example
 * ```ts
 * import { Random } from "../../tests/oracle/random.ts";
 * const tracebacks = syntheticTracebacks(new Random(42), 2_000, 50_000);
 * ```
 * @module
 */
import type { RawFrame } from "../../src/model/frame.ts";
import type { Random } from "../../tests/oracle/random.ts";

/** `tracebacks` stacks over `files` file names, from `rand`. */
export function syntheticTracebacks(rand: Random, files: number, tracebacks: number): RawFrame[][] {
  const names = Array.from(
    { length: files },
    (_, i) => i % 10 === 0 ? `node_modules/pkg${i}/index.js` : `src/mod${i % 50}/file${i}.ts`,
  );
  return Array.from(
    { length: tracebacks },
    () => Array.from({ length: rand.int(1, 5) }, () => [rand.pick(names), rand.int(1, 500)] as RawFrame),
  );
}
