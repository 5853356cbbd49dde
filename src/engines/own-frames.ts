/**
 * Which frames belong to the tracer itself. Its own allocations and frames
 * never appear in a snapshot: engines drop a trace allocated by the tracer
 * and remove the tracer's frames from the rest.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { sep } from "node:path";

const root = fileURLToPath(new URL("../../", import.meta.url));
const ownPrefixes = [root + "src" + sep, root + "tui" + sep];
const ownFiles = new Set([root + "mod.ts"]);

/**
 * True when `file` (a path or a `file://` URL) is part of this package's
 * code: `src/`, `tui/` or `mod.ts` (the tests, scripts and the user's code
 * are not).
 *
 * @example
 * ```ts
 * isTracerFile(import.meta.url); // true inside src/
 * isTracerFile("/app/main.ts"); // false
 * ```
 */
export function isTracerFile(file: string): boolean {
  let path = file;
  if (file.startsWith("file:")) {
    try {
      path = fileURLToPath(file);
    } catch {
      return false;
    }
  }
  return ownFiles.has(path) ||
    ownPrefixes.some((prefix) => path.startsWith(prefix));
}
