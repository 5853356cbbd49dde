/**
 * The candidate default settings side by side, in one run, on the runtime
 * that runs this script (the numbers behind `src/defaults.ts`):
 *
 * 1. `overhead`: the allocation-heavy loop of `scripts/bench-line.ts`
 *    (`scripts/bench/line-child.ts`, about fifteen allocation sites per
 *    item) in a child preloaded with `src/startup.ts`, plain and under each
 *    candidate `NFRAME/EVERY` (frames per traceback / one JS allocation in
 *    EVERY sampled by the line engine) and `sampler:NFRAME/BYTES` (V8's
 *    sampler, Node and Deno); interleaved repetitions, each repetition's
 *    ratio to its own plain run, medians (main-thread CPU time and elapsed);
 * 2. `visibility`: what a person watching a small service sees: the demo
 *    (`scripts/demo.ts`, 20 requests a second, each leaking one object)
 *    traced from its first line under each line-engine candidate, a
 *    snapshot after `--seconds` (default 3, as the README's walkthrough),
 *    and the domain-0 traces and estimated count at the leaking line.
 *
 * Options: `--modes 1/1024,5/1024,...`, `--reps N` (default 7), `--items N`
 * (default 600000), `--seconds S`, `--skip overhead,visibility`.
 *
 * ```sh
 * node --import tsx scripts/bench-defaults.ts
 * deno run -A scripts/bench-defaults.ts --reps 5
 * bun scripts/bench-defaults.ts --skip visibility
 * ```
 *
 * @module
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { runtime } from "../src/runtime/index.ts";
import { scriptCommand } from "../src/runtime/spawn.ts";
import { DEMO_SCRIPT, openSession } from "../src/session/open.ts";

const { values: args } = parseArgs({
  args: process.argv.slice(2),
  options: {
    modes: { type: "string", default: "" },
    reps: { type: "string", default: "7" },
    items: { type: "string", default: "600000" },
    seconds: { type: "string", default: "3" },
    skip: { type: "string", default: "" },
  },
});
const rt = runtime();
const root = fileURLToPath(new URL("../", import.meta.url));
const skip = new Set(args.skip.split(",").filter(Boolean));
const reps = Number(args.reps);
const items = Number(args.items);

interface Mode {
  readonly name: string;
  readonly nframe: number;
  readonly engine: "line" | "sampler";
  /** Line engine: EVERY; sampler: BYTES. */
  readonly rate: number;
}

function parseMode(text: string): Mode {
  const m = /^(sampler:)?(\d+)\/(\d+)$/.exec(text.trim());
  if (!m) throw new Error(`--modes: ${text}: expected NFRAME/EVERY or sampler:NFRAME/BYTES`);
  const engine = m[1] ? "sampler" : "line";
  return { name: text.trim(), nframe: Number(m[2]), engine, rate: Number(m[3]) };
}

const DEFAULT_MODES = ["1/1024", "5/1024", "5/256", "5/64", "5/16", "sampler:5/1048576", "sampler:5/65536"];
const modes = (args.modes ? args.modes.split(",") : DEFAULT_MODES).map(parseMode)
  .filter((mode) => mode.engine === "line" || rt.capabilities.heapSampler);

const median = (xs: number[]) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!s.length) return NaN;
  return s.length % 2 ? s[(s.length - 1) >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** The environment of a child: this one without tracer settings, plus `env`. */
function childEnv(env: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value === undefined || name === "TRACEMALLOC" || name.startsWith("TRACEMALLOC_")) continue;
    if (name === "NODE_OPTIONS") continue;
    out[name] = value;
  }
  return { ...out, ...env };
}

function envOf(mode: Mode | null): Record<string, string> {
  if (!mode) return {};
  return mode.engine === "line" ? { TRACEMALLOC: String(mode.nframe), TRACEMALLOC_SAMPLE_EVERY: String(mode.rate) } : {
    TRACEMALLOC: String(mode.nframe),
    TRACEMALLOC_ENGINE: "sampler",
    TRACEMALLOC_SAMPLING_INTERVAL: String(mode.rate),
  };
}

