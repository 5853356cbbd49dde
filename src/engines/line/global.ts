/**
 * The function rewritten code calls, `NAME(siteId, value)`: it returns
 * `value` unchanged and, once in a while (a geometric countdown with mean
 * N allocations), hands it to the sampler. Its fast path is a decrement and
 * a compare, which the JIT inlines.
 *
 * It is a global with a name no program uses (`$tm_l` and the engine's
 * version), the same in every process so that a module's rewritten text
 * is too (runtimes cache compiled code by a module's text), installed once
 * and never removed: modules rewritten while tracing keep calling it after
 * `stop()`, when it only returns.
 * `Function.prototype.toString` is given back the original text of
 * rewritten functions (code that ships functions by their source keeps
 * working).
 *
 * @module
 */
import { markBuffer } from "../hooks/marks.ts";
import { LINE_ENGINE_VERSION } from "./cache.ts";
import { Countdowns } from "./random.ts";
import { stripInsertions } from "./plan.ts";

/**
 * Receives a sampled allocation.
 *
 * @example
 * ```ts
 * const onSample: SampleListener = (site, value) => console.log(site, typeof value);
 * ```
 */
export type SampleListener = (site: number, value: unknown) => void;

/**
 * The global's name: `$tm_l` and the engine's version.
 *
 * @example
 * ```ts
 * `${SITE_GLOBAL}(3,{})`; // what rewritten code looks like
 * ```
 */
export const SITE_GLOBAL = `$tm_l${LINE_ENGINE_VERSION}`;

/**
 * Allocations until the next sample. A small integer always (V8 keeps it
 * unboxed); while not sampling it counts down from {@link IDLE} and the
 * slow path only winds it up again.
 */
let countdown = 0;
/** The countdown while not sampling: a billion allocations between two visits of the slow path. */
const IDLE = 2 ** 30;
/**
 * The next countdowns, drawn ahead: the path the JIT inlines into every
 * allocating function then holds no call to the random draw (measured: the
 * fast path costs about half as much as with the draw inline). Each slot is
 * drawn afresh after use.
 */
const DRAWN = 4096;
const drawn = new Int32Array(DRAWN).fill(IDLE);
let next = 0;
let listener: SampleListener | null = null;
let onceListener: SampleListener | null = null;
let draws = new Countdowns(1);
let failures = 0;

/**
 * Reports an allocation at site `id`, returning the allocated value. The
 * sampler's frames start below this function.
 *
 * @example
 * ```ts
 * const point = site(12, { x: 1, y: 2 });
 * ```
 */
export function site<T>(id: number, value: T): T {
  if (--countdown > 0) return value;
  countdown = drawn[++next & (DRAWN - 1)];
  sampled(id, value);
  return value;
}

/**
 * Reports an allocation at a site that runs once per evaluation of its
 * module (module level, outside loops): always handed to the sampler, each
 * standing for itself. Installed as the global's `o` method.
 *
 * @example
 * ```ts
 * const cache = siteOnce(3, new Map());
 * ```
 */
export function siteOnce<T>(id: number, value: T): T {
  if (onceListener) {
    try {
      onceListener(id, value);
    } catch {
      failures++;
    }
  }
  return value;
}

function sampled(id: number, value: unknown): void {
  if (!listener) {
    countdown = IDLE;
    return;
  }
  drawn[next & (DRAWN - 1)] = draws.next();
  try {
    listener(id, value);
  } catch {
    failures++; // the program's allocation succeeded; a sampler bug must not change that
  }
}

/**
 * Starts sampling one allocation in `mean` on average, handing each to
 * `onSample`, and every allocation of a site that runs once to `onOnce`.
 *
 * @example
 * ```ts
 * declare function store(site: number, value: unknown): void;
 * declare function exact(site: number, value: unknown): void;
 *
 * startSampling(1024, (id, value) => store(id, value), (id, value) => exact(id, value));
 * ```
 */
export function startSampling(mean: number, onSample: SampleListener, onOnce: SampleListener = onSample): void {
  draws = new Countdowns(mean);
  for (let i = 0; i < DRAWN; i++) drawn[i] = draws.next();
  onceListener = onOnce;
  listener = onSample;
  countdown = draws.next();
}

/**
 * Stops sampling: the global only returns its value from now on.
 *
 * @example
 * ```ts
 * stopSampling();
 * ```
 */
export function stopSampling(): void {
  drawn.fill(IDLE);
  countdown = IDLE;
  listener = null;
  onceListener = null;
}

/**
 * Samples the sampler could not record (a bug in the tracer), 0 normally.
 *
 * @example
 * ```ts
 * if (samplerFailures() > 0) console.warn("some samples were lost");
 * ```
 */
export function samplerFailures(): number {
  return failures;
}

let installed = false;

/**
 * Defines the global and wraps `Function.prototype.toString`, once per
 * process.
 *
 * @example
 * ```ts
 * installSiteGlobal();
 * typeof (globalThis as Record<string, unknown>)[SITE_GLOBAL]; // "function"
 * ```
 */
export function installSiteGlobal(): void {
  if (installed) return;
  installed = true;
  countdown = listener ? countdown : IDLE;
  Object.defineProperty(site, "o", { value: siteOnce, writable: false, enumerable: false, configurable: false });
  Object.defineProperty(site, "p", { value: markBuffer, writable: false, enumerable: false, configurable: false });
  Object.defineProperty(globalThis, SITE_GLOBAL, {
    value: site,
    writable: false,
    enumerable: false,
    configurable: false,
  });
  const proto = Function.prototype;
  const original = proto.toString;
  const toString: typeof original = new Proxy(original, {
    apply(target, self, args) {
      const text = Reflect.apply(target, self === toString ? original : self, args) as string;
      return stripInsertions(text, SITE_GLOBAL);
    },
  });
  Object.defineProperty(proto, "toString", { value: toString, writable: true, enumerable: false, configurable: true });
}
