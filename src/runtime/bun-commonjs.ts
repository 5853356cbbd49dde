/**
 * CommonJS on Bun with a load hook: Bun's own CommonJS loader, steered
 * around `Bun.plugin`'s `onLoad`, which cannot carry CommonJS.
 *
 * Measured on Bun 1.4.5 (open upstream bugs: oven-sh/bun#19279, #39786):
 * CommonJS source returned from `onLoad` is wrapped and then routed as an ES
 * module that never calls the wrapper (`require()` gets `{}`, `import` fails
 * with "Missing 'default' export", an entry `.cjs` prints nothing);
 * `onLoad` cannot decline a file (returning `undefined` throws "onLoad()
 * expects an object returned"); and once an `onLoad` filter matches a file,
 * `require()` goes straight to the plugin, skipping `Module._extensions`.
 * What does work, and is used here:
 *
 * - `Module.prototype.require` overrides are honoured for every `require`
 *   (CommonJS modules, `createRequire`, `require` in ES modules), so
 *   {@link wrapRequire} sends each CommonJS file to {@link loadCommonJs},
 *   which does what Node's `Module._load` does (cache, cycles, errors) and
 *   evaluates the file with Bun's own extension handler, which never asks
 *   the plugin;
 * - that handler transpiles the file (TypeScript, hashbangs, Bun's source
 *   map for stack traces) and then calls an own `module._compile` with the
 *   function body: the body is what the transform gets (`lang` `"js"`,
 *   `kind` `"commonjs"`), and Bun's source map still applies to it;
 * - the entry point and `import` of CommonJS reach the plugin, which runs
 *   the module through the same loader and answers `loader: "object"` with
 *   the exports Bun itself gives an ES importer (see {@link esmFacade}).
 *
 * Which files Bun evaluates as CommonJS ({@link bunEvaluatesAsCommonJs}):
 * `.cjs`/`.cts`, and `.js`/`.ts` outside `"type": "module"` packages that
 * have no import/export declaration and no top-level await; measured: a
 * plain script is CommonJS on Bun, and so is one whose only module syntax
 * is `import.meta`. Bun's handler evaluates the latter without calling
 * `_compile`, so such a file loads unchanged and is not handed over.
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { dirname, extname, isAbsolute } from "node:path";
import process from "node:process";
import type { ModuleTransform } from "./load-hook.ts";
import { commonJsInternals } from "./module-hooks.ts";
import { moduleKindOfPath, SCRIPT_EXTENSIONS } from "./module-kind.ts";

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

/** `Bun.Transpiler`, for deciding a file's module system as Bun does. */
interface BunTranspiler {
  scan(code: string): { exports: string[]; imports: { kind: string }[] };
}

interface BunForKinds {
  Transpiler: new (options: { loader: string }) => BunTranspiler;
}

const Module = commonJsInternals() as unknown as BunModuleClass;
const transpilers = new Map<string, BunTranspiler>();

function transpiler(loader: string): BunTranspiler {
  let t = transpilers.get(loader);
  if (!t) {
    const bun = (globalThis as unknown as { Bun: BunForKinds }).Bun;
    t = new bun.Transpiler({ loader });
    transpilers.set(loader, t);
  }
  return t;
}

/** True when `text` parses as the body of a plain function: no import/export declaration, no top-level await. */
function parsesAsFunctionBody(t: BunTranspiler, text: string): boolean {
  try {
    t.scan(`(function () {${text.replace(/^#!.*/, "")}\n})`);
    return true;
  } catch {
    return false;
  }
}

/**
 * True when the text has syntax only an ES module may have, as Bun's own
 * detection sees it: import/export declarations or top-level await (not
 * `import.meta`: Bun runs a file whose only module syntax it is as
 * CommonJS). One parse for JavaScript: wrapped in a plain function, a file
 * parses exactly when it has neither. TypeScript allows declarations a
 * function body does not (`namespace`), so there the wrapped parse only
 * decides top-level await.
 */
