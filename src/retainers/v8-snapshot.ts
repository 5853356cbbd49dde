/**
 * Reads V8's heap snapshot format (`.heapsnapshot`, what Node's and Deno's
 * `HeapProfiler.takeHeapSnapshot` write) into a {@link HeapGraph}.
 *
 * The format: `snapshot.meta` names the fields of a node
 * (`type, name, id, self_size, edge_count, ...`) and of an edge
 * (`type, name_or_index, to_node`); `nodes` and `edges` are flat arrays of
 * those fields, a node's edges following those of the node before it;
 * `to_node` is an offset in `nodes` (a node's index times the number of
 * node fields); names are indexes in `strings`, except an `element` or
 * `hidden` edge's, which is its index.
 *
 * @module
 */
import { EdgeKind, type HeapGraph, NodeKind } from "./graph.ts";
import { readSnapshotJson, type ScanProgress } from "./scan.ts";

interface V8Meta {
  readonly node_fields: readonly string[];
  readonly node_types: readonly [readonly string[], ...unknown[]];
  readonly edge_fields: readonly string[];
  readonly edge_types: readonly [readonly string[], ...unknown[]];
}

interface V8Header {
  readonly meta: V8Meta;
  readonly node_count?: number;
  readonly edge_count?: number;
}

const NODE_KINDS: Readonly<Record<string, number>> = {
  hidden: NodeKind.Hidden,
  array: NodeKind.Array,
  string: NodeKind.String,
  object: NodeKind.Object,
  code: NodeKind.Code,
  closure: NodeKind.Closure,
  regexp: NodeKind.RegExp,
  number: NodeKind.Number,
  native: NodeKind.Native,
  synthetic: NodeKind.Synthetic,
  "concatenated string": NodeKind.ConsString,
  "sliced string": NodeKind.SlicedString,
  symbol: NodeKind.Symbol,
  bigint: NodeKind.BigInt,
  "object shape": NodeKind.Shape,
};

const EDGE_KINDS: Readonly<Record<string, number>> = {
  context: EdgeKind.Context,
  element: EdgeKind.Element,
  property: EdgeKind.Property,
  internal: EdgeKind.Internal,
  hidden: EdgeKind.Hidden,
  shortcut: EdgeKind.Shortcut,
  weak: EdgeKind.Weak,
};

/**
 * V8's roots that hold what the code running while the snapshot is taken
 * holds: the tracer's, not the program's.
 */
const TRANSIENT_ROOTS = new Set(["(Handle scope)", "(Stack roots)"]);

/**
 * Reads a V8 heap snapshot from its bytes (UTF-8 JSON).
 *
 * @throws {SyntaxError} when the bytes are not a V8 heap snapshot
 *
 * @example
 * ```ts
 * import { readFileSync } from "node:fs";
 * const graph = await readV8Snapshot(readFileSync("app.heapsnapshot"));
 * console.log(`${graph.nodeCount} nodes`);
 * ```
 */
