/**
 * What tracing costs, on the runtime that runs this script:
 *
 * 1. wall time of an allocation-heavy workload (small objects, strings,
 *    arrays, JSON), untraced and traced, side by side in one run
 *    (interleaved repetitions, medians), printed as ratios;
 * 2. the domain-0 estimate's error against known retained bytes, by
 *    sampling interval;
 * 3. `takeSnapshot()` latency on a ~500 MB heap and `getTracemallocMemory()`
 *    per trace.
 *
 * @example
 * ```sh
 * node --import tsx scripts/bench-tracing.ts
 * deno run -A scripts/bench-tracing.ts
 * bun scripts/bench-tracing.ts --reps 15 --heap-mb 500
 * ```
 * @module
 */
import process from "node:process";
import { parseArgs } from "node:util";
import { DEFAULT_SAMPLING_INTERVAL, SamplerEngine } from "../src/engines/sampler.ts";
import { runtime } from "../src/runtime/index.ts";
import * as tracemalloc from "../src/tracer.ts";

const { values: args } = parseArgs({
  args: process.argv.slice(2),
  options: {
    reps: { type: "string", default: "11" },
    n: { type: "string", default: "150000" },
    "heap-mb": { type: "string", default: "500" },
    intervals: { type: "string", default: "" },
    skip: { type: "string", default: "" },
    workload: { type: "string", default: "json" },
  },
});
const reps = Number(args.reps);
const n = Number(args.n);
const heapMb = Number(args["heap-mb"]);
const skip = new Set(args.skip.split(",").filter(Boolean));
const rt = runtime();
const KiB = 1024;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmtBytes = (b: number) =>
  b >= 1024 * 1024 ? `${(b / 1024 / 1024).toFixed(b >= 10 * 1024 * 1024 ? 0 : 1)} MiB` : `${(b / 1024).toFixed(0)} KiB`;

/** Small dicts as in the anchors' CPython loop, one in ten kept until it returns. */
function dicts(count: number): number {
  const keep: unknown[] = [];
  for (let i = 0; i < count * 20; i++) {
    const d = { a: i, b: "x", c: i + 1 };
    if (i % 10 === 0) keep.push(d);
  }
  return keep.length;
}

const workload = args.workload === "dicts" ? dicts : json;

/** Many small objects, strings, arrays and JSON; keeps one in ten results alive until it returns. */
function json(count: number): number {
  const keep: unknown[] = [];
  let check = 0;
  for (let i = 0; i < count; i++) {
    const item = {
      id: i,
      name: "item-" + i,
      tags: ["t" + (i % 7), "u" + (i % 13)],
      point: { x: i * 0.5, y: [i, i + 1, i + 2] },
    };
    const text = JSON.stringify(item);
    const back = JSON.parse(text) as typeof item;
    check += text.length + back.tags.length + back.point.y.length;
    if (i % 10 === 0) keep.push(back);
  }
  return check + keep.length;
}

interface Mode {
  name: string;
  options: tracemalloc.TracerOptions | null;
}

async function timeOnce(mode: Mode): Promise<number> {
  await rt.gc();
  if (mode.options) await tracemalloc.start(1, mode.options);
  const t0 = performance.now();
  const check = workload(n);
  const elapsed = performance.now() - t0;
  if (mode.options) await tracemalloc.stop();
  if (check <= 0) throw new Error("workload was optimised away");
  return elapsed;
}

async function overhead(): Promise<void> {
  const intervals = args.intervals
    ? args.intervals.split(",").map((x) => Number(x) * KiB)
    : [128 * KiB, 512 * KiB, 2048 * KiB];
  const modes: Mode[] = [
    { name: "untraced", options: null },
    {
      name: `start(1) defaults (${fmtBytes(DEFAULT_SAMPLING_INTERVAL)})`,
      options: {},
    },
    ...(rt.capabilities.heapSampler
      ? intervals.filter((i) => i !== DEFAULT_SAMPLING_INTERVAL).map((i) => ({
        name: `samplingInterval ${fmtBytes(i)}`,
        options: { samplingInterval: i },
      }))
      : []),
    {
      name: "domain 0 only (no hooks)",
      options: { domains: { buffers: false, wasm: false } },
    },
  ];
  const times = new Map(modes.map((m) => [m.name, [] as number[]]));
  for (let i = 0; i < 2; i++) await timeOnce(modes[0]); // warm up the JIT
  for (let r = 0; r < reps; r++) {
    // Rotate the order so that no mode always runs right after another.
    for (let k = 0; k < modes.length; k++) {
      const mode = modes[(k + r) % modes.length];
      times.get(mode.name)!.push(await timeOnce(mode));
    }
  }
  const untraced = times.get("untraced")!;
  const base = median(untraced);
  console.log(
    `\n## tracing overhead: ${args.workload} workload of ${n} items, ${reps} interleaved repetitions`,
  );
  console.log(
    `${"mode".padEnd(40)} ${"median".padStart(11)}  ratio of medians  median of paired ratios`,
  );
  for (const mode of modes) {
    const own = times.get(mode.name)!;
    // Each repetition runs every mode once: pairing them cancels slow phases of a busy machine.
    const paired = median(own.map((t, r) => t / untraced[r]));
    const t = median(own);
    console.log(
      `${mode.name.padEnd(40)} ${t.toFixed(1).padStart(8)} ms  ${(t / base).toFixed(3).padStart(15)}x  ${
        paired.toFixed(3).padStart(21)
      }x`,
    );
  }
}

/** Keeps `count` arrays of `length` doubles (8 bytes each in V8). */
function retainKnown(count: number, length: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < count; i++) out.push(new Array(length).fill(i + 0.5));
  return out;
}

