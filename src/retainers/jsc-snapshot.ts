/**
 * Reads JavaScriptCore's heap snapshot (Bun's `generateHeapSnapshot()`, or
 * with function names and root kinds `generateHeapSnapshotForDebugging()`
 * of `bun:jsc`) into a {@link HeapGraph}.
 *
 * The format: `nodes` is a flat array of `id, size, classNameIndex, flags`
 * (and, in the `GCDebugging` form, `labelIndex, cellAddress,
 * wrappedAddress`); `edges` of `fromId, toId, typeIndex, data`, where the
 * type is one of `edgeTypes` (`Internal`, `Property`, `Index`, `Variable`)
 * and `data` an index in `edgeNames` (a property or a variable), the
 * element's index (`Index`), or nothing (`Internal`). Flag 1 marks an
 * engine-internal cell. `roots` lists `nodeId, reasonIndex, _` with the
 * reason in `labels` (`StrongReferences`, `ConservativeScan`, `JITWorkList`...). What it
 * does not give: a Map's or a Set's entries (their storage shows no
 * edges), source files of scopes and functions.
 *
 * @module
 */
import { EdgeKind, edgeRows, type HeapGraph, NodeKind } from "./graph.ts";
import { readSnapshotJson, type ScanProgress } from "./scan.ts";

const EDGE_KINDS: Readonly<Record<string, number>> = {
  Internal: EdgeKind.Internal,
  Property: EdgeKind.Property,
  Index: EdgeKind.Element,
  Variable: EdgeKind.Context,
};

const FUNCTION_CLASSES = new Set([
  "Function",
  "AsyncFunction",
  "GeneratorFunction",
  "AsyncGeneratorFunction",
  "JSAsyncGeneratorFunction",
  "BoundFunction",
]);

/** Flag of an engine-internal cell. */
const INTERNAL = 1;

/**
 * Reads a JavaScriptCore heap snapshot from its bytes (UTF-8 JSON).
 *
 * @throws {SyntaxError} when the bytes are not a JavaScriptCore heap snapshot
 *
 * @example
 * ```ts
 * declare const bytes: Uint8Array; // JSON.stringify(generateHeapSnapshotForDebugging()), encoded
 * const graph = await readJscSnapshot(bytes);
 * console.log(`${graph.nodeCount} nodes`);
 * ```
 */
export async function readJscSnapshot(bytes: Uint8Array, progress?: ScanProgress): Promise<HeapGraph> {
  const debugging = hasDebuggingForm(bytes);
  const stride = debugging ? 7 : 4;
  const { tables, values } = await readSnapshotJson(bytes, {
    nodes: { stride, columns: ["f64", "f64", "u32", "u32", ...(debugging ? ["u32" as const, null, null] : [])] },
    edges: { stride: 4, columns: ["f64", "f64", "u32", "u32"] },
    roots: { stride: 3, columns: ["f64", "u32", null] },
  }, progress);
  const nodes = tables.get("nodes");
  const edges = tables.get("edges");
  const classNames = values.get("nodeClassNames");
  const edgeTypes = values.get("edgeTypes");
  const edgeNames = values.get("edgeNames");
  if (!nodes || !edges || !isStrings(classNames) || !isStrings(edgeTypes) || !isStrings(edgeNames)) {
    throw new SyntaxError("not a JavaScriptCore heap snapshot: nodes, edges or their names missing");
  }
  const labels = isStrings(values.get("labels")) ? values.get("labels") as string[] : [];
  const nodeCount = nodes.rows;
  const ids = nodes.columns[0] as Float64Array;
  const index = idIndex(ids, nodeCount);
  // One string table: class names, then labels, then edge names, then "".
  const labelBase = classNames.length;
  const edgeNameBase = labelBase + labels.length;
  const empty = edgeNameBase + edgeNames.length;
  const strings = [...classNames, ...labels, ...edgeNames, ""];
  const nodeKind = new Uint8Array(nodeCount);
  const nodeName = new Uint32Array(nodeCount);
  const classes = nodes.columns[2] as Uint32Array;
  const flags = nodes.columns[3] as Uint32Array;
  const labelOf = debugging ? nodes.columns[4] as Uint32Array : null;
  let root = -1;
  for (let n = 0; n < nodeCount; n++) {
    const name = classNames[classes[n]] ?? "";
    const kind = kindOf(name, flags[n]);
    nodeKind[n] = kind;
    const label = labelOf?.[n] ?? 0;
    nodeName[n] = kind === NodeKind.Closure ? (label ? labelBase + label : empty) : classes[n];
    if (name === "<root>" && root < 0) root = n;
  }
  if (root < 0) throw new SyntaxError("not a JavaScriptCore heap snapshot: no <root> node");
  const edgeCount = edges.rows;
  const from = new Uint32Array(edgeCount);
  const to = new Uint32Array(edgeCount);
  const froms = edges.columns[0] as Float64Array;
  const tos = edges.columns[1] as Float64Array;
  for (let e = 0; e < edgeCount; e++) {
    from[e] = index(froms[e]);
    to[e] = index(tos[e]);
  }
  const rows = edgeRows(nodeCount, from, to);
  const types = edges.columns[2] as Uint32Array;
  const data = edges.columns[3] as Uint32Array;
  const kindOfType = edgeTypes.map((type) => EDGE_KINDS[type] ?? EdgeKind.Internal);
  const edgeKind = new Uint8Array(edgeCount);
  const edgeName = new Uint32Array(edgeCount);
  for (let e = 0; e < edgeCount; e++) {
    const source = rows.order[e];
    const kind = kindOfType[types[source]] ?? EdgeKind.Internal;
    edgeKind[e] = kind;
    edgeName[e] = kind === EdgeKind.Element
      ? data[source]
      : kind === EdgeKind.Internal
      ? empty
      : edgeNameBase + data[source];
  }
  return {
    format: "jsc",
    nodeCount,
    nodeKind,
    nodeName,
    nodeSize: Float64Array.from(nodes.columns[1]!.subarray(0, nodeCount)),
    firstEdge: rows.firstEdge,
    edgeKind,
    edgeName,
    edgeTo: rows.edgeTo,
    strings,
    root,
    ignoredRoots: passingRoots(tables.get("roots"), labels, index),
  };
}

