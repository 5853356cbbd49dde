/**
 * How a module declares a top-level name (`const`, `let`, `var`,
 * `function`, `class`), read from its source: heap snapshots name a
 * module's variables but do not say how they were declared.
 *
 * @module
 */
import { readFileSync } from "node:fs";

/**
 * The keyword that declares `name` at the top level of `source` (a
 * declaration that starts a line, `export` allowed), or null when there is
 * none (a destructured or an imported name, a name declared in a block).
 *
 * @example
 * ```ts
 * declarationKind("import x from 'y';\nexport const cache = new Map();\n", "cache"); // "const"
 * declarationKind("async function load() {}\n", "load"); // "function"
 * declarationKind("function f() {\n  let cache = 1;\n}\n", "cache"); // null: not at the top level
 * ```
 */
export function declarationKind(source: string, name: string): string | null {
  if (!/^[\p{L}\p{Nl}$_][\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}$\u200c\u200d]*$/u.test(name)) return null;
  const escaped = name.replace(/\$/g, "\\$");
  const pattern = new RegExp(
    `^(?:export[ \\t]+)?(?:default[ \\t]+)?(?:declare[ \\t]+)?(const|let|var|class|(?:async[ \\t]+)?function)` +
      `(?![\\p{L}\\p{Nd}$_])[ \\t]*\\*?[ \\t]*${escaped}(?![\\p{L}\\p{Nd}$_])`,
    "mu",
  );
  const found = pattern.exec(source)?.[1];
  if (!found) return null;
  return found.includes("function") ? "function" : found;
}

/**
 * How modules declare their top-level names, read from their files (each
 * once; a file that cannot be read declares nothing).
 *
 * @example
 * ```ts
 * const declaration = fileDeclarations();
 * declaration("/app/server.ts", "sessions"); // "const", when the file says `const sessions = ...`
 * ```
 */
export function fileDeclarations(): (file: string, name: string) => string | null {
  const sources = new Map<string, string | null>();
  return (file, name) => {
    let source = sources.get(file);
    if (source === undefined) {
      try {
        source = readFileSync(file, "utf8");
      } catch {
        source = null;
      }
      sources.set(file, source);
    }
    return source === null ? null : declarationKind(source, name);
  };
}
