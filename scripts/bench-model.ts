/**
 * Benchmark of the snapshot model against CPython's tracemalloc on the same
 * synthetic traces, measured side by side in one run (this script runs the
 * Python side itself): 50k distinct tracebacks of 1-5 frames over 2k files,
 * traceback limit 5, at 100k and 1M traces.
 *
 * Every operation runs in a fresh process of its own, on both sides: its
 * first call there (what a command-line run or a refresh meets, before the
 * JIT has seen the code) and then its best of `--repeat` warm calls. The
 * snapshots an operation needs are built from raw traces first, in that
 * same process; the `construction` row times that build (CPython's
 * `Snapshot()` only keeps the list, so that row has no ratio). `load` reads
 * what the `dump` process wrote. Prints microseconds per trace and the ratio
 * CPython / ours for each column; the target is 10x everywhere.
 *
 * Each timed first call (and the build) starts on a settled process, on both
 * sides: a full collection, then 200 ms idle. Building the inputs leaves the
 * collector and the compiler work to finish in the background (and tsx
 * writes its transform cache), which otherwise fell on whatever ran next: a
 * first compareTo() at 100k took 98-183 ms straight after the build and
 * 77-110 ms once settled. The JIT has still seen none of the operation's
 * code.
 *
 * Options: `--sizes 100000,1000000`, `--tracebacks 50000`, `--files 2000`,
 * `--repeat 5`, `--all` (also filename, cumulative and filterTraces rows),
 * `--ops a,b` (only those operations).
 *
 * @example
 * ```sh
 * node --expose-gc --import tsx scripts/bench-model.ts [--sizes 100000]
 * deno run -A --v8-flags=--expose-gc scripts/bench-model.ts
 * bun scripts/bench-model.ts
 * ```
 * @module
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Filter, type RawTrace, Snapshot } from "../mod.ts";
import { Random } from "../tests/oracle/random.ts";
import { syntheticTracebacks } from "./bench/synthetic.ts";
import { runtime } from "../src/runtime/index.ts";
import { currentRuntimeName, scriptCommand } from "../src/runtime/spawn.ts";

const argv = process.argv;
const option = (name: string) => {
  const i = argv.indexOf(`--${name}`);
  return i > 0 ? argv[i + 1] : undefined;
};
const num = (name: string, fallback: number) => Number(option(name) ?? fallback);
const SIZES = (option("sizes") ?? "100000,1000000").split(",").map(Number);
const TRACEBACKS = num("tracebacks", 50_000);
const FILES = num("files", 2_000);
const LIMIT = 5;
const REPEAT = num("repeat", 5);

/** The operations, in the order they run (`load` reads what `dump` wrote). */
const MAIN_OPS = ["statistics lineno", "statistics traceback", "compareTo lineno", "dump", "load"];
const EXTRA_OPS = [
  "statistics filename",
  "statistics lineno cumulative",
  "statistics filename cumulative",
  "filterTraces",
];

/** The synthetic workload, built the same way for both sides from one seed. */
function generate(seed: number, traces: number) {
  const rand = new Random(seed);
  const tracebacks = syntheticTracebacks(rand, FILES, TRACEBACKS);
  const domain = new Int32Array(traces);
  const size = new Float64Array(traces);
  const tb = new Uint32Array(traces);
  for (let i = 0; i < traces; i++) {
    domain[i] = rand.chance(0.9) ? 0 : rand.int(1, 2);
    size[i] = rand.chance(0.95) ? rand.int(16, 512) : rand.int(512, 1 << 20);
    tb[i] = rand.int(0, TRACEBACKS - 1);
  }
  return { tracebacks, domain, size, tb };
}

type Workload = ReturnType<typeof generate>;

function rawTraces(w: Workload): RawTrace[] {
  return Array.from(w.tb, (t, i) => [w.domain[i], w.size[i], w.tracebacks[t], w.tracebacks[t].length] as RawTrace);
}

