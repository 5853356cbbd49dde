/**
 * The traces of a snapshot as columns: one typed-array slot per trace, no
 * per-trace object (see the performance model in the design).
 *
 * @module
 */

/** Column storage of traces; `traceback` holds ids into a {@link TraceTable}. */
export interface TraceColumns {
  readonly length: number;
  readonly domain: Int32Array;
  readonly size: Float64Array;
  readonly traceback: Uint32Array;
  /**
   * How many allocations each trace stands for, or `null` when every trace is
   * one allocation (exact engines). Sampling engines set it to their estimate.
   */
  readonly count: Float64Array | null;
}

/**
 * Columns for `length` traces, zero-filled.
 *
 * @example
 * ```ts
 * const cols = allocateColumns(3, false);
 * cols.size[0] = 64;
 * ```
 */
export function allocateColumns(length: number, withCount: boolean): TraceColumns {
  return {
    length,
    domain: new Int32Array(length),
    size: new Float64Array(length),
    traceback: new Uint32Array(length),
    count: withCount ? new Float64Array(length) : null,
  };
}
