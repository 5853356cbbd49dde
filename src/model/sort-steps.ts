/**
 * A stable merge sort of indexes that gives way every thousand or so
 * comparisons (a generator: each `yield` is a point where its caller may
 * let the event loop run), for orders too big to make in one piece while
 * keys wait: the TUI's tables and the leaks ranking.
 *
 * @module
 */

/** Runs sorted by insertion before merging. */
const RUN = 16;

/**
 * `rows` (indexes) ordered by `compare` (negative: `a` first), stably, in
 * steps; the array itself may be reused.
 *
 * @example
 * ```ts
 * const size = new Float64Array([5, 9, 7]);
 * const steps = sortSteps(new Uint32Array([0, 1, 2]), (a, b) => size[b] - size[a]);
 * let step = steps.next();
 * while (!step.done) step = steps.next();
 * step.value; // Uint32Array [1, 2, 0]
 * ```
 */
export function* sortSteps(
  rows: Uint32Array,
  compare: (a: number, b: number) => number,
): Generator<void, Uint32Array, void> {
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
 * The indexes `0..n-1` in order.
 *
 * @example
 * ```ts
 * identity(3); // Uint32Array [0, 1, 2]
 * ```
 */
export function identity(n: number): Uint32Array {
  const rows = new Uint32Array(n);
  for (let i = 0; i < n; i++) rows[i] = i;
  return rows;
}
