/**
 * Long work done in slices: an algorithm is written once as a generator
 * that says where it may stop (`yield`), and is run either at once
 * ({@link runNow}) or in slices of a few milliseconds that give the event
 * loop back between them ({@link runSliced}), so keys pressed meanwhile are
 * handled at once and a result nobody wants any more is dropped on the way.
 *
 * @module
 */

/**
 * When to give up.
 *
 * @example
 * ```ts
 * const abandoned = new AbortController();
 * const pace: Pace = { cancelled: () => abandoned.signal.aborted };
 * ```
 */
export interface Pace {
  /** True once the result is no longer wanted. */
  cancelled(): boolean;
}

/**
 * A pace that never gives up.
 *
 * @example
 * ```ts
 * declare function work(): Steps<number>;
 * await runSliced(work(), NEVER); // never null
 * ```
 */
export const NEVER: Pace = { cancelled: () => false };

/**
 * Work that may stop at each `yield` and ends with a `T`.
 *
 * @example
 * ```ts
 * function* sum(values: Float64Array): Steps<number> {
 *   let total = 0;
 *   for (let i = 0; i < values.length; i++) {
 *     total += values[i];
 *     if ((i & 1023) === 1023) yield;
 *   }
 *   return total;
 * }
 * ```
 */
export type Steps<T> = Generator<void, T, void>;

/**
 * Longest stretch of work between two turns of the event loop, in ms.
 *
 * @example
 * ```ts
 * const budget = SLICE_MS; // a key waits at most about this long for a slice to end
 * ```
 */
export const SLICE_MS = 8;

/**
 * Gives the event loop a turn.
 *
 * @example
 * ```ts
 * await breathe(); // timers and input that were waiting run first
 * ```
 */
export function breathe(ms = 0): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Runs `steps` to their end without stopping.
 *
 * @example
 * ```ts
 * declare function work(): Steps<number>;
 * const result = runNow(work());
 * ```
 */
export function runNow<T>(steps: Steps<T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * Time spent working, in ms, turns given to the event loop left out.
 *
 * @example
 * ```ts
 * declare function work(): Steps<number>;
 * const meter: Meter = { busy: 0 };
 * await runSliced(work(), NEVER, meter);
 * console.log(`${meter.busy.toFixed(1)} ms of work`);
 * ```
 */
export interface Meter {
  busy: number;
}

/**
 * Runs `steps` in slices of about {@link SLICE_MS}, giving the event loop a
 * turn between them; null when `pace` is cancelled on the way. `meter`
 * adds up the time the slices took.
 *
 * @example
 * ```ts
 * declare function work(): Steps<number>;
 * let cancelled = false;
 * const result = await runSliced(work(), { cancelled: () => cancelled }); // null once cancelled
 * ```
 */
export async function runSliced<T>(steps: Steps<T>, pace: Pace, meter?: Meter): Promise<T | null> {
  if (pace.cancelled()) return null;
  let started = performance.now();
  for (;;) {
    const step = steps.next();
    const now = performance.now();
    if (step.done) {
      if (meter) meter.busy += now - started;
      return step.value;
    }
    if (now - started < SLICE_MS) continue;
    if (meter) meter.busy += now - started;
    await breathe();
    if (pace.cancelled()) {
      steps.return(undefined as T);
      return null;
    }
    started = performance.now();
  }
}

/**
 * A loop body run over `0 .. n` in slices; false when cancelled on the way.
 *
 * @example
 * ```ts
 * const squares = new Float64Array(100_000);
 * await sliced(squares.length, NEVER, (i) => squares[i] = i * i); // true
 * ```
 */
export async function sliced(n: number, pace: Pace, body: (i: number) => void): Promise<boolean> {
  return await runSliced(loop(n, body), pace) !== null;
}

function* loop(n: number, body: (i: number) => void): Steps<true> {
  for (let i = 0; i < n; i++) {
    body(i);
    if ((i & 1023) === 1023) yield;
  }
  return true;
}
