import { test } from "node:test";
import assert from "node:assert/strict";
import process from "node:process";
import { fileURLToPath, pathToFileURL } from "node:url";
import { runInNewContext } from "node:vm";
import { runtime } from "../../src/runtime/index.ts";

const rt = runtime();
const here = fileURLToPath(import.meta.url);
const versions = process.versions as Record<string, string | undefined>;

// Types removed from the emitted JavaScript move the lines the engine sees (exported: used by no one).
export interface Padding {
  a: number;
  b: number;
  c: number;
}

/**
 * The engine's own call site of the line that calls this, and the line the
 * runtime's `Error.stack` text shows for it (mapped to the source on all three).
 */
function callSite(): {
  file: string;
  line: number;
  column: number;
  stackLine: number;
} {
  const text = new Error().stack!.split("\n")[2];
  const saved = Error.prepareStackTrace;
  Error.prepareStackTrace = (_e, sites) => sites;
  const holder: { stack?: unknown } = {};
  Error.captureStackTrace(holder, callSite);
  const [site] = holder.stack as NodeJS.CallSite[];
  Error.prepareStackTrace = saved;
  return {
    file: site.getFileName()!,
    line: site.getLineNumber()!,
    column: site.getColumnNumber()!,
    stackLine: Number(text.match(/:(\d+):\d+\)?$/)![1]),
  };
}

test("runtime() names the runtime it runs on and its version", () => {
  const expected = versions.bun ? "bun" : versions.deno ? "deno" : "node";
  assert.equal(rt.name, expected);
  assert.equal(rt.version, versions[expected]);
  assert.equal(runtime(), rt);
});

test("Node and Deno offer V8's sampler through an inspector session; Bun offers none", async () => {
  const session = await rt.openInspector();
  assert.equal(session !== null, rt.name !== "bun");
  if (!session) return;
  try {
    const { result } = await session.post<{ result: { value: number } }>(
      "Runtime.evaluate",
      { expression: "6 * 7" },
    );
    assert.equal(result.value, 42);
    await session.post("HeapProfiler.enable");
    await session.post("HeapProfiler.disable");
  } finally {
    session.close();
  }
});

test("a closed inspector session rejects posts", async () => {
  const session = await rt.openInspector();
  if (!session) return assert.equal(rt.name, "bun");
  session.close();
  await assert.rejects(
    session.post("Runtime.evaluate", { expression: "1" }),
    /closed/,
  );
});

test("Bun offers a heap census by object type; Node and Deno do not", async () => {
  const census = await rt.heapCensus();
  assert.equal(census !== null, rt.name === "bun");
  if (!census) return;
  let sum = 0;
  for (const n of census.counts.values()) sum += n;
  assert.equal(census.objectCount, sum);
  assert.ok(census.objectCount > 0 && census.heapSize > 0);
  assert.ok((census.counts.get("Object") ?? 0) > 0);
  assert.ok((census.shallowSize({ a: 1 }) ?? 0) > 0);
});

test("heap statistics are positive byte counts", () => {
  const { heapUsed, heapTotal, external, arrayBuffers } = rt.heapStatistics();
  assert.ok(heapUsed > 0 && heapTotal > 0);
  assert.ok(external >= 0 && arrayBuffers >= 0);
});

test("gc forces a collection on every runtime and frees unreachable objects", async () => {
  assert.equal(rt.capabilities.gc, true);
  let collected = false;
  const registry = new FinalizationRegistry(() => {
    collected = true;
  });
  (() => registry.register({ big: new Array(1000).fill(1) }, 0))();
  assert.equal(await rt.gc(), true);
  for (let i = 0; i < 20 && !collected; i++) {
    await new Promise((resolve) => setTimeout(resolve, 5));
    if (!collected) await rt.gc();
  }
  assert.equal(collected, true);
});

test("gc shows the program no gc function, in its global or in contexts it makes later", async () => {
  const before = typeof (globalThis as { gc?: unknown }).gc;
  assert.equal(await rt.gc(), true);
  assert.equal(typeof (globalThis as { gc?: unknown }).gc, before);
  assert.equal(runInNewContext("typeof gc"), before);
});

test("call-site positions map to the TypeScript source line", () => {
  const site = callSite();
  const pos = rt.capabilities.mappedCallSites
    ? { file: rt.toPath(site.file), line: site.line }
    : rt.originalPosition(site.file, site.line, site.column);
  assert.equal(pos.file, here);
  assert.equal(pos.line, site.stackLine);
});

test("only Node's call sites need mapping", () => {
  assert.equal(rt.capabilities.mappedCallSites, rt.name !== "node");
});

test("positions in files without a source map come back unchanged, as paths", () => {
  const url = pathToFileURL("/nonexistent/dir/app.js").href;
  assert.deepEqual(rt.originalPosition(url, 12, 5), {
    file: "/nonexistent/dir/app.js",
    line: 12,
    column: 5,
  });
  assert.deepEqual(rt.originalPosition("node:internal/timers", 3), {
    file: "node:internal/timers",
    line: 3,
  });
});

test("toPath turns file URLs into paths and leaves other names alone", () => {
  assert.equal(rt.toPath(pathToFileURL(here).href), here);
  assert.equal(rt.toPath("ext:core/01_core.js"), "ext:core/01_core.js");
  assert.equal(rt.toPath("<anonymous>"), "<anonymous>");
});

test("env reads environment variables and gives undefined for unset ones", () => {
  assert.equal(rt.env("PATH"), process.env.PATH);
  assert.equal(rt.env("TRACEMALLOC_SURELY_UNSET_VARIABLE"), undefined);
});

test("inspector frames are recognised only as the runtime names them", () => {
  const own = rt.name === "node" ? "node:inspector" : rt.name === "deno" ? "ext:deno_node/inspector.js" : null;
  if (own) assert.equal(rt.isInspectorFrame(own), true);
  assert.equal(rt.isInspectorFrame(here), false);
});
