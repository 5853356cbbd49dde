/**
 * What the two V8 runtimes, Node.js and Deno, do alike: V8's sampler and gc
 * through `node:inspector`, and heap figures from `process.memoryUsage()`.
 * Their adapters differ in name, call sites and where source maps come from.
 *
 * @module
 */
import type { HeapCensus, InspectorSession, RuntimeAdapter, SourcePosition } from "./adapter.ts";
import type { LoadHook, LoadHookOptions, ModuleTransform } from "./load-hook.ts";
import { v8Gc } from "./gc.ts";
import { connectInspector } from "./inspector.ts";
import { canRegisterHooks } from "./module-hooks.ts";
import { v8ObjectSizes, v8WordSize } from "./object-sizes.ts";
import { pathOf } from "./paths.ts";
import { processEnv, processHeapStatistics } from "./process.ts";

/**
 * What tells one V8 runtime's adapter from the other's.
 *
 * @example
 * ```ts
 * const parts: V8Parts = {
 *   name: "node",
 *   version: "24.0.0",
 *   mappedCallSites: false,
 *   originalPosition: (file, line) => ({ file, line }),
 *   inspectorFrame: /^node:inspector/,
 *   installLoadHook: () => null,
 *   remapsStacks: true,
 * };
 * ```
 */
export interface V8Parts {
  name: "node" | "deno";
  version: string;
  /** See {@link RuntimeCapabilities.mappedCallSites}. */
  mappedCallSites: boolean;
  originalPosition(file: string, line: number, column?: number): SourcePosition;
  /** Matches the files of the runtime's own inspector module. */
  inspectorFrame: RegExp;
  /** See {@link RuntimeAdapter.installLoadHook}: each runtime loads modules its own way. */
  installLoadHook(transform: ModuleTransform, options?: LoadHookOptions): LoadHook | null;
  /** See {@link RuntimeCapabilities.remapsStacks}. */
  remapsStacks: boolean;
}

/**
 * An adapter for a V8 runtime: sampler, inspector gc, no census.
 *
 * @example
 * ```ts
 * const rt = v8Adapter({ name: "node", version: "24.0.0", mappedCallSites: false, originalPosition: (file, line) => ({ file, line }), inspectorFrame: /^node:inspector/, installLoadHook: () => null, remapsStacks: true });
 * rt.capabilities.heapSampler; // true
 * ```
 */
export function v8Adapter(parts: V8Parts): RuntimeAdapter {
  return {
    name: parts.name,
    version: parts.version,
    capabilities: {
      heapSampler: true,
      heapCensus: false,
      gc: true,
      mappedCallSites: parts.mappedCallSites,
      loadHooks: canRegisterHooks(),
      remapsStacks: parts.remapsStacks,
    },
    openInspector: (): Promise<InspectorSession | null> => connectInspector(),
    heapStatistics: processHeapStatistics,
    heapCensus: (): Promise<HeapCensus | null> => Promise.resolve(null),
    gc: v8Gc,
    originalPosition: parts.originalPosition,
    isInspectorFrame: (file: string): boolean => parts.inspectorFrame.test(file),
    toPath: pathOf,
    env: processEnv,
    installLoadHook: parts.installLoadHook,
    objectSizes: v8ObjectSizes(v8WordSize()),
  };
}
