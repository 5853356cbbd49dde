/**
 * The line engine's estimates against workloads of known size, on the
 * runtime the test runs on: a program keeps 40,000 objects of each shape,
 * each shape made at its own line. Run plain, it measures the heap each
 * shape really takes (full collection before and after); run with its
 * modules rewritten (one allocation in 16 sampled), it reports the
 * engine's estimate per line. Counts must be within 10% of the truth,
 * bytes within 20% of the measured heap.
 *
 * @module
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { runtime } from "../../../src/runtime/index.ts";
import { preloadCommand, scriptCommand } from "../../../src/runtime/spawn.ts";

// Enough that what V8 frees of its own meanwhile (bytecode it flushes: a few hundred KB) stays noise.
const COUNT = 150_000;
const root = new URL("../../../", import.meta.url);
const url = (path: string) => new URL(path, root).href;

/** Shapes by name, with the line that makes one (an expression of `i`). */
const SHAPES: Record<string, string> = {
  "object literals": "{ id: i, name: 'n' }",
  "class instances": "new Point(i, i)",
  "array literals": "[i, i + 1, i + 2, i + 3]",
  "closures": "keep(() => i)",
  "Maps of 10 entries": "new Map(PAIRS)",
  "JSON.parse results": "JSON.parse(TEXT)",
  "objects holding a long string": "{ text: JSON.stringify({ row: i, pad: LONG }) }",
};

/** The program: keeps COUNT of each shape; plain, it prints bytes per shape; traced, the estimates per line. */
function program(): { text: string; lines: Record<string, number> } {
  const head = [
    `import { runtime } from ${JSON.stringify(url("src/runtime/index.ts"))};`,
    `import * as tracemalloc from ${JSON.stringify(url("src/tracer.ts"))};`,
    "class Point { constructor(x, y) { this.x = x; this.y = y; } }",
    "const PAIRS = Array.from({ length: 10 }, (_, k) => [k, k]);",
    'const TEXT = JSON.stringify({ user: { id: 1, roles: ["a", "b"] }, items: [1, 2, 3] });',
    "const LONG = 'x'.repeat(100);",
    "const keep = (value) => value;",
    "const kept = {};",
    "const heap = async () => { await runtime().gc(); await new Promise((r) => setTimeout(r, 0)); await runtime().gc(); return runtime().heapStatistics().heapUsed; };",
    "const bytes = {};",
  ];
  const lines: Record<string, number> = {};
  const body: string[] = [];
  for (const [name, make] of Object.entries(SHAPES)) {
    body.push(`{ const list = new Array(${COUNT}).fill(null); const before = await heap();`);
    lines[name] = head.length + body.length + 1;
    body.push(`  for (let i = 0; i < ${COUNT}; i++) list[i] = ${make};`);
    body.push(
      `  bytes[${JSON.stringify(name)}] = (await heap() - before) / ${COUNT}; kept[${JSON.stringify(name)}] = list; }`,
    );
  }
  const tail = [
    "if (!tracemalloc.isTracing()) console.log(JSON.stringify(bytes));",
    "else {",
    "  const snapshot = await tracemalloc.takeSnapshot();",
    "  const out = {};",
    "  for (const s of snapshot.statistics('lineno')) out[s.traceback.at(0).lineno] = { size: s.size, count: s.count };",
    "  console.log(JSON.stringify(out));",
    "}",
    "globalThis.kept = kept;",
  ];
  return { text: [...head, ...body, ...tail, ""].join("\n"), lines };
}

function run(dir: string, traced: boolean): Record<string, unknown> {
  const rt = runtime().name;
  const script = join(dir, "shapes.mjs");
  const { command, args } = traced
    ? preloadCommand(rt, fileURLToPath(new URL("src/startup.ts", root)), script, [])
    : scriptCommand(rt, script, []);
  const env: Record<string, string | undefined> = { ...process.env, TRACEMALLOC: undefined };
  if (traced) Object.assign(env, { TRACEMALLOC: "1", TRACEMALLOC_SAMPLE_EVERY: "16", TRACEMALLOC_CACHE_DIR: dir });
  const out = execFileSync(command, args, { cwd: dir, env, encoding: "utf8", timeout: 120_000 });
  return JSON.parse(out.trim().split("\n").at(-1)!);
}

const dir = mkdtempSync(join(tmpdir(), "tm-estimator-"));
const { text, lines } = program();
writeFileSync(join(dir, "shapes.mjs"), text);
let truth: Record<string, number>;
let estimates: Record<string, { size: number; count: number }>;

test("the estimator's workload runs plain and traced", () => {
  try {
    truth = run(dir, false) as Record<string, number>;
    estimates = run(dir, true) as Record<string, { size: number; count: number }>;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.equal(Object.keys(truth).length, Object.keys(SHAPES).length);
});

for (const name of Object.keys(SHAPES)) {
  test(`the estimated count of ${name} is within 10% of the objects kept`, () => {
    const estimate = estimates[lines[name]];
    assert.ok(estimate, `line ${lines[name]} is in the snapshot`);
    const error = estimate.count / COUNT - 1;
    assert.ok(Math.abs(error) <= 0.1, `count ${estimate.count} for ${COUNT} (${(error * 100).toFixed(1)}%)`);
  });

  test(`the estimated bytes of ${name} are within 20% of the heap they take`, () => {
    const estimate = estimates[lines[name]];
    assert.ok(estimate, `line ${lines[name]} is in the snapshot`);
    const real = truth[name] * COUNT;
    const error = estimate.size / real - 1;
    assert.ok(
      Math.abs(error) <= 0.2,
      `${estimate.size} B estimated for ${Math.round(real)} B measured (${(error * 100).toFixed(1)}%; ${
        truth[name].toFixed(1)
      } B each)`,
    );
  });
}
