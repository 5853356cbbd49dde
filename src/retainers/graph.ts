/**
 * A heap snapshot as one graph, whatever engine wrote it: nodes with a
 * kind and a name, edges with a kind and a name (or an index), in
 * compressed sparse rows (each node's edges are `firstEdge[n]` to
 * `firstEdge[n + 1]`). V8's and JavaScriptCore's snapshots are read into
 * it by `v8-snapshot.ts` and `jsc-snapshot.ts`.
 *
 * @module
 */

/**
 * Which engine's format a heap snapshot is in.
 *
 * @example
 * ```ts
 * const format: HeapSnapshotFormat = "jsc"; // Bun; "v8" on Node and Deno
 * ```
 */
export type HeapSnapshotFormat = "v8" | "jsc";

/**
 * Kinds of nodes, V8's own (`snapshot.meta.node_types`); JavaScriptCore's
 * classes are mapped onto them.
 *
 * @example
 * ```ts
 * declare const graph: HeapGraph;
 * const isFunction = graph.nodeKind[3] === NodeKind.Closure;
 * ```
 */
export const NodeKind = {
  Hidden: 0,
  Array: 1,
  String: 2,
  Object: 3,
  Code: 4,
  Closure: 5,
  RegExp: 6,
  Number: 7,
  Native: 8,
  Synthetic: 9,
  ConsString: 10,
  SlicedString: 11,
  Symbol: 12,
  BigInt: 13,
  Shape: 14,
} as const;

/**
 * Kinds of edges: V8's own (`snapshot.meta.edge_types`), then the Map and
 * Set entries the traced program reported itself (JavaScriptCore's
 * snapshot does not show what a Map or Set holds).
 *
 * @example
 * ```ts
 * declare const graph: HeapGraph;
 * const named = graph.edgeKind[0] === EdgeKind.Property; // its name is graph.strings[graph.edgeName[0]]
 * ```
 */
export const EdgeKind = {
  /** A variable of a scope: `context` in V8, `Variable` in JavaScriptCore. */
  Context: 0,
  /** An array slot: its name is the index. */
  Element: 1,
  Property: 2,
  Internal: 3,
  /** An engine's own slot: its name is an index. */
  Hidden: 4,
  Shortcut: 5,
  Weak: 6,
  /** The value of a Map entry; its name is the key, as text. */
  MapValue: 7,
  /** The key of a Map entry (an object); its name is the key, as text. */
  MapKey: 8,
  /** A member of a Set. */
  SetMember: 9,
} as const;

/**
 * A heap snapshot's graph.
 *
 * @example
 * ```ts
 * declare const graph: HeapGraph;
 * for (let e = graph.firstEdge[graph.root]; e < graph.firstEdge[graph.root + 1]; e++) {
 *   console.log(graph.strings[graph.nodeName[graph.edgeTo[e]]]);
 * }
 * ```
 */
export interface HeapGraph {
  readonly format: HeapSnapshotFormat;
  /** Number of nodes. */
  readonly nodeCount: number;
  /** Each node's {@link NodeKind}. */
  readonly nodeKind: Uint8Array;
  /** Each node's name (a class, a function's name, a string's text...), an index in `strings`. */
  readonly nodeName: Uint32Array;
  /** Each node's own size in bytes. */
  readonly nodeSize: Float64Array;
  /** Each node's first edge; `nodeCount + 1` entries. */
  readonly firstEdge: Uint32Array;
  /** Each edge's {@link EdgeKind}. */
  readonly edgeKind: Uint8Array;
  /** Each edge's name, an index in `strings`; for {@link EdgeKind.Element} and {@link EdgeKind.Hidden}, the index itself. */
  readonly edgeName: Uint32Array;
  /** Each edge's target node. */
  readonly edgeTo: Uint32Array;
  readonly strings: readonly string[];
  /** The node the roots hang from. */
  readonly root: number;
  /** Roots to leave out of the search (JavaScriptCore's conservative stack scan and JIT worklists: the engine's passing work). */
  readonly ignoredRoots?: ReadonlySet<number>;
  /**
   * Nodes never entered: what the engine holds for the code running while
   * the snapshot is taken (V8's handle scopes and stack), which is the
   * tracer's, not the program's (the program is between two tasks).
   */
  readonly transient?: readonly number[];
}

/**
 * The name of node `node`.
 *
 * @example
 * ```ts
 * declare const graph: HeapGraph;
 * nodeName(graph, graph.root); // "" (V8) or "<root>" (JavaScriptCore)
 * ```
 */
export function nodeName(graph: HeapGraph, node: number): string {
  return graph.strings[graph.nodeName[node]] ?? "";
}

/**
 * The name of edge `edge` as text: its index for an element or hidden
 * edge, else its name.
 *
 * @example
 * ```ts
 * declare const graph: HeapGraph;
 * edgeName(graph, graph.firstEdge[graph.root]); // e.g. "(GC roots)" or "1"
 * ```
 */
export function edgeName(graph: HeapGraph, edge: number): string {
  const kind = graph.edgeKind[edge];
  if (kind === EdgeKind.Element || kind === EdgeKind.Hidden) return String(graph.edgeName[edge]);
  return graph.strings[graph.edgeName[edge]] ?? "";
}

/**
 * The first edge of `node` of kind `kind` named `name`, or -1.
 *
 * @example
 * ```ts
 * declare const graph: HeapGraph;
 * declare const closure: number;
 * const context = findEdge(graph, closure, EdgeKind.Internal, "context");
 * ```
 */
export function findEdge(graph: HeapGraph, node: number, kind: number, name: string): number {
  for (let e = graph.firstEdge[node]; e < graph.firstEdge[node + 1]; e++) {
    if (graph.edgeKind[e] === kind && edgeName(graph, e) === name) return e;
  }
  return -1;
}

/**
 * Builds a graph's edge rows from edges listed in any order (JavaScriptCore
 * lists them by source id, not grouped): `from[i]` to `to[i]`, nodes as
 * indexes.
 *
 * @example
 * ```ts
 * const rows = edgeRows(3, Uint32Array.of(2, 0, 0), Uint32Array.of(0, 1, 2));
 * rows.firstEdge; // [0, 2, 2, 3]: node 0 has edges 0 and 1 (to 1 and 2), node 2 has edge 2 (to 0)
 * rows.order; // [1, 2, 0]: the input edge each row edge came from
 * ```
 */
export function edgeRows(
  nodeCount: number,
  from: Uint32Array,
  to: Uint32Array,
): { firstEdge: Uint32Array; edgeTo: Uint32Array; order: Uint32Array } {
  const firstEdge = new Uint32Array(nodeCount + 1);
  for (let i = 0; i < from.length; i++) firstEdge[from[i] + 1]++;
  for (let n = 0; n < nodeCount; n++) firstEdge[n + 1] += firstEdge[n];
  const next = firstEdge.slice(0, nodeCount);
  const edgeTo = new Uint32Array(from.length);
  const order = new Uint32Array(from.length);
  for (let i = 0; i < from.length; i++) {
    const slot = next[from[i]]++;
    edgeTo[slot] = to[i];
    order[slot] = i;
  }
  return { firstEdge, edgeTo, order };
}
