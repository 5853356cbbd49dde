/**
 * Position mapping shared by the adapters: whatever map an adapter finds is
 * registered with `src/source/sourcemap.ts`, which does the parsing and
 * lookups.
 *
 * @module
 */
import { originalPosition, registerSourceMap } from "../source/sourcemap.ts";
import type { SourcePosition } from "./adapter.ts";
import { pathOf } from "./paths.ts";

/**
 * Maps `file:line:column` through the source map of `file` (registered or
 * named by its own `sourceMappingURL` comment), else gives the position back
 * with the file as a path.
 *
 * @example
 * ```ts
 * mapOrKeep("file:///srv/app.js", 3, 7); // { file: "/srv/src/app.ts", line: 10, column: 2 } with a map
 * ```
 */
export function mapOrKeep(
  file: string,
  line: number,
  column?: number,
): SourcePosition {
  const found = originalPosition(file, line, column);
  return found ? keepPosition(found.file, found.line, found.column) : keepPosition(file, line, column);
}

/**
 * The position as it is, with the file as a path (no `column` key when the
 * column is not known).
 *
 * @example
 * ```ts
 * keepPosition("file:///app/main.ts", 9, 3); // { file: "/app/main.ts", line: 9, column: 3 }
 * ```
 */
export function keepPosition(
  file: string,
  line: number,
  column?: number,
): SourcePosition {
  return column === undefined ? { file: pathOf(file), line } : { file: pathOf(file), line, column };
}

/**
 * A position mapper that asks `findMap` once per file for that file's map,
 * registers what it finds, and maps with {@link mapOrKeep}.
 *
 * @example
 * ```ts
 * import { readFileSync } from "node:fs";
 *
 * const map = mapperWith((file) => file.endsWith(".js") ? readFileSync(file + ".map", "utf8") : null);
 * map("file:///app/main.js", 3, 7); // { file: "/app/main.ts", line: 9, column: 1 }
 * ```
 */
export function mapperWith(
  findMap: (file: string) => string | object | null | undefined,
): (file: string, line: number, column?: number) => SourcePosition {
  const looked = new Set<string>();
  return (file, line, column) => {
    if (!looked.has(file)) {
      looked.add(file);
      const map = findMap(file);
      if (map) registerSourceMap(file, map);
    }
    return mapOrKeep(file, line, column);
  };
}