/** One operation in a fresh CPython: argv new.json old.json dir op repeat; prints {first, warm} in ms. */
const PYTHON = String.raw`
import gc, json, os, sys, time, tracemalloc
new_path, old_path, dir, op, repeat = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
def load(path):
    w = json.load(open(path))
    tbs = [tuple(tuple(f) for f in frames) for frames in w["tracebacks"]]
    return [(d, s, tbs[t], len(tbs[t])) for d, s, t in zip(w["domain"], w["size"], w["tb"])]
dump = os.path.join(dir, "py.pickle")
def settle():
    gc.collect(); time.sleep(0.2)
if op != "load":
    raw_new = load(new_path)
    settle()
    t = time.perf_counter(); new = tracemalloc.Snapshot(raw_new, 5); build = time.perf_counter() - t
if op == "compareTo lineno":
    old = tracemalloc.Snapshot(load(old_path), 5)
filters = [tracemalloc.Filter(False, "*node_modules*"), tracemalloc.Filter(True, "src/mod1*", all_frames=True)]
ops = {
  "statistics lineno": lambda: new.statistics("lineno"),
  "statistics filename": lambda: new.statistics("filename"),
  "statistics traceback": lambda: new.statistics("traceback"),
  "statistics lineno cumulative": lambda: new.statistics("lineno", True),
  "statistics filename cumulative": lambda: new.statistics("filename", True),
  "compareTo lineno": lambda: new.compare_to(old, "lineno"),
  "filterTraces": lambda: new.filter_traces(filters),
  "dump": lambda: new.dump(dump),
  "load": lambda: tracemalloc.Snapshot.load(dump),
}
fn = ops[op]
settle()
t = time.perf_counter(); fn(); first = time.perf_counter() - t
warm = float("inf")
for _ in range(repeat):
    t = time.perf_counter(); fn(); warm = min(warm, time.perf_counter() - t)
out = {"first": first * 1000, "warm": warm * 1000}
if op == "dump": out["bytes"] = os.path.getsize(dump)
print(json.dumps(out))
`;

interface Timing {
  first: number;
  warm: number;
  bytes?: number;
  /** Construction of the snapshot(s) from raw traces, first and best warm (ours only). */
  build?: number;
  buildWarm?: number;
  memory?: number;
}

async function timeIt(fn: () => unknown): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

/** A full collection, then 200 ms idle for the runtime's background work (see the module comment). */
async function settle(): Promise<void> {
  await runtime().gc();
  await new Promise((resolve) => setTimeout(resolve, 200));
}

/** Child mode: one operation in this fresh process; prints a {@link Timing} as JSON. */
async function child(op: string, traces: number, dir: string): Promise<void> {
  const dumpPath = join(dir, "js.tmjs");
  const out: Partial<Timing> = {};
  await settle();
  if (op === "load") {
    out.first = await timeIt(() => Snapshot.load(dumpPath));
    out.warm = Infinity;
    for (let i = 0; i < REPEAT; i++) out.warm = Math.min(out.warm, await timeIt(() => Snapshot.load(dumpPath)));
    console.log(JSON.stringify(out));
    return;
  }
  if (op === "memory") {
    console.log(JSON.stringify({ first: 0, warm: 0, memory: await snapshotMemory(dumpPath) }));
    return;
  }
  const newRaw = rawTraces(generate(1, traces));
  const oldRaw = op === "compareTo lineno" ? rawTraces(generate(2, traces)) : [];
  let now!: Snapshot, old!: Snapshot;
  await settle();
  out.build = await timeIt(() => now = new Snapshot(newRaw, LIMIT));
  if (op === "construction") {
    out.first = out.build;
    out.warm = Infinity;
    for (let i = 0; i < REPEAT; i++) out.warm = Math.min(out.warm, await timeIt(() => new Snapshot(newRaw, LIMIT)));
    console.log(JSON.stringify(out));
    return;
  }
  if (op === "compareTo lineno") old = new Snapshot(oldRaw, LIMIT);
  const filters = [new Filter(false, "*node_modules*"), new Filter(true, "src/mod1*", null, true)];
  const ops: Record<string, () => unknown> = {
    "statistics lineno": () => now.statistics("lineno"),
    "statistics filename": () => now.statistics("filename"),
    "statistics traceback": () => now.statistics("traceback"),
    "statistics lineno cumulative": () => now.statistics("lineno", true),
    "statistics filename cumulative": () => now.statistics("filename", true),
    "compareTo lineno": () => now.compareTo(old, "lineno"),
    "filterTraces": () => now.filterTraces(filters),
    "dump": () => now.dump(dumpPath),
  };
  const fn = ops[op];
  if (!fn) throw new Error(`unknown operation ${op}`);
  await settle();
  out.first = await timeIt(fn);
  out.warm = Infinity;
  for (let i = 0; i < REPEAT; i++) out.warm = Math.min(out.warm, await timeIt(fn));
  if (op === "dump") out.bytes = statSync(dumpPath).size;
  console.log(JSON.stringify(out));
}

/** Heap and buffer bytes a loaded snapshot holds, its strings' characters excluded. */
async function snapshotMemory(dump: string): Promise<number> {
  const used = async () => {
    // Twice, a turn of the event loop apart: Deno releases some external memory (node:crypto's hash input, the
    // file's bytes after a load) only at the collection after the one that finds it unreachable.
    await runtime().gc();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await runtime().gc();
    const m = process.memoryUsage();
    // Node counts buffers in arrayBuffers; Deno reports none there (0), its external memory holds them; Bun's
    // heapUsed holds them already, and its external again (a 50 MB Float64Array adds 50 MB to each).
    if (runtime().name === "bun") return m.heapUsed;
    return m.heapUsed + (m.arrayBuffers || m.external);
  };
  const before = await used();
  const snapshot = await Snapshot.load(dump);
  const after = await used();
  const strings = snapshot.table.strings.reduce((n, s) => n + s.length, 0);
  return after - before - strings;
}

