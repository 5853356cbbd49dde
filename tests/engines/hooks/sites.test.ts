/**
 * Buffers made in code the line engine rewrote: each buffer-making call is
 * marked with its site, so the hooks take the line from the site without
 * capturing a stack (see `src/engines/hooks/marks.ts`). A TypeScript
 * program started with the startup preload (types above the code, so that
 * emitted lines differ from the source's) reports, as JSON, what a
 * snapshot holds at each line: counts and sizes must be exact, lines the
 * allocating call's; with more frames, the callers follow.
 *
 * @module
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { runtime } from "../../../src/runtime/index.ts";
import { preloadCommand } from "../../../src/runtime/spawn.ts";

const tracerUrl = new URL("../../../src/tracer.ts", import.meta.url).href;
const runtimeUrl = new URL("../../../src/runtime/index.ts", import.meta.url).href;

const PROGRAM = `import { Buffer } from "node:buffer";
import * as tracemalloc from ${JSON.stringify(tracerUrl)};
import { runtime } from ${JSON.stringify(runtimeUrl)};

interface Made {
  bytes: Uint8Array;
}

const encoder = new TextEncoder();

function make(i: number): Made {
  return { bytes: new Uint8Array(24) }; // @u8
}

function many(): unknown[] {
  const out: unknown[] = [];
  for (let i = 0; i < 30; i++) {
    out.push(Buffer.alloc(40)); // @alloc
    out.push(encoder.encode("0123456789")); // @encode
    out.push(new Float64Array( // @multi
      3,
    ));
    out.push(new Uint16Array(...[5])); // @spread
  }
  return out;
}

function churn(): unknown[] {
  const kept: unknown[] = [];
  for (let i = 0; i < 3000; i++) {
    const view = new Uint8Array(16 + (i % 4)); // @churn
    const text = encoder.encode("k" + (i % 10)); // @churn-encode
    if (i % 9 === 0) kept.push(view, text);
  }
  return kept;
}

const kept = Array.from({ length: 100 }, (_, i) => make(i)); // @caller
const more = many(); // @many
const churned = churn(); // @churned
let dropped: unknown[] | null = [];
for (let i = 0; i < 50; i++) dropped.push(new Int32Array(8)); // @dropped
const view = new Uint8Array(64); // @adopted
const adopted = view.buffer;
let parent: Uint8Array | null = new Uint8Array(128); // @parent
const child = parent.subarray(0, 8);
const tracebackOfBuffer = await tracemalloc.getObjectTraceback(adopted);
dropped = null;
parent = null;
for (let i = 0; i < 6; i++) {
  await runtime().gc();
  await new Promise((resolve) => setTimeout(resolve, 20));
}
const snapshot = await tracemalloc.takeSnapshot();
const lines: Record<number, { count: number; size: number; tracebacks: number[][] }> = {};
for (const trace of snapshot.traces) {
  const frame = trace.traceback.at(-1)!;
  if (trace.domain !== 1 || !frame.filename.endsWith("app.mts")) continue;
  const line = (lines[frame.lineno] ??= { count: 0, size: 0, tracebacks: [] });
  line.count += trace.count;
  line.size += trace.size;
  const tb = [...trace.traceback].reverse().map((f) => f.lineno);
  if (!line.tracebacks.some((t) => t.join() === tb.join())) line.tracebacks.push(tb);
}
console.log(JSON.stringify({
  lines,
  adopted: tracebackOfBuffer ? tracebackOfBuffer.at(-1)!.lineno : null,
  alive: [kept.length, more.length, churned.length, view.length, adopted.byteLength, child.length],
}));
`;

interface Line {
  count: number;
  size: number;
  tracebacks: number[][];
}

interface Report {
  lines: Record<string, Line>;
  adopted: number | null;
}

const source = PROGRAM.split("\n");
const at = (marker: string) => source.findIndex((l) => l.trimEnd().endsWith(marker)) + 1;

function traced(nframe: number): Report {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), "tm-buffer-sites-")));
  try {
    writeFileSync(join(dir, "app.mts"), PROGRAM);
    const startup = fileURLToPath(new URL("../../../src/startup.ts", import.meta.url));
    const { command, args } = preloadCommand(runtime().name, startup, join(dir, "app.mts"), []);
    const env = { ...process.env, TRACEMALLOC: String(nframe), TRACEMALLOC_CACHE_DIR: dir };
    const out = execFileSync(command, args, { cwd: dir, env, encoding: "utf8", timeout: 60_000 });
    return JSON.parse(out.trim().split("\n").at(-1)!);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

let one: Report;
let three: Report;

test("a preloaded program's buffers are traced at the lines of their calls (1 frame)", () => {
  one = traced(1);
  assert.deepEqual(
    Object.keys(one.lines).map(Number).sort((a, b) => a - b),
    [
      at("// @u8"),
      at("// @alloc"),
      at("// @encode"),
      at("// @multi"),
      at("// @spread"),
      at("// @adopted"),
      at("// @parent"),
      at("// @churn"),
      at("// @churn-encode"),
    ]
      .sort((a, b) => a - b),
  );
});

test("counts and sizes are exact at each line", () => {
  const line = (marker: string) => one.lines[at(marker)];
  assert.deepEqual([line("// @u8").count, line("// @u8").size], [100, 100 * 24]);
  assert.deepEqual([line("// @alloc").count, line("// @alloc").size], [30, 30 * 40]);
  assert.deepEqual([line("// @encode").count, line("// @encode").size], [30, 30 * 10]);
  assert.deepEqual([line("// @multi").count, line("// @multi").size], [30, 30 * 24]);
  assert.deepEqual([line("// @spread").count, line("// @spread").size], [30, 30 * 10]);
});

/** Count and bytes of the buffers `churn()` keeps: one item in nine of 3000. */
function churnKept(): { views: [number, number]; texts: [number, number] } {
  let n = 0, bytes = 0;
  for (let i = 0; i < 3000; i += 9) {
    n++;
    bytes += 16 + (i % 4);
  }
  return { views: [n, bytes], texts: [n, 2 * n] };
}

