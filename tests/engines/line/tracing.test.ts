/**
 * The line engine as a program traced from its first line sees it, on the
 * runtime the test runs on: a TypeScript program (types above the code, so
 * that emitted lines differ from the source's) started with the startup
 * preload, every allocation sampled, reports what it finds as JSON.
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

const PROGRAM = `import * as tracemalloc from ${JSON.stringify(tracerUrl)};

interface Session {
  id: number;
  tags: string[];
}

function open(id: number): Session {
  return { id, tags: ["new"] };
}

function serve(count: number): Session[] {
  const sessions: Session[] = [];
  for (let i = 0; i < count; i++) sessions.push(open(i));
  return sessions;
}

const kept = serve(500);
open(-1); // dropped at once
await new Promise((resolve) => setTimeout(resolve, 0));

const memory = await tracemalloc.getTracedMemory();
const traceback = await tracemalloc.getObjectTraceback(kept[7]);
const snapshot = await tracemalloc.takeSnapshot({ gc: true });
const atOpen = snapshot.statistics("lineno").find((s) => s.traceback.at(-1)!.lineno === 9);
console.log(JSON.stringify({
  engine: tracemalloc.status().engine,
  traceback: traceback ? [...traceback].map((f) => [f.lineno, f.functionName ?? null]) : null,
  count: atOpen?.count ?? 0,
  memory: memory.current,
  kept: kept.length,
}));
`;

interface Report {
  engine: { name: string; lineLevel: boolean; sampling: { unit: string; every: number } | null };
  traceback: [number, string | null][] | null;
  count: number;
  memory: number;
  kept: number;
}

let report: Report;

test("a TypeScript program traced from its first line by the line engine reports what it saw", () => {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), "tm-line-tracing-")));
  try {
    writeFileSync(join(dir, "app.mts"), PROGRAM);
    const startup = fileURLToPath(new URL("../../../src/startup.ts", import.meta.url));
    const { command, args } = preloadCommand(runtime().name, startup, join(dir, "app.mts"), []);
    const env = { ...process.env, TRACEMALLOC: "4", TRACEMALLOC_SAMPLE_EVERY: "1", TRACEMALLOC_CACHE_DIR: dir };
    const out = execFileSync(command, args, { cwd: dir, env, encoding: "utf8", timeout: 60_000 });
    report = JSON.parse(out.trim().split("\n").at(-1)!);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.equal(report.kept, 500);
});

test("status names the line engine and how it samples", () => {
  assert.deepEqual(report.engine, { name: "line", lineLevel: true, sampling: { unit: "allocations", every: 1 } });
});

test("an object's traceback is its TypeScript line, then its callers at their call lines", () => {
  // Oldest frame first; the runtime may add its own frames below the module's.
  assert.deepEqual(report.traceback?.slice(-3), [[18, null], [14, "serve"], [9, "open"]]);
});

test("every allocation sampled counts each live object once, the dropped ones not", () => {
  // Line 9 makes two objects a session (the session and its tags); the session dropped is gone after the snapshot's collection.
  assert.equal(report.count, 2 * 500);
});

test("traced memory counts the live samples", () => {
  assert.ok(report.memory > 500 * 40, `${report.memory} B`);
});
