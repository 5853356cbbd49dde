/**
 * File names as engines report them, turned into what users see.
 *
 * @module
 */
import { toPath } from "../source/location.ts";

/**
 * A local file as a path (`file:///a/b.ts` → `/a/b.ts`); anything else
 * (`node:fs`, `https://…`, `<anonymous>`) unchanged.
 *
 * @example
 * ```ts
 * pathOf("file:///srv/app.ts"); // "/srv/app.ts"
 * pathOf("node:internal/timers"); // "node:internal/timers"
 * ```
 */
export function pathOf(fileOrUrl: string): string {
  return /^file:/i.test(fileOrUrl) ? toPath(fileOrUrl) ?? fileOrUrl : fileOrUrl;
}