/** Whether the snapshot is the `GCDebugging` form (labels and root reasons), read from its `type` near the start. */
function hasDebuggingForm(bytes: Uint8Array): boolean {
  const head = new TextDecoder().decode(bytes.subarray(0, 256));
  return /"type"\s*:\s*"GCDebugging"/.test(head);
}

/** A node's kind from its class and flags. */
function kindOf(className: string, flags: number): number {
  if (className === "<root>") return NodeKind.Synthetic;
  if (/(?:CodeBlock|Executable)$/.test(className)) return NodeKind.Code;
  if (flags & INTERNAL) return NodeKind.Hidden;
  if (FUNCTION_CLASSES.has(className)) return NodeKind.Closure;
  if (className === "string") return NodeKind.String;
  if (className === "Array") return NodeKind.Array;
  if (className === "symbol") return NodeKind.Symbol;
  if (className === "BigInt") return NodeKind.BigInt;
  return NodeKind.Object;
}

/** Maps node ids to indexes: an array when ids are dense enough, else a Map. */
function idIndex(ids: Float64Array, count: number): (id: number) => number {
  let max = 0;
  for (let n = 0; n < count; n++) if (ids[n] > max) max = ids[n];
  const missing = (id: number): never => {
    throw new SyntaxError(`JavaScriptCore heap snapshot: an edge names node ${id}, which is not in it`);
  };
  if (max < 8 * count + 1024) {
    const table = new Int32Array(max + 1).fill(-1);
    for (let n = 0; n < count; n++) table[ids[n]] = n;
    return (id) => {
      const n = id <= max ? table[id] : -1;
      return n >= 0 ? n : missing(id);
    };
  }
  const map = new Map<number, number>();
  for (let n = 0; n < count; n++) map.set(ids[n], n);
  return (id) => map.get(id) ?? missing(id);
}

/**
 * Why a root is one, when it is the engine's own passing work: the
 * conservative scan of the stack (the tracer's frames while it takes the
 * snapshot), the JIT compiler's worklists (constants of code being
 * compiled).
 */
const PASSING_ROOTS = /conservative|jitworklist/i;

/** Nodes rooted only by the engine's passing work ({@link PASSING_ROOTS}). */
function passingRoots(
  roots: { columns: readonly (Uint32Array | Float64Array | null)[]; rows: number } | undefined,
  labels: readonly string[],
  index: (id: number) => number,
): Set<number> {
  const conservative = new Set<number>();
  if (!roots) return conservative;
  const other = new Set<number>();
  const ids = roots.columns[0] as Float64Array;
  const reasons = roots.columns[1] as Uint32Array;
  for (let r = 0; r < roots.rows; r++) {
    const node = index(ids[r]);
    if (PASSING_ROOTS.test(labels[reasons[r]] ?? "")) conservative.add(node);
    else other.add(node);
  }
  for (const node of other) conservative.delete(node);
  return conservative;
}

function isStrings(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === "string");
}
