/**
 * The last read of an engine whose reads cost (V8's sampling profile, Bun's
 * census, the line engine's sweep of its samples), handed back again while
 * {@link ReadOptions} allow: one place for what each such engine would
 * otherwise keep and check by itself.
 *
 * @module
 */
import { type ReadOptions, reusable } from "./engine.ts";

/**
 * An engine's last read, when it was made and how long it took.
 *
 * @example
 * ```ts
 * import { LastRead } from "./last-read.ts";
 * declare function census(): Promise<number>;
 * const last = new LastRead<number>();
 * async function read(budget: boolean): Promise<number> {
 *   const started = performance.now();
 *   return last.reuse({ budget }, started) ?? last.keep(await census(), started);
 * }
 * ```
 */
export class LastRead<T> {
  #last: { at: number; took: number; value: T } | null = null;

  /** When the last read ended (`performance.now()`), if there was one. */
  get at(): number | undefined {
    return this.#last?.at;
  }

  /** The last read's value when `options` allow reusing it at `now`; `undefined` when a new read is due. */
  reuse(options: ReadOptions | undefined, now: number): T | undefined {
    const last = this.#last;
    return last && reusable(options, last.at, last.took, now) ? last.value : undefined;
  }

  /** Keeps `value`, read from `started` until now, and returns it. */
  keep(value: T, started: number): T {
    const at = performance.now();
    this.#last = { at, took: at - started, value };
    return value;
  }

  /** Forgets the last read (tracing stopped, cleared or restarted). */
  forget(): void {
    this.#last = null;
  }
}
