/**
 * The sampler's own random numbers: the distance to the next sample is
 * drawn from a geometric distribution (sampling each allocation with
 * probability 1/N), which avoids the aliasing a fixed "every Nth" counter
 * has with loops. The generator is private (xorshift128+), so the traced
 * program's `Math.random()` sequence is not disturbed.
 *
 * @module
 */

/**
 * A geometric countdown source with mean `mean` allocations.
 *
 * @example
 * ```ts
 * const draws = new Countdowns(1024, 42);
 * draws.next(); // e.g. 731: sample the 731st allocation from now
 * ```
 */
export class Countdowns {
  readonly #mean: number;
  readonly #logKeep: number;
  #s0: number;
  #s1: number;

  /** @param mean mean allocations between samples (1 samples every allocation) */
  constructor(mean: number, seed = Date.now() ^ (performance.now() * 1000)) {
    this.#mean = mean;
    this.#logKeep = Math.log(1 - 1 / mean);
    // splitmix-style seeding into two non-zero 32-bit halves.
    this.#s0 = (seed ^ 0x9e3779b9) | 1;
    this.#s1 = (Math.imul(seed, 0x85ebca6b) ^ 0xc2b2ae35) | 1;
  }

  /** The number of allocations until the next sample (at least 1). */
  next(): number {
    if (this.#mean <= 1) return 1;
    const u = this.#uniform();
    // An int32, so the countdown stays a small integer (a double would be boxed at every decrement).
    return Math.min(Math.floor(Math.log(u) / this.#logKeep) + 1, 2 ** 30) | 0;
  }

  /** A uniform number in (0, 1]. */
  #uniform(): number {
    // xorshift on two 32-bit words; enough for sampling distances.
    let s1 = this.#s0;
    const s0 = this.#s1;
    this.#s0 = s0;
    s1 ^= s1 << 23;
    s1 ^= s1 >>> 17;
    s1 ^= s0;
    s1 ^= s0 >>> 26;
    this.#s1 = s1;
    return (((this.#s0 + this.#s1) >>> 0) + 1) / 4294967296;
  }
}
