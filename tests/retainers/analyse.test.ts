import { test } from "node:test";
import assert from "node:assert/strict";
import { analyseRetainers, type RetainerReport } from "../../src/retainers/analyse.ts";
import { declarationKind } from "../../src/retainers/declarations.ts";
import type { RetainerProbe } from "../../src/retainers/probe.ts";
import { jscSnapshot, type V8Node, v8Snapshot } from "./helpers.ts";

/** A report of the program with nothing but its probe's targets (no Map entries of its own). */
function probeOf(format: "v8" | "jsc", taken: number, more: Partial<RetainerProbe> = {}): RetainerProbe {
  return {
    found: taken,
    taken,
    engine: "line",
    format,
    targetSites: [],
    containerSites: [],
    entries: { container: [], role: [], key: [] },
    landmarks: { files: [], file: [] },
    entriesComplete: true,
    snapshotMs: 0,
    ...more,
  };
}

/** `count x shape` per path, most objects first. */
function shapes(report: RetainerReport): string[] {
  return report.paths.map((p) => `${p.count} x ${p.shape}`);
}

/**
 * A V8 heap of an ES module `/app/leaky.ts` (`const cache = new Map()`,
 * `const list = []`, `const keep = handler` capturing `items`), a global
 * `registry` (class `Registry`, field `entries`), and the probe holding
 * six objects: a Map value under "abc", list[0], list[1], entries[0], the
 * captured item, and an object held only by a weak reference and a handle
 * scope.
 */
const HEAP: V8Node[] = [
  /* 0 */ { type: "synthetic", name: "", edges: [["element", 1, 1], ["shortcut", "1", 2]] },
  /* 1 */ { type: "synthetic", name: "(GC roots)", edges: [["element", 0, 3], ["element", 1, 20]] },
  /* 2 */ {
    type: "object",
    name: "global / ",
    edges: [["property", "registry", 9], ["property", "ref", 27], ["property", "probe", 28]],
  },
  /* 3 */ { type: "synthetic", name: "(Global handles)", edges: [["hidden", 0, 4]] },
  /* 4 */ { type: "hidden", name: "system / SourceTextModule", edges: [["hidden", 4, 5]] },
  /* 5 */ { type: "object", name: "Generator", edges: [["internal", "context", 6]] },
  /* 6 */ {
    type: "object",
    name: "system / Context",
    edges: [
      ["context", "cache", 7],
      ["context", "list", 10],
      ["context", "keep", 12],
      ["context", "add", 31],
      ["internal", "previous", 8],
      ["internal", "extension", 4],
    ],
  },
  /* 7 */ { type: "object", name: "Map", edges: [["internal", "table", 14]] },
  /* 8 */ { type: "hidden", name: "system / NativeContext" },
  /* 9 */ { type: "object", name: "Registry", edges: [["property", "entries", 11]] },
  /* 10 */ { type: "object", name: "Array", edges: [["element", 0, 16], ["element", 1, 17]] },
  /* 11 */ { type: "object", name: "Array", edges: [["element", 0, 18]] },
  /* 12 */ { type: "closure", name: "handler", edges: [["internal", "context", 13], ["internal", "shared", 21]] },
  /* 13 */ {
    type: "object",
    name: "system / Context",
    edges: [["context", "items", 19], ["internal", "previous", 6]],
  },
  // An OrderedHashMap of capacity 4: 3 + 2 buckets + 4 entries of 3 slots = 17 slots of 8 bytes, 16 of header.
  /* 14 */ { type: "array", name: "", size: 16 + 8 * 17, edges: [["internal", "8", 23], ["internal", "9", 15]] },
  /* 15 */ { type: "object", name: "Item" },
  /* 16 */ { type: "object", name: "Item" },
  /* 17 */ { type: "object", name: "Item" },
  /* 18 */ { type: "object", name: "Item" },
  /* 19 */ { type: "object", name: "Item" },
  /* 20 */ { type: "synthetic", name: "(Handle scope)", edges: [["internal", "0", 24]] },
  /* 21 */ { type: "code", name: "handler", edges: [["internal", "script", 25]] },
  /* 22 */ { type: "object", name: "Unused" },
  /* 23 */ { type: "string", name: "abc" },
  /* 24 */ { type: "object", name: "Item" },
  /* 25 */ { type: "code", name: "file:///app/leaky.ts", edges: [["internal", "name", 26]] },
  /* 26 */ { type: "string", name: "file:///app/leaky.ts" },
  /* 27 */ { type: "object", name: "WeakRef", edges: [["weak", "target", 24]] },
  /* 28 */ { type: "object", name: "TracemallocRetainerProbe", edges: [["property", "targets", 29]] },
  /* 29 */ {
    type: "object",
    name: "Array",
    edges: [
      ["element", 0, 15],
      ["element", 1, 16],
      ["element", 2, 17],
      ["element", 3, 18],
      ["element", 4, 19],
      ["element", 5, 24],
      ["internal", "elements", 30],
    ],
  },
  /* 30 */ { type: "array", name: "(object elements)", edges: [["internal", "0", 15], ["internal", "1", 16]] },
  /* 31 */ { type: "closure", name: "add", edges: [["internal", "context", 6], ["internal", "shared", 21]] },
];

