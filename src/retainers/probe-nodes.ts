/**
 * Finds the probe the traced program made (see `probe.ts`) in a heap
 * snapshot's graph: its node, the nodes of the objects in its arrays, and
 * the nodes a search must not walk through (the probe, its arrays, the
 * tracer's own structures).
 *
 * @module
 */
import { EdgeKind, edgeName, findEdge, type HeapGraph, NodeKind, nodeName } from "./graph.ts";
import { PROBE_CLASS, PROBE_FIELDS } from "./probe.ts";

/**
 * The probe's nodes.
 *
 * @example
 * ```ts
 * declare const found: ProbeNodes;
 * found.targets[0]; // the node of the first object asked about, -1 if it is not in the snapshot
 * ```
 */
export interface ProbeNodes {
  /** The probe object itself. */
  readonly probe: number;
  /** The node of each object of `targets`, by its index there; -1 when missing. */
  readonly targets: readonly number[];
  readonly containers: readonly number[];
  readonly held: readonly number[];
  readonly landmarks: readonly number[];
  /** 1 for each node a search leaves out. */
  readonly blocked: Uint8Array;
}

/**
 * Finds the probe: the newest object of class {@link PROBE_CLASS} with a
 * `targets` array.
 *
 * @throws {Error} when the snapshot holds no probe
 *
 * @example
 * ```ts
 * import type { HeapGraph } from "./graph.ts";
 * declare const graph: HeapGraph;
 * const { targets, blocked } = findProbe(graph);
 * ```
 */
export function findProbe(graph: HeapGraph): ProbeNodes {
  let probe = -1;
  for (let n = 0; n < graph.nodeCount; n++) {
    if (graph.nodeKind[n] === NodeKind.Object && nodeName(graph, n) === PROBE_CLASS) {
      if (findEdge(graph, n, EdgeKind.Property, PROBE_FIELDS.targets) >= 0) probe = n;
    }
  }
  if (probe < 0) throw new Error(`the heap snapshot holds no ${PROBE_CLASS}: the program's probe was not in it`);
  const blocked = new Uint8Array(graph.nodeCount);
  blocked[probe] = 1;
  const field = (name: string): number[] => {
    const edge = findEdge(graph, probe, EdgeKind.Property, name);
    if (edge < 0) return [];
    const array = graph.edgeTo[edge];
    blocked[array] = 1;
    const slots: number[] = [];
    for (let e = graph.firstEdge[array]; e < graph.firstEdge[array + 1]; e++) {
      const kind = graph.edgeKind[e];
      if (kind === EdgeKind.Element) slots[graph.edgeName[e]] = graph.edgeTo[e];
      // V8's backing store of the array's elements, reached from the array alone.
      else if (kind === EdgeKind.Internal && edgeName(graph, e) === "elements") blocked[graph.edgeTo[e]] = 1;
    }
    return Array.from(slots, (node) => node ?? -1);
  };
  const targets = field(PROBE_FIELDS.targets);
  const containers = field(PROBE_FIELDS.containers);
  const held = field(PROBE_FIELDS.held);
  const landmarks = field(PROBE_FIELDS.landmarks);
  for (const node of field(PROBE_FIELDS.own)) if (node >= 0) blocked[node] = 1;
  return { probe, targets, containers, held, landmarks, blocked };
}
