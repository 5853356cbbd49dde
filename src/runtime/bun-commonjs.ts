/**
 * CommonJS on Bun with a load hook: Bun's own CommonJS loader, steered
 * around `Bun.plugin`'s `onLoad`, which cannot carry CommonJS.
 *
 * Measured on Bun 1.4.5 (open upstream bugs: oven-sh/bun#19279, #39786):
 * CommonJS source returned from `onLoad` is wrapped and then routed as an ES
 * module that never calls the wrapper (`require()` gets `{}`, `import` fails
 * with "Missing 'default' export", an entry `.cjs` prints nothing, and so
 * does any file Bun reads as CommonJS, whatever its extension);
 * `onLoad` cannot decline a file (returning `undefined` throws "onLoad()
 * expects an object returned"); and once an `onLoad` filter matches a file,
 * `require()` goes straight to the plugin, skipping `Module._extensions`.
 * What does work, and is used here:
 *
 * - `Module.prototype.require` overrides are honoured for every `require`
 *   (CommonJS modules, `createRequire`, `require` in ES modules), so
 *   {@link wrapRequire} sends each file Bun evaluates as CommonJS (see
 *   `bun-load-hook-kind.ts`) to {@link loadCommonJs}, which does what
 *   Node's `Module._load` does (cache, cycles, errors) and evaluates the
 *   file with Bun's own extension handler for its extension (`.js` for
 *   `.cjs` and `.jsx`, `.ts` for `.tsx`), which never asks the plugin;
 * - that handler transpiles the file (TypeScript, hashbangs, Bun's source
 *   map for stack traces), decides its module system as `require()` does,
 *   and for CommonJS calls an own `module._compile` with the function body:
 *   the body is what the transform gets (`lang` `"js"`, `kind`
 *   `"commonjs"`, and the file's own text as `original`: the body's lines
 *   are not the file's), and Bun's source map still applies to it;
 * - the entry point and `import` of CommonJS reach the plugin, which runs
 *   the module through the same loader and answers `loader: "object"` with
 *   the exports Bun itself gives an ES importer (see {@link esmFacade}).
 *
 * Two kinds of CommonJS no handler evaluates as Bun does: JSX (no handler
 * parses it) and a file `import` makes CommonJS while `require()` would
 * make it an ES module (`bun-load-hook-kind.ts`: an imported `.mjs` with
 * only `"use strict"`). Those are compiled here: plain JavaScript from its
 * own text (every position kept), JSX and TypeScript from
 * `Bun.Transpiler`'s output (handed over with the file's text as
 * `original`), which Bun has no source map for (stack positions are those
 * of the transpiled text; JSX settings come from pragmas, not
 * `tsconfig.json`).
 *
 * Not handed over: CommonJS that uses `import.meta`. The handler's body
 * reads it from a variable only Bun's own evaluation defines
 * (`$Bun_import_meta`), so such a file is left to the handler's own
 * evaluation: unchanged, as without the hook, except when `import` makes
 * it CommonJS and `require()` an ES module (a `.cjs` file using
 * `import.meta` and `require` in a package without a type, imported): it
 * then runs as an ES module.
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { dirname, extname, isAbsolute } from "node:path";
import process from "node:process";
import { bunModuleKind } from "./bun-load-hook-kind.ts";
import type { ModuleTransform, OriginalSource } from "./load-hook.ts";
import { commonJsInternals } from "./module-hooks.ts";
import { langOfPath, SCRIPT_EXTENSIONS } from "./module-kind.ts";

/** One module object of Bun's CommonJS loader. */
interface BunModule {
  id: string;
  filename: string;
  paths: string[];
  exports: unknown;
  loaded: boolean;
  parent?: BunModule | null;
  children?: BunModule[];
  _compile(content: string, filename: string): unknown;
}

/** `node:module`'s `Module` class on Bun. */
interface BunModuleClass {
  new (id: string, parent?: BunModule | null): BunModule;
  _cache: Record<string, BunModule | undefined>;
  _extensions: Record<string, ((module: BunModule, filename: string) => void) | undefined>;
  _nodeModulePaths(dir: string): string[];
  _resolveFilename(request: string, parent: unknown): string;
  prototype: BunModule & { require(this: unknown, id: string): unknown };
}

