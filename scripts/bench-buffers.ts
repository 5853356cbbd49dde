/**
 * What tracing buffers costs (issue 10, part 2), on the runtime that runs
 * this script, spawning children of that same runtime: a loop making small
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
 *   buffer captures a stack, as before).
 *
 * Interleaved repetitions, medians, and the median of per-repetition
 * ratios (pairing cancels slow phases of a busy machine). Each traced child
 * also reports how many buffers a snapshot holds at the workload's lines.
 *
 * Options: `--reps N` (default 7), `--items N` (default 100000).
 *
 * @example
 * ```sh
 * node --import tsx scripts/bench-buffers.ts
 * deno run -A scripts/bench-buffers.ts --reps 3
 * bun scripts/bench-buffers.ts --items 50000
 * ```
 * @module
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { runtime } from "../src/runtime/index.ts";
import { scriptCommand } from "../src/runtime/spawn.ts";

const { values: args } = parseArgs({
  args: process.argv.slice(2),
  options: {
    reps: { type: "string", default: "7" },
    items: { type: "string", default: "100000" },
  },
});
const reps = Number(args.reps);
const items = Number(args.items);
const rt = runtime();
const root = fileURLToPath(new URL("../", import.meta.url));
const startup = join(root, "src", "startup.ts");
const child = join(root, "scripts", "bench", "buffers-child.ts");
const TARGET = 2;

interface Mode {
  name: string;
  preload: boolean;
  env: Record<string, string>;
}

const MODES: Mode[] = [
  { name: "plain (no preload)", preload: false, env: {} },
  { name: "traced: TRACEMALLOC=1, line engine", preload: true, env: { TRACEMALLOC: "1" } },
  { name: "traced: TRACEMALLOC=5, line engine", preload: true, env: { TRACEMALLOC: "5" } },
  { name: "in-process start(1), no preload", preload: false, env: { BENCH_BUFFERS_INPROCESS: "1" } },
];

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

function once(mode: Mode): Result | null {
  const cmd = scriptCommand(rt.name, child, [String(items)], mode.preload ? startup : undefined);
  const result = spawnSync(cmd.command, cmd.args, {
    env: childEnv(mode.env),
    cwd: root,
    encoding: "utf8",
    timeout: 600_000,
  });
  const last = (result.stdout ?? "").trim().split("\n").at(-1) ?? "";
  try {
    const json = JSON.parse(last) as Result & { tracing: boolean };
    if (mode.name !== MODES[0].name && !json.tracing) throw new Error("not tracing");
    return json;
  } catch {
    console.log(`${mode.name}: child failed: ${(result.stderr ?? "").trim().split("\n").slice(-3).join(" | ")}`);
    return null;
  }
}

const median = (xs: number[]) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!s.length) return NaN;
  return s.length % 2 ? s[(s.length - 1) >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const pad = (s: string | number, n: number) => String(s).padStart(n);

const times = new Map(MODES.map((m) => [m.name, { wall: [] as number[], thread: [] as number[], buffers: 0 }]));
for (const mode of MODES) once(mode); // warm caches (plans, Deno's emit cache)
for (let r = 0; r < reps; r++) {
  for (let k = 0; k < MODES.length; k++) {
    const mode = MODES[(k + r) % MODES.length];
    const result = once(mode);
    const own = times.get(mode.name)!;
    own.wall.push(result?.ms ?? NaN);
    own.thread.push(result?.threadMs ?? NaN);
    if (result) own.buffers = result.buffers;
  }
}
console.log(`# bench-buffers on ${rt.name} ${rt.version}`);
console.log(
  `\n## small buffers: ${items} items (a Uint8Array, a Buffer, a TextEncoder output each), ${reps} interleaved ` +
    `repetitions (target traced <= ${TARGET}x, aim 1.2x)`,
);
console.log(
  `${"mode".padEnd(38)} ${pad("elapsed", 10)} ${pad("ratio", 7)} ${pad("paired", 7)}  ${pad("thread", 10)} ${
    pad("ratio", 7)
  } ${pad("paired", 7)}  buffers in a snapshot (no gc)`,
);
const plain = times.get(MODES[0].name)!;
const paired = (own: number[], base: number[]) => median(own.map((x, r) => x / base[r]));
for (const mode of MODES) {
  const own = times.get(mode.name)!;
  const cells = [
    `${median(own.wall).toFixed(1)} ms`,
    `${(median(own.wall) / median(plain.wall)).toFixed(2)}x`,
    `${paired(own.wall, plain.wall).toFixed(2)}x`,
    `${median(own.thread).toFixed(1)} ms`,
    `${(median(own.thread) / median(plain.thread)).toFixed(2)}x`,
    `${paired(own.thread, plain.thread).toFixed(2)}x`,
  ];
  const verdict = mode === MODES[1]
    ? (paired(own.thread, plain.thread) <= TARGET ? "  (target met)" : "  (OVER TARGET)")
    : "";
  console.log(
    `${mode.name.padEnd(38)} ${pad(cells[0], 10)} ${pad(cells[1], 7)} ${pad(cells[2], 7)}  ${pad(cells[3], 10)} ${
      pad(cells[4], 7)
    } ${pad(cells[5], 7)}  ${mode === MODES[0] ? "-" : own.buffers}${verdict}`,
  );
}