test("thousands of buffers made at rewritten calls, most dropped: exactly the kept ones remain, with their sizes", () => {
  const want = churnKept();
  const line = (marker: string) => [one.lines[at(marker)].count, one.lines[at(marker)].size];
  assert.deepEqual(line("// @churn"), want.views);
  assert.deepEqual(line("// @churn-encode"), want.texts);
});

test("freed buffers are gone; a buffer the program took from its view lives on with its trace", () => {
  assert.equal(one.lines[at("// @dropped")], undefined);
  assert.deepEqual([one.lines[at("// @adopted")].count, one.lines[at("// @adopted")].size], [1, 64]);
  assert.equal(one.adopted, at("// @adopted"), "getObjectTraceback(view.buffer) is the view's line");
});

test("a view dropped while a subarray of it lives is still traced (the subarray shares its buffer)", () => {
  assert.deepEqual([one.lines[at("// @parent")]?.count, one.lines[at("// @parent")]?.size], [1, 128]);
});

test("with 1 frame, a marked site's traceback is its line alone", () => {
  assert.deepEqual(one.lines[at("// @u8")].tracebacks, [[at("// @u8")]]);
});

test("with 3 frames, the callers follow the exact line (captured at the site's first allocation)", () => {
  three = traced(3);
  assert.deepEqual([three.lines[at("// @u8")].count, three.lines[at("// @u8")].size], [100, 2400]);
  const tb = three.lines[at("// @u8")].tracebacks;
  assert.ok(tb.length >= 1);
  for (const frames of tb) assert.deepEqual(frames.slice(0, 2), [at("// @u8"), at("// @caller")]);
  for (const marker of ["// @alloc", "// @encode", "// @multi", "// @spread"]) {
    assert.equal(three.lines[at(marker)].count, 30, marker);
    for (const frames of three.lines[at(marker)].tracebacks) {
      assert.deepEqual(frames.slice(0, 2), [at(marker), at("// @many")], marker);
    }
  }
});

test("with 3 frames, counts and sizes stay exact where callers are sampled", () => {
  const want = churnKept();
  const line = (marker: string) => [three.lines[at(marker)].count, three.lines[at(marker)].size];
  assert.deepEqual(line("// @churn"), want.views);
  assert.deepEqual(line("// @churn-encode"), want.texts);
  for (const frames of three.lines[at("// @churn")].tracebacks) {
    assert.deepEqual(frames.slice(0, 2), [at("// @churn"), at("// @churned")]);
  }
});
