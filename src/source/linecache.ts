/**
 * Source lines for tracebacks, as CPython's `linecache`: files read once and
 * cached until checked or cleared, and lines of generated JavaScript shown as
 * the original (TypeScript) lines their source maps point at.
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { cacheKey, sameStamp, type Stamp, stampOf, toPath } from "./location.ts";
import { checkSourceMaps, clearSourceMaps, originalPosition, originalSource } from "./sourcemap.ts";
import { decodeSource, splitLines } from "./text.ts";

interface Entry {
  readonly lines: readonly string[];
  readonly path: string;
  readonly stamp: Stamp;
}

const NO_LINES: readonly string[] = Object.freeze([]);

/** Lines read from disk, as CPython's `linecache.cache`. */
const cache = new Map<string, Entry>();
/** Lines of original sources taken from a map's `sourcesContent` (their file is gone). */
const embedded = new Map<string, readonly string[]>();

/**
 * Line `lineno` (1-based) of a source file, ending with `\n`, as CPython's
 * `linecache.getline`; `""` when there is no such line or file (pseudo-names
 * like `<unknown>`, directories, binary or unreadable files). Never throws.
 *
 * When the file is generated JavaScript with a source map, `lineno` is a
 * generated line and the result is the original line it maps to, so a
 * TypeScript user sees the TypeScript line (read from the original file, or
 * from the map's `sourcesContent` when the file is gone). When the line does
 * not map or the original text is unavailable, the file's own line.
 *
 * @param filename a path (relative to the current directory) or `file://` URL
 * @example
 * ```ts
 * getline("dist/app.js", 12); // "  const rows: Row[] = [];\n" from src/app.ts
 * getline("<unknown>", 1); // ""
 * ```
 */
export function getline(filename: string, lineno: number): string {
  try {
    if (!Number.isInteger(lineno) || lineno < 1) return "";
    // Only maps a file names itself: a map an engine registered describes code
    // the runtime generated in memory, and the engine already mapped its frames,
    // so following it here would map their lines a second time.
    const position = originalPosition(filename, lineno, undefined, { registered: false });
    if (position) {
      const line = lineAt(getlines(position.file), position.line) ||
        lineAt(embeddedLines(position.file), position.line);
      if (line) return line;
    }
    return lineAt(getlines(filename), lineno);
  } catch {
    return "";
  }
}

/**
 * All lines of a file as read from disk (no source mapping), each ending with
 * `\n`; empty when the file cannot be read. Cached until {@link checkcache}
 * or {@link clearcache}, as in CPython.
 *
 * @example
 * ```ts
 * getlines("src/app.ts").length; // the number of lines of src/app.ts
 * ```
 */
export function getlines(filename: string): readonly string[] {
  try {
    const key = cacheKey(filename);
    const hit = cache.get(key);
    if (hit) return hit.lines;
    const path = toPath(filename);
    if (path === null) return NO_LINES;
    // Stat first, as CPython does: a file changed during the read looks stale later.
    const stamp = stampOf(path);
    if (stamp === null) return NO_LINES;
    const text = decodeSource(readFileSync(path));
    if (text === null) return NO_LINES;
    const lines = Object.freeze(splitLines(text));
    cache.set(key, { lines, path, stamp });
    return lines;
  } catch {
    return NO_LINES;
  }
}

/**
 * Empties the line cache and forgets found source maps (maps registered with
 * `registerSourceMap` stay).
 *
 * @example
 * ```ts
 * clearcache();
 * ```
 */
export function clearcache(): void {
  cache.clear();
  embedded.clear();
  clearSourceMaps();
}

/**
 * Drops cached lines and source maps of files that changed (size or mtime)
 * or disappeared since they were read, like CPython's `linecache.checkcache`;
 * all files, or only `filename`. Lines taken from `sourcesContent` are always
 * dropped, so they are looked up again.
 *
 * @example
 * ```ts
 * checkcache(); // before formatting tracebacks of a program being edited
 * ```
 */
export function checkcache(filename?: string): void {
  const keys = filename === undefined ? [...cache.keys()] : [cacheKey(filename)];
  for (const key of keys) {
    const entry = cache.get(key);
    if (entry && !sameStamp(entry.stamp, stampOf(entry.path))) {
      cache.delete(key);
    }
  }
  // Keyed by original source, not by the file that changed: cheap to rebuild, so all go.
  embedded.clear();
  checkSourceMaps(filename);
}

function lineAt(lines: readonly string[], lineno: number): string {
  return lineno >= 1 && lineno <= lines.length ? lines[lineno - 1] : "";
}

function embeddedLines(file: string): readonly string[] {
  const key = cacheKey(file);
  let lines = embedded.get(key);
  if (!lines) {
    const text = originalSource(file);
    if (text === null) return NO_LINES;
    lines = Object.freeze(splitLines(text));
    embedded.set(key, lines);
  }
  return lines;
}
