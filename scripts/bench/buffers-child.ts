/**
 * A child of `scripts/bench-buffers.ts`: runs the small-buffer workload of
 * `buffers-workload.ts` (after a short warm-up), timing the loop on the
 * main thread, and prints one line of JSON:
 * `{ ms, threadMs, check, tracing, buffers, lines }` (`ms`: elapsed;
 * `threadMs`: the main thread's CPU time, which a busy machine's preemption
 * does not inflate; `tracing`: whether tracing ran during the loop;
 * `buffers`: domain-1 traces a snapshot holds at the workload's lines;
 * `lines`: those lines).
 *
 * `node --import tsx scripts/bench/buffers-child.ts ITEMS`; with the startup
 * module preloaded and `TRACEMALLOC` set it runs traced; with
 * `BENCH_BUFFERS_INPROCESS=1` instead it starts tracing itself, without the
 * preload (no module rewritten: every buffer captures a stack); with
 * `BENCH_BUFFERS_FLOOR=1` it runs under the floor of exact tracing instead
 * (`buffers-floor.ts`), whose `buffers` are those it has not seen freed.
 *
 * @module
 */
import process from "node:process";
import { run } from "./buffers-workload.ts";

const items = Number(process.argv[2] ?? "100000");
const inProcess = Boolean(process.env.BENCH_BUFFERS_INPROCESS);
const preloaded = Boolean(process.env.TRACEMALLOC && process.env.TRACEMALLOC !== "0");
const tracemalloc = preloaded || inProcess ? await import("../../src/tracer.ts") : null;
if (inProcess) {
  await tracemalloc!.start(1, { engine: "line" === process.env.BENCH_BUFFERS_ENGINE ? "line" : undefined });
}
const floor = process.env.BENCH_BUFFERS_FLOOR ? await import("./buffers-floor.ts") : null;
floor?.installFloor();
run(2000);
const thread0 = process.threadCpuUsage();
const t0 = performance.now();
const check = run(items);
const ms = performance.now() - t0;
const thread = process.threadCpuUsage(thread0);
let tracing = floor !== null;
let buffers = floor?.liveBuffers() ?? 0;
const lines = new Set<number>();
if (tracemalloc) {
  tracing = tracemalloc.isTracing();
  const snapshot = await tracemalloc.takeSnapshot();
  for (const trace of snapshot.traces) {
    const frame = trace.traceback.at(-1);
    if (trace.domain === 1 && frame?.filename.endsWith("buffers-workload.ts")) {
      buffers += trace.count;
      lines.add(frame.lineno);
    }
  }
}
console.log(
  JSON.stringify({ ms, threadMs: (thread.user + thread.system) / 1000, check, tracing, buffers, lines: [...lines] }),
);
