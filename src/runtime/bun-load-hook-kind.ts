/**
 * Which files Bun evaluates as CommonJS. The extension and the package's
 * `"type"` do not settle it: Bun 1.4.5 decides from the syntax too, and
 * even from the way the file is loaded. The rule (Bun's parser,
 * `exports_kind` in `P.zig`, checked against every case below):
 *
 * 1. An `export` declaration (a TypeScript type-only one too) or top-level
 *    `await`: an ES module, whatever the extension (`export {}` makes a
 *    `.cjs` file one).
 * 2. Else CommonJS when the file uses a CommonJS-only feature: `module` or
 *    `exports` as a free name, top-level `this` (Bun reads it as
 *    `exports`, inside top-level arrow functions too), top-level `return`
 *    (a syntax error unless the module type below is `"cjs"`), or a `with`
 *    statement. This holds for `.mjs` and `.mts` too:
 *    `"use strict"; console.log(typeof module)` in a `.mjs` file prints
 *    `object`, and with `export {};` added, `undefined`. An `import`
 *    declaration next to such a feature is an error.
 * 3. Else by the module type the file gets: `"cjs"`: CommonJS unless it
 *    has an `import` declaration (a type-only one too) or `import.meta`;
 *    `"esm"`: an ES module; `"unknown"`: an ES module when it has an
 *    `import` declaration that stays after TypeScript's elision, else
 *    CommonJS when it uses `require`, `__dirname` or `__filename` as free
 *    names or has a `"use strict"` directive (escapes decoded), else an ES
 *    module.
 *
 * The module type is where the ways of loading differ (see
 * {@link LoadWay}). As the entry point and through `require()`: `"cjs"`
 * for `.cjs`/`.cts`, `"esm"` for `.mjs`/`.mts`, `"unknown"` for
 * `.jsx`/`.tsx`, and for `.js`/`.ts` the package's `"type"` (`"module"`,
 * `"commonjs"`, else `"unknown"`). Through `import` and `import()`, the
 * package's `"type"` alone, whatever the extension: an imported `.cjs`
 * file of a package without a type and without CommonJS features runs as
 * an ES module (strict mode: `x = 1` throws), an imported `.mjs` file with
 * only `"use strict"` as CommonJS.
 *
 * Bun decides on its transpiled text, so the features are read there (the
 * transpiler of `Bun.Transpiler`, parsed with oxc-parser): type-only
 * imports are gone, code Bun drops as dead (`void module;`,
 * `if (false) ...`) counts for nothing, and top-level `this` has become
 * `exports`. The original text is read for what the transpiler drops:
 * directives, and TypeScript's type-only imports and exports.
 *
 * Evidence: 1,425 files (52 JavaScript cases such as `"use strict"`,
 * `typeof module`, `void module`, a shadowing parameter, top-level
 * `this`/`return`/`await`, `import.meta`, `with`, UMD; 11 TypeScript cases
 * such as `export type`, `import type`, `export =`, `import x =
 * require()`; 3 JSX cases; each as `.js .mjs .cjs .jsx .ts .mts .cts .tsx`
 * in packages with `"type": "module"`, `"commonjs"` and none), each run by
 * `bun` as the entry point, through `require()` and through `import()`,
 * telling from its first stack frame (the CommonJS wrapper's is
 * `<anonymous>`) how it ran: this rule agrees on every file that loads.
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, extname } from "node:path";
import type * as Oxc from "oxc-parser";
import { packageTypeOf } from "./module-kind.ts";
import { prologueUseStrict } from "./load-hook-prologue.ts";
import { programSyntax, type SyntaxNode } from "./load-hook-syntax.ts";

/**
 * How a file is being loaded: `"require"` for the entry point and
 * `require()`, `"import"` for `import` and `import()`.
 *
 * @example
 * ```ts
 * const way: LoadWay = "import";
 * ```
 */
export type LoadWay = "require" | "import";

/**
 * How Bun evaluates a script file loaded one way.
 *
 * @example
 * ```ts
 * const kind: BunKind = { commonjs: true, jsx: false, importMeta: false, strict: true };
 * ```
 */
export interface BunKind {
  /** True when Bun evaluates the file as CommonJS. */
  readonly commonjs: boolean;
  /** True when the file has JSX: no `Module._extensions` handler parses it. */
  readonly jsx: boolean;
  /** True when the file uses `import.meta` (Bun gives CommonJS its own). */
  readonly importMeta: boolean;
  /** True when the file starts with a `"use strict"` directive, which Bun's transpiler drops from its output. */
  readonly strict: boolean;
}

