/**
 * Small heap snapshots made by hand, in V8's and in JavaScriptCore's
 * format, for the tests of `src/retainers/`.
 *
 * @module
 */

/** A V8 edge: its type, its name (or an element's index) and the index of the node it points to. */
export type V8Edge = readonly [type: string, name: string | number, to: number];

/** A V8 node: type, name, own size and edges. */
export interface V8Node {
  readonly type: string;
  readonly name: string;
  readonly size?: number;
  readonly edges?: readonly V8Edge[];
}

const NODE_TYPES = [
  "hidden",
  "array",
  "string",
  "object",
  "code",
  "closure",
  "regexp",
  "number",
  "native",
  "synthetic",
  "concatenated string",
  "sliced string",
  "symbol",
  "bigint",
  "object shape",
];
const EDGE_TYPES = ["context", "element", "property", "internal", "hidden", "shortcut", "weak"];

/** The bytes of a V8 heap snapshot holding `nodes` (node 0 is the root), laid out as V8 writes it. */
export function v8Snapshot(nodes: readonly V8Node[]): Uint8Array {
  const strings: string[] = [];
  const index = new Map<string, number>();
  const str = (s: string) => {
    let i = index.get(s);
    if (i === undefined) index.set(s, i = strings.push(s) - 1);
    return i;
  };
  const fields = 6;
  const flatNodes: number[] = [];
  const flatEdges: number[] = [];
  nodes.forEach((node, i) => {
    flatNodes.push(
      NODE_TYPES.indexOf(node.type),
      str(node.name),
      2 * i + 1,
      node.size ?? 16,
      node.edges?.length ?? 0,
      0,
    );
    for (const [type, name, to] of node.edges ?? []) {
      const named = type === "element" || type === "hidden" ? Number(name) : str(String(name));
      flatEdges.push(EDGE_TYPES.indexOf(type), named, to * fields);
    }
  });
  const snapshot = {
    meta: {
      node_fields: ["type", "name", "id", "self_size", "edge_count", "detachedness"],
      node_types: [NODE_TYPES, "string", "number", "number", "number", "number"],
      edge_fields: ["type", "name_or_index", "to_node"],
      edge_types: [EDGE_TYPES, "string_or_number", "node"],
    },
    node_count: nodes.length,
    edge_count: flatEdges.length / 3,
  };
  const text = `{"snapshot":${JSON.stringify(snapshot)},\n"nodes":[${flatNodes.join(",")}],\n"edges":[${
    flatEdges.join(",\n")
  }],\n"trace_function_infos":[],\n"locations":[],\n"strings":${JSON.stringify(strings)}}`;
  return new TextEncoder().encode(text);
}

/** A JavaScriptCore node: id, class, flags (1: internal, 2: an object of a user class) and label. */
export interface JscNode {
  readonly id: number;
  readonly cls: string;
  readonly flags?: number;
  readonly label?: string;
}

/** A JavaScriptCore edge: from and to (ids), type, and a name (or an index). */
export type JscEdge = readonly [
  from: number,
  to: number,
  type: "Internal" | "Property" | "Index" | "Variable",
  data?: string | number,
];

/** The bytes of a JavaScriptCore heap snapshot, `GCDebugging` form, as `JSON.stringify` writes it. */
export function jscSnapshot(
  nodes: readonly JscNode[],
  edges: readonly JscEdge[],
  roots: readonly (readonly [id: number, reason: string])[] = [],
): Uint8Array {
  const classNames: string[] = [];
  const labels: string[] = [""];
  const edgeNames: string[] = [];
  const intern = (list: string[], s: string) => {
    const i = list.indexOf(s);
    return i >= 0 ? i : list.push(s) - 1;
  };
  const edgeTypes = ["Internal", "Property", "Index", "Variable"];
  const flatNodes: (number | string)[] = [];
  for (const node of nodes) {
    flatNodes.push(
      node.id,
      32,
      intern(classNames, node.cls),
      node.flags ?? 0,
      node.label ? intern(labels, node.label) : 0,
      `0x${node.id.toString(16)}`,
      "0x0",
    );
  }
  const flatEdges: number[] = [];
  for (const [from, to, type, data] of edges) {
    const value = type === "Index" ? Number(data) : type === "Internal" ? 0 : intern(edgeNames, String(data));
    flatEdges.push(from, to, edgeTypes.indexOf(type), value);
  }
  const flatRoots: number[] = [];
  for (const [id, reason] of roots) flatRoots.push(id, intern(labels, reason), 0);
  return new TextEncoder().encode(JSON.stringify({
    version: 2,
    type: "GCDebugging",
    nodes: flatNodes,
    nodeClassNames: classNames,
    edges: flatEdges,
    edgeTypes,
    edgeNames,
    roots: flatRoots,
    labels,
  }));
}
