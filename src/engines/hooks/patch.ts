/**
 * Installing and removing hooks: wrapper functions around constructors and
 * functions, and the record of every property replaced, so `stop()` puts
 * back exactly what was there.
 *
 * A wrapper forwards its calls to the original and carries what code reads
 * of it: its parent (inherited statics such as `Uint8Array.from`), own
 * statics (`ArrayBuffer.isView`, `BYTES_PER_ELEMENT`), `prototype`, `name`
 * and `length`, so `instanceof`, subclassing and `Symbol.species` behave as
 * before, and `Function.prototype.toString` prints it as the original while
 * hooked. The prototype's `constructor` points at the wrapper while hooked,
 * so `new Uint8Array(1).constructor === Uint8Array` holds, and species
 * lookups come back through the hook. One wrapper per original for the life
 * of the process: a class that extended a hooked constructor keeps it as its
 * parent and is traced again by a later session.
 *
 * @module
 */
import type { StackBoundary } from "../../runtime/stack.ts";
import type { HookContext } from "./context.ts";
import { state } from "./context.ts";
import { type MarkedSite, marks, takeMark } from "./marks.ts";

/**
 * A constructor or function as the hooks see it.
 *
 * @example
 * ```ts
 * const original = Uint8Array as unknown as Callable;
 * ```
 */
// deno-lint-ignore no-explicit-any
export type Callable = (...args: any[]) => any;

/**
 * What a constructor hook does with a new object (never called when not
 * tracing); `first` is the call's first argument (the only one the hooks
 * look at), `below` the hook, for the stack capture; `site` the line
 * engine's site of the call when rewritten code marked it (see
 * `marks.ts`), else `null`.
 *
 * @example
 * ```ts
 * const log: AfterConstruct = (_ctx, first, result) => console.log(first, result);
 * ```
 */
export type AfterConstruct = (
  ctx: HookContext,
  first: unknown,
  result: object,
  below: StackBoundary,
  site: MarkedSite | null,
) => void;

/**
 * What a function hook does with a result (never called when not tracing):
 * it returns what the caller gets, normally `result` itself. `first` and
 * `second` are the call's first two arguments; `below` and `site` as for
 * {@link AfterConstruct}.
 *
 * @example
 * ```ts
 * const same: AfterApply = (_ctx, _self, _first, _second, result) => result;
 * ```
 */
export type AfterApply = (
  ctx: HookContext,
  self: unknown,
  first: unknown,
  second: unknown,
  result: unknown,
  below: StackBoundary,
  site: MarkedSite | null,
) => unknown;

const hooks = new WeakMap<Callable, Callable>();
/** Each wrapper and the function it stands for, for `Function.prototype.toString`. */
const wrapped = new WeakMap<Callable, Callable>();

/**
 * Properties replaced while hooked, restored in reverse order.
 *
 * @example
 * ```ts
 * const traceBuffer: AfterConstruct = (_ctx, _args, buffer) => console.log("new", buffer);
 * const patches = new Patches();
 * hookConstructor(patches, globalThis, "ArrayBuffer", traceBuffer);
 * patches.restore(); // globalThis.ArrayBuffer is the original again
 * ```
 */
export class Patches {
  #undo: (() => void)[] = [];
  #toStringHidden = false;

  /** Number of properties currently replaced. */
  get size(): number {
    return this.#undo.length;
  }

