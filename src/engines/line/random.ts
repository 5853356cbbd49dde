/**
 * The sampler's own random numbers: the distance to the next sample is
 * drawn from a geometric distribution (sampling each allocation with
 * probability 1/N), which avoids the aliasing a fixed "every Nth" counter
 * has with loops. The generator is private (sfc32, a small fast counter
 * generator with a period of at least 2^32), so the traced program's
 * `Math.random()` sequence is not disturbed.
 *
 * @module
 */

/**
 * A geometric countdown source with mean `mean` allocations.
 *
 * @example
 * ```ts
 * const draws = new Countdowns(1024, 42);
 * draws.next(); // 1065: sample the 1065th allocation from now
 * ```
 */
export class Countdowns {
  readonly #mean: number;
  readonly #logKeep: number;
  #a: number;
  #b: number;
  #c: number;
  #d = 1;

  /** @param mean mean allocations between samples (1 samples every allocation) */
  constructor(mean: number, seed = Date.now() ^ (performance.now() * 1000)) {
    this.#mean = mean;
    this.#logKeep = Math.log(1 - 1 / mean);
    this.#a = 0x9e3779b9;
    this.#b = 0x243f6a88;
    this.#c = seed | 0;
    for (let i = 0; i < 15; i++) this.#uint32(); // mixes the seed in
  }

  /** The number of allocations until the next sample (at least 1). */
  next(): number {
    if (this.#mean <= 1) return 1;
    const u = (this.#uint32() + 1) / 4294967296; // in (0, 1]
    // An int32, so the countdown stays a small integer (a double would be boxed at every decrement).
    return Math.min(Math.floor(Math.log(u) / this.#logKeep) + 1, 2 ** 30) | 0;
  }

  /** sfc32: the next unsigned 32-bit number. */
  #uint32(): number {
    const t = (((this.#a + this.#b) | 0) + this.#d) | 0;
    this.#d = (this.#d + 1) | 0;
    this.#a = this.#b ^ (this.#b >>> 9);
    this.#b = (this.#c + (this.#c << 3)) | 0;
    this.#c = (this.#c << 21) | (this.#c >>> 11);
    this.#c = (this.#c + t) | 0;
    return t >>> 0;
  }
}
