/**
 * Sorting row indexes in steps (see `pace.ts`): a stable merge sort, and
 * the merge of two sorted runs, which is how a refreshed table is ordered
 * from the order of the refresh before (the rows that did not change keep
 * their order; only the others are sorted, then merged in).
 *
 * @module
 */
import type { Steps } from "./pace.ts";

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

/** Runs sorted by insertion before merging. */
const RUN = 16;

/**
 * `rows` sorted by `compare`, stably (the array itself may be reused).
 *
 * @example
 * ```ts
 * import { runNow } from "./pace.ts";
 * const size = new Float64Array([5, 9, 7]);
 * runNow(sortSteps(new Uint32Array([0, 1, 2]), (a, b) => size[b] - size[a])); // Uint32Array [1, 2, 0]
 * ```
 */
export function* sortSteps(rows: Uint32Array, compare: Compare): Steps<Uint32Array> {
  const n = rows.length;
  let src: Uint32Array = rows;
  for (let lo = 0; lo < n; lo += RUN) {
    const hi = Math.min(n, lo + RUN);
    for (let i = lo + 1; i < hi; i++) {
      const item = src[i];
      let j = i - 1;
      for (; j >= lo && compare(src[j], item) > 0; j--) src[j + 1] = src[j];
      src[j + 1] = item;
    }
    if ((lo & 1023) === 0) yield;
  }
  if (n <= RUN) return src;
  let dst: Uint32Array = new Uint32Array(n);
  for (let width = RUN; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(n, lo + width), hi = Math.min(n, lo + 2 * width);
      if (mid >= hi || compare(src[mid - 1], src[mid]) <= 0) {
        // Already in order (or nothing to merge with).
        dst.set(src.subarray(lo, hi), lo);
        continue;
      }
      let i = lo, j = mid, k = lo;
      while (i < mid && j < hi) {
        dst[k++] = compare(src[j], src[i]) < 0 ? src[j++] : src[i++];
        if ((k & 1023) === 0) yield;
      }
      while (i < mid) dst[k++] = src[i++];
      while (j < hi) dst[k++] = src[j++];
    }
    [src, dst] = [dst, src];
    yield;
  }
  return src;
}

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

/**
 * `0 .. n-1`.
 *
 * @example
 * ```ts
 * identity(3); // Uint32Array [0, 1, 2]
 * ```
 */
export function identity(n: number): Uint32Array {
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  return order;
}
