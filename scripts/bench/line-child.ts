/**
 * A child of `scripts/bench-line.ts`'s overhead section: runs the workload
 * of `line-workload.ts` once, timing the loop on the main thread, and prints
 * one line of JSON: `{ ms, threadMs, cpuMs, check, tracing, rewritten }`
 * (`ms`: elapsed; `threadMs`: the main thread's CPU time, which a busy
 * machine's preemption does not inflate; `cpuMs`: the whole process's, GC
 * helper threads included; `tracing`: whether tracing ran during the loop;
 * `rewritten`: whether the workload module really was rewritten, checked
 * after the loop by tracing every allocation of `probe()` and looking for
 * its line in a snapshot).
 *
 * `node --import tsx scripts/bench/line-child.ts ITEMS`; with the startup
 * module preloaded and `TRACEMALLOC` set it runs traced; with
 * `BENCH_LINE_IDLE=1` as well it stops tracing before the loop (the modules
 * stay rewritten: the cost of the rewriting alone).
 *
 * @module
 */
import process from "node:process";
import { probe, run } from "./line-workload.ts";

const items = Number(process.argv[2] ?? "100000");
const traced = Boolean(process.env.TRACEMALLOC && process.env.TRACEMALLOC !== "0");
if (traced && process.env.BENCH_LINE_IDLE) {
  const tracemalloc = await import("../../src/tracer.ts");
  await tracemalloc.stop();
}
const cpu0 = process.cpuUsage();
const thread0 = process.threadCpuUsage();
const t0 = performance.now();
const check = run(items);
const ms = performance.now() - t0;
const thread = process.threadCpuUsage(thread0);
const cpu = process.cpuUsage(cpu0);
let tracing = false;
let rewritten = false;
if (traced) {
  const tracemalloc = await import("../../src/tracer.ts");
  tracing = tracemalloc.isTracing();
  const { lineInstallation } = await import("../../src/engines/line/install.ts");
  if (lineInstallation()) {
    await tracemalloc.stop();
    await tracemalloc.start(1, { sampleEvery: 1 });
    const held = probe();
    const snapshot = await tracemalloc.takeSnapshot();
    for (const trace of snapshot.traces) {
      if (trace.traceback.at(-1)?.filename.endsWith("line-workload.ts")) rewritten = true;
    }
    await tracemalloc.stop();
    if (held.probe !== 1) throw new Error("unreachable");
  }
}
console.log(JSON.stringify({
  ms,
  threadMs: (thread.user + thread.system) / 1000,
  cpuMs: (cpu.user + cpu.system) / 1000,
  check,
  tracing,
  rewritten,
}));
