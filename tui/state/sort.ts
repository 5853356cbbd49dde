/**
 * Sorting row indexes in steps (see `pace.ts`): a stable merge sort, and
 * the merge of two sorted runs, which is how a refreshed table is ordered
 * from the order of the refresh before (the rows that did not change keep
 * their order; only the others are sorted, then merged in).
 *
 * @module
 */
import type { Steps } from "./pace.ts";

/** The stepped merge sort and the identity order, shared with the model's leaks ranking. */
export { identity, sortSteps } from "../../src/model/sort-steps.ts";

/**
 * Orders row indexes: negative when `a` comes first.
 *
 * @example
 * ```ts
 * declare const size: Float64Array;
 * const biggestFirst: Compare = (a, b) => size[b] - size[a] || a - b;
 * ```
 */
export type Compare = (a: number, b: number) => number;

/**
 * Two runs sorted by `compare` merged into one (ties: `a` first).
 *
 * @example
 * ```ts
 * import { runNow } from "./pace.ts";
 * const ascending = (x: number, y: number) => x - y;
 * runNow(mergeSteps(new Uint32Array([1, 4]), new Uint32Array([2, 3]), ascending)); // Uint32Array [1, 2, 3, 4]
 * ```
 */
export function* mergeSteps(a: Uint32Array, b: Uint32Array, compare: Compare): Steps<Uint32Array> {
  const out = new Uint32Array(a.length + b.length);
  let i = 0, j = 0, k = 0;
  while (i < a.length && j < b.length) {
    out[k++] = compare(b[j], a[i]) < 0 ? b[j++] : a[i++];
    if ((k & 1023) === 0) yield;
  }
  out.set(a.subarray(i), k);
  out.set(b.subarray(j), k + a.length - i);
  return out;
}
