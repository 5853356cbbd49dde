/**
 * Fixtures for the source tests: a tiny TypeScript module compiled by esbuild
 * (tsx's own compiler) into a fresh temporary directory, with its map inline,
 * in a `.map` file, or left out.
 * @module
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Buffer } from "node:buffer";
import { transformSync } from "esbuild";

/** The original module: its type declarations vanish, so JS lines sit above their TS lines. */
export const POINT_TS = [
  "interface Point {",
  "  x: number;",
  "  y: number;",
  "}",
  "",
  "export function norm(p: Point): number {",
  "  const squared: number = p.x * p.x + p.y * p.y;",
  "  return Math.sqrt(squared);",
  "}",
  "",
].join("\n");

/** Generated line 2 (`const squared = ...`) comes from this TS line. */
export const SQUARED_JS_LINE = 2;
export const SQUARED_TS_LINE = 7;
export const SQUARED_TS_TEXT = "  const squared: number = p.x * p.x + p.y * p.y;\n";
export const SQUARED_JS_TEXT = "  const squared = p.x * p.x + p.y * p.y;\n";

/** Runs `body` with a fresh temporary directory that is removed afterwards. */
export function withTempDir<T>(body: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), "tracemalloc-source-"));
  try {
    return body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** How the compiled file refers to its map. */
export type MapStyle = "inline" | "external" | "none";

export interface CompileOptions {
  /** Default "inline". */
  map?: MapStyle;
  /** The map's `sources` entry; default the TS file relative to the JS file. */
  sourcefile?: string;
  sourceRoot?: string;
  /** Default true. */
  sourcesContent?: boolean;
  /** Appended after the compiled code (before the map comment): lines no mapping covers. */
  extra?: string;
}

export interface Compiled {
  /** `dir/src/point.ts` */
  ts: string;
  /** `dir/dist/point.js` */
  js: string;
  /** `dir/dist/point.js.map` (written only for the "external" style) */
  map: string;
  code: string;
  mapText: string;
}

/** Writes `src/point.ts` and its compiled `dist/point.js` under `dir`. */
export function compilePoint(
  dir: string,
  options: CompileOptions = {},
): Compiled {
  const { map = "inline", sourcefile = "../src/point.ts", extra = "" } = options;
  mkdirSync(join(dir, "src"), { recursive: true });
  mkdirSync(join(dir, "dist"), { recursive: true });
  const ts = join(dir, "src", "point.ts");
  const js = join(dir, "dist", "point.js");
  const mapPath = `${js}.map`;
  writeFileSync(ts, POINT_TS);
  const out = transformSync(POINT_TS, {
    loader: "ts",
    sourcemap: "external",
    sourcefile,
    sourceRoot: options.sourceRoot,
    sourcesContent: options.sourcesContent ?? true,
  });
  const comment = map === "inline"
    ? `//# sourceMappingURL=data:application/json;base64,${Buffer.from(out.map).toString("base64")}\n`
    : map === "external"
    ? "//# sourceMappingURL=point.js.map\n"
    : "";
  const code = out.code + extra + comment;
  writeFileSync(js, code);
  if (map === "external") writeFileSync(mapPath, out.map);
  return { ts, js, map: mapPath, code, mapText: out.map };
}
