/**
 * `assertNoLeak(fn)`: runs `fn` over and over and fails, naming the lines
 * whose memory grew with every run and their tracebacks, when any grew by
 * more than a tolerance per run (pytest-memray's `limit_leaks`, for
 * `node:test`, `deno test` and `bun test`).
 *
 * @module
 */
import { AssertionError } from "node:assert";
import type { DomainFilter, Filter } from "../model/filter.ts";
import type { Snapshot } from "../model/snapshot.ts";
import { takeSnapshot } from "../tracer.ts";
import { ownTraces } from "./noise.ts";
import { grownLines, leakMessage } from "./report.ts";
import { detached, type TracingOptions, withTracing } from "./tracing.ts";

/**
 * Options of {@link assertNoLeak}.
 *
 * @example
 * ```ts
 * const strict: NoLeakOptions = { runs: 200, tolerance: 0 };
 * ```
 */
export interface NoLeakOptions extends TracingOptions {
  /** Measured runs (default 100), split into `batches`. */
  readonly runs?: number;
  /** Runs before measuring, for caches to fill and code to settle (default 10). */
  readonly warmup?: number;
  /**
   * Bytes per run a line may grow by and still pass (default 64: about one
   * small object per run). Growth is the line's memory after the last run
   * minus before the first measured run, divided by `runs`.
   */
  readonly tolerance?: number;
  /** Batches of runs, with a snapshot after each one (default 4): the message says in how many a line grew. */
  readonly batches?: number;
  /** Filters applied to every snapshot (e.g. a `DomainFilter` to check buffers only). */
  readonly filters?: readonly (Filter | DomainFilter)[];
}

/** Default of {@link NoLeakOptions.tolerance}: bytes a line may grow by per run. */
export const DEFAULT_TOLERANCE = 64;

/**
 * Runs `fn` `warmup` times, then `runs` times in `batches`, with a snapshot
 * (after a full garbage collection) before the measured runs and after
 * each batch, and throws an `AssertionError` (node:assert's) when a line's
 * memory grew by more than `tolerance` bytes per run from the first
 * snapshot to the last. Its message lists those lines, biggest growth
 * first, each with its growth per run, in how many batches it grew, and
 * the tracebacks that grew there, formatted as CPython's
 * `Traceback.format()`.
 *
 * Traces what the process traces: when tracing is off it is started for
 * the check (every allocation sampled) and stopped after. Buffers (domain
 * 1) are exact everywhere; JS objects (domain 0) have their lines with the
 * line engine (the tests run with a preload: `src/testing/preload.ts`, or
 * the startup preload with `TRACEMALLOC_SAMPLE_EVERY=1`), else their
 * function's first line with V8's sampler (Node, Deno); Bun's census
 * (types, no lines, the whole heap) is left out of the check. A line that
 * grew in fewer than half of the batches (a table that doubled once, work
 * beside the check) is not counted as growing.
 *
 * @example
 * ```ts
 * const cache = new Map<number, Uint8Array>();
 * await assertNoLeak(() => {
 *   cache.set(cache.size, new Uint8Array(1024)); // fails: this line grows by 1024 B a run
 * });
 * ```
 */
export async function assertNoLeak(fn: () => unknown, options: NoLeakOptions = {}): Promise<void> {
  const runs = count("runs", options.runs ?? 100, 1);
  const warmup = count("warmup", options.warmup ?? 10, 0);
  const batches = Math.min(runs, count("batches", options.batches ?? 4, 1));
  const tolerance = options.tolerance ?? DEFAULT_TOLERANCE;
  if (typeof tolerance !== "number" || !(tolerance >= 0)) {
    throw new RangeError(`tolerance must be a number of bytes per run, 0 or more, not ${tolerance}`);
  }
  if (typeof fn !== "function") throw new TypeError("assertNoLeak needs a function to run");
  await withTracing(options, async (traced) => {
    for (let i = 0; i < warmup; i++) await detached(fn);
    const filters = [...(options.filters ?? []), ...traced.excluded];
    const snapshot = async () => ownTraces(await takeSnapshot({ gc: true })).filterTraces(filters);
    const snapshots: Snapshot[] = [await snapshot()];
    let done = 0;
    for (let b = 1; b <= batches; b++) {
      const until = Math.round((runs * b) / batches);
      for (; done < until; done++) await detached(fn);
      snapshots.push(await snapshot());
    }
    const grown = grownLines(snapshots, runs, tolerance);
    if (grown.length) {
      throw new AssertionError({
        message: leakMessage(grown, { runs, warmup, tolerance, batches, traced }),
        operator: "assertNoLeak",
      });
    }
  });
}

function count(name: string, value: unknown, min: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min) {
    throw new RangeError(`${name} must be an integer of ${min} or more, not ${value}`);
  }
  return value;
}