  /**
   * Replaces the data property `key` of `holder` by `value`, keeping its
   * attributes; false (and nothing done) when it is absent, an accessor or
   * read-only.
   */
  replace(holder: object, key: PropertyKey, value: unknown): boolean {
    const before = Object.getOwnPropertyDescriptor(holder, key);
    if (!before || !("value" in before)) return false;
    if (!before.configurable && !before.writable) return false;
    Object.defineProperty(holder, key, { ...before, value });
    this.#undo.push(() => {
      // Someone else replaced it meanwhile: theirs stays.
      const now = Object.getOwnPropertyDescriptor(holder, key);
      if (now && "value" in now && now.value === value) {
        Object.defineProperty(holder, key, before);
      }
    });
    return true;
  }

  /**
   * Replaces the getter of the accessor property `key` of `holder` by `get`,
   * keeping its setter and attributes; false (and nothing done) when it is
   * not a configurable accessor.
   */
  replaceGetter(holder: object, key: PropertyKey, get: () => unknown): boolean {
    const before = Object.getOwnPropertyDescriptor(holder, key);
    if (!before || typeof before.get !== "function" || !before.configurable) return false;
    Object.defineProperty(holder, key, { ...before, get });
    this.#undo.push(() => {
      const now = Object.getOwnPropertyDescriptor(holder, key);
      if (now?.get === get) Object.defineProperty(holder, key, before);
    });
    return true;
  }

  /**
   * Wraps `Function.prototype.toString` (once while hooked) so that a
   * wrapper prints as the function it stands for.
   */
  hideWrappers(): void {
    if (this.#toStringHidden) return;
    const previous = Function.prototype.toString;
    const toString = function toString(this: unknown): string {
      return Reflect.apply(previous, wrapped.get(this as Callable) ?? this, []);
    };
    wrapped.set(toString, previous);
    if (this.replace(Function.prototype, "toString", toString)) this.#toStringHidden = true;
  }

  /** Puts every replaced property back. */
  restore(): void {
    const undo = this.#undo;
    this.#undo = [];
    this.#toStringHidden = false;
    for (let i = undo.length - 1; i >= 0; i--) undo[i]();
  }
}

/**
 * Replaces the constructor `holder[key]` by a wrapper that calls `after`
 * with each object constructed while tracing, and points its prototype's
 * `constructor` at the wrapper. Does nothing when there is no such
 * constructor.
 *
 * @example
 * ```ts
 * const patches = new Patches();
 * hookConstructor(patches, globalThis, "Uint8Array", (_ctx, first) => console.log("new Uint8Array", first));
 * ```
 */
export function hookConstructor(
  patches: Patches,
  holder: object,
  key: string,
  after: AfterConstruct,
): void {
  const original = (holder as Record<string, unknown>)[key];
  if (typeof original !== "function") return;
  let hook = hooks.get(original as Callable);
  if (!hook) {
    hook = constructWrapper(original as Callable, after);
    hooks.set(original as Callable, hook);
  }
  patches.hideWrappers();
  if (!patches.replace(holder, key, hook)) return;
  const prototype = (original as { prototype?: unknown }).prototype;
  if (
    typeof prototype === "object" && prototype !== null &&
    Object.getOwnPropertyDescriptor(prototype, "constructor")?.value ===
      original
  ) {
    patches.replace(prototype, "constructor", hook);
  }
}

/**
 * Replaces the function `holder[key]` by a wrapper whose result is
 * `after(...)`'s (the original's result, or a promise following it) while
 * tracing. Does nothing when there is no such function.
 *
 * @example
 * ```ts
 * import { Buffer } from "node:buffer";
 *
 * const patches = new Patches();
 * hookFunction(patches, Buffer, "alloc", (_ctx, _self, _first, _second, result) => result);
 * ```
 */
export function hookFunction(
  patches: Patches,
  holder: object,
  key: string,
  after: AfterApply,
): void {
  const original = (holder as Record<string, unknown>)[key];
  if (typeof original !== "function") return;
  let hook = hooks.get(original as Callable);
  if (!hook) {
    hook = applyWrapper(original as Callable, after);
    hooks.set(original as Callable, hook);
  }
  patches.hideWrappers();
  patches.replace(holder, key, hook);
}

/**
 * Replaces the getter `holder[key]` (an accessor) by a hook whose result is
 * `after(...)`'s while tracing (no arguments). Does nothing when there is no
 * such getter.
 *
 * @example
 * ```ts
 * const patches = new Patches();
 * const typedArray = Object.getPrototypeOf(Uint8Array.prototype);
 * hookGetter(patches, typedArray, "buffer", (_ctx, _self, _first, _second, buffer) => buffer);
 * ```
 */
export function hookGetter(
  patches: Patches,
  holder: object,
  key: string,
  after: AfterApply,
): void {
  const original = Object.getOwnPropertyDescriptor(holder, key)?.get as Callable | undefined;
  if (typeof original !== "function") return;
  let hook = hooks.get(original);
  if (!hook) {
    hook = applyWrapper(original, after);
    hooks.set(original, hook);
  }
  patches.hideWrappers();
  patches.replaceGetter(holder, key, hook);
}

