/**
 * Bun's load hook: a runtime `Bun.plugin` whose synchronous `onLoad` sees
 * every JavaScript and TypeScript file Bun loads (entry point, `import`,
 * `import()`, `require()` of ES modules), plus the `require` redirection of
 * `bun-commonjs.ts` for CommonJS, which `onLoad` cannot carry.
 *
 * `onLoad` only gets the path: an ES module's own text is handed over
 * (`lang` from its extension, `"jsx"` for JSX in a `.js` file) and what the transform returns goes back as
 * `{ contents, loader }`, so Bun transpiles it and keeps the module's file
 * name for `import.meta` and stack traces. `onLoad` must answer
 * synchronously (an async answer breaks `require()` of that module) and
 * cannot fall through to Bun's loader, so a module the transform leaves
 * alone goes back as its own text. A file Bun would evaluate as CommonJS
 * (`bun-load-hook-kind.ts`: any extension, decided from its syntax and the
 * way it is loaded) met here, the entry point or an `import`, is run by
 * Bun's CommonJS loader and answered as an object module: its text from
 * `onLoad` would never run.
 *
 * Plugins cannot be removed one by one (only all at once), so the plugin
 * and the `require` redirection are installed once per process and
 * `uninstall()` closes the hook's gate: its modules load unchanged.
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { esmFacade, isBeingRequired, loadCommonJs, wrapRequire } from "./bun-commonjs.ts";
import { bunModuleKind, prepareBunModuleKinds } from "./bun-load-hook-kind.ts";
import type { LoadedModule, LoadHook, LoadHookOptions, ModuleTransform } from "./load-hook.ts";
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
  const isMain = !mainLoaded && path === bun.main;
  if (isMain) mainLoaded = true;
  // Bun gives the entry point and `require()` one module system, `import` sometimes another.
  const way = isMain || isBeingRequired(path) ? "require" : "import";
  const kind = bunModuleKind(path, way, text);
  if (kind.commonjs) return { exports: esmFacade(loadCommonJs(path, null, isMain, transformAll)), loader: "object" };
  // Bun parses `.js` files with JSX: said so, JSX there stays loadable.
  const lang = kind.jsx && langOfPath(path) === "js" ? "jsx" : langOfPath(path);
  const out = transformAll({ path, source: text, lang, kind: "module" });
  // Bun decides the module system of `onLoad`'s text anew, from the package's "type" alone (measured: an
  // entry `.mjs` using `__dirname` in a "type": "commonjs" package would become CommonJS, and never run).
  // An empty export keeps it the ES module it is; it exports nothing and moves no line.
  return { contents: `${out ?? text}\nexport {};\n`, loader: lang };
}

function installOnce(skip: RegExp | undefined): void {
  if (installed) return;
  installed = true;
  const bun = (globalThis as unknown as { Bun: BunForPlugins }).Bun;
  prepareBunModuleKinds(); // the parser it loads must not go through the hook
  wrapRequire(transformAll, skip);
  // Skipped paths never reach the plugin: Bun loads them itself, without telling their module system here.
  const filter = skip ? new RegExp(`^(?!${skip.source}).*${SCRIPT_FILTER.source}`, skip.flags) : SCRIPT_FILTER;
  bun.plugin({
    name: "tracemalloc-load-hook",
    setup(build) {
      build.onLoad({ filter }, (args) => onLoad(bun, args));
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
export function installBunLoadHook(transform: ModuleTransform, options: LoadHookOptions = {}): LoadHook {
  installOnce(options.skip);
  const gate = gateTransform(transform);
  gates.add(gate);
  return {
    uninstall(): void {
      gate.close();
      gates.delete(gate);
    },
  };
}
