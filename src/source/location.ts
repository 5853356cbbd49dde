/**
 * What a frame's file name points at: pseudo-names, paths and `file://` URLs
 * made into one cache key, and the size and mtime stamps that tell when a
 * cached file changed on disk.
 *
 * @module
 */
import { statSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/**
 * True for names that stand for no file, as CPython's linecache sees them:
 * the empty name and `<...>` pseudo-names such as `<unknown>` or `<anonymous>`.
 *
 * @example
 * ```ts
 * isPseudoFile("<unknown>"); // true
 * isPseudoFile("app.ts"); // false
 * ```
 */
export function isPseudoFile(file: string): boolean {
  return !file || (file.startsWith("<") && file.endsWith(">"));
}

// Two or more letters, so that a Windows drive ("C:\\x") still reads as a path.
const SCHEME = /^[a-z][a-z0-9+.-]+:/i;

/**
 * The absolute path a frame's file name or `file://` URL points at, or `null`
 * when it names no file on disk (pseudo-names, `node:`, `https:`, `webpack:`).
 * Relative paths are taken from the current directory.
 *
 * @example
 * ```ts
 * toPath("file:///srv/app.js"); // "/srv/app.js"
 * toPath("node:internal/timers"); // null
 * ```
 */
export function toPath(file: string): string | null {
  if (isPseudoFile(file)) return null;
  if (/^file:/i.test(file)) {
    try {
      return fileURLToPath(file);
    } catch {
      return null; // a file URL with a remote host, or malformed
    }
  }
  if (SCHEME.test(file)) return null;
  return resolve(file);
}

/**
 * The key under which caches keep a file: its absolute path when it is on
 * disk (so `x.js`, `./x.js` and `file:///cwd/x.js` share one entry), the name
 * itself otherwise.
 *
 * @example
 * ```ts
 * cacheKey("file:///srv/app.js") === cacheKey("/srv/app.js"); // true
 * ```
 */
export function cacheKey(file: string): string {
  return toPath(file) ?? file;
}

/**
 * The URL a file's relative references resolve against: a `file://` URL for a
 * path, the name itself for other URLs.
 *
 * @example
 * ```ts
 * baseUrl("/srv/app.js"); // "file:///srv/app.js"
 * ```
 */
export function baseUrl(file: string): string {
  const path = toPath(file);
  return path === null ? file : pathToFileURL(path).href;
}

/**
 * What a cache remembers of a file to notice that it changed, `null` when it
 * was missing.
 *
 * @example
 * ```ts
 * const stamp: Stamp = { size: 120, mtimeMs: 1714000000000 };
 * ```
 */
export type Stamp = { readonly size: number; readonly mtimeMs: number } | null;

/**
 * The size and modification time of a regular file, or `null` when it is
 * missing, unreadable or not a regular file (directories, FIFOs, devices).
 *
 * @example
 * ```ts
 * const before = stampOf("/srv/app.js");
 * sameStamp(before, stampOf("/srv/app.js")); // true while the file is unchanged
 * ```
 */
export function stampOf(path: string): Stamp {
  try {
    const st = statSync(path);
    return st.isFile() ? { size: st.size, mtimeMs: st.mtimeMs } : null;
  } catch {
    return null;
  }
}

/**
 * True when two stamps describe the same file state (CPython's `checkcache`
 * compares size and mtime the same way).
 *
 * @example
 * ```ts
 * sameStamp({ size: 1, mtimeMs: 5 }, { size: 2, mtimeMs: 5 }); // false
 * ```
 */
export function sameStamp(a: Stamp, b: Stamp): boolean {
  if (a === null || b === null) return a === b;
  return a.size === b.size && a.mtimeMs === b.mtimeMs;
}
