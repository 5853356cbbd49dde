/**
 * The tracer's own module-loading plumbing (the load hooks): a program's
 * module code runs above these frames, so a stack that passes through them
 * is the program's, and the frames themselves are left out of tracebacks.
 *
 * @module
 */
import { fileURLToPath } from "node:url";

const LOADER_MODULES = [
  "node-load-hook.ts",
  "module-hooks.ts",
  "transform-gate.ts",
  "deno-load-hook.ts",
  "deno-load-hook-require.ts",
  "deno-wasm.ts",
  "bun-plugin.ts",
  "bun-commonjs.ts",
  "bun-load-hook-kind.ts",
  "load-hook-syntax.ts",
  "load-hook-prologue.ts",
];
const loaderFiles = new Set(LOADER_MODULES.map((name) => fileURLToPath(new URL(name, import.meta.url))));

/**
 * True for a file of the tracer's module loader (a path).
 *
 * @example
 * ```ts
 * import { fileURLToPath } from "node:url";
 *
 * isLoaderFile(fileURLToPath(new URL("./node-load-hook.ts", import.meta.url))); // true
 * ```
 */
export function isLoaderFile(path: string): boolean {
  return loaderFiles.has(path);
}
