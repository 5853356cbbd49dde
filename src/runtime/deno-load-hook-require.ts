/**
 * `require()` of an ES module on Deno while a `load` hook is registered.
 *
 * Without hooks Deno 2.9.5 loads a required ES module with
 * `op_import_sync(url)`, which brings in the module's static imports
 * itself. With any `load` hook, `Module.prototype.load` takes the source the
 * chain returns and compiles it with `op_import_sync_with_source(url,
 * source)` (so that the hook's text is what runs); that op links the new
 * module only against modules already in Deno's module map. A static
 * import of any file not loaded yet then fails: `require()` of a package
 * whose `module-sync` export is `require.mjs` doing `import x from
 * "./index.js"` throws `Cannot resolve module "./index.js"` even when the
 * hook passes `nextLoad`'s result through untouched (measured; built-ins
 * such as `node:path` link fine, they are always in the map).
 *
 * So such a module is not handed over: the hook answers its `require()`
 * with a CommonJS shim that calls the file's `Module._extensions` handler,
 * which loads it as Deno does without hooks (its own text, its imports
 * through Deno's loader, past the hooks; CommonJS it imports still goes
 * through the hook as `require()`). Required ES modules whose static
 * imports and re-exports are all built-ins are handed over as before.
 *
 * @module
 */
import { isBuiltin } from "node:module";
import type { ModuleKind } from "./load-hook.ts";

/**
 * The specifiers in `text` that a static `import`/`export ... from` may
 * load: every string literal right after `from` or `import`. It reads text,
 * not syntax, so a comment or a string saying `from "x"` counts too: the
 * error goes the safe way (a module left to Deno).
 */
const STATIC_SPECIFIER = /\b(?:from|import)\s*(["'])([^"'\r\n]*)\1/g;

function importsNonBuiltin(text: string): boolean {
  for (const match of text.matchAll(STATIC_SPECIFIER)) {
    const specifier = match[2];
    if (!specifier.startsWith("node:") && !isBuiltin(specifier)) return true;
  }
  return false;
}

/**
 * True when `text` compiles as a CommonJS module body, as Deno tries first
 * for a file its name and package leave undecided (an ES module when it
 * does not).
 */
function compilesAsCommonJs(text: string): boolean {
  try {
    // Compiled, never called: a syntax check of the function body CommonJS wraps the text in.
    new Function("exports", "require", "module", "__filename", "__dirname", text.replace(/^#!/, "//"));
    return true;
  } catch {
    return false;
  }
}

/**
 * True when `require()` of the module (its source `text`, its `kind` from
 * name and package) must be left to Deno: an ES module statically
 * importing something other than a built-in (see the module comment).
 *
 * @example
 * ```ts
 * requiredPastTheHook(`import x from "./index.js";\nexport default x;\n`, "module"); // true
 * requiredPastTheHook(`import { join } from "node:path";\nexport default join;\n`, "module"); // false
 * ```
 */
export function requiredPastTheHook(text: string, kind: ModuleKind): boolean {
  if (kind === "commonjs" || !importsNonBuiltin(text)) return false;
  return kind === "module" || !compilesAsCommonJs(text);
}