/** One run of the loop: main-thread CPU and elapsed ms, or NaN when the child failed. */
function once(mode: Mode | null): { thread: number; wall: number } {
  const preload = mode ? join(root, "src", "startup.ts") : undefined;
  const cmd = scriptCommand(rt.name, join(root, "scripts", "bench", "line-child.ts"), [String(items)], preload);
  const result = spawnSync(cmd.command, cmd.args, { env: childEnv(envOf(mode)), cwd: root, encoding: "utf8" });
  try {
    const json = JSON.parse(result.stdout.trim().split("\n").at(-1) ?? "") as {
      ms: number;
      threadMs: number;
      tracing: boolean;
    };
    if (json.tracing !== (mode !== null)) throw new Error(`tracing is ${json.tracing}`);
    return { thread: json.threadMs, wall: json.ms };
  } catch (error) {
    console.log(`!! ${mode?.name ?? "plain"}: ${(error as Error).message} ${result.stderr.slice(0, 300)}`);
    return { thread: NaN, wall: NaN };
  }
}

function overhead(): void {
  const all: (Mode | null)[] = [null, ...modes];
  const thread = all.map(() => [] as number[]);
  const wall = all.map(() => [] as number[]);
  for (const mode of all) once(mode); // warm caches (plans, Deno's emit cache)
  for (let r = 0; r < reps; r++) {
    // Rotate the order so that no mode always runs right after another.
    const runs = all.map((_, k) => (k + r) % all.length).map((i) => [i, once(all[i])] as const);
    for (const [i, t] of runs) {
      thread[i].push(t.thread);
      wall[i].push(t.wall);
    }
  }
  console.log(
    `\n## overhead (${rt.name} ${rt.version}): ${items} items, ${reps} interleaved repetitions, ` +
      "median of each repetition's ratio to its plain run",
  );
  console.log(`${"mode".padEnd(22)} ${"thread".padStart(8)} ${"ratio".padStart(7)} ${"elapsed".padStart(9)} ratio`);
  all.forEach((mode, i) => {
    const paired = (xs: number[], base: number[]) => median(xs.map((x, r) => x / base[r]));
    console.log(
      `${(mode ? `${mode.name} ${mode.engine === "line" ? "(line)" : ""}` : "plain").padEnd(22)} ${
        median(thread[i]).toFixed(0).padStart(5)
      } ms ${paired(thread[i], thread[0]).toFixed(3).padStart(6)}x ${median(wall[i]).toFixed(0).padStart(6)} ms ${
        paired(wall[i], wall[0]).toFixed(3)
      }x`,
    );
  });
}

async function visibility(): Promise<void> {
  const seconds = Number(args.seconds);
  console.log(
    `\n## visibility: the demo (20 requests/s, one leaked object each) after ${seconds} s, domain 0 at the leak line`,
  );
  console.log(
    `${"mode".padEnd(10)} ${"traces".padStart(7)} ${"count".padStart(7)}  (true count about ${20 * seconds})`,
  );
  for (const mode of modes.filter((m) => m.engine === "line")) {
    const session = openSession();
    try {
      session.setSettings({ nframe: mode.nframe, options: { sampleEvery: mode.rate } });
      await session.execute(`run ${DEMO_SCRIPT}`);
      await session.execute(`wait ${seconds * 1000}`);
      await session.execute("snapshot s");
      const snapshot = session.snapshots.get("s")!.snapshot;
      const leak = [...snapshot.traces].filter((t) => {
        const frame = t.traceback.at(-1);
        return t.domain === 0 && frame?.filename.endsWith("demo.ts") && frame.lineno === 57;
      });
      const count = leak.reduce((sum, t) => sum + t.count, 0);
      console.log(`${mode.name.padEnd(10)} ${String(leak.length).padStart(7)} ${String(count).padStart(7)}`);
    } finally {
      await session.close();
    }
  }
}

console.log(`${rt.name} ${rt.version}; load average ${(await import("node:os")).loadavg().map((x) => x.toFixed(2))}`);
if (!skip.has("overhead")) overhead();
if (!skip.has("visibility")) await visibility();
