/**
 * The Deno adapter: V8's sampler through Deno's `node:inspector` (answers
 * asynchronously), heap figures from `process.memoryUsage()`, gc through the
 * inspector, and positions mapped through Deno's emit cache (see
 * `deno-emit.ts`). Deno's own stack traces and call sites are mapped already.
 *
 * @module
 */
import process from "node:process";
import { registerSourceMap } from "../source/sourcemap.ts";
import type { HeapCensus, InspectorSession, RuntimeAdapter, SourcePosition } from "./adapter.ts";
import { emittedSourceMap } from "./deno-emit.ts";
import { inspectorGc } from "./gc.ts";
import { connectInspector } from "./inspector.ts";
import { pathOf } from "./paths.ts";
import { mapOrKeep } from "./positions.ts";
import { processEnv, processHeapStatistics } from "./process.ts";

const looked = new Set<string>();
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
  if (!looked.has(file)) {
    looked.add(file);
    const map = emittedSourceMap(file);
    if (map) registerSourceMap(file, map);
  }
  return mapOrKeep(file, line, column);
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
  return {
    name: "deno",
    version: process.versions.deno ?? "unknown",
    capabilities: {
      heapSampler: true,
      heapCensus: false,
      gc: true,
      mappedCallSites: true,
    },
    openInspector: (): Promise<InspectorSession | null> => connectInspector(),
    heapStatistics: processHeapStatistics,
    heapCensus: (): Promise<HeapCensus | null> => Promise.resolve(null),
    gc: inspectorGc,
    originalPosition: denoOriginalPosition,
    isInspectorFrame: (file: string): boolean => INSPECTOR_FRAME.test(file),
    toPath: pathOf,
    env: processEnv,
  };
}
