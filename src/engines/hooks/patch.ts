/**
 * Installing and removing hooks: proxies around constructors and functions,
 * and the record of every property replaced, so `stop()` puts back exactly
 * what was there.
 *
 * A proxy forwards everything it does not trap to the original, so statics
 * (`Uint8Array.from`, `ArrayBuffer.isView`), `prototype`, `name`, `length`,
 * `instanceof`, subclassing and `Symbol.species` behave as before. The
 * prototype's `constructor` points at the proxy while hooked, so
 * `new Uint8Array(1).constructor === Uint8Array` holds, and species lookups
 * come back through the hook. One proxy per original for the life of the
 * process: a class that extended a hooked constructor keeps it as its parent
 * and is traced again by a later session.
 *
 * @module
 */
import { runtime } from "../../runtime/index.ts";
import type { StackBoundary } from "../../runtime/stack.ts";
import type { HookContext } from "./context.ts";
import { state } from "./context.ts";
import { marks, takeMark } from "./marks.ts";

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
 * tracing); `below` is the trap, for the stack capture; `site` the line
 * engine's site of the call when rewritten code marked it (see `marks.ts`),
 * else -1.
 *
 * @example
 * ```ts
 * const log: AfterConstruct = (_ctx, args, result) => console.log(args, result);
 * ```
 */
export type AfterConstruct = (
  ctx: HookContext,
  args: readonly unknown[],
  result: object,
  below: StackBoundary,
  site: number,
) => void;

/**
 * What a function hook does with a result (never called when not tracing):
 * it returns what the caller gets, normally `result` itself. `below` and
 * `site` as for {@link AfterConstruct}.
 *
 * @example
 * ```ts
 * const same: AfterApply = (_ctx, _self, _args, result) => result;
 * ```
 */
export type AfterApply = (
  ctx: HookContext,
  self: unknown,
  args: readonly unknown[],
  result: unknown,
  below: StackBoundary,
  site: number,
) => unknown;

const proxies = new WeakMap<Callable, Callable>();
/** Each wrapper (JavaScriptCore) and the function it stands for, for `Function.prototype.toString`. */
const wrapped = new WeakMap<Callable, Callable>();

let wrappers: boolean | null = null;

/** True where hooks are wrapper functions rather than proxies (JavaScriptCore's proxies are slow). */
function useWrappers(): boolean {
  return wrappers ??= runtime().name === "bun";
}

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
 * Replaces the constructor `holder[key]` by a proxy that calls `after` with
 * each object constructed while tracing, and points its prototype's
 * `constructor` at the proxy. Does nothing when there is no such constructor.
 *
 * @example
 * ```ts
 * const patches = new Patches();
 * hookConstructor(patches, globalThis, "Uint8Array", (_ctx, args) => console.log("new Uint8Array", args));
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
  let proxy = proxies.get(original as Callable);
  if (!proxy) {
    proxy = useWrappers() ? constructWrapper(original as Callable, after) : constructProxy(original as Callable, after);
    proxies.set(original as Callable, proxy);
  }
  if (useWrappers()) patches.hideWrappers();
  if (!patches.replace(holder, key, proxy)) return;
  const prototype = (original as { prototype?: unknown }).prototype;
  if (
    typeof prototype === "object" && prototype !== null &&
    Object.getOwnPropertyDescriptor(prototype, "constructor")?.value ===
      original
  ) {
    patches.replace(prototype, "constructor", proxy);
  }
}

/**
 * Replaces the function `holder[key]` by a proxy whose result is
 * `after(...)`'s (the original's result, or a promise following it) while
 * tracing. Does nothing when there is no such function.
 *
 * @example
 * ```ts
 * import { Buffer } from "node:buffer";
 *
 * const patches = new Patches();
 * hookFunction(patches, Buffer, "alloc", (_ctx, _self, _args, result) => result);
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
  let proxy = proxies.get(original as Callable);
  if (!proxy) {
    proxy = useWrappers() ? applyWrapper(original as Callable, after) : applyProxy(original as Callable, after);
    proxies.set(original as Callable, proxy);
  }
  if (useWrappers()) patches.hideWrappers();
  patches.replace(holder, key, proxy);
}

