/**
 * Benchmark of the snapshot model against CPython's tracemalloc on the same
 * synthetic traces, measured side by side in one run (this script runs the
 * Python side itself): 1M traces, 50k distinct tracebacks of 1-5 frames over
 * 2k files, traceback limit 5. Prints microseconds per trace and the ratio.
 *
 * @example
 * ```sh
 * node --expose-gc --import tsx scripts/bench-model.ts [--traces 1000000]
 * deno run -A --v8-flags=--expose-gc scripts/bench-model.ts
 * bun scripts/bench-model.ts
 * ```
 * @module
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Filter, type RawTrace, Snapshot } from "../mod.ts";
import type { RawFrame } from "../src/model/frame.ts";
import { Random } from "../tests/oracle/random.ts";
import { runtime } from "../src/runtime/index.ts";

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const TRACES = arg("traces", 1_000_000);
const TRACEBACKS = arg("tracebacks", 50_000);
const FILES = arg("files", 2_000);
const LIMIT = 5;
const REPEAT = arg("repeat", 3);

/** The synthetic workload, built the same way for both sides from one seed. */
function generate(seed: number) {
  const rand = new Random(seed);
  const files = Array.from(
    { length: FILES },
    (_, i) => i % 10 === 0 ? `node_modules/pkg${i}/index.js` : `src/mod${i % 50}/file${i}.ts`,
  );
  const tracebacks: RawFrame[][] = Array.from(
    { length: TRACEBACKS },
    () => Array.from({ length: rand.int(1, 5) }, () => [rand.pick(files), rand.int(1, 500)] as RawFrame),
  );
  const domain = new Int32Array(TRACES);
  const size = new Float64Array(TRACES);
  const tb = new Uint32Array(TRACES);
  for (let i = 0; i < TRACES; i++) {
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

const PYTHON = String.raw`
import json, os, sys, time, tracemalloc
def load(path):
    w = json.load(open(path))
    tbs = [tuple(tuple(f) for f in frames) for frames in w["tracebacks"]]
    return tracemalloc.Snapshot([(d, s, tbs[t], len(tbs[t])) for d, s, t in zip(w["domain"], w["size"], w["tb"])], 5)
new, old = load(sys.argv[1]), load(sys.argv[2])
filters = [tracemalloc.Filter(False, "*node_modules*"), tracemalloc.Filter(True, "src/mod1*", all_frames=True)]
dump = os.path.join(sys.argv[3], "py.pickle")
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
out = {}
for name, op in ops.items():
    best = float("inf")
    for _ in range(int(sys.argv[4])):
        t = time.perf_counter(); op(); best = min(best, time.perf_counter() - t)
    out[name] = best * 1000
out["bytes"] = os.path.getsize(dump)
print(json.dumps(out))
`;

function bestOf(fn: () => unknown | Promise<unknown>): Promise<number> {
  return (async () => {
    let best = Infinity;
    for (let i = 0; i < REPEAT; i++) {
      const t = performance.now();
      await fn();
      best = Math.min(best, performance.now() - t);
    }
    return best;
  })();
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), "tracemalloc-bench-"));
  try {
    const newW = generate(1);
    const oldW = generate(2);
    for (const [name, w] of [["new", newW], ["old", oldW]] as const) {
      writeFileSync(
        join(dir, `${name}.json`),
        JSON.stringify({ tracebacks: w.tracebacks, domain: [...w.domain], size: [...w.size], tb: [...w.tb] }),
      );
    }
    console.error(`running CPython's tracemalloc on ${TRACES} traces...`);
    const py = spawnSync("python3", ["-c", PYTHON, join(dir, "new.json"), join(dir, "old.json"), dir, String(REPEAT)], {
      maxBuffer: 1 << 26,
    });
    if (py.status !== 0) throw new Error(`python3 failed: ${py.stderr}`);
    const cpython: Record<string, number> = JSON.parse(py.stdout.toString());

    console.error("running ours...");
    const now = new Snapshot(rawTraces(newW), LIMIT);
    const old = new Snapshot(rawTraces(oldW), LIMIT);
    const filters = [new Filter(false, "*node_modules*"), new Filter(true, "src/mod1*", null, true)];
    const dump = join(dir, "js.tmjs");
    const ours: Record<string, number> = {
      "statistics lineno": await bestOf(() => now.statistics("lineno")),
      "statistics filename": await bestOf(() => now.statistics("filename")),
      "statistics traceback": await bestOf(() => now.statistics("traceback")),
      "statistics lineno cumulative": await bestOf(() => now.statistics("lineno", true)),
      "statistics filename cumulative": await bestOf(() => now.statistics("filename", true)),
      "compareTo lineno": await bestOf(() => now.compareTo(old, "lineno")),
      "filterTraces": await bestOf(() => now.filterTraces(filters)),
      "dump": await bestOf(() => now.dump(dump)),
      "load": await bestOf(() => Snapshot.load(dump)),
    };
    ours.bytes = statSync(dump).size;
    const memory = await snapshotMemory(dump);

    const us = (ms: number) => (ms * 1000 / TRACES).toFixed(3).padStart(9);
    const rows = Object.keys(ours).filter((k) => k !== "bytes");
    console.log(
      `\nmodel benchmark (${`${runtime().name} ${runtime().version}`}): ${TRACES} traces, ${TRACEBACKS} tracebacks, ${FILES} files`,
    );
    console.log(
      `${"operation".padEnd(32)} ${"CPython us".padStart(10)} ${"ours us".padStart(9)}  speedup  (target >= 10x)`,
    );
    for (const k of rows) {
      const ratio = cpython[k] / ours[k];
      console.log(
        `${k.padEnd(32)} ${us(cpython[k]).padStart(10)} ${us(ours[k])}  ${ratio.toFixed(1).padStart(6)}x ${
          ratio >= 10 ? "ok" : "SLOW"
        }`,
      );
    }
    const bpt = (b: number) => (b / TRACES).toFixed(2);
    const sizeRatio = ours.bytes / cpython.bytes;
    console.log(
      `${"dump bytes per trace".padEnd(32)} ${bpt(cpython.bytes).padStart(10)} ${bpt(ours.bytes).padStart(9)}  ${
        sizeRatio.toFixed(2).padStart(6)
      }x ${sizeRatio <= 0.7 ? "ok" : "BIG"} (target <= 0.7x)`,
    );
    console.log(
      `${"memory beyond strings".padEnd(32)} ${"".padStart(10)} ${(memory / 2 ** 20).toFixed(1).padStart(8)}M  ${
        memory <= 32 * 2 ** 20 ? "ok" : "BIG"
      } (target <= 32 MB per 1M traces)`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Heap and buffer bytes a loaded snapshot holds, its strings' characters excluded. */
async function snapshotMemory(dump: string): Promise<number> {
  const used = async () => {
    await runtime().gc();
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers;
  };
  const before = await used();
  const snapshot = await Snapshot.load(dump);
  const after = await used();
  const strings = snapshot.table.strings.reduce((n, s) => n + s.length, 0);
  return after - before - strings;
}

await main();
