import { test } from "node:test";
import assert from "node:assert/strict";
import { EdgeKind, type HeapGraph, nodeName } from "../../src/retainers/graph.ts";
import { type ExtraEdge, pathTo, searchFromRoots } from "../../src/retainers/paths.ts";
import { readV8Snapshot } from "../../src/retainers/v8-snapshot.ts";
import { type V8Node, v8Snapshot } from "./helpers.ts";

/** The path to node `target` as `name>name>...` of the nodes it passes, or null. */
async function route(
  nodes: V8Node[],
  target: number,
  options: { blocked?: number[]; extra?: ExtraEdge[] } = {},
): Promise<string | null> {
  const graph: HeapGraph = await readV8Snapshot(v8Snapshot(nodes));
  const blocked = new Uint8Array(graph.nodeCount);
  for (const node of options.blocked ?? []) blocked[node] = 1;
  const extra = options.extra ?? [];
  const reached = await searchFromRoots(graph, { blocked, extra });
  const steps = pathTo(graph, reached, extra, target);
  return steps ? steps.map((s) => `${s.name}>${nodeName(graph, s.to)}`).join(" ") : null;
}

const root = (...edges: V8Node["edges"] & object): V8Node => ({ type: "synthetic", name: "", edges });
const object = (name: string, ...edges: V8Node["edges"] & object): V8Node => ({ type: "object", name, edges });

test("the shortest path from the root is found", async () => {
  const nodes = [
    root(["property", "a", 1], ["property", "b", 2]),
    object("A", ["property", "x", 3]),
    object("B", ["property", "long", 4]),
    object("Target"),
    object("C", ["property", "y", 3]),
  ];
  assert.equal(await route(nodes, 3), "a>A x>Target");
});

test("weak edges are not followed: an object held only weakly has no path", async () => {
  const nodes = [root(["property", "ref", 1]), object("WeakRef", ["weak", "target", 2]), object("Target")];
  assert.equal(await route(nodes, 2), null);
});

test("shortcut edges count only from the root (they mark global objects)", async () => {
  const nodes = [
    root(["shortcut", "1", 1], ["element", 0, 2]),
    object("global / ", ["property", "kept", 3]),
    object("Other", ["shortcut", "s", 3]),
    object("Target"),
  ];
  assert.equal(await route(nodes, 3), "1>global /  kept>Target");
  const only = [root(["element", 0, 1]), object("Other", ["shortcut", "s", 2]), object("Target")];
  assert.equal(await route(only, 2), null);
});

test("blocked nodes (the probe, the tracer's structures) are never walked through", async () => {
  const nodes = [
    root(["property", "probe", 1], ["property", "app", 2]),
    object("TracemallocRetainerProbe", ["property", "targets", 4]),
    object("App", ["property", "a", 3]),
    object("Holder", ["property", "b", 4]),
    object("Target"),
  ];
  assert.equal(await route(nodes, 4, { blocked: [1] }), "app>App a>Holder b>Target");
});

test("of two paths as short, the one through named edges wins over the engine's internal ones", async () => {
  const nodes = [
    root(["internal", "slot", 1], ["property", "named", 2]),
    object("Internal", ["internal", "x", 3]),
    object("Named", ["property", "y", 3]),
    object("Target"),
  ];
  assert.equal(await route(nodes, 3), "named>Named y>Target");
});

test("code is walked through only where nothing else leads (a compiled function's constants are not the reason an object lives)", async () => {
  const nodes = [
    root(["internal", "code", 1], ["property", "app", 2]),
    { type: "code", name: "system / Code", edges: [["internal", "constant", 4]] } satisfies V8Node,
    object("App", ["property", "holder", 3]),
    object("Holder", ["property", "kept", 4]),
    object("Target"),
    object("Elsewhere"),
  ];
  assert.equal(await route(nodes, 4), "app>App holder>Holder kept>Target");
  const onlyCode = [
    root(["internal", "code", 1]),
    { type: "code", name: "system / Code", edges: [["internal", "constant", 2]] } satisfies V8Node,
    object("Target"),
  ];
  assert.equal(await route(onlyCode, 2), "code>system / Code constant>Target");
});

test("V8's handle scopes and stack are not walked through: they hold what the tracer is doing", async () => {
  const nodes = [
    root(["element", 1, 1]),
    { type: "synthetic", name: "(GC roots)", edges: [["element", 0, 2]] } satisfies V8Node,
    { type: "synthetic", name: "(Handle scope)", edges: [["internal", "0", 3]] } satisfies V8Node,
    object("Target"),
  ];
  assert.equal(await route(nodes, 3), null);
});

test("edges the program reported (Map and Set entries) are searched like the snapshot's own", async () => {
  const nodes = [root(["property", "cache", 1]), object("Map"), object("Target")];
  assert.equal(await route(nodes, 2), null);
  const extra = [{ from: 1, to: 2, kind: EdgeKind.MapValue, name: "4123" }];
  assert.equal(await route(nodes, 2, { extra }), "cache>Map 4123>Target");
});
