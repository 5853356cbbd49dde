import { test } from "node:test";
import assert from "node:assert/strict";
import { EdgeKind, edgeName, type HeapGraph, NodeKind, nodeName } from "../../src/retainers/graph.ts";
import { readJscSnapshot } from "../../src/retainers/jsc-snapshot.ts";
import { readSnapshotJson } from "../../src/retainers/scan.ts";
import { readV8Snapshot } from "../../src/retainers/v8-snapshot.ts";
import { jscSnapshot, v8Snapshot } from "./helpers.ts";

const bytes = (text: string) => new TextEncoder().encode(text);

/** Each node's edges as `kind:name->target name`. */
function edgesOf(graph: HeapGraph, node: number): string[] {
  const out: string[] = [];
  for (let e = graph.firstEdge[node]; e < graph.firstEdge[node + 1]; e++) {
    out.push(`${graph.edgeKind[e]}:${edgeName(graph, e)}->${nodeName(graph, graph.edgeTo[e])}`);
  }
  return out;
}

test("number arrays are read into the columns asked for, other members with JSON.parse", async () => {
  const { tables, values } = await readSnapshotJson(
    bytes('{"meta":{"a":[1,2]},\n"rows":[1,2,3,\n4,5,6],"names":["x","y\\"z"]}'),
    { rows: { stride: 3, columns: ["u32", null, "f64"] } },
  );
  const rows = tables.get("rows")!;
  assert.equal(rows.rows, 2);
  assert.deepEqual([...rows.columns[0]!.subarray(0, 2)], [1, 4]);
  assert.equal(rows.columns[1], null);
  assert.deepEqual([...rows.columns[2]!.subarray(0, 2)], [3, 6]);
  assert.deepEqual(values.get("meta"), { a: [1, 2] });
  assert.deepEqual(values.get("names"), ["x", 'y"z']);
});

test("a number array longer than its first guess grows its columns", async () => {
  const many = Array.from({ length: 5000 }, (_, i) => i % 10);
  const { tables } = await readSnapshotJson(bytes(`{"rows":[${many.join(",")}]}`), {
    rows: { stride: 1, columns: ["u32"] },
  });
  const rows = tables.get("rows")!;
  assert.equal(rows.rows, 5000);
  assert.deepEqual([...rows.columns[0]!.subarray(0, 5000)], many);
});

test("a string among the numbers counts as one value (JavaScriptCore's cell addresses)", async () => {
  const { tables } = await readSnapshotJson(bytes('{"rows":[7,"0x1a",8,"0x0"]}'), {
    rows: { stride: 2, columns: ["u32", null] },
  });
  assert.deepEqual([...tables.get("rows")!.columns[0]!.subarray(0, 2)], [7, 8]);
});

test("an array of rows cut inside a row, or bytes that are not JSON, are refused", async () => {
  await assert.rejects(
    readSnapshotJson(bytes('{"rows":[1,2,3]}'), { rows: { stride: 2, columns: ["u32", "u32"] } }),
    /ends inside a row/,
  );
  await assert.rejects(readSnapshotJson(bytes("PK\u0003\u0004"), {}), SyntaxError);
  await assert.rejects(
    readSnapshotJson(bytes('{"rows":[1,2'), { rows: { stride: 1, columns: ["u32"] } }),
    /end inside an array/,
  );
});

test("a V8 snapshot's nodes and edges are read with their kinds, names and targets", async () => {
  const graph = await readV8Snapshot(v8Snapshot([
    { type: "synthetic", name: "", edges: [["element", 1, 1], ["shortcut", "g", 2]] },
    { type: "synthetic", name: "(GC roots)" },
    { type: "object", name: "global / ", size: 40, edges: [["property", "cache", 3], ["weak", "w", 3]] },
    { type: "object", name: "Map", edges: [["internal", "table", 4]] },
    { type: "array", name: "", size: 152 },
  ]));
  assert.equal(graph.format, "v8");
  assert.equal(graph.nodeCount, 5);
  assert.equal(graph.root, 0);
  assert.deepEqual(edgesOf(graph, 0), [`${EdgeKind.Element}:1->(GC roots)`, `${EdgeKind.Shortcut}:g->global / `]);
  assert.deepEqual(edgesOf(graph, 2), [`${EdgeKind.Property}:cache->Map`, `${EdgeKind.Weak}:w->Map`]);
  assert.deepEqual(edgesOf(graph, 3), [`${EdgeKind.Internal}:table->`]);
  assert.equal(graph.nodeKind[3], NodeKind.Object);
  assert.equal(graph.nodeKind[4], NodeKind.Array);
  assert.equal(graph.nodeSize[4], 152);
});