async function analyseHeap(depth?: number): Promise<RetainerReport> {
  return await analyseRetainers(probeOf("v8", 6), v8Snapshot(HEAP), {
    depth,
    declaration: (file, name) => (file === "/app/leaky.ts" && ["cache", "list"].includes(name) ? "const" : null),
  });
}

test("a module's variable is named with its file and how it is declared", async () => {
  const report = await analyseHeap();
  assert.ok(
    shapes(report).includes("2 x module /app/leaky.ts -> const list (Array) -> [*] (Item)"),
    shapes(report).join("\n"),
  );
});

test("a V8 Map's table slot is named as the entry, its string key shown, and merged as entry *", async () => {
  const report = await analyseHeap();
  const path = report.paths.find((p) => p.shape.includes("cache"))!;
  assert.equal(path.shape, "module /app/leaky.ts -> const cache (Map) -> entry * -> value (Item)");
  assert.equal(path.example, 'module /app/leaky.ts -> const cache (Map) -> entry "abc" -> value (Item)');
});

test("paths of one shape are merged and counted, the first object's path kept as it is", async () => {
  const report = await analyseHeap();
  const list = report.paths.find((p) => p.shape.includes("list"))!;
  assert.equal(list.count, 2);
  assert.equal(list.example, "module /app/leaky.ts -> const list (Array) -> [0] (Item)");
  assert.equal(report.paths[0], list, "most objects first");
});

test("a global's property path names the global, the class and the field", async () => {
  const report = await analyseHeap();
  assert.ok(shapes(report).includes("1 x global registry (Registry) -> entries (Array) -> [*] (Item)"));
});

test("a variable a closure captured is named after the closure's function", async () => {
  const report = await analyseHeap();
  assert.ok(shapes(report).includes("1 x module /app/leaky.ts -> keep (function handler) -> captured items (Item)"));
});

test("a top-level block's own scope in a module counts as the module's when its source declares the name there", async () => {
  // Transpiled CommonJS: the wrapper's scope (previous: the native context) holds `require`, a scope inside it `bus`.
  const heap: V8Node[] = [
    { type: "synthetic", name: "", edges: [["property", "timer", 1], ["property", "probe", 8]] },
    { type: "closure", name: "", edges: [["internal", "context", 2], ["internal", "shared", 5]] },
    { type: "object", name: "system / Context", edges: [["context", "bus", 4], ["internal", "previous", 3]] },
    { type: "object", name: "system / Context", edges: [["context", "require", 7], ["internal", "previous", 10]] },
    { type: "object", name: "EventEmitter" },
    { type: "code", name: "", edges: [["internal", "script", 6]] },
    { type: "code", name: "/app/server.ts", edges: [["internal", "name", 9]] },
    { type: "closure", name: "require" },
    { type: "object", name: "TracemallocRetainerProbe", edges: [["property", "targets", 11]] },
    { type: "string", name: "/app/server.ts" },
    { type: "hidden", name: "system / NativeContext" },
    { type: "object", name: "Array", edges: [["element", 0, 4]] },
  ];
  const declared = await analyseRetainers(probeOf("v8", 1), v8Snapshot(heap), {
    declaration: (_file, name) => (name === "bus" ? "const" : null),
  });
  assert.deepEqual(shapes(declared), ["1 x module /app/server.ts -> const bus (EventEmitter)"]);
  const inFunction = await analyseRetainers(probeOf("v8", 1), v8Snapshot(heap), { declaration: () => null });
  assert.deepEqual(shapes(inFunction), ["1 x timer (function) -> captured bus (EventEmitter)"]);
});

