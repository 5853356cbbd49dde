/**
 * A child of `scripts/bench-line.ts`'s memory sections: keeps `COUNT`
 * objects of each shape named, each made at one line of this file (the line
 * that ends in a `shape:` comment), and prints one line of JSON per run:
 * per shape the heap's growth (heap used after a full collection, before
 * and after the objects were made and kept) and, when traced, the line
 * engine's estimate of the count and bytes live at that line (from a
 * snapshot); then the tracer's own memory (`getTracemallocMemory()`) and its
 * live samples.
 *
 * `node --expose-gc --import tsx scripts/bench/line-shapes.ts COUNT SHAPE,SHAPE...`;
 * with the startup module preloaded and `TRACEMALLOC=1` it runs traced
 * (this file is under `scripts/`, so it is rewritten as it loads).
 *
 * @module
 */
import { readFileSync } from "node:fs";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { runtime } from "../../src/runtime/index.ts";

const rt = runtime();
const count = Number(process.argv[2] ?? "200000");
const names = (process.argv[3] ?? "object").split(",");
const traced = Boolean(process.env.TRACEMALLOC && process.env.TRACEMALLOC !== "0");

class Point {
  x: number;
  y: number;
  constructor(x: number, y: number) {
    this.x = x;
    this.y = y;
  }
}

const JSON_TEXT = '{"id":7,"name":"node","tags":["a","b"],"at":{"x":1.5,"y":2}}';
const LONG = "x".repeat(200);
const decoder = new TextDecoder();
const bytes = new TextEncoder().encode(LONG);

/** A fresh flat string of 200 one-byte characters (as a file or a response body would be). */
function decoded(i: number): string {
  bytes[0] = 97 + (i % 26);
  return decoder.decode(bytes);
}

function withEntries(map: Map<string, number>, i: number): Map<string, number> {
  map.set("a", i);
  map.set("b", i + 1);
  map.set("c", i + 2);
  return map;
}

function closure(i: number): () => number {
  return () => i + 1; // shape: closure
}

/** Each maker fills `keep` with objects made at its `shape:` line. */
const MAKERS: Record<string, (keep: unknown[]) => void> = {
  object(keep) {
    for (let i = 0; i < keep.length; i++) keep[i] = { id: i, kind: "k", next: null }; // shape: object
  },
  class(keep) {
    for (let i = 0; i < keep.length; i++) keep[i] = new Point(i, -i); // shape: class
  },
  array(keep) {
    for (let i = 0; i < keep.length; i++) keep[i] = [i, i + 1, i + 2]; // shape: array
  },
  closure(keep) {
    for (let i = 0; i < keep.length; i++) keep[i] = closure(i);
  },
  map(keep) {
    for (let i = 0; i < keep.length; i++) keep[i] = withEntries(new Map(), i); // shape: map
  },
  json(keep) {
    for (let i = 0; i < keep.length; i++) keep[i] = JSON.parse(JSON_TEXT); // shape: json
  },
  "long-string"(keep) {
    for (let i = 0; i < keep.length; i++) keep[i] = { body: decoded(i) }; // shape: long-string
  },
  "concat-string"(keep) {
    for (let i = 0; i < keep.length; i++) keep[i] = { body: LONG + i }; // shape: concat-string
  },
};

/** The line of each `shape:` comment in this file. */
const source = readFileSync(fileURLToPath(import.meta.url), "utf8").split("\n");
const lineOf = (name: string) => source.findIndex((l) => l.trimEnd().endsWith(`// shape: ${name}`)) + 1;

/** Lets the current job end (weak references made in it hold their targets until then), then collects. */
async function settle(): Promise<number> {
  for (let i = 0; i < 2; i++) {
    await new Promise((resolve) => setTimeout(resolve, 0));
    await rt.gc();
  }
  return rt.heapStatistics().heapUsed;
}

const tracemalloc = traced ? await import("../../src/tracer.ts") : null;
const results: Record<string, unknown>[] = [];
const kept: unknown[][] = [];
for (const name of names) {
  const make = MAKERS[name];
  if (!make) throw new Error(`unknown shape ${name} (${Object.keys(MAKERS).join(", ")})`);
  const keep: unknown[] = [];
  for (let i = 0; i < count; i++) keep.push(null);
  const before = await settle();
  make(keep);
  const after = await settle();
  kept.push(keep);
  results.push({ name, line: lineOf(name), growth: after - before });
}
let tracer: Record<string, unknown> | null = null;
if (tracemalloc) {
  const snapshot = await tracemalloc.takeSnapshot();
  const file = fileURLToPath(import.meta.url);
  let samples = 0;
  for (const trace of snapshot.traces) {
    if (trace.domain !== 0) continue;
    samples += trace.count;
    const frame = trace.traceback.at(-1);
    if (frame?.filename !== file) continue;
    const shape = results.find((r) => r.line === frame.lineno);
    if (!shape) continue;
    shape.count = ((shape.count as number | undefined) ?? 0) + trace.count;
    shape.bytes = ((shape.bytes as number | undefined) ?? 0) + trace.size;
  }
  const sampling = tracemalloc.status().engine?.sampling;
  const weight = sampling?.unit === "allocations" ? sampling.every : 1;
  tracer = {
    memory: await tracemalloc.getTracemallocMemory(),
    samples: samples / weight,
    engine: tracemalloc.status().engine?.name ?? null,
  };
}
console.log(JSON.stringify({ count, shapes: results, tracer, kept: kept.length }));
