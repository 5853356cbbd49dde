/**
 * The part of `node:module` the Node.js and Deno load hooks use, typed here
 * because it is internal (`Module.prototype._compile`, `Module._extensions`)
 * or newer than some type definitions (`registerHooks`): synchronous,
 * in-thread customization hooks that see every module, `import`ed and
 * `require`d alike, and the CommonJS loader's own entry points.
 *
 * @module
 */
import * as nodeModule from "node:module";

/** What a `load` hook is told about the module being loaded. */
export interface LoadContext {
  /** Conditions of the loader asking: `"require"` among them for `require()` (Deno). */
  conditions?: readonly string[];
  /** The format known so far (Node: from the file; Deno: undefined). */
  format?: string | null;
  /** `with { type: "json" }` and the like. */
  importAttributes?: Readonly<Record<string, string | undefined>>;
}

/** What a `load` hook returns: the source and how to evaluate it. */
export interface LoadResult {
  /** `"module"`, `"commonjs"`, `"json"`, `"builtin"`, … or undefined (Deno). */
  format?: string | null;
  /** The source text or bytes; `null`/undefined for built-ins and some CommonJS. */
  source?: string | ArrayBuffer | ArrayBufferView | null;
  /** True when the chain ended here without calling `nextLoad`. */
  shortCircuit?: boolean;
}

/**
 * A synchronous `load` hook: `nextLoad` runs the hooks registered before
 * this one and then the runtime's default loader.
 *
 * @example
 * ```ts
 * const passThrough: LoadHookFn = (url, context, nextLoad) => nextLoad(url, context);
 * ```
 */
export type LoadHookFn = (
  url: string,
  context: LoadContext,
  nextLoad: (url: string, context?: LoadContext) => LoadResult,
) => LoadResult;

/**
 * The CommonJS loader's internals that pirates-style hooks rely on.
 *
 * @example
 * ```ts
 * const internals = commonJsInternals();
 * typeof internals._extensions[".js"]; // "function"
 * ```
 */
export interface CommonJsInternals {
  /** Per-extension loaders: `(module, filename) => void`. */
  _extensions: Record<string, ((module: unknown, filename: string) => void) | undefined>;
  /** The module cache, `require.cache`. */
  _cache: Record<string, unknown>;
  prototype: {
    /** Wraps `content` as a CommonJS function and runs it as `filename`. */
    _compile(content: string, filename: string, ...rest: unknown[]): unknown;
    /** Node's `require()` of one module object. */
    require(id: string): unknown;
  };
}

interface ModuleApi {
  registerHooks?: (hooks: { load?: LoadHookFn }) => { deregister(): void };
  default?: unknown;
  Module?: unknown;
}

/**
 * True when `node:module` has synchronous `registerHooks` (Node ≥ 22.15,
 * Deno 2).
 *
 * @example
 * ```ts
 * if (!canRegisterHooks()) console.log("no load hooks on this runtime version");
 * ```
 */
export function canRegisterHooks(): boolean {
  return typeof (nodeModule as unknown as ModuleApi).registerHooks === "function";
}

/**
 * `node:module`'s `registerHooks` when the runtime has it (Node ≥ 22.15,
 * Deno 2), else `null`.
 *
 * @example
 * ```ts
 * const hooks = registerLoadHook((url, context, next) => next(url, context));
 * hooks?.deregister();
 * ```
 */
export function registerLoadHook(load: LoadHookFn): { deregister(): void } | null {
  const api = nodeModule as unknown as ModuleApi;
  return typeof api.registerHooks === "function" ? api.registerHooks({ load }) : null;
}

/**
 * The `Module` class of `node:module` seen through its CommonJS internals.
 *
 * @example
 * ```ts
 * const { _cache } = commonJsInternals();
 * ```
 */
export function commonJsInternals(): CommonJsInternals {
  const api = nodeModule as unknown as ModuleApi;
  return (api.default ?? api.Module) as CommonJsInternals;
}

/**
 * A loader's source as text (`nextLoad` gives a string, a Buffer or another
 * byte view depending on runtime and file).
 *
 * @example
 * ```ts
 * sourceText(new TextEncoder().encode("export {};")); // "export {};"
 * ```
 */
export function sourceText(source: LoadResult["source"]): string | null {
  if (source === null || source === undefined) return null;
  if (typeof source === "string") return source;
  const bytes = source instanceof ArrayBuffer
    ? new Uint8Array(source)
    : new Uint8Array(source.buffer, source.byteOffset, source.byteLength);
  return new TextDecoder().decode(bytes);
}
