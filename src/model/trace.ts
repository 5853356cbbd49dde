/**
 * The traces of a snapshot as objects: `Trace` (one memory block, as
 * CPython's `Trace`) and `TraceSequence` (`snapshot.traces`, which makes them
 * on access from the snapshot's columns).
 *
 * @module
 */
import { formatSize } from "./format.ts";
import type { Traceback } from "./traceback.ts";

/**
 * One traced memory block, as CPython's `Trace`. Sampled traces stand for
 * several allocations: `count` says how many (1 for exact engines).
 *
 * @example
 * ```ts
 * import { Snapshot } from "./snapshot.ts";
 *
 * const snapshot = new Snapshot([[0, 64, [["app.ts", 3]], 1]], 1);
 * const trace = snapshot.traces.at(0)!;
 * console.log(trace.domain, trace.size, String(trace.traceback));
 * ```
 */
export class Trace {
  constructor(
    readonly domain: number,
    readonly size: number,
    readonly traceback: Traceback,
    readonly count: number = 1,
  ) {}

  /** `traceback: size`, as CPython's `str(trace)`. */
  toString(): string {
    return `${this.traceback}: ${formatSize(this.size, false)}`;
  }
}

/**
 * The read-only sequence `snapshot.traces`. Traces are made on access; the
 * snapshot stores columns, not objects.
 *
 * @example
 * ```ts
 * import type { Snapshot } from "./snapshot.ts";
 * declare const snapshot: Snapshot;
 *
 * let total = 0;
 * for (const trace of snapshot.traces) total += trace.size;
 * ```
 */
export class TraceSequence implements Iterable<Trace> {
  readonly #get: (i: number) => Trace;

  constructor(readonly length: number, get: (i: number) => Trace) {
    this.#get = get;
  }

  /** Trace `i`; negative indexes count from the end; `undefined` out of range. */
  at(i: number): Trace | undefined {
    const j = i < 0 ? this.length + i : i;
    return Number.isInteger(j) && j >= 0 && j < this.length ? this.#get(j) : undefined;
  }

  *[Symbol.iterator](): Iterator<Trace> {
    for (let i = 0; i < this.length; i++) yield this.#get(i);
  }
}
