/**
 * The Node.js adapter: V8's sampler through `node:inspector` (answers
 * synchronously), heap figures from `process.memoryUsage()`, gc through the
 * inspector, and positions mapped with the maps Node itself keeps
 * (`node:module`'s `findSourceMap`, filled when source maps are enabled, as
 * tsx does for every module it transforms). Modules are rewritten as they
 * load through `registerHooks` (ES modules) and `Module._compile`
 * (CommonJS): see `node-load-hook.ts`.
 *
 * @module
 */
import { findSourceMap } from "node:module";
import process from "node:process";
import type { RuntimeAdapter, SourcePosition } from "./adapter.ts";
import { installNodeLoadHook } from "./node-load-hook.ts";
import { mapperWith } from "./positions.ts";
import { v8Adapter } from "./v8.ts";

const throughNodeMaps = mapperWith((file) => {
  try {
    return (findSourceMap(file) as { payload?: object } | undefined)?.payload;
  } catch {
    return undefined; // not a path or URL Node knows: the file's own comment, if any, decides
  }
});
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
  return throughNodeMaps(file, line, column);
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
  return v8Adapter({
    name: "node",
    version: process.versions.node,
    mappedCallSites: false,
    originalPosition: nodeOriginalPosition,
    inspectorFrame: INSPECTOR_FRAME,
    // With source maps on (tsx turns them on), Node maps stacks through the
    // inline map of the source a load hook returned.
    remapsStacks: true,
    installLoadHook: installNodeLoadHook,
  });
}
