/**
 * Deno's load hook: `node:module`'s synchronous `registerHooks`, which Deno
 * runs for every module, `import`ed (conditions without `"require"`) and
 * `require`d (conditions with it). `nextLoad` gives Deno's emitted
 * JavaScript for TypeScript (inline source map) and the text of JavaScript
 * files; `format` is always undefined, so the kind comes from the file
 * (`module-kind.ts`).
 *
 * Deno 2.9.5's `require()` changes as soon as any `load` hook exists: it
 * skips `Module._extensions` and evaluates whatever the chain returns by its
 * `format` (`"module"`, `"commonjs"`, `"json"`, else CommonJS with an ESM
 * fallback). Measured traps, and what this hook does about them:
 *
 * - `require("./data.json")` with a pass-through hook compiles the JSON as
 *   JavaScript (SyntaxError), and `require("./addon.node")` compiles the
 *   binary (a `null` source is rejected). For every file that is not a
 *   script the hook returns a one-line CommonJS shim that calls the
 *   registered `Module._extensions` handler, as Deno does without hooks.
 * - `.cjs`/`.cts` would lose their forced CommonJS and `.mjs`/`.mts` or
 *   `"type": "module"` packages their ESM: the hook sets `format` from the
 *   file's kind, which is what Deno's extension handlers decide.
 * - `import` of a `.wasm` module breaks (its bytes become a string): the
 *   hook answers with an equivalent ES module (`deno-wasm.ts`).
 * - `require()` of an ES module compiles the hook's source in a way that
 *   links only modules Deno has loaded already, so one statically
 *   importing a file (a package's `module-sync` entry importing its
 *   CommonJS sibling) fails with "Cannot resolve module": such a module is
 *   left to Deno and not handed over (`deno-load-hook-require.ts`).
 * - Deno runs no hooks for a `require()` made inside a hook, so the
 *   transform's own lazy `require()`s load plainly.
 * - Unfixable: with any `load` hook, a syntax error in an ES module is
 *   reported by V8 (`Unexpected token '='`, same file, line and column)
 *   instead of Deno's parser, and `require()` ignores `Module._extensions`
 *   overrides of script extensions (pirates-style hooks).
 *
 * @module
 */
import { extname } from "node:path";
import { fileURLToPath } from "node:url";
import type { LoadHook, LoadHookOptions, ModuleKind, ModuleTransform } from "./load-hook.ts";
import { commonJsInternals, type LoadHookFn, type LoadResult, registerLoadHook, sourceText } from "./module-hooks.ts";
import { moduleKindOfPath, SCRIPT_EXTENSIONS } from "./module-kind.ts";
import { wasmModuleSource } from "./deno-wasm.ts";
import { requiredPastTheHook } from "./deno-load-hook-require.ts";
import { gateTransform, type TransformGate } from "./transform-gate.ts";

/** The `format` that makes Deno's hooked `require()` evaluate a file as its extension handler would. */
function requireFormat(kind: ModuleKind): string | undefined {
  return kind === "unambiguous" ? undefined : kind;
}

/**
 * The longest extension of `path` that has a `Module._extensions` handler,
 * as Deno's `require()` picks it (`.js` when none has).
 */
function handlerExtension(path: string): string {
  const extensions = commonJsInternals()._extensions;
  const name = path.slice(path.lastIndexOf("/") + 1);
  for (let i = name.indexOf(".", 1); i !== -1; i = name.indexOf(".", i + 1)) {
    const ext = name.slice(i);
    if (extensions[ext]) return ext;
  }
  return ".js";
}

/** True when `require()` of `path` is Deno's (or a user's) extension handler's job, not a script's. */
function isForeignFile(path: string): boolean {
  const ext = handlerExtension(path);
  return ext !== ".js" && ext !== ".cjs" && ext !== ".mjs" && !SCRIPT_EXTENSIONS.has(extname(path));
}

/** A CommonJS module that loads the file through its extension handler, exactly as an unhooked `require()`. */
function extensionShim(path: string): LoadResult {
  const ext = JSON.stringify(handlerExtension(path));
  return {
    format: "commonjs",
    shortCircuit: true,
    source: `require("node:module")._extensions[${ext}](module, __filename);`,
  };
}

function loadHook(gate: TransformGate): LoadHookFn {
  return (url, context, nextLoad) => {
    if (!url.startsWith("file:")) return nextLoad(url, context);
    const path = fileURLToPath(url);
    const byRequire = context.conditions?.includes("require") ?? false;
    if (byRequire && isForeignFile(path)) return extensionShim(path);
    if (!byRequire && extname(path) === ".wasm") {
      return { format: "module", shortCircuit: true, source: wasmModuleSource(path, url) };
    }
    const result = nextLoad(url, context);
    const ext = extname(path);
    // An extensionless file is JavaScript to `require()` (bin scripts); to `import` it is not a module Deno runs.
    if (!SCRIPT_EXTENSIONS.has(ext) && !(byRequire && ext === "")) return result;
    const kind = moduleKindOfPath(path);
    const source = sourceText(result.source);
    if (byRequire && source !== null && requiredPastTheHook(source, kind)) return extensionShim(path);
    const out = source === null ? null : gate.apply({ path, source, lang: "js", kind });
    const loaded = out === null ? result : { ...result, source: out };
    return byRequire ? { ...loaded, format: requireFormat(kind) } : loaded;
  };
}

/**
 * Installs the load hook on Deno: every ES and CommonJS module evaluated
 * from now on goes through `transform` (see the module comment).
 *
 * @example
 * ```ts
 * const hook = installDenoLoadHook((mod) => mod.source.replace('"__ORIGINAL__"', '"__REWRITTEN__"'));
 * hook?.uninstall();
 * ```
 */
export function installDenoLoadHook(transform: ModuleTransform, options: LoadHookOptions = {}): LoadHook | null {
  const gate = gateTransform(transform, options.skip);
  const hooks = registerLoadHook(loadHook(gate));
  if (!hooks) return null;
  return {
    uninstall(): void {
      if (!gate.open) return;
      gate.close();
      hooks.deregister();
    },
  };
}
