/**
 * `getAllocated()`: every allocation since tracing started or was cleared,
 * freed or not, per line, in a program traced from its first line with the
 * startup preload, every allocation sampled, on the runtime the test runs on.
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
import * as tracemalloc from "../../../src/tracer.ts";
import { runtime } from "../../../src/runtime/index.ts";
import { preloadCommand } from "../../../src/runtime/spawn.ts";

const tracerUrl = new URL("../../../src/tracer.ts", import.meta.url).href;

const PROGRAM = `import * as tracemalloc from ${JSON.stringify(tracerUrl)};

const kept: object[] = [];
function work(): void {
  for (let i = 0; i < 1000; i++) {
    const temporary = { i, twice: i * 2 };
    if (i % 100 === 0) kept.push({ from: temporary.i });
  }
}

work();
const first = await tracemalloc.getAllocated();
await new Promise((resolve) => setTimeout(resolve, 50));
await tracemalloc.clearTraces();
work();
const second = await tracemalloc.getAllocated();
const lines = (a: typeof first) =>
  Object.fromEntries(a.snapshot.statistics("lineno").map((s) => [s.traceback.at(0)!.lineno, s.count]));
console.log(JSON.stringify({
  first: { lines: lines(first), count: first.count, size: first.size, seconds: first.seconds, every: first.sampleEvery },
  second: { lines: lines(second), since: second.since - first.since, frames: second.snapshot.traces.at(0)!.traceback.length },
  kept: kept.length,
}));
`;

test("getAllocated counts every allocation per line, freed or not, since start or the last clear", () => {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), "tm-line-allocated-")));
  let report;
  try {
    writeFileSync(join(dir, "app.mts"), PROGRAM);
    const startup = fileURLToPath(new URL("../../../src/startup.ts", import.meta.url));
    const { command, args } = preloadCommand(runtime().name, startup, join(dir, "app.mts"), []);
    const env = { ...process.env, TRACEMALLOC: "3", TRACEMALLOC_SAMPLE_EVERY: "1", TRACEMALLOC_CACHE_DIR: dir };
    const out = execFileSync(command, args, { cwd: dir, env, encoding: "utf8", timeout: 60_000 });
    report = JSON.parse(out.trim().split("\n").at(-1)!);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.equal(report.kept, 20);
  // Line 6: 1000 temporaries, all but none kept; line 7: 10 kept objects; line 3 (the array) once, at the module's start.
  assert.equal(report.first.lines[6], 1000);
  assert.equal(report.first.lines[7], 10);
  assert.equal(report.first.every, 1);
  assert.ok(report.first.count >= 1010, `${report.first.count}`);
  assert.ok(report.first.size >= 1010 * 16, `${report.first.size} B`);
  assert.ok(report.first.seconds >= 0 && report.first.seconds < 30);
  // After clearTraces the span starts again: only the second call's allocations.
  assert.equal(report.second.lines[6], 1000);
  assert.equal(report.second.lines[7], 10);
  assert.equal(report.second.lines[3], undefined);
  assert.ok(report.second.since >= 50, `the span began ${report.second.since} ms after the first`);
  assert.equal(report.second.frames, 1);
});

test("getAllocated rejects when not tracing, and where domain 0 is not the line engine", async () => {
  await assert.rejects(tracemalloc.getAllocated(), /tracing must be started \(call start\(\)\) to count allocations/);
  await tracemalloc.start(1, { domains: { heap: false } });
  try {
    await assert.rejects(tracemalloc.getAllocated(), /domain 0 \(JS heap\) is not traced here/);
  } finally {
    await tracemalloc.stop();
  }
  await tracemalloc.start(1);
  try {
    // This process was not preloaded: V8's sampler (Node, Deno) or Bun's census, neither of which sees what was freed.
    const engine = runtime().name === "bun" ? "Bun's census" : "V8's sampler";
    await assert.rejects(tracemalloc.getAllocated(), new RegExp(`domain 0 here is ${engine}`));
  } finally {
    await tracemalloc.stop();
  }
});
