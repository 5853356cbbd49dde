/**
 * Deno's emit cache. V8 under Deno runs the JavaScript Deno emitted from
 * TypeScript, and that code carries no source map unless Deno was started
 * with `--inspect`; the emit cache (`deno info` calls it "Emitted modules
 * cache", `<DENO_DIR>/gen`) keeps the same JavaScript with an inline map, at
 * `gen/file/<absolute path>.js` for a local module.
 *
 * @module
 */
import { execFileSync } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { toPath } from "../source/location.ts";
import { processEnv } from "./process.ts";

const EMITTED = /\.(?:ts|tsx|mts|cts|jsx)$/i;
const MAP_COMMENT = /\/\/# sourceMappingURL=(data:\S+)\s*(?:\/\/[^\n]*\s*)*$/;

/**
 * Where Deno keeps its caches, found as Deno finds it: `DENO_DIR`, else the
 * platform's cache folder; when that folder is missing, `deno info --json`
 * answers (this needs `--allow-run`). `null` when nothing is found.
 *
 * @example
 * ```ts
 * denoDir(); // "/home/me/.cache/deno"
 * ```
 */
export function denoDir(): string | null {
  if (cachedDir !== undefined) return cachedDir;
  const candidates: string[] = [];
  const env = (name: string) => processEnv(name) || undefined;
  const fromEnv = env("DENO_DIR");
  if (fromEnv) candidates.push(fromEnv);
  const home = env("HOME") ?? env("USERPROFILE");
  if (process.platform === "darwin" && home) {
    candidates.push(join(home, "Library", "Caches", "deno"));
  } else if (process.platform === "win32") {
    const local = env("LOCALAPPDATA");
    if (local) candidates.push(join(local, "deno"));
  } else {
    const xdg = env("XDG_CACHE_HOME");
    if (xdg) candidates.push(join(xdg, "deno"));
    if (home) candidates.push(join(home, ".cache", "deno"));
  }
  cachedDir = candidates.find(isDirectory) ?? askDeno();
  return cachedDir;
}

let cachedDir: string | null | undefined;

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function askDeno(): string | null {
  try {
    const out = execFileSync(process.execPath, ["info", "--json"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    });
    const dir = (JSON.parse(out) as { denoDir?: unknown }).denoDir;
    return typeof dir === "string" ? dir : null;
  } catch {
    return null;
  }
}

/**
 * The inline source map (a `data:` URL) Deno's emit cache holds for a local
 * TypeScript module, or `null` when the module was not emitted, the cache is
 * out of reach, or the cached emit was made from another version of the source.
 *
 * @example
 * ```ts
 * emittedSourceMap("file:///app/main.ts"); // "data:application/json;base64,..."
 * ```
 */
export function emittedSourceMap(file: string): string | null {
  const path = toPath(file);
  if (path === null || !EMITTED.test(path)) return null;
  const dir = denoDir();
  if (dir === null) return null;
  const emitted = join(
    dir,
    "gen",
    "file",
    path.replace(/^([A-Za-z]):/, "$1").replace(/^[\\/]+/, "") + ".js",
  );
  try {
    const url = MAP_COMMENT.exec(readFileSync(emitted, "utf8"))?.[1];
    if (!url) return null;
    // Deno keeps an emit as long as the source's hash matches, whatever the
    // file times: an emit is current when its map embeds today's source.
    return embeddedSource(url) === readFileSync(path, "utf8") ? url : null;
  } catch {
    return null;
  }
}

/** The first `sourcesContent` of an inline base64 source map URL, or null. */
function embeddedSource(url: string): string | null {
  const data = /^data:application\/json;(?:charset=utf-8;)?base64,(.*)$/.exec(url)?.[1];
  if (!data) return null;
  const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
  const map = JSON.parse(new TextDecoder().decode(bytes)) as { sourcesContent?: (string | null)[] };
  return map.sourcesContent?.[0] ?? null;
}
