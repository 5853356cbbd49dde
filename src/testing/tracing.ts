/**
 * What the test helpers share: tracing for the length of one check
 * (started here, and stopped after, when it was off), and calling the
 * function under test where none of the tracer's frames are on its stack.
 *
 * @module
 */
import { DEFAULT_TRACEBACK_LIMIT } from "../defaults.ts";
import { DomainFilter } from "../model/filter.ts";
import { isTracing, start, status, stop } from "../tracer.ts";

/**
 * How the helpers start tracing when it is off.
 *
 * @example
 * ```ts
 * const exact: TracingOptions = { nframe: 10, sampleEvery: 1 };
 * ```
 */
export interface TracingOptions {
  /** Frames per traceback when tracing is started here (default 5). */
  readonly nframe?: number;
  /**
   * Line engine: one allocation in N sampled when tracing is started here
   * (default 1: every allocation, so counts and sizes are exact).
   */
  readonly sampleEvery?: number;
  /**
   * V8's sampler (a process without the line engine's preload, on Node and
   * Deno): the mean bytes between samples when tracing is started here
   * (default 1024).
   */
  readonly samplingInterval?: number;
}

/**
 * What a check saw: whether it started tracing, and how domain 0 is traced.
 *
 * @example
 * ```ts
 * const seen: Traced = { startedHere: true, heap: "line", excluded: [] };
 * ```
 */
export interface Traced {
  /** Tracing was off and was started for this check (and is stopped after it). */
  readonly startedHere: boolean;
  /** Domain 0's engine: `line` (exact lines), `sampler` (functions), `census` (types), or null. */
  readonly heap: "line" | "sampler" | "census" | null;
  /**
   * Filters every snapshot of the check gets: domain 0 left out when it is
   * Bun's census (object types over the whole heap, the tracer's own
   * included: no lines to name, and noise).
   */
  readonly excluded: readonly DomainFilter[];
}

/**
 * Runs `body` while tracing: when tracing is off it is started with
 * `options` and stopped once `body` has settled; when it is on (the startup
 * preload, the program's own `start()`), it is left as it is.
 *
 * @example
 * ```ts
 * const traced = await withTracing({ sampleEvery: 1 }, (seen) => Promise.resolve(seen.heap));
 * ```
 */
export async function withTracing<T>(options: TracingOptions, body: (traced: Traced) => Promise<T>): Promise<T> {
  const startedHere = !isTracing();
  if (startedHere) {
    await start(options.nframe ?? DEFAULT_TRACEBACK_LIMIT, {
      sampleEvery: options.sampleEvery ?? 1,
      samplingInterval: options.samplingInterval ?? 1024,
    });
  }
  try {
    const heap = status().engine?.name ?? null;
    return await body({ startedHere, heap, excluded: heap === "census" ? [new DomainFilter(false, 0)] : [] });
  } finally {
    if (startedHere) await stop();
  }
}

/**
 * Calls `fn` from a microtask and settles with it (a returned promise
 * awaited), reporting through callbacks of its own: the tracer leaves out
 * every allocation with one of its own frames on the stack (a synchronous
 * caller, or an `await` V8 follows in async stack traces), so `fn` must not
 * be called from here directly for what it allocates to be traced.
 *
 * @example
 * ```ts
 * const kept: Uint8Array[] = [];
 * await detached(() => kept.push(new Uint8Array(16))); // traced at the caller's line
 * ```
 */
export function detached(fn: () => unknown): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    Promise.resolve().then(fn).then(() => resolve(), (error: unknown) => reject(error));
  });
}