/**
 * Gives `wrapper` what code reads of `original`: its parent (inherited
 * statics), own statics (copied), `name`, `length` and `prototype`.
 */
function disguise(wrapper: Callable, original: Callable): Callable {
  Object.setPrototypeOf(wrapper, Object.getPrototypeOf(original));
  for (const key of Reflect.ownKeys(original)) {
    if (key === "arguments" || key === "caller") continue;
    const descriptor = Object.getOwnPropertyDescriptor(original, key)!;
    if (key === "prototype") {
      Object.defineProperty(wrapper, key, { value: descriptor.value, writable: descriptor.writable });
    } else {
      Object.defineProperty(wrapper, key, descriptor);
    }
  }
  if (!Object.hasOwn(original, "prototype") && Object.hasOwn(wrapper, "prototype")) {
    Object.defineProperty(wrapper, "prototype", { value: undefined });
  }
  wrapped.set(wrapper, original);
  return wrapper;
}

/**
 * The hook of a constructor: a plain function that forwards to `original`
 * (a proxy's trap costs about 60 ns a call more on V8 and 150 ns on
 * JavaScriptCore). Its first three arguments are named and forwarded by a
 * direct `new` for their count (every hooked constructor takes three or
 * fewer): a rest array and `Reflect.construct` cost 10-20 ns a call more
 * on JavaScriptCore. A subclass's construction, or more arguments, are
 * forwarded with `arguments` as they came.
 */
function constructWrapper(original: Callable, after: AfterConstruct): Callable {
  const Original = original as unknown as new (...args: unknown[]) => object;
  const wrapper = function (this: unknown, a?: unknown, b?: unknown, c?: unknown): unknown {
    const argc = arguments.length;
    const target = new.target;
    // Called without `new`: the original throws its own TypeError.
    if (target === undefined) return Reflect.apply(original, this, arguments);
    // The mark of a rewritten call is taken by the first hook it reaches, whatever happens next.
    const site = marks.site < 0
      ? null
      : takeMark(argc, argc === 1 ? a : argc === 2 ? b : argc === 3 ? c : arguments[argc - 1]);
    const ctx = state.active;
    const traced = ctx !== null && state.busy === 0;
    state.busy++;
    try {
      let result: object;
      if (target !== wrapper || argc > 3) result = Reflect.construct(original, arguments, target);
      else if (argc === 1) result = new Original(a);
      else if (argc === 0) result = new Original();
      else if (argc === 2) result = new Original(a, b);
      else result = new Original(a, b, c);
      if (traced) {
        try {
          after(ctx, a, result, wrapper, site);
        } catch {
          ctx.failures++;
        }
      }
      return result;
    } finally {
      state.busy--;
    }
  };
  return disguise(wrapper, original);
}

/** The hook of a function or getter: {@link constructWrapper}'s counterpart. */
function applyWrapper(original: Callable, after: AfterApply): Callable {
  // A method, so that it cannot be called with `new` (nor can the originals hooked this way).
  const wrapper = {
    wrapper(this: unknown, a?: unknown, b?: unknown, c?: unknown): unknown {
      const argc = arguments.length;
      const site = marks.site < 0
        ? null
        : takeMark(argc, argc === 1 ? a : argc === 2 ? b : argc === 3 ? c : arguments[argc - 1]);
      const ctx = state.active;
      const traced = ctx !== null && state.busy === 0;
      state.busy++;
      try {
        let result: unknown;
        if (argc > 3) result = Reflect.apply(original, this, arguments);
        else if (argc === 1) result = original.call(this, a);
        else if (argc === 0) result = original.call(this);
        else if (argc === 2) result = original.call(this, a, b);
        else result = original.call(this, a, b, c);
        if (!traced) return result;
        try {
          return after(ctx, this, a, b, result, wrapper, site);
        } catch {
          ctx.failures++;
          return result;
        }
      } finally {
        state.busy--;
      }
    },
  }.wrapper;
  return disguise(wrapper, original);
}
