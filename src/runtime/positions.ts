/**
 * Position mapping shared by the adapters: whatever map an adapter finds is
 * registered with `src/source/sourcemap.ts`, which does the parsing and
 * lookups.
 *
 * @module
 */
import { originalPosition } from "../source/sourcemap.ts";
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
  if (found) {
    return found.column === undefined
      ? { file: pathOf(found.file), line: found.line }
      : { file: pathOf(found.file), line: found.line, column: found.column };
  }
  return column === undefined ? { file: pathOf(file), line } : { file: pathOf(file), line, column };
}