test("V8's handle scopes and stack roots are marked transient (what the code taking the snapshot holds)", async () => {
  const graph = await readV8Snapshot(v8Snapshot([
    { type: "synthetic", name: "", edges: [["element", 1, 1]] },
    { type: "synthetic", name: "(GC roots)", edges: [["element", 0, 2], ["element", 1, 3], ["element", 2, 4]] },
    { type: "synthetic", name: "(Handle scope)" },
    { type: "synthetic", name: "(Stack roots)" },
    { type: "synthetic", name: "(Global handles)" },
  ]));
  assert.deepEqual(graph.transient, [2, 3]);
});

test("bytes that are not a V8 snapshot are refused, naming what is missing", async () => {
  await assert.rejects(readV8Snapshot(bytes('{"a":1}')), /not a V8 heap snapshot/);
  await assert.rejects(readV8Snapshot(bytes('{"snapshot":{},"nodes":[]}')), /no snapshot\.meta/);
});

test("a JavaScriptCore snapshot's edges are grouped by their source, typed, named, and its functions named by their labels", async () => {
  const graph = await readJscSnapshot(jscSnapshot(
    [
      { id: 0, cls: "<root>" },
      { id: 5, cls: "GlobalObject" },
      { id: 9, cls: "Function", label: "handler" },
      { id: 7, cls: "JSLexicalEnvironment" },
      { id: 3, cls: "Item", flags: 2 },
      { id: 4, cls: "Structure", flags: 1 },
      { id: 6, cls: "FunctionCodeBlock", flags: 1 },
    ],
    [
      [7, 3, "Variable", "items"],
      [0, 5, "Internal"],
      [5, 9, "Property", "onTick"],
      [9, 7, "Internal"],
      [3, 4, "Internal"],
      [5, 3, "Index", 2],
    ],
  ));
  assert.equal(graph.format, "jsc");
  assert.equal(nodeName(graph, graph.root), "<root>");
  assert.deepEqual(edgesOf(graph, 1), [`${EdgeKind.Property}:onTick->handler`, `${EdgeKind.Element}:2->Item`]);
  assert.deepEqual(edgesOf(graph, 3), [`${EdgeKind.Context}:items->Item`]);
  assert.equal(graph.nodeKind[2], NodeKind.Closure);
  assert.equal(graph.nodeKind[4], NodeKind.Object);
  assert.equal(graph.nodeKind[5], NodeKind.Hidden);
  assert.equal(graph.nodeKind[6], NodeKind.Code);
});

test("JavaScriptCore roots found only by the conservative stack scan or the JIT's worklists are ignored", async () => {
  const graph = await readJscSnapshot(jscSnapshot(
    [
      { id: 0, cls: "<root>" },
      { id: 1, cls: "Item", flags: 2 },
      { id: 2, cls: "Item", flags: 2 },
      { id: 3, cls: "Map" },
    ],
    [[0, 1, "Internal"], [0, 2, "Internal"], [0, 3, "Internal"]],
    [[1, "ConservativeScan"], [2, "ConservativeScan"], [2, "StrongReferences"], [3, "JITWorkList"]],
  ));
  assert.deepEqual([...graph.ignoredRoots!], [1, 3]);
});

test("an edge to a node that is not in a JavaScriptCore snapshot is refused", async () => {
  await assert.rejects(
    readJscSnapshot(jscSnapshot([{ id: 0, cls: "<root>" }], [[0, 42, "Internal"]])),
    /names node 42/,
  );
});
