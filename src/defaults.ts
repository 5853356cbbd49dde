/**
 * The one set of defaults: how `run`, the REPL's `start` and `run`, `tui`
 * and startup tracing (`TRACEMALLOC=N`, which sets the frames itself) trace
 * a program when not told otherwise. Chosen with `scripts/bench-defaults.ts`,
 * which runs every candidate side by side in one run; an explicit
 * `--nframe`, `--every`, `--interval` (`start N --every K`, the
 * `TRACEMALLOC*` variables) still sets each one.
 *
 * The library's `start()` keeps CPython's default of one frame.
 *
 * @example
 * ```ts
 * import { DEFAULT_SAMPLE_EVERY, DEFAULT_SAMPLING_INTERVAL, DEFAULT_TRACEBACK_LIMIT } from "./defaults.ts";
 * console.log(`start ${DEFAULT_TRACEBACK_LIMIT} --every ${DEFAULT_SAMPLE_EVERY} --interval ${DEFAULT_SAMPLING_INTERVAL}`);
 * ```
 * @module
 */

/**
 * Frames kept per traceback: 5, so that `traceback`, the TUI's drill-in and
 * `stats --by traceback` of a dump show who called the allocating line, not
 * the line alone (CPython's tracemalloc keeps 1).
 *
 * What it costs (`scripts/bench-defaults.ts`: an allocation-heavy loop, about
 * nine million allocations a second, main-thread CPU time against the same
 * loop untraced, every setting side by side in one run, 2 cores): at one
 * allocation in 1024, 5 frames 1.15x on Node, Deno and Bun against 1.01x –
 * 1.07x (Node), 1.04x (Deno) with 1 frame. A stack is captured once per
 * sample whatever its depth (2 frames cost as much as 5; 10, 1.18x on Node),
 * so the sampling rate, not the limit, is what makes tracing dear.
 *
 * @example
 * ```ts
 * import { start } from "./tracer.ts";
 *
 * await start(DEFAULT_TRACEBACK_LIMIT); // as `run` and the REPL's `start` do
 * ```
 */
export const DEFAULT_TRACEBACK_LIMIT = 5;

/**
 * The line engine's mean number of allocations between two samples: 1024,
 * the finest rate at which {@link DEFAULT_TRACEBACK_LIMIT} frames cost about
 * 1.15x on the loop above; finer costs much more (5 frames, one in 256:
 * 1.41x Node, 1.50x Deno, 1.30x Bun; one in 16, the TUI's former rate:
 * 5.4x – 5.7x, 7.8x, 2.9x). A line holding 100,000 objects has about 100
 * samples (±10%). A quiet program's objects take longer to show: the demo,
 * 20 requests a second, samples its leaking lines about once in 25 s (its
 * buffers are exact anyway); `--every 16` shows them within seconds.
 *
 * @example
 * ```ts
 * import { start } from "./tracer.ts";
 *
 * await start(5, { sampleEvery: DEFAULT_SAMPLE_EVERY / 4 }); // four times as many samples
 * ```
 */
export const DEFAULT_SAMPLE_EVERY = 1024;

/**
 * V8's sampler's mean distance between two samples, in bytes: 1 MiB, at
 * which tracing an allocation-heavy workload costs at most 1.05x on Node
 * and Deno with one frame (`scripts/bench-tracing.ts`; 512 KiB, V8's own
 * default, went over once) and 0.99x – 1.06x with 5 (64 KiB, the TUI's
 * former interval: 1.01x – 1.12x). The sampler is the engine of a process
 * that was not preloaded (the REPL's own) and of `--engine sampler`.
 *
 * @example
 * ```ts
 * import { start } from "./tracer.ts";
 *
 * await start(1, { samplingInterval: DEFAULT_SAMPLING_INTERVAL / 8 }); // finer, slower
 * ```
 */
export const DEFAULT_SAMPLING_INTERVAL: number = 1024 * 1024;
