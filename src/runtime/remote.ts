/**
 * The runtime of a program this process does not run: one reached through
 * its inspector (`attach`). Node and Deno speak the Chrome DevTools Protocol
 * and offer V8's sampling heap profiler; Bun speaks WebKit's inspector
 * protocol, whose `Heap.snapshot` is the only view of its heap, counted by
 * type. Positions are mapped here, in the controller, from files on disk:
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
  /** Heap objects by type from a heap snapshot (Bun), `null` on V8. */
  heapCensus(): Promise<HeapCensus | null>;
  /** A full collection in the program. */
  gc(): Promise<boolean>;
  /** A position in the program's code mapped to its source, from files on disk. */
  originalPosition(file: string, line: number, column?: number): SourcePosition;
  /** The program's inspector work runs no JavaScript of its own: never. */
  isInspectorFrame(file: string): boolean;
}

/** JavaScriptCore's heap snapshot as `Heap.snapshot` hands it over (the fields read here). */
interface JscSnapshot {
  nodes: number[];
  nodeClassNames: string[];
}

/** A JSC snapshot node is `id, size, classNameIndex, flags`. */
const JSC_NODE_FIELDS = 4;

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

/** Bun's heap counted by type from one `Heap.snapshot` (sizes exact per cell; the census shares the total). */
async function censusOf(inspector: InspectorSession): Promise<HeapCensus> {
  const { snapshotData } = await inspector.post<{ snapshotData: string }>("Heap.snapshot");
  const snapshot = JSON.parse(snapshotData) as JscSnapshot;
  const counts = new Map<string, number>();
  const names = snapshot.nodeClassNames;
  let heapSize = 0;
  let objectCount = 0;
  for (let i = 0; i < snapshot.nodes.length; i += JSC_NODE_FIELDS) {
    const name = names[snapshot.nodes[i + 2]] ?? "(unknown)";
    counts.set(name, (counts.get(name) ?? 0) + 1);
    heapSize += snapshot.nodes[i + 1];
    objectCount++;
  }
  return { counts, objectCount, heapSize, shallowSize: () => null };
}
