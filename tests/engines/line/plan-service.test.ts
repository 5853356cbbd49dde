/**
 * The planning worker (`src/engines/line/plan-service.ts`): its plans are
 * `planModule`'s, it starts when a module needs a plan and goes away when
 * idle, a traced program never waits for it at exit nor gets it preloaded,
 * and when it cannot give a plan the module is planned in this process.
 *
 * @module
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath, pathToFileURL } from "node:url";
import { planModule, type PlanOptions } from "../../../src/engines/line/instrument.ts";
import { PlanService } from "../../../src/engines/line/plan-service.ts";
import { ModuleRewriter } from "../../../src/engines/line/rewriter.ts";
import { PlanCache } from "../../../src/engines/line/cache.ts";
import { runtime } from "../../../src/runtime/index.ts";
import { preloadCommand } from "../../../src/runtime/spawn.ts";

const map = Buffer.from(JSON.stringify({ version: 3, sources: ["m.ts"], names: [], mappings: "AAAA;AACA" }))
  .toString("base64");
const SOURCES: [string, PlanOptions][] = [
  ["export function make(i) {\n  return { i, list: [i] };\n}\n", { path: "/app/a.mjs", lang: "js", kind: "module" }],
  [
    "interface P { n: number }\nexport const f = (p: P): number[] => [p.n, ...[1]];\nenum E { A }\n",
    { path: "/app/b.ts", lang: "ts", kind: "module" },
  ],
  ["export const C = () => <div list={[1]}>{`${1}`}</div>;\n", { path: "/app/c.tsx", lang: "tsx", kind: "module" }],
  ["if (module) return;\nmodule.exports = { a: [] };\n", { path: "/app/d.cjs", lang: "js", kind: "commonjs" }],
  [
    `const a = { b: 1 };\nconst c = [a];\n//# sourceMappingURL=data:application/json;base64,${map}\n`,
    { path: "/app/e.js", lang: "js", kind: "module" },
  ],
  ["export const = ;\n", { path: "/app/broken.js", lang: "js", kind: "module" }],
];
const ONE: [string, PlanOptions] = SOURCES[0];

/** A folder of the test's own files, removed after `body`. */
async function inFolder<T>(body: (dir: string) => Promise<T> | T): Promise<T> {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), "tm-plan-service-")));
  try {
    return await body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A worker module that greets, then answers every request with `reply` (JSON, `ID` replaced by the request's id). */
function fakeWorker(dir: string, name: string, greet: boolean, reply: string): URL {
  const file = join(dir, name);
  writeFileSync(
    file,
    `import { workerData } from "node:worker_threads";
const { signal, port } = workerData;
const cell = new Int32Array(signal, 0, 1);
const send = (message) => { port.postMessage(message); Atomics.add(cell, 0, 1); Atomics.notify(cell, 0); };
port.on("message", (request) => send(JSON.parse(${JSON.stringify(reply)}.replace("ID", String(request.id)))));
if (${greet}) send({ id: 0, ready: true });
`,
  );
  return pathToFileURL(file);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test("the worker's plans are planModule's, for JavaScript, TypeScript, JSX, CommonJS, an input map and a syntax error", () => {
  const service = new PlanService();
  try {
    for (const [source, options] of SOURCES) {
      assert.deepEqual(service.plan(source, options), planModule(source, options), options.path);
    }
    assert.deepEqual(service.stats, { starts: 1, inWorker: SOURCES.length, inProcess: 0 });
    assert.equal(service.fallback, null);
  } finally {
    service.close();
  }
});

test("the worker starts at the first module to plan, not before", () => {
  const service = new PlanService();
  try {
    assert.equal(service.running, false);
    assert.equal(service.stats.starts, 0);
    service.plan(...ONE);
    assert.equal(service.running, true);
    assert.equal(service.stats.starts, 1);
  } finally {
    service.close();
  }
});

test("the worker goes away when idle and starts again for a later module", async () => {
  const service = new PlanService({ idleMs: 100 });
  try {
    service.plan(...ONE);
    for (let waited = 0; service.running && waited < 10_000; waited += 50) await sleep(50);
    assert.equal(service.running, false, "still running after 10 s");
    assert.deepEqual(service.plan(...ONE), planModule(...ONE));
    assert.equal(service.stats.starts, 2);
  } finally {
    service.close();
  }
});

test("a warm start that finds every plan in the disk cache never starts the worker", async () => {
  await inFolder((dir) => {
    const cache = PlanCache.open((name) => name === "TRACEMALLOC_CACHE_DIR" ? dir : undefined);
    const options = { exclude: [], remap: false, profile: "test", cache };
    const module = { path: "/app/a.mjs", source: ONE[0], lang: "js", kind: "module" } as const;
    const cold = new PlanService();
    const warm = new PlanService();
    try {
      const first = new ModuleRewriter(() => false, { ...options, planner: cold }).transform(module);
      const again = new ModuleRewriter(() => false, { ...options, planner: warm }).transform(module);
      assert.equal(again, first);
      assert.equal(cold.stats.starts, 1);
      assert.equal(warm.stats.starts, 0);
    } finally {
      cold.close();
      warm.close();
    }
  });
});

test("when no worker can be started, modules are planned in this process and the service says why", () => {
  const service = new PlanService({ entry: new URL("./no-such-worker.ts", import.meta.url) });
  for (const [source, options] of SOURCES) assert.deepEqual(service.plan(source, options), planModule(source, options));
  assert.deepEqual(service.stats, { starts: 0, inWorker: 0, inProcess: SOURCES.length });
  assert.match(service.fallback ?? "", /module is missing: .*no-such-worker\.ts/);
});

test("a worker that never says it is ready is given up after startMs, for good", async () => {
  await inFolder((dir) => {
    const service = new PlanService({ entry: fakeWorker(dir, "silent.mjs", false, "{}"), startMs: 300 });
    assert.deepEqual(service.plan(...ONE), planModule(...ONE));
    assert.match(service.fallback ?? "", /did not start: no answer in 300 ms/);
    service.plan(...ONE);
    assert.deepEqual(service.stats, { starts: 1, inWorker: 0, inProcess: 2 });
    assert.equal(service.running, false);
  });
});

test("a worker that answers with something that is not a plan is given up, the module planned in this process", async () => {
  await inFolder((dir) => {
    const entry = fakeWorker(dir, "wrong.mjs", true, '{ "id": ID, "plan": { "sites": 1 } }');
    const service = new PlanService({ entry });
    assert.deepEqual(service.plan(...ONE), planModule(...ONE));
    assert.match(service.fallback ?? "", /not a plan/);
    assert.equal(service.running, false);
  });
});

test("a module the worker fails on is planned in this process, and the worker kept", async () => {
  await inFolder((dir) => {
    const service = new PlanService({ entry: fakeWorker(dir, "failing.mjs", true, '{ "id": ID, "error": "boom" }') });
    try {
      assert.deepEqual(service.plan(...ONE), planModule(...ONE));
      assert.match(service.fallback ?? "", /failed on \/app\/a\.mjs: boom/);
      assert.equal(service.running, true);
    } finally {
      service.close();
    }
  });
});

test("the rewriter's stats say why a module was planned in this process", () => {
  const planner = new PlanService({ entry: new URL("./no-such-worker.ts", import.meta.url) });
  const rewriter = new ModuleRewriter(() => false, {
    exclude: [],
    remap: false,
    profile: "test",
    cache: null,
    planner,
  });
  assert.notEqual(rewriter.transform({ path: "/app/a.mjs", source: ONE[0], lang: "js", kind: "module" }), null);
  assert.match(rewriter.stats.fallback ?? "", /module is missing/);
});

/** What the traced program below reports on its last line. */
interface Traced {
  running: boolean;
  inWorker: number;
  fallback: string | null;
  rewritten: number;
  external: number;
  at: number;
}

const src = (path: string) => new URL(`../../../src/${path}`, import.meta.url).href;
const TRACED = `import process from "node:process";
import { lineInstallation } from ${JSON.stringify(src("engines/line/install.ts"))};
import { planService } from ${JSON.stringify(src("engines/line/plan-service.ts"))};
import { rows } from "./rows.mts";
const stats = lineInstallation()?.rewriter.stats;
console.log(JSON.stringify({
  running: planService().running,
  inWorker: planService().stats.inWorker,
  fallback: stats?.fallback ?? null,
  rewritten: stats?.rewritten ?? 0,
  external: process.memoryUsage().external,
  rows: rows.length,
  at: Date.now(),
}));
`;
/** Preloaded before the startup module: notes every thread it runs in. */
const PROBE = `import { appendFileSync } from "node:fs";
import { isMainThread } from "node:worker_threads";
appendFileSync(new URL("./preloaded.txt", import.meta.url), isMainThread ? "main\\n" : "worker\\n");
`;

let traced: Traced & { exitMs: number; preloaded: string[] };

test("a program traced with the startup preload has its modules planned by the worker", async () => {
  traced = await inFolder(async (dir) => {
    writeFileSync(join(dir, "app.mts"), TRACED);
    writeFileSync(join(dir, "rows.mts"), "export const rows: { i: number }[] = [{ i: 1 }, { i: 2 }];\n");
    writeFileSync(join(dir, "probe.mjs"), PROBE);
    const startup = fileURLToPath(src("startup.ts"));
    const { command, args } = preloadCommand(runtime().name, startup, join(dir, "app.mts"), []);
    // The probe is preloaded right before the startup module, with the same flag.
    const at = args.findIndex((arg) => arg === startup || arg === pathToFileURL(startup).href);
    const probe = join(dir, "probe.mjs");
    args.splice(at - 1, 0, args[at - 1], args[at] === startup ? probe : pathToFileURL(probe).href);
    const env = { ...process.env, TRACEMALLOC: "1", TRACEMALLOC_CACHE_DIR: join(dir, "cache") };
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(command, args, { cwd: dir, env, encoding: "utf8", timeout: 60_000 }, (err, out, stderr) => {
        if (err) reject(new Error(`${err.message}\n${stderr}`));
        else resolve(out);
      });
    });
    const exited = Date.now();
    const report = JSON.parse(stdout.trim().split("\n").at(-1)!) as Traced;
    const preloaded = readFileSync(join(dir, "preloaded.txt"), "utf8").trim().split("\n");
    return { ...report, exitMs: exited - report.at, preloaded };
  });
  assert.equal(traced.fallback, null);
  assert.ok(traced.inWorker >= 2, `${traced.inWorker} modules planned by the worker`);
  assert.ok(traced.rewritten >= 2, `${traced.rewritten} modules rewritten`);
});

test("a traced program exits promptly while its planning worker still runs", () => {
  assert.equal(traced.running, true);
  // The worker's idle time is 2 s: a worker that kept the program alive would hold it that long.
  assert.ok(traced.exitMs < 1500, `exited ${traced.exitMs} ms after its last line`);
});

test("the planning worker runs no preload", () => {
  assert.deepEqual(traced.preloaded, ["main"]);
});

test("the parser's raw-transfer buffer is not in the traced program's memory", () => {
  assert.ok(traced.external < 1e9, `${(traced.external / 1e6).toFixed(0)} MB external`);
});