export async function readV8Snapshot(bytes: Uint8Array, progress?: ScanProgress): Promise<HeapGraph> {
  const header = readHeader(bytes);
  const { meta } = header;
  const nodeFields = meta.node_fields.length;
  const edgeFields = meta.edge_fields.length;
  const nodeColumns = meta.node_fields.map((field) =>
    field === "type" || field === "name" || field === "edge_count"
      ? "u32" as const
      : field === "self_size"
      ? "f64" as const
      : null
  );
  const edgeColumns = meta.edge_fields.map((field) =>
    field === "type" || field === "name_or_index" || field === "to_node" ? "u32" as const : null
  );
  const { tables, values } = await readSnapshotJson(bytes, {
    nodes: { stride: nodeFields, columns: nodeColumns, rows: header.node_count },
    edges: { stride: edgeFields, columns: edgeColumns, rows: header.edge_count },
  }, progress);
  const nodes = tables.get("nodes");
  const edges = tables.get("edges");
  const strings = values.get("strings");
  if (!nodes || !edges || !Array.isArray(strings)) {
    throw new SyntaxError("not a V8 heap snapshot: nodes, edges or strings missing");
  }
  const column = (table: typeof nodes, fields: readonly string[], name: string): Uint32Array | Float64Array => {
    const found = table.columns[fields.indexOf(name)];
    if (!found) throw new SyntaxError(`not a V8 heap snapshot: no ${name} field`);
    return found;
  };
  const nodeCount = nodes.rows;
  const types = column(nodes, meta.node_fields, "type");
  const kinds = meta.node_types[0].map((name) => NODE_KINDS[name] ?? NodeKind.Hidden);
  const nodeKind = new Uint8Array(nodeCount);
  for (let n = 0; n < nodeCount; n++) nodeKind[n] = kinds[types[n]] ?? NodeKind.Hidden;
  const edgeCounts = column(nodes, meta.node_fields, "edge_count");
  const firstEdge = new Uint32Array(nodeCount + 1);
  for (let n = 0; n < nodeCount; n++) firstEdge[n + 1] = firstEdge[n] + edgeCounts[n];
  const edgeCount = edges.rows;
  if (firstEdge[nodeCount] !== edgeCount) {
    throw new SyntaxError(`V8 heap snapshot: the nodes count ${firstEdge[nodeCount]} edges, there are ${edgeCount}`);
  }
  const edgeTypes = column(edges, meta.edge_fields, "type");
  const edgeKindOf = meta.edge_types[0].map((name) => EDGE_KINDS[name] ?? EdgeKind.Internal);
  const edgeKind = new Uint8Array(edgeCount);
  for (let e = 0; e < edgeCount; e++) edgeKind[e] = edgeKindOf[edgeTypes[e]] ?? EdgeKind.Internal;
  const toNode = column(edges, meta.edge_fields, "to_node");
  const edgeTo = new Uint32Array(edgeCount);
  for (let e = 0; e < edgeCount; e++) edgeTo[e] = toNode[e] / nodeFields;
  const names = strings as string[];
  const nodeName = trimmed(column(nodes, meta.node_fields, "name") as Uint32Array, nodeCount);
  const transient: number[] = [];
  for (let n = 0; n < nodeCount; n++) {
    if (nodeKind[n] === NodeKind.Synthetic && TRANSIENT_ROOTS.has(names[nodeName[n]])) transient.push(n);
  }
  return {
    format: "v8",
    nodeCount,
    nodeKind,
    nodeName,
    nodeSize: trimmed(column(nodes, meta.node_fields, "self_size") as Float64Array, nodeCount),
    firstEdge,
    edgeKind,
    edgeName: trimmed(column(edges, meta.edge_fields, "name_or_index") as Uint32Array, edgeCount),
    edgeTo,
    strings: names,
    root: 0,
    transient,
  };
}

/** The `snapshot` member (meta and counts), read before anything else to size the columns. */
function readHeader(bytes: Uint8Array): V8Header {
  // The header comes first and is small: read it from a prefix, where the nodes array starts.
  const marker = new TextEncoder().encode('"nodes"');
  const at = indexOf(bytes, marker, 1 << 20);
  if (at < 0) throw new SyntaxError("not a V8 heap snapshot: no nodes array near its start");
  const prefix = new TextDecoder().decode(bytes.subarray(0, at)).replace(/,\s*$/, "") + "}";
  let parsed: unknown;
  try {
    parsed = JSON.parse(prefix);
  } catch {
    throw new SyntaxError("not a V8 heap snapshot: its header is not JSON");
  }
  const header = (parsed as { snapshot?: V8Header }).snapshot;
  if (!header?.meta?.node_fields || !header.meta.edge_fields) {
    throw new SyntaxError("not a V8 heap snapshot: no snapshot.meta");
  }
  return header;
}

function indexOf(bytes: Uint8Array, pattern: Uint8Array, limit: number): number {
  const end = Math.min(bytes.length, limit) - pattern.length;
  outer: for (let i = 0; i <= end; i++) {
    for (let k = 0; k < pattern.length; k++) if (bytes[i + k] !== pattern[k]) continue outer;
    return i;
  }
  return -1;
}

function trimmed<T extends Uint32Array | Float64Array>(column: T, length: number): T {
  return (column.length === length ? column : column.subarray(0, length)) as T;
}
