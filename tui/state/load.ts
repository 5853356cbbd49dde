/**
 * How long the app took to make a table of the last live refresh: the
 * live feed paces itself by it, as it does by its own refreshes, so a big
 * target leaves the app free for keys most of the time. Measured where the
 * work is done and read where refreshes are planned; the screen never
 * talks to the feed.
 *
 * @module
 */

let cost = 0;

/**
 * Notes that making a live table just took `ms`.
 *
 * @example
 * ```ts
 * const started = performance.now();
 * // ... group, join and sort the live snapshot ...
 * noteTableCost(performance.now() - started);
 * ```
 */
export function noteTableCost(ms: number): void {
  cost = ms;
}

/**
 * How long the last live table took to make, in ms (0 before any).
 *
 * @example
 * ```ts
 * const took = 30;
 * const wait = Math.max(400 - took, 2 * (took + tableCost()) - took);
 * ```
 */
export function tableCost(): number {
  return cost;
}