function run(command: string, args: string[], what: string): Timing {
  const result = spawnSync(command, args, { maxBuffer: 1 << 26, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`${what} failed: ${result.stderr}`);
  return JSON.parse(result.stdout.trim().split("\n").at(-1)!);
}

function runOurs(op: string, traces: number, dir: string): Timing {
  const script = fileURLToPath(import.meta.url);
  const args = ["--child", op, "--traces", String(traces), "--dir", dir, "--repeat", String(REPEAT)];
  args.push("--tracebacks", String(TRACEBACKS), "--files", String(FILES));
  const name = currentRuntimeName();
  if (name === "node") return run(process.execPath, [...process.execArgv, script, ...args], op);
  const cmd = scriptCommand(name, script, args);
  if (name === "deno") cmd.args.splice(1, 0, "--v8-flags=--expose-gc");
  return run(cmd.command, cmd.args, op);
}

function main() {
  const only = option("ops")?.split(",");
  const ops = [...MAIN_OPS, ...(argv.includes("--all") ? EXTRA_OPS : [])].filter((o) => !only || only.includes(o));
  const rt = `${runtime().name} ${runtime().version}`;
  const us = (ms: number, n: number) => (ms * 1000 / n).toFixed(3).padStart(8);
  const ratio = (py: number, js: number) => {
    const r = py / js;
    return `${r.toFixed(1).padStart(6)}x${r >= 10 ? "   " : " !!"}`;
  };
  for (const traces of SIZES) {
    const dir = mkdtempSync(join(tmpdir(), "tracemalloc-bench-"));
    try {
      for (const [name, seed] of [["new", 1], ["old", 2]] as const) {
        const w = generate(seed, traces);
        writeFileSync(
          join(dir, `${name}.json`),
          JSON.stringify({ tracebacks: w.tracebacks, domain: [...w.domain], size: [...w.size], tb: [...w.tb] }),
        );
      }
      const python = (op: string) =>
        run("python3", ["-c", PYTHON, join(dir, "new.json"), join(dir, "old.json"), dir, op, String(REPEAT)], op);
      console.error(`${traces} traces: CPython and ${rt}, each operation in a fresh process...`);
      const rows: [string, Timing, Timing][] = [];
      for (const op of ops) rows.push([op, python(op), runOurs(op, traces, dir)]);
      const build = runOurs("construction", traces, dir);

      console.log(`\nmodel benchmark (${rt}): ${traces} traces, ${TRACEBACKS} tracebacks, ${FILES} files`);
      console.log(`us per trace; first = first call in a fresh process, warm = best of ${REPEAT} after it`);
      console.log(
        `${"operation".padEnd(22)} ${"CPython first".padStart(13)} ${"ours".padStart(8)} ${"speedup".padStart(10)}` +
          `  ${"CPython warm".padStart(12)} ${"ours".padStart(8)} ${"speedup".padStart(10)}`,
      );
      for (const [op, py, js] of rows) {
        console.log(
          `${op.padEnd(22)} ${us(py.first, traces).padStart(13)} ${us(js.first, traces)} ${
            ratio(py.first, js.first)
          }  ${us(py.warm, traces).padStart(12)} ${us(js.warm, traces)} ${ratio(py.warm, js.warm)}`,
        );
      }
      console.log(
        `${"construction".padEnd(22)} ${"".padStart(13)} ${us(build.first, traces)} ${"".padStart(10)}  ${
          "".padStart(12)
        } ${us(build.warm, traces)}   (${build.first.toFixed(0)} ms first, ${build.warm.toFixed(0)} ms warm)`,
      );
      const dumped = rows.find(([op]) => op === "dump");
      if (dumped?.[1].bytes && dumped[2].bytes) {
        const size = dumped[2].bytes / dumped[1].bytes;
        console.log(
          `${"dump bytes per trace".padEnd(22)} ${(dumped[1].bytes / traces).toFixed(2).padStart(13)} ${
            (dumped[2].bytes / traces).toFixed(2).padStart(8)
          } ${size.toFixed(2).padStart(9)}x ${size <= 0.7 ? "  " : "!!"} (target <= 0.7x)`,
        );
        if (traces < 1_000_000) continue; // tables dominate below: the target is per million traces
        const memory = runOurs("memory", traces, dir).memory!;
        const perMillion = memory / traces * 1e6;
        console.log(
          `${"memory beyond strings".padEnd(22)} ${"".padStart(13)} ${(memory / 2 ** 20).toFixed(1).padStart(7)}M ${
            "".padStart(10)
          } ${perMillion <= 32 * 2 ** 20 ? "  " : "!!"} (target <= 32 MB per 1M traces)`,
        );
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

const childOp = option("child");
if (childOp) await child(childOp, num("traces", 0), option("dir")!);
else main();
