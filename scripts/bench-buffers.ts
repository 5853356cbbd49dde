/**
 * What tracing buffers costs (issue 10, part 2): a loop making small
 * `Uint8Array`s, `Buffer`s (`node:buffer`, on every runtime) and
 * `TextEncoder` output (`scripts/bench/buffers-workload.ts`, run by
 * `scripts/bench/buffers-child.ts`), timed inside the child (elapsed and
 * main-thread CPU), in these modes:
 *
 * - plain: no preload;
 * - traced as users run it: preloaded with `TRACEMALLOC=1` (the line engine
 *   rewrites the workload, so each buffer's line comes from its site,
 *   without a stack); target <= 2x, aim 1.2x;
 * - the same with `TRACEMALLOC=5` (callers from a stack captured at a
 *   sample of the allocations of each site);
 * - in-process `start(1)` without the preload (nothing rewritten: every
 *   buffer captures a stack);
 * - the floor of exact tracing (`bench/buffers-floor.ts`): the thinnest
 *   wrappers, a stamp and a registration per buffer, nothing else; what a
 *   tracer that keeps exact counts costs at least, so how much room the
 *   target leaves for lines, counts by traceback and sampling.
 *
 * Children run on the runtime that runs this script, or on each runtime of
 * `--runtimes` (`all`: Node, Deno and Bun side by side in one run, their
 * repetitions interleaved, so that a slow phase of a busy machine hits them
 * alike). Interleaved repetitions, medians, and the median of
 * per-repetition ratios (pairing cancels slow phases). Each traced child
 * also reports how many buffers a snapshot holds at the workload's lines
 * (no collection forced first: those the collector has not reclaimed yet).
 *
 * Options: `--reps N` (default 7), `--items N` (default 100000),
 * `--runtimes all|node,deno,bun`, `--modes 0,1` (indexes in the list above;
 * default all).
 *
 * @example
 * ```sh
 * node --import tsx scripts/bench-buffers.ts
 * deno run -A scripts/bench-buffers.ts --reps 3
 * bun scripts/bench-buffers.ts --items 50000
 * node --import tsx scripts/bench-buffers.ts --runtimes all --modes 0,1
 * ```
 * @module
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import type { RuntimeName } from "../src/runtime/adapter.ts";
import { runtime } from "../src/runtime/index.ts";
import { scriptCommand } from "../src/runtime/spawn.ts";

const { values: args } = parseArgs({
  args: process.argv.slice(2),
  options: {
    reps: { type: "string", default: "7" },
    items: { type: "string", default: "100000" },
    runtimes: { type: "string" },
    modes: { type: "string" },
  },
});
const reps = Number(args.reps);
const items = Number(args.items);
const ALL: RuntimeName[] = ["node", "deno", "bun"];
const runtimes: RuntimeName[] = args.runtimes === undefined
  ? [runtime().name]
  : args.runtimes === "all"
  ? ALL
  : args.runtimes.split(",").map((name) => {
    if (!ALL.includes(name as RuntimeName)) throw new Error(`--runtimes: unknown runtime ${name}`);
    return name as RuntimeName;
  });
const root = fileURLToPath(new URL("../", import.meta.url));
const startup = join(root, "src", "startup.ts");
const child = join(root, "scripts", "bench", "buffers-child.ts");
const TARGET = 2;

interface Mode {
  name: string;
  preload: boolean;
  env: Record<string, string>;
}

const ALL_MODES: Mode[] = [
  { name: "plain (no preload)", preload: false, env: {} },
  { name: "traced: TRACEMALLOC=1, line engine", preload: true, env: { TRACEMALLOC: "1" } },
  { name: "traced: TRACEMALLOC=5, line engine", preload: true, env: { TRACEMALLOC: "5" } },
  { name: "in-process start(1), no preload", preload: false, env: { BENCH_BUFFERS_INPROCESS: "1" } },
  { name: "floor: a stamp and a registration", preload: false, env: { BENCH_BUFFERS_FLOOR: "1" } },
];
const picked = args.modes === undefined ? null : new Set(args.modes.split(",").map(Number));
// The plain run is every ratio's reference: always there.
const MODES = ALL_MODES.filter((_, i) => i === 0 || picked === null || picked.has(i));

interface Result {
  ms: number;
  threadMs: number;
  buffers: number;
}

function childEnv(env: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value === undefined || name === "TRACEMALLOC" || name.startsWith("TRACEMALLOC_")) continue;
    if (name.startsWith("BENCH_BUFFERS_") || name === "NODE_OPTIONS") continue;
    out[name] = value;
  }
  return { ...out, ...env };
}

function once(rt: RuntimeName, mode: Mode): Result | null {
  const cmd = scriptCommand(rt, child, [String(items)], mode.preload ? startup : undefined);
  const result = spawnSync(cmd.command, cmd.args, {
    env: childEnv(mode.env),
    cwd: root,
    encoding: "utf8",
    timeout: 600_000,
  });
  const last = (result.stdout ?? "").trim().split("\n").at(-1) ?? "";
  try {
    const json = JSON.parse(last) as Result & { tracing: boolean };
    if (mode !== MODES[0] && !json.tracing) throw new Error("not tracing");
    return json;
  } catch {
    console.log(`${rt}, ${mode.name}: child failed: ${(result.stderr ?? "").trim().split("\n").slice(-3).join(" | ")}`);
    return null;
  }
}

const median = (xs: number[]) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!s.length) return NaN;
  return s.length % 2 ? s[(s.length - 1) >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const pad = (s: string | number, n: number) => String(s).padStart(n);

interface Times {
  wall: number[];
  thread: number[];
  buffers: number;
}
const times = new Map<string, Times>();
const timesOf = (rt: RuntimeName, mode: Mode) => {
  const key = `${rt} ${mode.name}`;
  let own = times.get(key);
  if (!own) times.set(key, own = { wall: [], thread: [], buffers: 0 });
  return own;
};
for (const rt of runtimes) for (const mode of MODES) once(rt, mode); // warm caches (plans, Deno's emit cache)
for (let r = 0; r < reps; r++) {
  for (let j = 0; j < runtimes.length; j++) {
    const rt = runtimes[(j + r) % runtimes.length];
    for (let k = 0; k < MODES.length; k++) {
      const mode = MODES[(k + r) % MODES.length];
      const result = once(rt, mode);
      const own = timesOf(rt, mode);
      own.wall.push(result?.ms ?? NaN);
      own.thread.push(result?.threadMs ?? NaN);
      if (result) own.buffers = result.buffers;
    }
  }
}
const paired = (own: number[], base: number[]) => median(own.map((x, r) => x / base[r]));
const summary: string[] = [];
for (const rt of runtimes) {
  const version = rt === runtime().name ? ` ${runtime().version}` : "";
  console.log(`# bench-buffers on ${rt}${version}`);
  console.log(
    `\n## small buffers: ${items} items (a Uint8Array, a Buffer, a TextEncoder output each), ${reps} interleaved ` +
      `repetitions (target traced <= ${TARGET}x, aim 1.2x)`,
  );
  console.log(
    `${"mode".padEnd(38)} ${pad("elapsed", 10)} ${pad("ratio", 7)} ${pad("paired", 7)}  ${pad("thread", 10)} ${
      pad("ratio", 7)
    } ${pad("paired", 7)}  buffers in a snapshot (no gc)`,
  );
  const plain = timesOf(rt, MODES[0]);
  for (const mode of MODES) {
    const own = timesOf(rt, mode);
    const cells = [
      `${median(own.wall).toFixed(1)} ms`,
      `${(median(own.wall) / median(plain.wall)).toFixed(2)}x`,
      `${paired(own.wall, plain.wall).toFixed(2)}x`,
      `${median(own.thread).toFixed(1)} ms`,
      `${(median(own.thread) / median(plain.thread)).toFixed(2)}x`,
      `${paired(own.thread, plain.thread).toFixed(2)}x`,
    ];
    const ratio = paired(own.thread, plain.thread);
    const verdict = mode === ALL_MODES[1] ? (ratio <= TARGET ? "  (target met)" : "  (OVER TARGET)") : "";
    if (mode === ALL_MODES[1]) summary.push(`${rt.padEnd(5)} ${ratio.toFixed(2)}x${verdict}`);
    console.log(
      `${mode.name.padEnd(38)} ${pad(cells[0], 10)} ${pad(cells[1], 7)} ${pad(cells[2], 7)}  ${pad(cells[3], 10)} ${
        pad(cells[4], 7)
      } ${pad(cells[5], 7)}  ${mode === MODES[0] ? "-" : own.buffers}${verdict}`,
    );
  }
  console.log("");
}
if (runtimes.length > 1 && summary.length) {
  console.log("## TRACEMALLOC=1 against plain, main-thread CPU, paired medians, side by side");
  for (const line of summary) console.log(line);
}
