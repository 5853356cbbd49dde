/**
 * tracemalloc for JavaScript: Python's `tracemalloc` for Deno, Node.js and Bun.
 *
 * @example
 * ```ts
 * import { Snapshot } from "./mod.ts";
 * const snapshot = new Snapshot([[0, 5002, [["app.ts", 5]], 1]], 1);
 * console.log("[ Top 10 ]");
 * for (const stat of snapshot.statistics("lineno").slice(0, 10)) console.log(String(stat));
 * ```
 * @module
 */
export { Frame, type RawFrame } from "./src/model/frame.ts";
export { type FormatOptions, Traceback } from "./src/model/traceback.ts";
export { Trace, TraceSequence } from "./src/model/trace.ts";
export { Statistic, StatisticDiff } from "./src/model/statistic.ts";
export { type RawTrace, Snapshot } from "./src/model/snapshot.ts";
export type { KeyType } from "./src/model/group.ts";
export { DomainFilter, Filter } from "./src/model/filter.ts";
export { SnapshotFormatError } from "./src/model/codec.ts";
export { findLeaks, LeakStatistic } from "./src/model/leaks.ts";
export {
  type Allocated,
  clearTraces,
  DEFAULT_SAMPLING_INTERVAL,
  getAllocated,
  getObjectTraceback,
  getTracebackLimit,
  getTracedMemory,
  getTracemallocMemory,
  isTracing,
  MAX_NFRAME,
  resetPeak,
  start,
  status,
  stop,
  takeSnapshot,
  type TracedMemory,
  type TracerOptions,
  type TracerStatus,
  track,
  untrack,
} from "./src/tracer.ts";
export { assertNoLeak, DEFAULT_TOLERANCE, type NoLeakOptions } from "./src/testing/assert-no-leak.ts";
export { limitMemory, type LimitOptions } from "./src/testing/limit-memory.ts";

import process from "node:process";
import { isMainModule } from "./src/runtime/main.ts";

if (isMainModule(import.meta)) {
  const { main } = await import("./src/cli/program.ts");
  const { processIO } = await import("./src/cli/io.ts");
  const code = await main(process.argv.slice(2), processIO());
  // Flush what is still buffered before exit ends the process (a REPL leaves stdin handles open).
  await new Promise((resolve) => process.stdout.write("", resolve));
  await new Promise((resolve) => process.stderr.write("", resolve));
  process.exit(code);
}