/**
 * Replaces the getter `holder[key]` (an accessor) by a hook whose result is
 * `after(...)`'s while tracing (`args` empty). Does nothing when there is no
 * such getter.
 *
 * @example
 * ```ts
 * const patches = new Patches();
 * const typedArray = Object.getPrototypeOf(Uint8Array.prototype);
 * hookGetter(patches, typedArray, "buffer", (_ctx, _self, _args, buffer) => buffer);
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
  let proxy = proxies.get(original);
  if (!proxy) {
    proxy = useWrappers() ? applyWrapper(original, after) : applyProxy(original, after);
    proxies.set(original, proxy);
  }
  if (useWrappers()) patches.hideWrappers();
  patches.replaceGetter(holder, key, proxy);
}

function constructProxy(original: Callable, after: AfterConstruct): Callable {
  const handler: ProxyHandler<Callable> = {
    construct(target, args, newTarget) {
      // The proxy's own `prototype` is the original's: skip the lookup through it.
      const constructor = newTarget === proxy ? target : newTarget;
      // The mark of a rewritten call is taken by the first hook it reaches, whatever happens next.
      const site = marks.site < 0 ? -1 : takeMark(args);
      const ctx = state.active;
      if (ctx === null || state.busy > 0) {
        return Reflect.construct(target, args, constructor);
      }
      state.busy++;
      try {
        const result = Reflect.construct(target, args, constructor);
        try {
          after(ctx, args, result, handler.construct!, site);
        } catch {
          ctx.failures++;
        }
        return result;
      } finally {
        state.busy--;
      }
    },
  };
  const proxy = new Proxy(original, handler);
  return proxy;
}

function applyProxy(original: Callable, after: AfterApply): Callable {
  const handler: ProxyHandler<Callable> = {
    apply(target, self, args) {
      const site = marks.site < 0 ? -1 : takeMark(args);
      const ctx = state.active;
      if (ctx === null || state.busy > 0) {
        return Reflect.apply(target, self, args);
      }
      state.busy++;
      try {
        const result = Reflect.apply(target, self, args);
        try {
          return after(ctx, self, args, result, handler.apply!, site);
        } catch {
          ctx.failures++;
          return result;
        }
      } finally {
        state.busy--;
      }
    },
  };
  return new Proxy(original, handler);
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

/** {@link constructProxy} as a plain function (JavaScriptCore). */
function constructWrapper(original: Callable, after: AfterConstruct): Callable {
  const wrapper = function (this: unknown, ...args: unknown[]): unknown {
    // Called without `new`: the original throws its own TypeError.
    if (new.target === undefined) return Reflect.apply(original, this, args);
    const constructor = new.target === wrapper ? original : new.target;
    const site = marks.site < 0 ? -1 : takeMark(args);
    const ctx = state.active;
    if (ctx === null || state.busy > 0) return Reflect.construct(original, args, constructor);
    state.busy++;
    try {
      const result = Reflect.construct(original, args, constructor);
      try {
        after(ctx, args, result, wrapper, site);
      } catch {
        ctx.failures++;
      }
      return result;
    } finally {
      state.busy--;
    }
  };
  return disguise(wrapper, original);
}

/** {@link applyProxy} as a plain function (JavaScriptCore). */
function applyWrapper(original: Callable, after: AfterApply): Callable {
  // A method, so that it cannot be called with `new` (nor can the originals hooked this way).
  const wrapper = {
    wrapper(this: unknown, ...args: unknown[]): unknown {
      const site = marks.site < 0 ? -1 : takeMark(args);
      const ctx = state.active;
      if (ctx === null || state.busy > 0) return Reflect.apply(original, this, args);
      state.busy++;
      try {
        const result = Reflect.apply(original, this, args);
        try {
          return after(ctx, this, args, result, wrapper, site);
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