/** `Bun.Transpiler`, for the CommonJS files no extension handler can evaluate. */
interface BunTranspiler {
  transformSync(code: string): string;
}

interface BunForTranspiling {
  Transpiler: new (options: { loader: string; target: string }) => BunTranspiler;
}

const Module = commonJsInternals() as unknown as BunModuleClass;
const transpilers = new Map<string, BunTranspiler>();

/** A function body to compile, and the file's text when the body's lines are not the file's. */
interface Body {
  readonly body: string;
  readonly original?: OriginalSource;
}

/**
 * The function body to compile for a CommonJS file no extension handler
 * evaluates as Bun does: plain JavaScript as it is (a hashbang commented
 * out, as `_compile` rejects it), JSX and TypeScript as `Bun.Transpiler`
 * prints them, with the `"use strict"` it drops put back on the first line.
 */
function compiledBody(path: string, jsx: boolean, strict: boolean): Body {
  const text = readFileSync(path, "utf8");
  const lang = langOfPath(path);
  if (lang === "js" && !jsx) return { body: text.replace(/^#!/, "//") };
  const loader = lang === "js" ? "jsx" : lang;
  let t = transpilers.get(loader);
  if (!t) {
    const bun = (globalThis as unknown as { Bun: BunForTranspiling }).Bun;
    transpilers.set(loader, t = new bun.Transpiler({ loader, target: "bun" }));
  }
  const body = t.transformSync(text);
  return { body: strict ? `"use strict";${body}` : body, original: { source: text, lang: loader } };
}

/** The file's own text next to the handler's body, or `undefined` when it cannot be read again. */
function fileText(path: string): OriginalSource | undefined {
  try {
    return { source: readFileSync(path, "utf8"), lang: langOfPath(path) };
  } catch {
    return undefined; // the body is handed over without it: its sites keep the body's lines
  }
}

/** Extensions without a handler of their own, and the handler that parses them (without JSX). */
const HANDLER_OF: Readonly<Record<string, string>> = { ".cjs": ".js", ".jsx": ".js", ".tsx": ".ts" };

/** The extension handler for a CommonJS script (Bun has `.js`, `.ts`, `.cts`, `.mjs` and `.mts` ones). */
function handlerFor(path: string): (module: BunModule, filename: string) => void {
  const ext = extname(path);
  const handler = Module._extensions[HANDLER_OF[ext] ?? ext] ?? Module._extensions[".js"];
  if (!handler) throw new Error(`no CommonJS extension handler for ${path}`);
  return handler;
}

/** Evaluates the CommonJS file at `path` into `module`, with `transform` given the body (see the module comment). */
function evaluate(module: BunModule, path: string, transform: ModuleTransform): void {
  const compile = Module.prototype._compile;
  const handOver = ({ body, original }: Body): string => {
    try {
      const source = { path, source: body, lang: "js", kind: "commonjs" } as const;
      return transform(original ? { ...source, original } : source) ?? body;
    } catch {
      return body;
    }
  };
  const kind = bunModuleKind(path, "require");
  if (kind.importMeta) return handlerFor(path)(module, path);
  if (kind.jsx || !kind.commonjs) {
    compile.call(module, handOver(compiledBody(path, kind.jsx, kind.strict)), path);
    return;
  }
  // An own `_compile` is what Bun's handler calls with the transpiled body (its `module._compile` hook
  // point). It must be a plain assignment: one defined non-enumerable is ignored (measured).
  module._compile = function (this: BunModule, body: string, filename: string): unknown {
    delete (this as Partial<BunModule>)._compile;
    // The body's lines are Bun's (a leading newline, blank lines dropped, declarations merged): the file's go along.
    return compile.call(this, handOver({ body, original: fileText(path) }), filename);
  };
  try {
    handlerFor(path)(module, path);
  } finally {
    if (Object.hasOwn(module, "_compile")) delete (module as Partial<BunModule>)._compile;
  }
}

/**
 * Loads the CommonJS file at `path` as `require()` would, with `transform`
 * given its body: from `require.cache` when there (a module still loading
 * gives its partial exports), else a new module object put in the cache
 * first (cycles) and taken out again when evaluation throws.
 *
 * @example
 * ```ts
 * const exports = loadCommonJs("/app/lib.cjs", null, false, (mod) => null);
 * ```
 */
export function loadCommonJs(
  path: string,
  parent: BunModule | null,
  isMain: boolean,
  transform: ModuleTransform,
): unknown {
  const cached = Module._cache[path];
  if (cached) {
    if (parent?.children && !parent.children.includes(cached)) parent.children.push(cached);
    return cached.exports;
  }
  const module = new Module(path, parent);
  module.filename = path;
  module.paths = Module._nodeModulePaths(dirname(path));
  if (isMain) {
    module.id = ".";
    (process as unknown as { mainModule?: unknown }).mainModule = module;
  }
  Module._cache[path] = module;
  let done = false;
  try {
    evaluate(module, path, transform);
    done = true;
  } finally {
    if (!done) {
      delete Module._cache[path];
      const siblings = parent?.children;
      // `>>> 0` turns "not found" (-1) into an index past the end: nothing is removed then.
      if (siblings) siblings.splice(siblings.indexOf(module) >>> 0, 1);
    }
  }
  module.loaded = true;
  return module.exports;
}

/**
 * What an ES module importing CommonJS sees on Bun, as a plain object for
 * `loader: "object"`: every own string-keyed property of `module.exports`
 * (non-enumerable ones too: a function's `length`, `name`, `prototype`) as
 * a named export, and `default` = `module.exports` (or, for an
 * `__esModule` module, its `default` property, `__esModule` itself hidden),
 * as measured on Bun without hooks.
 *
 * @example
 * ```ts
 * esmFacade({ a: 1 }); // { a: 1, default: { a: 1 } }
 * ```
 */
export function esmFacade(exports: unknown): Record<string, unknown> {
  const facade: Record<string, unknown> = {};
  const isObject = (typeof exports === "object" && exports !== null) || typeof exports === "function";
  const holder = exports as Record<string, unknown>;
  const esModule = isObject && Boolean(holder.__esModule);
  if (isObject) {
    for (const key of Object.getOwnPropertyNames(holder)) {
      if (!(esModule && key === "__esModule")) facade[key] = holder[key];
    }
  }
  facade.default = esModule ? holder.default : exports;
  return facade;
}

/** Paths `require()` is handing to Bun's own `require` right now (ES modules), with how many calls. */
const requiring = new Map<string, number>();

/**
 * True while `require()` is loading the file at `path` through Bun's own
 * `require` (an ES module, or a file that is no script): how the plugin
 * tells a `require()` from an `import` of the same file, which Bun may
 * evaluate differently (`bun-load-hook-kind.ts`).
 *
 * @example
 * ```ts
 * if (isBeingRequired("/app/esm.mjs")) console.log("require() of an ES module");
 * ```
 */
export function isBeingRequired(path: string): boolean {
  return requiring.has(path);
}

/**
 * Makes every `require()` of a file Bun evaluates as CommonJS go through
 * {@link loadCommonJs} (the plugin would break it); other requests
 * (built-ins, JSON, addons, ES modules) go on to Bun's `require`.
 *
 * @example
 * ```ts
 * wrapRequire((mod) => null);
 * ```
 */
export function wrapRequire(transform: ModuleTransform, skip?: RegExp): void {
  const proto = Module.prototype;
  const original = proto.require;
  proto.require = function (this: unknown, id: string): unknown {
    let path: string | null = null;
    if (typeof id === "string") {
      try {
        path = Module._resolveFilename(id, this);
      } catch {
        path = null; // Bun's own `require` throws its own error below
      }
      if (path !== null && isAbsolute(path) && SCRIPT_EXTENSIONS.has(extname(path)) && !skip?.test(path)) {
        if (bunModuleKind(path, "require").commonjs) {
          return loadCommonJs(path, (this as BunModule | null) ?? null, false, transform);
        }
      }
    }
    if (path === null) return original.call(this, id);
    requiring.set(path, (requiring.get(path) ?? 0) + 1);
    try {
      return original.call(this, id);
    } finally {
      const left = requiring.get(path)! - 1;
      if (left === 0) requiring.delete(path);
      else requiring.set(path, left);
    }
  };
}
