/**
 * Traced memory over time as a one-line graph of block characters.
 *
 * @module
 */

const BARS = "▁▂▃▄▅▆▇█";

/**
 * How many samples of traced memory are kept (one per refresh).
 *
 * @example
 * ```ts
 * const full = Array.from({ length: HISTORY_LENGTH }, () => 0);
 * appendSample(full, 1).length; // HISTORY_LENGTH: the oldest sample went
 * ```
 */
export const HISTORY_LENGTH = 240;

/**
 * A drawn graph: one character per sample, and where its highest sample is.
 *
 * @example
 * ```ts
 * const { text, peakAt }: Sparkline = sparkline([0, 5, 10, 5], 10); // " ▅█▅" and 2
 * ```
 */
export interface Sparkline {
  /** One block character per sample, a space for zero. */
  readonly text: string;
  /** Index in `text` of the highest sample (the last one when several tie), -1 when empty. */
  readonly peakAt: number;
}

/**
 * The last `width` samples as block characters scaled to `ceiling` (or to
 * the highest sample when that is higher); a zero sample is a space.
 *
 * @example
 * ```ts
 * sparkline([0, 5, 10, 5], 10); // { text: " ▅█▅", peakAt: 2 }
 * ```
 */
export function sparkline(samples: readonly number[], width: number, ceiling = 0): Sparkline {
  const shown = width > 0 ? samples.slice(-width) : [];
  let top = ceiling;
  let peakAt = -1;
  for (let i = 0; i < shown.length; i++) {
    if (peakAt < 0 || shown[i] >= shown[peakAt]) peakAt = i;
    if (shown[i] > top) top = shown[i];
  }
  let text = "";
  for (const value of shown) {
    if (value <= 0 || top <= 0) text += " ";
    else text += BARS[Math.min(BARS.length - 1, Math.round((value / top) * (BARS.length - 1)))];
  }
  return { text, peakAt };
}

/**
 * `samples` with `value` added at the end, the oldest dropped beyond
 * {@link HISTORY_LENGTH}; a new array, for React state.
 *
 * @example
 * ```ts
 * appendSample([1, 2], 3); // [1, 2, 3]
 * ```
 */
export function appendSample(samples: readonly number[], value: number): number[] {
  const next = samples.length >= HISTORY_LENGTH ? samples.slice(1 - HISTORY_LENGTH) : samples.slice();
  next.push(value);
  return next;
}
