/**
 * Node.js's load hook, in two parts because Node loads the two module
 * systems through two doors:
 *
 * - ES modules through a synchronous `registerHooks` `load` hook. Registered
 *   after tsx (the preload comes after `--import tsx`), its `nextLoad` gives
 *   tsx's output for TypeScript (JavaScript with an inline source map) and
 *   the file's text for JavaScript.
 * - CommonJS through `Module.prototype._compile`, the one funnel every
 *   CommonJS module passes: tsx compiles `.cts`/`.ts`/`.cjs` in its own
 *   `Module._extensions` handlers, which read the file themselves and never
 *   ask the `load` hooks, then call `module._compile(code, filename)`; Node's
 *   own handlers (entry point, `require()`, `import` of CommonJS) end there
 *   too. The real loader keeps `module.exports`, `require.cache`, cycles,
 *   `require.main` and errors as they are.
 *
 * A module the `load` hook hands over as `"commonjs"` is left to
 * `_compile`, so no module is handed over twice; with sync hooks Node
 * evaluates CommonJS imported from ESM through its CommonJS loader, so the
 * `load` hook's CommonJS source would be ignored anyway. JSON (which tsx
 * turns into an ES module), addons, wasm and built-ins are never handed over.
 *
 * @module
 */
import { extname, isAbsolute } from "node:path";
import { fileURLToPath } from "node:url";
import type { LoadHook, LoadHookOptions, ModuleKind, ModuleTransform, SourceLang } from "./load-hook.ts";
import { commonJsInternals, type LoadHookFn, registerLoadHook, sourceText } from "./module-hooks.ts";
import { gateTransform, type TransformGate } from "./transform-gate.ts";

/** Extensions that are never JavaScript even when a loader turns them into a module (tsx: JSON). */
const NOT_SCRIPT = new Set([".json", ".node", ".wasm"]);

/** Node's TypeScript formats (type stripping without tsx) are TypeScript source. */
function langOf(format: string | null | undefined, path: string): SourceLang {
  if (!format?.endsWith("typescript")) return "js";
  return extname(path) === ".tsx" ? "tsx" : "ts";
}

/** The `load` hook: ES modules only (CommonJS is `_compile`'s). */
function esmLoadHook(gate: TransformGate): LoadHookFn {
  return (url, context, nextLoad) => {
    const result = nextLoad(url, context);
    if (!gate.open || !url.startsWith("file:")) return result;
    if (result.format !== "module" && result.format !== "module-typescript") return result;
    if (context.format === "json" || context.importAttributes?.type === "json") return result;
    const path = fileURLToPath(url);
    if (NOT_SCRIPT.has(extname(path))) return result;
    const source = sourceText(result.source);
    if (source === null) return result;
    const out = gate.apply({ path, source, lang: langOf(result.format, path), kind: "module" });
    return out === null ? result : { ...result, source: out };
  };
}

/**
 * What `_compile` is about to evaluate: Node's own handlers pass the format
 * (`"module"` when `require()` meets ESM syntax), tsx passes none (its
 * output is always CommonJS, but an undefined format lets Node fall back to
 * ESM on ESM syntax, so the parser decides).
 */
function compiledKind(format: unknown, path: string): ModuleKind {
  if (format === "commonjs" || format === "commonjs-typescript") return "commonjs";
  const ext = extname(path);
  return ext === ".cjs" || ext === ".cts" ? "commonjs" : "unambiguous";
}

/** Wraps `Module.prototype._compile`; returns how to undo it. */
function wrapCompile(gate: TransformGate): () => void {
  const proto = commonJsInternals().prototype;
  const original = proto._compile;
  const compile = function (this: unknown, content: string, filename: string, ...rest: unknown[]): unknown {
    const format = rest[0];
    // `require()` of an ES module: the `load` hook has handed it over already.
    const esm = format === "module" || format === "module-typescript";
    if (gate.open && !esm && typeof content === "string" && typeof filename === "string" && isAbsolute(filename)) {
      const out = gate.apply({
        path: filename,
        source: content,
        lang: langOf(typeof format === "string" ? format : undefined, filename),
        kind: compiledKind(format, filename),
      });
      if (out !== null) return original.call(this, out, filename, ...rest);
    }
    return original.call(this, content, filename, ...rest);
  };
  proto._compile = compile;
  return () => {
    if (proto._compile === compile) proto._compile = original; // else someone wrapped ours: the closed gate keeps it inert
  };
}

/**
 * Installs the load hook on Node.js: every ES and CommonJS module evaluated
 * from now on goes through `transform` (see the module comment).
 *
 * @example
 * ```ts
 * const hook = installNodeLoadHook((mod) => mod.source.replace('"__ORIGINAL__"', '"__REWRITTEN__"'));
 * // ... later
 * hook?.uninstall();
 * ```
 */
export function installNodeLoadHook(transform: ModuleTransform, options: LoadHookOptions = {}): LoadHook | null {
  const gate = gateTransform(transform, options.skip);
  const hooks = registerLoadHook(esmLoadHook(gate));
  if (!hooks) return null;
  const unwrap = wrapCompile(gate);
  return {
    uninstall(): void {
      if (!gate.open) return;
      gate.close();
      hooks.deregister();
      unwrap();
    },
  };
}
