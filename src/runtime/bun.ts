/**
 * The Bun adapter. JavaScriptCore has no allocation profiler and Bun's
 * `node:inspector` has no `HeapProfiler` domain, so there is no inspector
 * session for engines; the heap is seen through `bun:jsc` (`heapStats()`:
 * objects counted by type), gc is `Bun.gc(true)`, and positions need no
 * mapping (Bun's stacks already point into the TypeScript source).
 * `bun:jsc` is imported here only, and only when asked for. Modules are
 * rewritten as they load through `Bun.plugin` and Bun's CommonJS loader:
 * see `bun-plugin.ts`.
 *
 * @module
 */
import process from "node:process";
import type { HeapCensus, InspectorSession, RuntimeAdapter, SourcePosition } from "./adapter.ts";
import { jscObjectSizes } from "./object-sizes.ts";
import { installBunLoadHook } from "./bun-plugin.ts";
import { pathOf } from "./paths.ts";
import { keepPosition } from "./positions.ts";
import { processEnv, processHeapStatistics } from "./process.ts";

/** The part of `bun:jsc` this adapter uses. */
interface BunJsc {
  heapStats(): {
    objectTypeCounts: Record<string, number>;
    objectCount: number;
    heapSize: number;
  };
  estimateShallowMemoryUsageOf(value: object): number;
}

interface BunGlobal {
  gc(force: boolean): void;
}

let jsc: Promise<BunJsc> | null = null;

function loadJsc(): Promise<BunJsc> {
  // A computed specifier keeps other runtimes' module graphs (and `deno check`) away from it.
  const specifier = ["bun", "jsc"].join(":");
  return jsc ??= import(specifier) as Promise<BunJsc>;
}

/**
 * Counts Bun's heap objects by type through `bun:jsc`.
 *
 * @example
 * ```ts
 * const census = await bunHeapCensus();
 * census.counts.get("Object");
 * ```
 */
export async function bunHeapCensus(): Promise<HeapCensus> {
  const mod = await loadJsc();
  const stats = mod.heapStats();
  const counts = new Map(Object.entries(stats.objectTypeCounts));
  // `stats.objectCount` can read 0 between collections; the per-type counts do not.
  let objectCount = 0;
  for (const n of counts.values()) objectCount += n;
  return {
    counts,
    objectCount,
    heapSize: stats.heapSize,
    shallowSize: (obj: object) => mod.estimateShallowMemoryUsageOf(obj),
  };
}

/**
 * Bun's positions are the original ones already; files become paths.
 *
 * @example
 * ```ts
 * bunOriginalPosition("file:///app/main.ts", 9, 3); // { file: "/app/main.ts", line: 9, column: 3 }
 * ```
 */
export function bunOriginalPosition(
  file: string,
  line: number,
  column?: number,
): SourcePosition {
  return keepPosition(file, line, column);
}

/**
 * Creates the Bun adapter.
 *
 * @example
 * ```ts
 * const rt = bunAdapter();
 * rt.capabilities.heapCensus; // true
 * ```
 */
export function bunAdapter(): RuntimeAdapter {
  const bun = (globalThis as unknown as { Bun: BunGlobal }).Bun;
  return {
    name: "bun",
    version: process.versions.bun ?? "unknown",
    capabilities: {
      heapSampler: false,
      heapCensus: true,
      gc: true,
      mappedCallSites: true,
      loadHooks: true,
      // Bun maps stacks to the text a load hook returned, not through its source map.
      remapsStacks: false,
    },
    openInspector: (): Promise<InspectorSession | null> => Promise.resolve(null),
    heapStatistics: processHeapStatistics,
    heapCensus: bunHeapCensus,
    gc: (): Promise<boolean> => {
      bun.gc(true);
      return Promise.resolve(true);
    },
    originalPosition: bunOriginalPosition,
    isInspectorFrame: (): boolean => false,
    toPath: pathOf,
    env: processEnv,
    installLoadHook: installBunLoadHook,
    objectSizes: jscObjectSizes(),
  };
}
