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

  /** Puts every replaced property back. */
  restore(): void {
    const undo = this.#undo;
    this.#undo = [];
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
    proxy = constructProxy(original as Callable, after);
    proxies.set(original as Callable, proxy);
  }
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
    proxy = applyProxy(original as Callable, after);
    proxies.set(original as Callable, proxy);
  }
  patches.replace(holder, key, proxy);
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