/** What of the rule's features a file has, whichever way it is loaded. */
interface Features {
  /** Bun cannot parse it: the loader it goes to reports the error. */
  readonly syntaxError: boolean;
  readonly jsx: boolean;
  readonly importMeta: boolean;
  readonly strict: boolean;
  /** Step 1: an export declaration or top-level await. */
  readonly esm: boolean;
  /** Step 2: a CommonJS-only feature. */
  readonly commonJsOnly: boolean;
  /** A top-level `return`: a syntax error unless the module type is `"cjs"`. */
  readonly topLevelReturn: boolean;
  /** An import declaration (type-only ones too) or `import.meta`: ES module syntax for `"cjs"`. */
  readonly moduleSyntax: boolean;
  /** An import declaration left after the transpiler: for `"unknown"`. */
  readonly imports: boolean;
  /** Free `require`, `__dirname` or `__filename`, or a `"use strict"` directive: CommonJS for `"unknown"`. */
  readonly commonJsHints: boolean;
}

/** The module type Bun gives a file: step 3 of the rule. */
type ModuleType = "cjs" | "esm" | "unknown";

/** `Bun.Transpiler`, Bun's own parser and printer. */
interface BunTranspiler {
  transformSync(code: string): string;
}

interface BunForKinds {
  Transpiler: new (options: { loader: string; target: string; define: Record<string, string> }) => BunTranspiler;
}

/**
 * Stand-ins for the names that count when free. The transpiler rewrites
 * `require`, `__dirname` and `__filename` in ways that hide them
 * (`typeof require` becomes `"function"`, a declaration of `__dirname` is
 * added), so a `define`, which replaces free uses only, swaps them first.
 */
const STAND_INS = {
  require: "__tracemalloc_free_require",
  __dirname: "__tracemalloc_free_dirname",
  __filename: "__tracemalloc_free_filename",
};
const FEATURE_NAMES: ReadonlySet<string> = new Set(["module", "exports", ...Object.values(STAND_INS)]);

const TS_EXTENSIONS = new Set([".ts", ".mts", ".cts", ".tsx"]);
const EXPORT_TYPES = new Set(["ExportNamedDeclaration", "ExportDefaultDeclaration", "ExportAllDeclaration"]);

let oxc: typeof Oxc | null = null;
const transpilers = new Map<string, BunTranspiler>();
const featuresByPath = new Map<string, Features>();

function parser(): typeof Oxc {
  // Loaded on first use, not imported: this file is part of every runtime's adapter, the parser only Bun's hook needs.
  return oxc ??= createRequire(import.meta.url)("oxc-parser") as typeof Oxc;
}

function transpiler(loader: string): BunTranspiler {
  let t = transpilers.get(loader);
  if (!t) {
    const bun = (globalThis as unknown as { Bun: BunForKinds }).Bun;
    t = new bun.Transpiler({ loader, target: "bun", define: STAND_INS });
    transpilers.set(loader, t);
  }
  return t;
}

function moduleTypeOf(path: string, way: LoadWay): ModuleType {
  if (way === "require") {
    switch (extname(path)) {
      case ".cjs":
      case ".cts":
        return "cjs";
      case ".mjs":
      case ".mts":
        return "esm";
      case ".jsx":
      case ".tsx":
        return "unknown";
    }
  }
  const type = packageTypeOf(dirname(path));
  return type === "module" ? "esm" : type === "commonjs" ? "cjs" : "unknown";
}

/**
 * Bun's transpiled text of a file, and whether that took the JSX parser.
 * Files Bun parses with JSX (`.js`, `.jsx`, `.tsx`) are tried without it
 * first: the extension handlers can load them when that works. `null` on
 * a syntax error.
 */
function transpiled(path: string, text: string): { code: string; jsx: boolean } | null {
  const ext = extname(path);
  const plain = TS_EXTENSIONS.has(ext) ? "ts" : "js";
  const loaders = ext === ".js" || ext === ".jsx" ? ["js", "jsx"] : ext === ".tsx" ? ["ts", "tsx"] : [plain];
  for (const loader of loaders) {
    try {
      return { code: transpiler(loader).transformSync(text), jsx: loader === "jsx" || loader === "tsx" };
    } catch {
      // not valid for this loader: the next one, or a syntax error Bun reports itself
    }
  }
  return null;
}

/** What only the original text tells: directives, TypeScript's type-only imports and exports. */
function originalSyntax(path: string, text: string): { exports: boolean; imports: boolean; useStrict: boolean } {
  const ext = extname(path);
  const lang = ext === ".tsx" ? "tsx" : TS_EXTENSIONS.has(ext) ? "ts" : ext === ".js" || ext === ".jsx" ? "jsx" : "js";
  const { program } = parser().parseSync(path, text, { lang, sourceType: "unambiguous" });
  const body = program.body as unknown as SyntaxNode[];
  let useStrict = false;
  for (const stmt of body) {
    if (typeof stmt.directive !== "string") break;
    if ((stmt.expression as SyntaxNode).value === "use strict") useStrict = true;
  }
  return {
    exports: body.some((stmt) => EXPORT_TYPES.has(stmt.type)),
    imports: body.some((stmt) => stmt.type === "ImportDeclaration"),
    useStrict,
  };
}

