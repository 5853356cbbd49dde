/**
 * The runtime of a program this process does not run: one reached through
 * its inspector (`attach`). Node and Deno speak the Chrome DevTools Protocol
 * and offer V8's sampling heap profiler; Bun speaks WebKit's inspector
 * protocol, without an allocation profiler: its heap is counted by type in
 * the program (`bun:jsc`'s `heapStats()`, evaluated through the inspector). Positions are mapped here, in the controller, from files on disk:
 * the source maps a Node program's files name, Deno's emit cache for
 * TypeScript.
 *
 * @module
 */
import type { HeapCensus, InspectorSession, RuntimeCapabilities, RuntimeName, SourcePosition } from "./adapter.ts";
import { denoOriginalPosition } from "./deno.ts";
import { mapperWith } from "./positions.ts";

/**
 * What the engines use of a runtime, for a program reached through its
 * inspector.
 *
 * @example
 * ```ts
 * import { remoteRuntime } from "./remote.ts";
 * import type { InspectorSession } from "./adapter.ts";
 * declare const inspector: InspectorSession;
 * const rt = remoteRuntime(inspector, "deno", "2.9.5");
 * rt.capabilities.heapSampler; // true
 * ```
 */
export interface RemoteRuntime {
  readonly name: RuntimeName;
  readonly version: string;
  readonly capabilities: RuntimeCapabilities;
  /** The program's inspector, shared: closing what this returns leaves the connection open. */
  openInspector(): Promise<InspectorSession | null>;
  /** Heap objects by type (Bun), `null` on V8. */
  heapCensus(): Promise<HeapCensus | null>;
  /** A full collection in the program. */
  gc(): Promise<boolean>;
  /** A position in the program's code mapped to its source, from files on disk. */
  originalPosition(file: string, line: number, column?: number): SourcePosition;
  /** The program's inspector work runs no JavaScript of its own: never. */
  isInspectorFrame(file: string): boolean;
}

/** Bun's census, run in the program: `bun:jsc`'s `heapStats()`, as this process's Bun adapter reads it. */
const CENSUS = `(() => {
  const stats = process.getBuiltinModule("bun:jsc").heapStats();
  return { counts: stats.objectTypeCounts, objectCount: stats.objectCount, heapSize: stats.heapSize };
})()`;

/**
 * The runtime of the program at the other end of `inspector`.
 *
 * @example
 * ```ts
 * import { remoteRuntime } from "./remote.ts";
 * import { SamplerEngine } from "../engines/sampler.ts";
 * import type { InspectorSession } from "./adapter.ts";
 * declare const inspector: InspectorSession;
 * const engine = new SamplerEngine(remoteRuntime(inspector, "node", "24.21.0"));
 * ```
 */
export function remoteRuntime(inspector: InspectorSession, name: RuntimeName, version: string): RemoteRuntime {
  const v8 = name !== "bun";
  const shared: InspectorSession = {
    post: (method, params) => inspector.post(method, params),
    on: (event, listener) => inspector.on(event, listener),
    off: (event, listener) => inspector.off(event, listener),
    close: () => {},
  };
  return {
    name,
    version,
    capabilities: {
      heapSampler: v8,
      heapCensus: !v8,
      gc: true,
      mappedCallSites: false,
      loadHooks: false,
      remapsStacks: false,
    },
    openInspector: () => Promise.resolve(v8 ? shared : null),
    heapCensus: () => v8 ? Promise.resolve(null) : censusOf(inspector),
    gc: async () => {
      await inspector.post(v8 ? "HeapProfiler.collectGarbage" : "Heap.gc");
      return true;
    },
    originalPosition: name === "deno" ? denoOriginalPosition : mapperWith(() => null),
    isInspectorFrame: () => false,
  };
}

/**
 * Bun's heap counted by type, in the program (a walk of its heap, about a
 * fiftieth of what a heap snapshot through the inspector costs).
 */
async function censusOf(inspector: InspectorSession): Promise<HeapCensus> {
  const answer = await inspector.post<{ result?: { value?: unknown }; wasThrown?: boolean }>("Runtime.evaluate", {
    expression: CENSUS,
    returnByValue: true,
  });
  const value = answer.result?.value as
    | { counts?: Record<string, number>; objectCount?: number; heapSize?: number }
    | undefined;
  if (answer.wasThrown || !value?.counts) throw new Error("the program's heap census failed (bun:jsc heapStats)");
  return {
    counts: new Map(Object.entries(value.counts)),
    objectCount: Number(value.objectCount ?? 0),
    heapSize: Number(value.heapSize ?? 0),
    shallowSize: () => null,
  };
}