/** Keeps arrays of 1 to 2000 doubles: sizes spread over the intervals measured. */
function retainMixed(count: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < count; i++) {
    out.push(new Array(1 + (i * 7919) % 2000).fill(0.5));
  }
  return out;
}

/** Keeps `into.length` small objects. */
function retainSmall(into: { a: number; b: string }[]): void {
  for (let i = 0; i < into.length; i++) into[i] = { a: i, b: "s" + i };
}

type Kind = "small" | "mixed" | "fixed";

/** One run: the relative error of the domain-0 estimate of what one workload keeps. */
async function estimateOnce(kind: Kind, interval: number): Promise<number> {
  const engine = new SamplerEngine();
  const into: { a: number; b: string }[] = new Array(1_000_000);
  await rt.gc();
  const before = rt.heapStatistics().heapUsed;
  await engine.start(1, { samplingInterval: interval });
  let kept: unknown[];
  let name: string;
  if (kind === "fixed") [kept, name] = [retainKnown(8000, 1000), "retainKnown"];
  else if (kind === "mixed") [kept, name] = [retainMixed(8000), "retainMixed"];
  else [kept, name] = [(retainSmall(into), into), "retainSmall"];
  await rt.gc();
  // Arrays of doubles are known exactly; small objects are measured by the heap's growth.
  const truth = kind === "fixed"
    ? 8000 * 1000 * 8
    : kind === "mixed"
    ? kept.reduce((s: number, a) => s + 8 * (a as number[]).length, 0)
    : rt.heapStatistics().heapUsed - before;
  let estimate = 0;
  for (const [, size, frames] of await engine.collect()) {
    if (frames[0]?.[3] === name) estimate += size;
  }
  await engine.stop();
  return estimate / truth - 1;
}

async function estimateError(): Promise<void> {
  console.log(
    "\n## domain-0 estimate vs truth by sampling interval (5 runs: mean error / worst error)",
  );
  if (!rt.capabilities.heapSampler) {
    console.log(
      `${rt.name}: no sampling heap profiler (domain 0 is a heap census; sizes are shares of the heap)`,
    );
    return;
  }
  const kinds: [Kind, string][] = [
    ["small", "1M small objects"],
    ["mixed", "8000 arrays, 8 B-16 KB"],
    ["fixed", "8000 arrays of 8 KB"],
  ];
  console.log(
    `interval   ${kinds.map(([, label]) => label.padEnd(24)).join("")}`,
  );
  for (
    const interval of [1, 4, 16, 64, 256, 512, 1024, 2048].map((k) => k * KiB)
  ) {
    const cells: string[] = [];
    for (const [kind] of kinds) {
      const errors: number[] = [];
      for (let run = 0; run < 5; run++) {
        errors.push(await estimateOnce(kind, interval));
      }
      const mean = errors.reduce((s, e) => s + e, 0) / errors.length;
      const worst = errors.reduce(
        (w, e) => Math.abs(e) > Math.abs(w) ? e : w,
        0,
      );
      cells.push(
        `${(mean * 100).toFixed(1)}% / ${(worst * 100).toFixed(1)}%`.padEnd(24),
      );
    }
    console.log(`${fmtBytes(interval).padEnd(10)} ${cells.join("")}`);
  }
}

async function bigHeap(): Promise<void> {
  console.log(
    `\n## takeSnapshot() on a ~${heapMb} MB heap (start(1), defaults)`,
  );
  await tracemalloc.start(1);
  // Objects of ~100 bytes in chunks, allocated while tracing.
  const chunks: { id: number; name: string; values: number[] }[][] = [];
  const target = heapMb * 1024 * 1024;
  while (rt.heapStatistics().heapUsed < target) {
    const chunk = [];
    for (let i = 0; i < 100_000; i++) {
      chunk.push({ id: i, name: "n" + i, values: [i, i * 2] });
    }
    chunks.push(chunk);
  }
  const heap = rt.heapStatistics().heapUsed;
  let t0 = performance.now();
  const snapshot = await tracemalloc.takeSnapshot();
  const first = performance.now() - t0;
  t0 = performance.now();
  await tracemalloc.takeSnapshot();
  const second = performance.now() - t0;
  t0 = performance.now();
  await rt.gc();
  const gc = performance.now() - t0;
  const tracerBytes = await tracemalloc.getTracemallocMemory();
  const traced = await tracemalloc.getTracedMemory();
  await tracemalloc.stop();
  const traces = snapshot.traces.length;
  let count = 0;
  for (const trace of snapshot.traces) count += trace.count;
  console.log(
    `heap used ${fmtBytes(heap)}, ${chunks.length * 100_000} objects kept`,
  );
  console.log(
    `takeSnapshot()                   ${first.toFixed(1)} ms (first), ${second.toFixed(1)} ms (again)`,
  );
  console.log(`explicit full gc alone (reference)   ${gc.toFixed(1)} ms`);
  console.log(
    `${traces} traces; traced memory ${fmtBytes(traced.current)} (estimate), ~${
      Math.round(count)
    } allocations estimated`,
  );
  console.log(
    `getTracemallocMemory() ${tracerBytes} B: ${traces ? (tracerBytes / traces).toFixed(0) : "-"} B per trace ` +
      "(a sampled trace aggregates the samples of one size at one stack)",
  );
}

console.log(`# bench-tracing on ${rt.name} ${rt.version}`);
if (!skip.has("overhead")) await overhead();
if (!skip.has("estimate")) await estimateError();
if (!skip.has("heap")) await bigHeap();