/** The features of `text`, Bun's transpiled `code` of it being what Bun decides on. */
function featuresOf(path: string, text: string, code: string, jsx: boolean): Features {
  const { parseSync, visitorKeys, rawTransferSupported } = parser();
  // Raw transfer (faster) is an option the type definitions do not list, as in the line engine.
  const options = {
    lang: "js",
    sourceType: "unambiguous",
    preserveParens: false,
    experimentalRawTransfer: rawTransferSupported(),
  } as const;
  const { program } = parseSync(`${path}.js`, code, options);
  const found = programSyntax(program as unknown as SyntaxNode, visitorKeys, FEATURE_NAMES);
  const prologue = prologueUseStrict(text);
  // TypeScript's type-only imports and exports leave no trace in `code`; JavaScript keeps all of them.
  const typesMatter = TS_EXTENSIONS.has(extname(path)) && !found.exports && /\b(?:import|export)\b/.test(text);
  const original = prologue === null || typesMatter ? originalSyntax(path, text) : null;
  const useStrict = original?.useStrict ?? prologue === true;
  return {
    syntaxError: false,
    jsx,
    importMeta: found.importMeta,
    strict: useStrict,
    esm: found.exports || (original?.exports ?? false) || found.topLevelAwait,
    commonJsOnly: found.free.has("module") || found.free.has("exports") || found.topLevelReturn || found.with,
    topLevelReturn: found.topLevelReturn,
    moduleSyntax: found.imports || found.importMeta || (original?.imports ?? false),
    imports: found.imports,
    commonJsHints: found.free.has(STAND_INS.require) || found.free.has(STAND_INS.__dirname) ||
      found.free.has(STAND_INS.__filename) || useStrict,
  };
}

function features(path: string, text?: string): Features {
  let known = featuresByPath.get(path);
  if (known) return known;
  const source = text ?? readFileSync(path, "utf8");
  const out = transpiled(path, source);
  const none = {
    ...{ syntaxError: false, jsx: false, importMeta: false, strict: false },
    ...{ esm: false, commonJsOnly: false, topLevelReturn: false, moduleSyntax: false, imports: false },
  };
  if (out === null) known = { ...none, syntaxError: true, commonJsHints: false };
  else {
    try {
      known = featuresOf(path, source, out.code, out.jsx);
    } catch {
      // Nesting too deep for the walk (generated code): the words decide.
      const commonJsOnly = /\b(?:module|exports)\b/.test(out.code);
      known = { ...none, jsx: out.jsx, commonJsOnly, commonJsHints: commonJsOnly };
    }
  }
  featuresByPath.set(path, known);
  return known;
}

/**
 * How Bun evaluates the script at `path` (its text `text` when read
 * already) loaded `way`; see the module comment. A file Bun cannot parse
 * counts as CommonJS when its module type is `"cjs"`, else as an ES module,
 * so that the loader it goes to reports the error.
 *
 * @example
 * ```ts
 * bunModuleKind("/app/node_modules/lodash/lodash.js", "require").commonjs; // true
 * ```
 */
export function bunModuleKind(path: string, way: LoadWay, text?: string): BunKind {
  const f = features(path, text);
  const type = moduleTypeOf(path, way);
  let commonjs: boolean;
  if (f.syntaxError) commonjs = type === "cjs";
  else if (f.esm) commonjs = false;
  else if (f.topLevelReturn && type !== "cjs") commonjs = false; // Bun rejects it: the ES module path reports that
  else if (f.commonJsOnly) commonjs = true;
  else if (type === "cjs") commonjs = !f.moduleSyntax;
  else if (type === "esm") commonjs = false;
  else commonjs = !f.imports && f.commonJsHints;
  return { commonjs, jsx: f.jsx, importMeta: f.importMeta, strict: f.strict };
}

/**
 * Loads the parser and runs every part of the decision once, so that
 * nothing of it loads while a load hook is asking (its modules would go
 * through the hook).
 *
 * @example
 * ```ts
 * prepareBunModuleKinds();
 * ```
 */
export function prepareBunModuleKinds(): void {
  // Each goes every way through the decision: JSX, an escaped directive, a type-only import.
  const warmUps = [["/warm-up.js", '"use\\x20strict";\nconst a = <b />;\n'], [
    "/warm-up.ts",
    'import type { A } from "a";\n',
  ]];
  for (const [path, text] of warmUps) {
    bunModuleKind(path, "require", text);
    featuresByPath.delete(path);
  }
}