function hasModuleSyntax(text: string, loader: string): boolean {
  const t = transpiler(loader);
  if (loader === "ts") {
    try {
      const { exports, imports } = t.scan(text);
      if (exports.length > 0 || imports.some((i) => !CALL_KINDS.has(i.kind))) return true;
    } catch {
      return true; // a syntax error: Bun's ES module path reports it as it would
    }
    if (/\bawait\b/.test(text) && !parsesAsFunctionBody(t, text)) return true;
    return false;
  }
  return !parsesAsFunctionBody(t, text); // declarations, top-level await, or a syntax error Bun will report
}

/** Import kinds a CommonJS file has too. */
const CALL_KINDS = new Set(["require-call", "require-resolve", "dynamic-import"]);

const decided = new Map<string, boolean>();

/**
 * True when Bun evaluates the script at `path` as CommonJS (see the module
 * comment). JSX files are always ES modules on Bun (its JSX runtime import
 * makes them so; a CommonJS `.jsx` fails to load even without hooks).
 *
 * @example
 * ```ts
 * bunEvaluatesAsCommonJs("/app/node_modules/lodash/lodash.js"); // true
 * ```
 */
export function bunEvaluatesAsCommonJs(path: string, text?: string): boolean {
  const known = decided.get(path);
  if (known !== undefined) return known;
  const ext = extname(path);
  let cjs: boolean;
  if (ext === ".cjs" || ext === ".cts") cjs = true;
  else if (ext === ".jsx" || ext === ".tsx" || moduleKindOfPath(path) === "module") cjs = false;
  else {
    const source = text ?? readFileSync(path, "utf8");
    cjs = !hasModuleSyntax(source, ext === ".ts" ? "ts" : "js");
  }
  decided.set(path, cjs);
  return cjs;
}

/** The extension handler Bun would pick for a CommonJS script (it has `.js`, `.ts` and `.cts` ones). */
function handlerFor(path: string): (module: BunModule, filename: string) => void {
  const ext = extname(path);
  const handler = Module._extensions[ext === ".cjs" ? ".js" : ext] ?? Module._extensions[".js"];
  if (!handler) throw new Error(`no CommonJS extension handler for ${path}`);
  return handler;
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
  const compile = Module.prototype._compile;
  // An own `_compile` is what Bun's handler calls with the transpiled body (its `module._compile` hook
  // point). It must be a plain assignment: one defined non-enumerable is ignored (measured).
  module._compile = function (this: BunModule, body: string, filename: string): unknown {
    delete (this as Partial<BunModule>)._compile;
    let out: string | null = null;
    try {
      out = transform({ path, source: body, lang: "js", kind: "commonjs" });
    } catch {
      out = null;
    }
    return compile.call(this, out ?? body, filename);
  };
  let done = false;
  try {
    handlerFor(path)(module, path);
    done = true;
  } finally {
    if (Object.hasOwn(module, "_compile")) delete (module as Partial<BunModule>)._compile;
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

/**
 * Makes every `require()` of a CommonJS script go through
 * {@link loadCommonJs} (the plugin would break it); other requests
 * (built-ins, JSON, addons, ES modules) go on to Bun's `require`.
 *
 * @example
 * ```ts
 * wrapRequire((mod) => null);
 * ```
 */
export function wrapRequire(transform: ModuleTransform): void {
  const proto = Module.prototype;
  const original = proto.require;
  proto.require = function (this: unknown, id: string): unknown {
    if (typeof id === "string") {
      let path: string | null = null;
      try {
        path = Module._resolveFilename(id, this);
      } catch {
        path = null; // Bun's own `require` throws its own error below
      }
      if (path !== null && isAbsolute(path) && SCRIPT_EXTENSIONS.has(extname(path))) {
        if (bunEvaluatesAsCommonJs(path)) {
          return loadCommonJs(path, (this as BunModule | null) ?? null, false, transform);
        }
      }
    }
    return original.call(this, id);
  };
}
