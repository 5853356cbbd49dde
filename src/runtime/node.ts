/**
 * The Node.js adapter: V8's sampler through `node:inspector` (answers
 * synchronously), heap figures from `process.memoryUsage()`, gc through the
 * inspector, and positions mapped with the maps Node itself keeps
 * (`node:module`'s `findSourceMap`, filled when source maps are enabled, as
 * tsx does for every module it transforms).
 *
 * @module
 */
import { findSourceMap } from "node:module";
import process from "node:process";
import { registerSourceMap } from "../source/sourcemap.ts";
import type { HeapCensus, InspectorSession, RuntimeAdapter, SourcePosition } from "./adapter.ts";
import { inspectorGc } from "./gc.ts";
import { connectInspector } from "./inspector.ts";
import { mapOrKeep } from "./positions.ts";
import { pathOf } from "./paths.ts";
import { processEnv, processHeapStatistics } from "./process.ts";

const looked = new Set<string>();
const INSPECTOR_FRAME = /^node:(?:internal\/)?inspector(?:\/|\.js|$)/;

/**
 * Maps a position of code Node runs to its original source. A module Node
 * holds a source map for (tsx's transforms) uses that map; other files use
 * their own `sourceMappingURL` comment; without either the position is kept
 * (plain JavaScript, or Node's own type stripping, which keeps positions).
 *
 * @example
 * ```ts
 * nodeOriginalPosition("file:///app/main.ts", 1, 218); // { file: "/app/main.ts", line: 9, column: 3 }
 * ```
 */
export function nodeOriginalPosition(
  file: string,
  line: number,
  column?: number,
): SourcePosition {
  if (!looked.has(file)) {
    looked.add(file);
    try {
      const payload = (findSourceMap(file) as { payload?: object } | undefined)
        ?.payload;
      if (payload) registerSourceMap(file, payload);
    } catch {
      // not a path or URL Node knows: the file's own comment, if any, decides
    }
  }
  return mapOrKeep(file, line, column);
}

/**
 * Creates the Node.js adapter.
 *
 * @example
 * ```ts
 * const rt = nodeAdapter();
 * rt.capabilities.heapSampler; // true
 * ```
 */
export function nodeAdapter(): RuntimeAdapter {
  return {
    name: "node",
    version: process.versions.node,
    capabilities: {
      heapSampler: true,
      heapCensus: false,
      gc: true,
      mappedCallSites: false,
    },
    openInspector: (): Promise<InspectorSession | null> => connectInspector(),
    heapStatistics: processHeapStatistics,
    heapCensus: (): Promise<HeapCensus | null> => Promise.resolve(null),
    gc: inspectorGc,
    originalPosition: nodeOriginalPosition,
    isInspectorFrame: (file: string): boolean => INSPECTOR_FRAME.test(file),
    toPath: pathOf,
    env: processEnv,
  };
}
