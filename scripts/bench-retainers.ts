/**
 * Benchmark of `retainers`: what a heap snapshot costs, per 100 MB of heap.
 * A program under this runtime, traced from its first line with the line
 * engine (`start 5`, one allocation in 1024 sampled), fills a module-level
 * Map with sessions (an object, a string and a small array each) until its
 * heap holds about `--mb` megabytes; then the `retainerSnapshot` request is
 * sent as the command sends it, and the answer analysed as the command does.
 * Printed: the heap, the snapshot's size, the time the program took to take
 * it (the program stalls that long), to send it, and the controller's time
 * to read it and search it, each also per 100 MB of heap; and the path found.
 *
 * Options: `--mb 100` (heap to fill), `--repeat 2` (best of).
 *
 * @example
 * ```sh
 * node --import tsx scripts/bench-retainers.ts
 * deno run -A scripts/bench-retainers.ts --mb 200
 * bun scripts/bench-retainers.ts
 * ```
 * @module
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { setTimeout as delay } from "node:timers/promises";
import { analyseRetainers } from "../src/retainers/analyse.ts";
import { fileDeclarations } from "../src/retainers/declarations.ts";
import { currentRuntimeName } from "../src/runtime/spawn.ts";
import { launchChild } from "../src/session/launch.ts";
import { LocalTarget } from "../src/session/local.ts";
import { Session } from "../src/session/session.ts";

const argv = process.argv;
const num = (name: string, fallback: number) => {
  const i = argv.indexOf(`--${name}`);
  return i > 0 ? Number(argv[i + 1]) : fallback;
};
const MB = num("mb", 100);
const REPEAT = num("repeat", 2);
const RUNTIME = currentRuntimeName();

/** The program: sessions kept in a Map until the heap holds about `MB` megabytes. */
const PROGRAM = `import process from "node:process";
class Session {
  constructor(readonly id: number, readonly user: string, readonly roles: number[]) {}
}
const sessions = new Map<number, Session>();
let next = 0;
function heapUsed(): number {
  return process.memoryUsage().heapUsed;
}
while (heapUsed() < ${MB} * 1e6) {
  for (let i = 0; i < 10_000; i++, next++) sessions.set(next, new Session(next, "user-" + next, [next, next + 1])); // LEAK
}
(globalThis as Record<string, unknown>).ready = true;
setInterval(() => sessions.size, 1000);
`;

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

const dir = mkdtempSync(join(tmpdir(), "tm-bench-retainers-"));
const script = join(dir, "app.ts");
writeFileSync(script, PROGRAM);
const session = new Session({ target: new LocalTarget(), launch: launchChild });
try {
  await session.execute("start 5");
  await session.execute(`run --runtime ${RUNTIME} ${script}`);
  while ((await session.execute("eval globalThis.ready === true"))?.result.lines[0] !== "true") await delay(50);
  const heap = Number((await session.execute("eval process.memoryUsage().heapUsed"))!.result.lines[0]);
  await session.execute("snapshot s1");
  const listed = await session.execute("stats s1 --limit 20");
  const entries = (listed!.result.data as { entries: { traceback: { line: number }[] }[] }).entries;
  const line = PROGRAM.split("\n").findIndex((l) => l.includes("// LEAK")) + 1;
  const n = entries.findIndex((e) => e.traceback.at(-1)?.line === line);
  const key = session.listing!.entries[n].traceback;
  const target = session.target;
  let best: { snapshot: number; send: number; read: number; search: number; bytes: number; path: string } | null = null;
  for (let r = 0; r < REPEAT; r++) {
    const started = performance.now();
    const answer = await target.retainerSnapshot!({
      key: [...key].map((f) => [f.filename, f.lineno] as const),
      keyType: "lineno",
      cumulative: false,
      objects: 20,
    });
    const received = performance.now() - started;
    const report = await analyseRetainers(answer, answer.bytes, { declaration: fileDeclarations() });
    const run = {
      snapshot: answer.snapshotMs,
      send: received - answer.snapshotMs,
      read: report.readMs,
      search: report.searchMs,
      bytes: answer.bytes.byteLength,
      path: report.paths[0]?.shape ?? "(none)",
    };
    if (!best || run.snapshot + run.read + run.search < best.snapshot + best.read + best.search) best = run;
  }
  const per100 = (ms: number) => `${((ms / 1000) * (100e6 / heap)).toFixed(2)} s`;
  const b = best!;
  console.log(
    `${RUNTIME}: heap ${(heap / 1e6).toFixed(0)} MB, snapshot ${(b.bytes / 1e6).toFixed(0)} MB (best of ${REPEAT})`,
  );
  console.log(`  in the program: take the snapshot ${seconds(b.snapshot)} (${per100(b.snapshot)} per 100 MB of heap)`);
  console.log(`  channel:        send it           ${seconds(b.send)} (${per100(b.send)} per 100 MB)`);
  console.log(`  controller:     read it           ${seconds(b.read)} (${per100(b.read)} per 100 MB)`);
  console.log(`                  search and name   ${seconds(b.search)} (${per100(b.search)} per 100 MB)`);
  console.log(`  analysis in all: ${per100(b.read + b.search)} per 100 MB of heap; path: ${b.path}`);
} finally {
  await session.close();
  rmSync(dir, { recursive: true, force: true });
}
