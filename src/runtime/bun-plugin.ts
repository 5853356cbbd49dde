/**
 * Bun's load hook: a runtime `Bun.plugin` whose synchronous `onLoad` sees
 * every JavaScript and TypeScript file Bun loads (entry point, `import`,
 * `import()`, `require()` of ES modules), plus the `require` redirection of
 * `bun-commonjs.ts` for CommonJS, which `onLoad` cannot carry.
 *
 * `onLoad` only gets the path: an ES module's own text is handed over
 * (`lang` from its extension) and what the transform returns goes back as
 * `{ contents, loader }`, so Bun transpiles it and keeps the module's file
 * name for `import.meta` and stack traces. `onLoad` must answer
 * synchronously (an async answer breaks `require()` of that module) and
 * cannot fall through to Bun's loader, so a module the transform leaves
 * alone goes back as its own text. CommonJS met here (entry point, `import`
 * of CommonJS) is run by Bun's CommonJS loader and answered as an object
 * module.
 *
 * Plugins cannot be removed one by one (only all at once), so the plugin
 * and the `require` redirection are installed once per process and
 * `uninstall()` closes the hook's gate: its modules load unchanged.
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { bunEvaluatesAsCommonJs, esmFacade, loadCommonJs, wrapRequire } from "./bun-commonjs.ts";
import type { LoadedModule, LoadHook, ModuleTransform } from "./load-hook.ts";
import { langOfPath } from "./module-kind.ts";
import { gateTransform, type TransformGate } from "./transform-gate.ts";

/** What `onLoad` may answer: source for Bun to transpile, or ready exports. */
type OnLoadResult =
  | { contents: string; loader: "js" | "jsx" | "ts" | "tsx" }
  | { exports: Record<string, unknown>; loader: "object" };

interface BunPluginBuilder {
  onLoad(options: { filter: RegExp; namespace?: string }, callback: (args: { path: string }) => OnLoadResult): void;
}

interface BunForPlugins {
  plugin(plugin: { name: string; setup(build: BunPluginBuilder): void }): void;
  /** Absolute path of the entry point. */
  main: string;
}

/** Every script extension Bun loads: `.js .mjs .cjs .ts .mts .cts .jsx .tsx`. */
const SCRIPT_FILTER = /\.(?:[cm]?[jt]s|[jt]sx)$/;

const gates = new Set<TransformGate>();
let installed = false;
let mainLoaded = false;

/** Runs `module` through every open hook's transform in turn; `null` when none changed it. */
function transformAll(module: LoadedModule): string | null {
  let source: string | null = null;
  for (const gate of gates) {
    const out = gate.apply(source === null ? module : { ...module, source });
    if (out !== null) source = out;
  }
  return source;
}

function onLoad(bun: BunForPlugins, args: { path: string }): OnLoadResult {
  const path = args.path;
  const text = readFileSync(path, "utf8");
  if (bunEvaluatesAsCommonJs(path, text)) {
    const isMain = !mainLoaded && path === bun.main;
    if (isMain) mainLoaded = true;
    return { exports: esmFacade(loadCommonJs(path, null, isMain, transformAll)), loader: "object" };
  }
  const lang = langOfPath(path);
  const out = transformAll({ path, source: text, lang, kind: "module" });
  return { contents: out ?? text, loader: lang };
}

function installOnce(): void {
  if (installed) return;
  installed = true;
  const bun = (globalThis as unknown as { Bun: BunForPlugins }).Bun;
  wrapRequire(transformAll);
  bun.plugin({
    name: "tracemalloc-load-hook",
    setup(build) {
      build.onLoad({ filter: SCRIPT_FILTER }, (args) => onLoad(bun, args));
    },
  });
}

/**
 * Installs the load hook on Bun: every ES and CommonJS module evaluated
 * from now on goes through `transform` (see the module comment).
 *
 * @example
 * ```ts
 * const hook = installBunLoadHook((mod) => mod.source.replace('"__ORIGINAL__"', '"__REWRITTEN__"'));
 * hook.uninstall(); // later modules load unchanged
 * ```
 */
export function installBunLoadHook(transform: ModuleTransform): LoadHook {
  installOnce();
  const gate = gateTransform(transform);
  gates.add(gate);
  return {
    uninstall(): void {
      gate.close();
      gates.delete(gate);
    },
  };
}
