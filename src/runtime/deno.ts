/**
 * The Deno adapter: V8's sampler through Deno's `node:inspector` (answers
 * asynchronously), heap figures from `process.memoryUsage()`, gc through the
 * inspector, and positions mapped through Deno's emit cache (see
 * `deno-emit.ts`). Deno's own stack traces and call sites are mapped already.
 * Modules are rewritten as they load through `node:module`'s
 * `registerHooks`: see `deno-load-hook.ts`.
 *
 * @module
 */
import process from "node:process";
import type { RuntimeAdapter, SourcePosition } from "./adapter.ts";
import { emittedSourceMap } from "./deno-emit.ts";
import { installDenoLoadHook } from "./deno-load-hook.ts";
import { mapperWith } from "./positions.ts";
import { v8Adapter } from "./v8.ts";

const throughEmit = mapperWith(emittedSourceMap);
const INSPECTOR_FRAME = /^ext:deno_node\/(?:internal\/)?inspector/;

/**
 * Maps a position in the JavaScript Deno emitted to the TypeScript source
 * (types removed by the emit shift lines: a multi-line `interface` above a
 * function moves it up).
 *
 * @example
 * ```ts
 * denoOriginalPosition("file:///app/main.ts", 3, 15); // { file: "/app/main.ts", line: 9, column: 1 }
 * ```
 */
export function denoOriginalPosition(
  file: string,
  line: number,
  column?: number,
): SourcePosition {
  return throughEmit(file, line, column);
}

/**
 * Creates the Deno adapter.
 *
 * @example
 * ```ts
 * const rt = denoAdapter();
 * rt.capabilities.heapSampler; // true
 * ```
 */
export function denoAdapter(): RuntimeAdapter {
  return v8Adapter({
    name: "deno",
    version: process.versions.deno ?? "unknown",
    mappedCallSites: true,
    originalPosition: denoOriginalPosition,
    inspectorFrame: INSPECTOR_FRAME,
    // Deno maps stacks through its own emit's map, whatever a load hook returned.
    remapsStacks: false,
    installLoadHook: installDenoLoadHook,
  });
}