test("an object held only by a weak reference and the tracer's own handles has no path", async () => {
  const report = await analyseHeap();
  assert.equal(report.unreachable, 1);
  assert.equal(report.missing, 0);
  assert.ok(report.paths.every((p) => !/WeakRef|Handle scope|TracemallocRetainerProbe/.test(p.example)));
});

test("--depth keeps a path's root and the steps nearest the object", async () => {
  const report = await analyseHeap(2);
  assert.ok(shapes(report).includes("1 x global registry (Registry) -> … -> [*] (Item)"), shapes(report).join("\n"));
});

test("on JavaScriptCore, Map entries the program reported name the key, and a module's file comes from an object it allocated", async () => {
  const bytes = jscSnapshot(
    [
      { id: 0, cls: "<root>" },
      { id: 1, cls: "GlobalObject" },
      { id: 2, cls: "Function", label: "tick" },
      { id: 3, cls: "JSModuleEnvironment" },
      { id: 4, cls: "Map" },
      { id: 5, cls: "Cell Butterfly", flags: 1 },
      { id: 6, cls: "Session", flags: 2 },
      { id: 7, cls: "Session", flags: 2 },
      { id: 8, cls: "TracemallocRetainerProbe", flags: 2 },
      { id: 9, cls: "Array" },
      { id: 10, cls: "Array" },
      { id: 11, cls: "Array" },
      { id: 12, cls: "FunctionCodeBlock", flags: 1 },
    ],
    [
      [0, 1, "Internal"],
      [0, 12, "Internal"],
      [12, 6, "Internal"],
      [1, 2, "Property", "onTick"],
      [1, 8, "Property", "probe"],
      [2, 3, "Internal"],
      [3, 4, "Variable", "sessions"],
      [4, 5, "Internal"],
      [8, 9, "Property", "targets"],
      [8, 10, "Property", "containers"],
      [8, 11, "Property", "held"],
      [9, 6, "Index", 0],
      [9, 7, "Index", 1],
      [10, 4, "Index", 0],
      [11, 6, "Index", 0],
      [11, 7, "Index", 1],
    ],
  );
  const probe = probeOf("jsc", 2, {
    containerSites: [["/app/server.ts", 3, null]],
    entries: { container: [0, 0], role: ["value", "value"], key: ["4123", "4124"] },
  });
  const report = await analyseRetainers(probe, bytes, { declaration: () => "const" });
  assert.deepEqual(shapes(report), ["2 x module /app/server.ts -> const sessions (Map) -> entry * -> value (Session)"]);
  assert.equal(
    report.paths[0].example,
    "module /app/server.ts -> const sessions (Map) -> entry 4123 -> value (Session)",
  );
});

test("a snapshot without the probe is refused", async () => {
  await assert.rejects(
    analyseRetainers(probeOf("v8", 1), v8Snapshot([{ type: "synthetic", name: "" }])),
    /holds no TracemallocRetainerProbe/,
  );
});

test("a module's top-level declarations are read from its source, not those inside functions", () => {
  const source = [
    'import { x } from "y";',
    "export const cache = new Map();",
    "let count = 0;",
    "export default async function load() {}",
    "class Registry {}",
    "function* gen() {}",
    "function f() {",
    "  const inner = 1;",
    "}",
    "const { a, b } = x;",
  ].join("\n");
  assert.equal(declarationKind(source, "cache"), "const");
  assert.equal(declarationKind(source, "count"), "let");
  assert.equal(declarationKind(source, "load"), "function");
  assert.equal(declarationKind(source, "Registry"), "class");
  assert.equal(declarationKind(source, "gen"), "function");
  assert.equal(declarationKind(source, "inner"), null);
  assert.equal(declarationKind(source, "a"), null);
  assert.equal(declarationKind(source, "cach"), null);
  assert.equal(declarationKind(source, "4"), null);
});
