/**
 * Shortest paths from a heap snapshot's roots: one breadth-first search
 * from the root node gives every reachable node its parent, so the path to
 * any object is read back from it. Weak edges are not followed (a weak
 * reference never keeps an object alive), nor V8's shortcut edges except
 * the root's own (they mark global objects), nor blocked nodes (the probe,
 * the tracer's structures, what the code taking the snapshot holds). Among a node's edges, named ones (variables,
 * properties, elements, Map entries) are followed before the engine's
 * internal ones, so that of two paths as short, the one a developer can
 * read wins; and code (compiled functions, which hold the constants and
 * caches they use) is walked through only where nothing else leads.
 *
 * @module
 */
import { EdgeKind, edgeName, type HeapGraph, NodeKind } from "./graph.ts";

/**
 * An edge the heap snapshot does not show, added to the search: a Map or
 * Set entry the traced program reported.
 *
 * @example
 * ```ts
 * import { EdgeKind } from "./graph.ts";
 * const entry: ExtraEdge = { from: 120, to: 345, kind: EdgeKind.MapValue, name: "4123" };
 * ```
 */
export interface ExtraEdge {
  readonly from: number;
  readonly to: number;
  /** An {@link EdgeKind}. */
  readonly kind: number;
  readonly name: string;
}

/**
 * One step of a path: the edge from `from` to `to`.
 *
 * @example
 * ```ts
 * import { EdgeKind } from "./graph.ts";
 * const step: PathStep = { from: 7, to: 9, kind: EdgeKind.Property, name: "cache" };
 * ```
 */
export interface PathStep {
  readonly from: number;
  readonly to: number;
  /** An {@link EdgeKind}. */
  readonly kind: number;
  /** The edge's name; an element's or a hidden slot's index as text. */
  readonly name: string;
}

/**
 * The search's result: each node's parent (-1 for the root, -2 when not
 * reached) and the edge that reached it (an edge index, or `-2 - i` for
 * extra edge `i`).
 *
 * @example
 * ```ts
 * declare const reached: Reached;
 * declare const node: number;
 * const reachable = reached.parent[node] !== -2;
 * ```
 */
export interface Reached {
  readonly parent: Int32Array;
  readonly via: Int32Array;
}

/**
 * Options of {@link searchFromRoots}.
 *
 * @example
 * ```ts
 * const options: SearchOptions = { blocked: new Uint8Array(10), extra: [] };
 * ```
 */
export interface SearchOptions {
  /** 1 for each node never entered. */
  readonly blocked: Uint8Array;
  /** Edges to add to the snapshot's. */
  readonly extra: readonly ExtraEdge[];
  /** Reports nodes reached so far, of the graph's nodes. */
  readonly progress?: (done: number, total: number) => void;
}

/** Nodes dequeued between two yields to the event loop. */
const SLICE = 1 << 18;

/**
 * Searches breadth first from the graph's root.
 *
 * @example
 * ```ts
 * import type { HeapGraph } from "./graph.ts";
 * declare const graph: HeapGraph;
 * const reached = await searchFromRoots(graph, { blocked: new Uint8Array(graph.nodeCount), extra: [] });
 * ```
 */
export async function searchFromRoots(graph: HeapGraph, options: SearchOptions): Promise<Reached> {
  const { nodeCount, firstEdge, edgeKind, edgeTo, root } = graph;
  const blocked = options.blocked.slice();
  for (const node of graph.transient ?? []) blocked[node] = 1;
  const { extra } = options;
  const parent = new Int32Array(nodeCount).fill(-2);
  const via = new Int32Array(nodeCount).fill(-1);
  const extraFrom = new Map<number, number[]>();
  extra.forEach((edge, i) => {
    const list = extraFrom.get(edge.from);
    if (list) list.push(i);
    else extraFrom.set(edge.from, [i]);
  });
  const ignored = graph.ignoredRoots;
  const queue = new Uint32Array(nodeCount);
  let head = 0;
  let tail = 0;
  parent[root] = -1;
  queue[tail++] = root;
  const reach = (from: number, to: number, edge: number) => {
    if (parent[to] !== -2 || blocked[to]) return;
    parent[to] = from;
    via[to] = edge;
    queue[tail++] = to;
  };
  // Code (compiled functions, their constants and caches) holds objects the
  // program also holds the way it wrote: its edges are followed only once
  // every other way is exhausted, round after round.
  let deferred: number[] = [];
  let pause = SLICE;
  const expand = (node: number) => {
    const atRoot = node === root;
    const added = extraFrom.get(node);
    if (added) { for (const i of added) reach(node, extra[i].to, -2 - i); }
    // Named edges first, then the engine's own.
    for (let pass = 0; pass < 2; pass++) {
      for (let e = firstEdge[node]; e < firstEdge[node + 1]; e++) {
        const kind = edgeKind[e];
        if (kind === EdgeKind.Weak || (kind === EdgeKind.Shortcut && !atRoot)) continue;
        const internal = kind === EdgeKind.Internal || kind === EdgeKind.Hidden;
        if (internal !== (pass === 1)) continue;
        const to = edgeTo[e];
        if (atRoot && ignored?.has(to)) continue;
        reach(node, to, e);
      }
    }
  };
  while (head < tail || deferred.length) {
    if (head === tail) {
      const round = deferred;
      deferred = [];
      for (const node of round) expand(node);
      continue;
    }
    const node = queue[head++];
    if (graph.nodeKind[node] === NodeKind.Code) deferred.push(node);
    else expand(node);
    if (head === pause) {
      pause += SLICE;
      options.progress?.(tail, nodeCount);
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  }
  return { parent, via };
}

/**
 * The path from the root to `node`, first step first; null when the search
 * did not reach it; empty for the root itself.
 *
 * @example
 * ```ts
 * import type { HeapGraph } from "./graph.ts";
 * declare const graph: HeapGraph;
 * declare const reached: Reached;
 * declare const target: number;
 * const steps = pathTo(graph, reached, [], target);
 * console.log(steps?.map((s) => s.name).join(" -> "));
 * ```
 */
export function pathTo(
  graph: HeapGraph,
  reached: Reached,
  extra: readonly ExtraEdge[],
  node: number,
): PathStep[] | null {
  if (reached.parent[node] === -2) return null;
  const steps: PathStep[] = [];
  for (let at = node; reached.parent[at] >= 0; at = reached.parent[at]) {
    const edge = reached.via[at];
    if (edge <= -2) {
      const added = extra[-2 - edge];
      steps.push({ from: added.from, to: added.to, kind: added.kind, name: added.name });
    } else {
      steps.push({ from: reached.parent[at], to: at, kind: graph.edgeKind[edge], name: edgeName(graph, edge) });
    }
  }
  return steps.reverse();
}
