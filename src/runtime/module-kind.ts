/**
 * What a module file is, from its name and its package alone: the language
 * its extension names and the module system its extension or the nearest
 * `package.json` `"type"` decides. The load hooks use it where the runtime
 * does not tell (Deno's hooks give no format, Bun's `onLoad` only a path).
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { dirname, extname, join } from "node:path";
import type { ModuleKind, SourceLang } from "./load-hook.ts";

/**
 * The extensions of JavaScript and TypeScript modules, the only files the
 * load hooks hand to a transform (JSON, addons, wasm and other files load as
 * usual).
 *
 * @example
 * ```ts
 * SCRIPT_EXTENSIONS.has(".cts"); // true
 * ```
 */
export const SCRIPT_EXTENSIONS: ReadonlySet<string> = new Set([
  ".js",
  ".mjs",
  ".cjs",
  ".ts",
  ".mts",
  ".cts",
  ".jsx",
  ".tsx",
]);

/**
 * The language a file's extension names: `.ts`, `.mts`, `.cts` are
 * TypeScript, `.tsx` TypeScript with JSX, `.jsx` JavaScript with JSX, and
 * anything else JavaScript.
 *
 * @example
 * ```ts
 * langOfPath("/app/view.tsx"); // "tsx"
 * ```
 */
export function langOfPath(path: string): SourceLang {
  switch (extname(path)) {
    case ".ts":
    case ".mts":
    case ".cts":
      return "ts";
    case ".tsx":
      return "tsx";
    case ".jsx":
      return "jsx";
    default:
      return "js";
  }
}

/** Directory → the `"type"` of the `package.json` that governs it (cached: every module of a package asks). */
const typeByDir = new Map<string, string | undefined>();

/**
 * The `"type"` field of the nearest `package.json` at or above `dir`
 * (`undefined` when that file has none, or there is none).
 *
 * @example
 * ```ts
 * packageTypeOf("/app/node_modules/esm-only/lib"); // "module" when its package.json says `"type": "module"`
 * ```
 */
export function packageTypeOf(dir: string): string | undefined {
  const seen: string[] = [];
  let current = dir;
  let type: string | undefined;
  for (;;) {
    if (typeByDir.has(current)) {
      type = typeByDir.get(current);
      break;
    }
    seen.push(current);
    const found = readPackageType(join(current, "package.json"));
    if (found.exists) {
      type = found.type;
      break;
    }
    const parent = dirname(current);
    if (parent === current) break;
    current = parent;
  }
  for (const d of seen) typeByDir.set(d, type);
  return type;
}

function readPackageType(file: string): { exists: boolean; type?: string } {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return { exists: false };
  }
  try {
    const type = (JSON.parse(text) as { type?: unknown }).type;
    return { exists: true, type: typeof type === "string" ? type : undefined };
  } catch {
    return { exists: true }; // a broken package.json still ends the search, as in Node
  }
}

/**
 * How a file will be evaluated, as far as its name and package tell:
 * `.mjs`/`.mts` are ES modules and `.cjs`/`.cts` CommonJS whatever the
 * package says; other files follow the nearest `package.json` `"type"`;
 * without one the runtime decides from the syntax (`"unambiguous"`).
 *
 * @example
 * ```ts
 * moduleKindOfPath("/app/node_modules/lodash/lodash.js"); // "unambiguous" (no "type" in its package.json)
 * ```
 */
export function moduleKindOfPath(path: string): ModuleKind {
  switch (extname(path)) {
    case ".mjs":
    case ".mts":
      return "module";
    case ".cjs":
    case ".cts":
      return "commonjs";
  }
  const type = packageTypeOf(dirname(path));
  return type === "module" ? "module" : type === "commonjs" ? "commonjs" : "unambiguous";
}
