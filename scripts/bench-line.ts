/**
 * What the line engine (modules rewritten as they load, see
 * `src/engines/line/instrument.ts`) costs and how well it estimates, on the
 * runtime that runs this script, spawning children of that same runtime
 * (the workload modules are under `scripts/`, so a preloaded child rewrites
 * them):
 *
 * 1. `overhead`: an allocation-heavy workload (`scripts/bench/line-workload.ts`:
 *    objects, arrays, strings, JSON, closures, class instances; one result
 *    in ten kept) timed inside the child (`scripts/bench/line-child.ts`: the
 *    loop's elapsed time and its main-thread CPU time, which a busy
 *    machine's preemption does not inflate), plain (no preload), rewritten
 *    but not tracing (preloaded with `TRACEMALLOC=1`, then `stop()` before
 *    the loop: the modules stay rewritten and the site global only
 *    returns; the preload installs the engine only when tracing starts),
 *    traced with defaults (1 frame, one allocation in 1024 sampled), with 5
 *    frames, with `TRACEMALLOC_SAMPLE_EVERY=64`, and V8's sampler engine for
 *    reference (Node, Deno); interleaved repetitions, medians, ratios to
 *    plain; targets at defaults 1.10x (Node, Bun) and 1.15x (Deno);
 * 2. `rewrite`: `planModule` + `applyPlan` in this process on large files of
 *    `node_modules` (TypeScript's 9 MB `lib/typescript.js`, React's
 *    reconciler (react-dom is not installed; the reconciler is its bulk),
 *    minified bundles, a declaration file), first call and warm, in MB of
 *    source per second (targets 20 MB/s on Node and Deno, 10 on Bun), the
 *    parser's share, and what a warm start pays instead (key, stored plan,
 *    apply);
 * 3. `start`: wall time of a whole process that imports `typescript`
 *    (copied to a temporary folder outside this checkout: the checkout's
 *    `node_modules` is never rewritten), plain, preloaded without tracing,
 *    traced with an empty plan cache (cold), traced with the cache filled
 *    (warm), traced with `typescript` excluded, and what the runtime's own
 *    cache is worth (Node: tsx's loader alone; Bun: its transpiler cache
 *    off; Deno: its V8 code cache on). On Deno it first checks whether a
 *    second traced run survives Deno's code cache (see the note it prints)
 *    and, when not, runs every mode with `--no-code-cache`;
 * 4. `memory`: the tracer's memory per live sample: objects kept at one line
 *    with `TRACEMALLOC_SAMPLE_EVERY=1`, `getTracemallocMemory()` per sample
 *    and the heap's measured growth (traced minus plain) per sample (target
 *    100 B);
 * 5. `estimate`: per shape kept `--count` times at one line
 *    (`scripts/bench/line-shapes.ts`), the engine's estimate of count and
 *    bytes at that line (a snapshot) against the true count and the heap's
 *    measured growth, at `TRACEMALLOC_SAMPLE_EVERY` 64 and 1024: the
 *    empirical check of `src/runtime/object-sizes.ts` (targets: counts
 *    within 10%, bytes within 20%); then the sampler's random countdowns
 *    (mean against N, period).
 *
 * Options: `--reps N` (interleaved repetitions of sections 1 and 3, default
 * 9), `--skip overhead,rewrite,start,memory,estimate`, `--items N` (workload
 * items, default 600000: about a second, so that the JIT's one-time
 * warm-up of the tracer's own code, tens of milliseconds, does not pass
 * for a cost per allocation), `--count N` (objects per shape, default 200000),
 * `--rewrite-reps N` (warm runs per file, default 5), `--estimate-runs N`
 * (traced children per interval, default 3), `--shapes a,b` (of object,
 * class, array, closure, map, json, long-string, concat-string),
 * `--files a,b` (files to rewrite instead of the default list).
 *
 * @example
 * ```sh
 * node --expose-gc --import tsx scripts/bench-line.ts
 * deno run -A --v8-flags=--expose-gc scripts/bench-line.ts --skip start,rewrite
 * bun scripts/bench-line.ts --reps 3 --items 50000 --count 50000   # quick
 * ```
 * @module
 */
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { parseSync, rawTransferSupported } from "oxc-parser";
import { applyPlan } from "../src/engines/line/apply.ts";
import { moduleDigest, PlanCache } from "../src/engines/line/cache.ts";
import { planModule, warmUpPlanner } from "../src/engines/line/instrument.ts";
import { Countdowns } from "../src/engines/line/random.ts";
import { runtime } from "../src/runtime/index.ts";
import { langOfPath, moduleKindOfPath } from "../src/runtime/module-kind.ts";
import { type RuntimeCommand, runtimeExecutable, scriptCommand } from "../src/runtime/spawn.ts";

const { values: args } = parseArgs({
  args: process.argv.slice(2),
  options: {
    reps: { type: "string", default: "9" },
    skip: { type: "string", default: "" },
    items: { type: "string", default: "600000" },
    count: { type: "string", default: "200000" },
    "rewrite-reps": { type: "string", default: "5" },
    "estimate-runs": { type: "string", default: "3" },
    shapes: { type: "string", default: "" },
    files: { type: "string", default: "" },
  },
});
const reps = Number(args.reps);
const items = Number(args.items);
const count = Number(args.count);
const rewriteReps = Number(args["rewrite-reps"]);
const estimateRuns = Number(args["estimate-runs"]);
const skip = new Set(args.skip.split(",").filter(Boolean));
const rt = runtime();
const root = fileURLToPath(new URL("../", import.meta.url));
const startup = join(root, "src", "startup.ts");
const workloadChild = join(root, "scripts", "bench", "line-child.ts");
const shapesChild = join(root, "scripts", "bench", "line-shapes.ts");
/** The planner's parser options (`instrument.ts`). */
const parserOptions = { experimentalRawTransfer: rawTransferSupported(), preserveParens: true };
const SHAPES = ["object", "class", "array", "closure", "map", "json", "long-string", "concat-string"];

const median = (xs: number[]) => {
  const s = xs.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  if (!s.length) return NaN;
  return s.length % 2 ? s[(s.length - 1) >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const pct = (x: number) => `${x >= 0 ? "+" : ""}${(x * 100).toFixed(1)}%`;
const fmtMB = (b: number) => `${(b / 1e6).toFixed(2)} MB`;
const pad = (s: string | number, n: number) => String(s).padStart(n);

// ---------------------------------------------------------------------------
// Children

interface ChildSpec {
  /** Preload `src/startup.ts`. */
  preload?: boolean;
  /** `--expose-gc` (Node) or `--v8-flags=--expose-gc` (Deno). */
  exposeGc?: boolean;
  /** More flags for `deno run`. */
  denoFlags?: string[];
  env?: Record<string, string>;
  cwd?: string;
}

/** The command that runs `script` under this runtime as `spec` says (see `scriptCommand`). */
function childCommand(script: string, argv: string[], spec: ChildSpec): RuntimeCommand {
  const cmd = scriptCommand(rt.name, script, argv, spec.preload ? startup : undefined);
  if (rt.name === "node" && spec.exposeGc) cmd.args.unshift("--expose-gc");
  if (rt.name === "deno") {
    const flags = [...(spec.exposeGc ? ["--v8-flags=--expose-gc"] : []), ...(spec.denoFlags ?? [])];
    cmd.args.splice(1, 0, ...flags);
  }
  return cmd;
}

/** The children's plan cache unless a mode names its own: this run's, not the user's. */
const planCache = mkdtempSync(join(tmpdir(), "bench-line-plans-"));

/** This process's environment without any tracer or benchmark setting, plus `env`. */
function childEnv(env: Record<string, string> = {}): Record<string, string> {
  const out: Record<string, string> = { TRACEMALLOC_CACHE_DIR: planCache };
  for (const [name, value] of Object.entries(process.env)) {
    if (value === undefined || name === "TRACEMALLOC" || name.startsWith("TRACEMALLOC_")) continue;
    if (name.startsWith("BENCH_LINE_") || name === "NODE_OPTIONS") continue;
    out[name] = value;
  }
  return { ...out, ...env };
}

interface ChildResult {
  ok: boolean;
  wallMs: number;
  /** The last line of stdout, parsed, when it is JSON. */
  json: Record<string, unknown> | null;
  error: string;
}

function runChild(cmd: RuntimeCommand, spec: ChildSpec): ChildResult {
  const t0 = performance.now();
  const result: SpawnSyncReturns<string> = spawnSync(cmd.command, cmd.args, {
    env: childEnv(spec.env),
    cwd: spec.cwd ?? root,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
    timeout: 600_000,
  });
  const wallMs = performance.now() - t0;
  const last = (result.stdout ?? "").trim().split("\n").at(-1) ?? "";
  let json: Record<string, unknown> | null = null;
  try {
    json = JSON.parse(last) as Record<string, unknown>;
  } catch {
    json = null;
  }
  const ok = result.status === 0 && json !== null;
  // deno-lint-ignore no-control-regex
  const stderr = (result.stderr ?? "").replace(/\x1b\[[0-9;]*m/g, "").trim();
  const error = ok ? "" : (stderr.split("\n").find((l) => /error/i.test(l)) ?? stderr.split("\n")[0] ??
    `exit ${result.status}`);
  return { ok, wallMs, json, error };
}

// ---------------------------------------------------------------------------
// 1. Overhead on allocation-heavy JS

interface OverheadMode {
  name: string;
  spec: ChildSpec;
  /** The workload module is expected to be rewritten. */
  rewritten: boolean;
  tracing: boolean;
}

function overhead(): void {
  const modes: OverheadMode[] = [
    { name: "plain (no preload)", spec: {}, rewritten: false, tracing: false },
    {
      name: "rewritten, not tracing",
      spec: { preload: true, env: { TRACEMALLOC: "1", BENCH_LINE_IDLE: "1" } },
      rewritten: true,
      tracing: false,
    },
    {
      name: "traced, defaults (1 frame, /1024)",
      spec: { preload: true, env: { TRACEMALLOC: "1" } },
      rewritten: true,
      tracing: true,
    },
    {
      name: "traced, 5 frames (/1024)",
      spec: { preload: true, env: { TRACEMALLOC: "5" } },
      rewritten: true,
      tracing: true,
    },
    {
      name: "traced, SAMPLE_EVERY=64",
      spec: { preload: true, env: { TRACEMALLOC: "1", TRACEMALLOC_SAMPLE_EVERY: "64" } },
      rewritten: true,
      tracing: true,
    },
  ];
  if (rt.capabilities.heapSampler) {
    modes.push({
      name: "V8 sampler engine (reference)",
      spec: { preload: true, env: { TRACEMALLOC: "1", TRACEMALLOC_ENGINE: "sampler" } },
      rewritten: false,
      tracing: true,
    });
  }
  // Per mode, per repetition: elapsed, main-thread CPU, process CPU (ms).
  const times = new Map(
    modes.map((m) => [m.name, { wall: [] as number[], thread: [] as number[], cpu: [] as number[] }]),
  );
  const problems = new Set<string>();
  const once = (mode: OverheadMode): void => {
    const result = runChild(childCommand(workloadChild, [String(items)], mode.spec), mode.spec);
    const own = times.get(mode.name)!;
    if (!result.ok || !result.json) {
      problems.add(`${mode.name}: child failed: ${result.error}`);
      own.wall.push(NaN);
      own.thread.push(NaN);
      own.cpu.push(NaN);
      return;
    }
    const { ms, threadMs, cpuMs, rewritten, tracing } = result.json as {
      ms: number;
      threadMs: number;
      cpuMs: number;
      rewritten: boolean;
      tracing: boolean;
    };
    if (rewritten !== mode.rewritten) {
      problems.add(`${mode.name}: the workload was ${rewritten ? "rewritten" : "NOT rewritten"}`);
    }
    if (tracing !== mode.tracing) problems.add(`${mode.name}: tracing is ${tracing}`);
    own.wall.push(ms);
    own.thread.push(threadMs);
    own.cpu.push(cpuMs);
  };
  for (const mode of modes) once(mode); // warm caches (files, Deno's emit cache)
  for (const own of times.values()) own.wall.length = own.thread.length = own.cpu.length = 0;
  for (let r = 0; r < reps; r++) {
    // Rotate the order so that no mode always runs right after another.
    for (let k = 0; k < modes.length; k++) once(modes[(k + r) % modes.length]);
  }
  const target = rt.name === "deno" ? 1.15 : 1.1;
  console.log(
    `\n## 1. overhead: workload of ${items} items timed inside the child, ${reps} interleaved repetitions ` +
      `(target at defaults <= ${target.toFixed(2)}x, aim 1.05x)`,
  );
  console.log(
    `${"mode".padEnd(36)} ${pad("elapsed", 11)} ${pad("ratio", 7)} ${pad("paired", 7)}  ${pad("thread", 9)} ${
      pad("ratio", 7)
    } ${pad("paired", 7)}  ${pad("process", 7)}  target (elapsed, thread)`,
  );
  const plain = times.get(modes[0].name)!;
  const ratio = (own: number[], base: number[]) => median(own) / median(base);
  // Each repetition runs every mode once: pairing them cancels slow phases of a busy machine.
  const paired = (own: number[], base: number[]) => median(own.map((x, r) => x / base[r]));
  for (const mode of modes) {
    const own = times.get(mode.name)!;
    const wallRatio = ratio(own.wall, plain.wall);
    const threadRatio = ratio(own.thread, plain.thread);
    const verdict = (x: number) => x <= target ? "ok" : "OVER";
    console.log(
      `${mode.name.padEnd(36)} ${pad(median(own.wall).toFixed(1), 8)} ms ${pad(wallRatio.toFixed(3), 6)}x ${
        pad(paired(own.wall, plain.wall).toFixed(3), 6)
      }x  ${pad(median(own.thread).toFixed(0), 6)} ms ${pad(threadRatio.toFixed(3), 6)}x ${
        pad(paired(own.thread, plain.thread).toFixed(3), 6)
      }x  ${pad(ratio(own.cpu, plain.cpu).toFixed(3), 6)}x  ${
        mode.name.startsWith("traced, defaults") ? `${verdict(wallRatio)}, ${verdict(threadRatio)}` : ""
      }`,
    );
  }
  console.log(
    "(elapsed: the loop's wall time; thread: the main thread's CPU time in the loop (Deno counts it in 10 ms ticks);",
  );
  console.log(
    " process: CPU time of all threads, GC helpers included; ratios: of medians, paired: median of per-repetition ratios)",
  );
  if (!rt.capabilities.heapSampler) console.log(`(${rt.name}: no V8 sampler engine to compare with)`);
  for (const p of problems) console.log(`!! ${p}`);
}

// ---------------------------------------------------------------------------
// 2. Rewriting speed

function rewriteFiles(): string[] {
  if (args.files) return args.files.split(",").map((f) => f.startsWith("/") ? f : join(root, f));
  return [
    "node_modules/typescript/lib/typescript.js",
    "node_modules/react-reconciler/cjs/react-reconciler.development.js",
    "node_modules/react-reconciler/cjs/react-reconciler.production.js",
    "node_modules/tsx/dist/cli.mjs",
    "node_modules/oxc-parser/src-js/generated/lazy/constructors.js",
    "node_modules/typescript/lib/typescript.d.ts",
  ].map((f) => join(root, f));
}

function rewrite(): void {
  const target = rt.name === "bun" ? 10 : 20;
  console.log(
    `\n## 2. rewriting speed: planModule + applyPlan in this process, MB of source (10^6 bytes) per second ` +
      `(target warm >= ${target} MB/s); warm = median of ${rewriteReps}`,
  );
  console.log(
    `${"file".padEnd(40)} ${pad("size", 9)} ${pad("sites", 6)}  ${pad("first", 8)} ${pad("MB/s", 5)}  ${
      pad("warm", 8)
    } ${pad("parse", 6)} ${pad("plan", 6)} ${pad("apply", 6)} ${pad("MB/s", 5)}  ${
      "cached (key+get+apply)".padEnd(22)
    }  target`,
  );
  const cacheDir = mkdtempSync(join(tmpdir(), "bench-line-cache-"));
  try {
    const cache = PlanCache.open((name) => name === "TRACEMALLOC_CACHE_DIR" ? cacheDir : undefined);
    warmUpPlanner(); // what installLineEngine does before the first module
    for (const file of rewriteFiles()) {
      let source: string;
      try {
        source = readFileSync(file, "utf8");
      } catch {
        console.log(`${file.replace(root, "").padEnd(40)} (missing)`);
        continue;
      }
      const bytes = statSync(file).size;
      const options = { path: file, lang: langOfPath(file), kind: moduleKindOfPath(file) };
      const apply = { name: "$tm_abcdefgh", base: 0, url: pathToFileURL(file).href, remap: true };
      const runOnce = () => {
        const t0 = performance.now();
        const plan = planModule(source, options);
        const t1 = performance.now();
        if (plan) applyPlan(source, plan, apply);
        const t2 = performance.now();
        return { plan, planMs: t1 - t0, applyMs: t2 - t1 };
      };
      const first = runOnce();
      const warm = Array.from({ length: rewriteReps }, runOnce);
      const warmTotal = median(warm.map((w) => w.planMs + w.applyMs));
      const sites = first.plan?.sites.line.length ?? -1;
      // A warm start: the plan comes from the disk cache (hash of the text, JSON), then is applied.
      let cached = "-";
      if (cache && first.plan) {
        cache.put(moduleDigest(file, source, "bench"), first.plan);
        const parts = Array.from({ length: rewriteReps }, () => {
          const t0 = performance.now();
          const key = moduleDigest(file, source, "bench");
          const t1 = performance.now();
          const plan = cache.get(key);
          const t2 = performance.now();
          if (plan) applyPlan(source, plan, apply);
          const t3 = performance.now();
          return [t3 - t0, t1 - t0, t2 - t1, t3 - t2];
        });
        const m = [0, 1, 2, 3].map((i) => median(parts.map((p) => p[i])).toFixed(0));
        cached = `${m[0]} ms = ${m[1]}+${m[2]}+${m[3]}`;
      }
      // The parser alone (native parse and the AST's transfer to JS), with the planner's options.
      const parseMs = median(Array.from({ length: rewriteReps }, () => {
        const t0 = performance.now();
        parseSync(file, source, {
          ...parserOptions,
          lang: options.lang,
          sourceType: options.kind === "unambiguous" ? "unambiguous" : options.kind,
        });
        return performance.now() - t0;
      }));
      const firstMs = first.planMs + first.applyMs;
      const mbps = (ms: number) => bytes / 1e6 / (ms / 1000);
      const name = file.replace(root, "").replace(/^node_modules\//, "");
      console.log(
        `${name.slice(-40).padEnd(40)} ${pad(fmtMB(bytes), 9)} ${pad(sites, 6)}  ${pad(firstMs.toFixed(0), 5)} ms ${
          pad(mbps(firstMs).toFixed(1), 5)
        }  ${pad(warmTotal.toFixed(0), 5)} ms ${pad(parseMs.toFixed(0), 6)} ${
          pad(median(warm.map((w) => w.planMs)).toFixed(0), 6)
        } ${pad(median(warm.map((w) => w.applyMs)).toFixed(0), 6)} ${pad(mbps(warmTotal).toFixed(1), 5)}  ${
          cached.padEnd(22)
        }  ${mbps(warmTotal) >= target ? "ok" : "UNDER"}`,
      );
    }
    console.log(
      "(first: the file's first plan+apply in this process, after warmUpPlanner(); cached: what a warm start",
    );
    console.log(
      " pays per module: the key (sha256 of the text), the stored plan read, applyPlan; warm split in ms: parse = oxc-parser",
    );
    console.log(" alone (native parse + AST transfer), plan = planModule (parse + walk), apply = applyPlan)");
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------
// 3. Cold and warm start of a program importing typescript

const APP = `import ts from "typescript";
import process from "node:process";
const file = ts.createSourceFile("a.ts", "const a: number = 1;", ts.ScriptTarget.Latest);
const out = { version: ts.version, statements: file.statements.length };
if (process.env.BENCH_LINE_STATS) {
  const { lineInstallation } = await import(process.env.BENCH_LINE_STATS);
  const line = lineInstallation();
  out.stats = line ? { ...line.rewriter.stats, hits: line.cache?.hits ?? 0, misses: line.cache?.misses ?? 0 } : null;
}
console.log(JSON.stringify(out));
`;

interface StartMode {
  name: string;
  spec: ChildSpec;
  /** A fresh plan cache for each run. */
  fresh?: boolean;
  plain?: boolean;
  /** Node: with tsx's loader (which the preload needs) and nothing else. */
  tsx?: boolean;
}

function start(): void {
  const dir = mkdtempSync(join(tmpdir(), "bench-line-start-"));
  try {
    const pkg = join(dir, "node_modules", "typescript");
    mkdirSync(join(pkg, "lib"), { recursive: true });
    const source = join(root, "node_modules", "typescript");
    copyFileSync(join(source, "package.json"), join(pkg, "package.json"));
    copyFileSync(join(source, "lib", "typescript.js"), join(pkg, "lib", "typescript.js"));
    writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module", dependencies: { typescript: "*" } }));
    const app = join(dir, "app.mjs");
    writeFileSync(app, APP);
    const warmCache = join(dir, "cache-warm");
    const stats = pathToFileURL(join(root, "src", "engines", "line", "install.ts")).href;
    const tsBytes = statSync(join(pkg, "lib", "typescript.js")).size;

    // Deno's V8 code cache of a CommonJS module under node_modules is keyed by the original
    // text: a later traced run gets the bytecode of an earlier run's rewritten text, which
    // calls that run's site global (ReferenceError). Check whether it still happens.
    let denoFlags: string[] = [];
    if (rt.name === "deno") {
      const denoDir = join(dir, "deno-dir");
      const spec: ChildSpec = {
        preload: true,
        cwd: dir,
        env: { TRACEMALLOC: "1", TRACEMALLOC_CACHE_DIR: join(dir, "cache-check"), DENO_DIR: denoDir },
      };
      const outcomes = [1, 2, 3].map(() => runChild(childCommand(app, [], spec), spec));
      const failed = outcomes.findIndex((o) => !o.ok);
      console.log(
        `\n(deno code cache check, 3 traced runs with the V8 code cache on: ${
          failed < 0 ? "all ran" : `run ${failed + 1} failed: ${outcomes[failed].error}`
        })`,
      );
      if (failed >= 0) denoFlags = ["--no-code-cache"];
    }

    const traced = (env: Record<string, string>): ChildSpec => ({
      preload: true,
      cwd: dir,
      denoFlags,
      env: { TRACEMALLOC: "1", BENCH_LINE_STATS: stats, ...env },
    });
    const modes: StartMode[] = [
      { name: "plain", spec: { cwd: dir, denoFlags }, plain: true },
      ...(rt.name === "node" ? [{ name: "plain + tsx loader", spec: { cwd: dir }, plain: true, tsx: true }] : []),
      ...(rt.name === "bun"
        ? [{
          name: "plain, transpiler cache off",
          spec: { cwd: dir, env: { BUN_RUNTIME_TRANSPILER_CACHE_PATH: "0" } },
          plain: true,
        }]
        : []),
      ...(rt.name === "deno" && denoFlags.length
        ? [{ name: "plain, V8 code cache on", spec: { cwd: dir }, plain: true }]
        : []),
      { name: "preloaded, TRACEMALLOC unset", spec: { preload: true, cwd: dir, denoFlags } },
      { name: "traced, cold (empty plan cache)", spec: traced({}), fresh: true },
      { name: "traced, warm (plan cache filled)", spec: traced({ TRACEMALLOC_CACHE_DIR: warmCache }) },
      {
        name: "traced, typescript excluded",
        spec: traced({ TRACEMALLOC_CACHE_DIR: warmCache, TRACEMALLOC_EXCLUDE: "*/node_modules/typescript/*" }),
      },
    ];
    const commandOf = (mode: StartMode): RuntimeCommand =>
      mode.plain && rt.name === "node" && !mode.tsx
        ? { command: runtimeExecutable("node"), args: [app] }
        : childCommand(app, [], mode.spec);
    const wall = new Map(modes.map((m) => [m.name, [] as number[]]));
    const rewriteMs = new Map(modes.map((m) => [m.name, [] as number[]]));
    const cacheUse = new Map<string, string>();
    const problems = new Set<string>();
    let fresh = 0;
    const once = (mode: StartMode): number => {
      const spec = mode.fresh
        ? { ...mode.spec, env: { ...mode.spec.env, TRACEMALLOC_CACHE_DIR: join(dir, `cache-cold-${fresh++}`) } }
        : mode.spec;
      const result = runChild(commandOf(mode), spec);
      if (!result.ok) {
        problems.add(`${mode.name}: ${result.error}`);
        return NaN;
      }
      const s = result.json?.stats as { ms: number; hits: number; misses: number; rewritten: number } | undefined;
      if (s) {
        rewriteMs.get(mode.name)!.push(s.ms);
        cacheUse.set(mode.name, `${s.rewritten} rewritten, ${s.hits} hits/${s.misses} misses`);
      }
      return result.wallMs;
    };
    for (const mode of modes) once(mode); // warm-up; fills the warm plan cache
    for (const list of rewriteMs.values()) list.length = 0;
    for (let r = 0; r < reps; r++) {
      for (let k = 0; k < modes.length; k++) {
        const mode = modes[(k + r) % modes.length];
        wall.get(mode.name)!.push(once(mode));
      }
    }
    console.log(
      `\n## 3. start: wall time of a process importing typescript (${fmtMB(tsBytes)}, copied outside the checkout), ` +
        `${reps} interleaved repetitions${denoFlags.length ? `; deno ${denoFlags.join(" ")} (see check above)` : ""}`,
    );
    console.log(
      `${"mode".padEnd(34)} ${pad("median", 10)}  ${pad("ratio", 7)}  ${pad("paired", 7)}  ${
        pad("rewriter", 10)
      }  plan cache (last run)`,
    );
    const plain = wall.get(modes[0].name)!;
    const base = median(plain);
    for (const mode of modes) {
      const own = wall.get(mode.name)!;
      const t = median(own);
      const paired = median(own.map((x, r) => x / plain[r]));
      const rw = median(rewriteMs.get(mode.name)!);
      console.log(
        `${mode.name.padEnd(34)} ${pad(t.toFixed(0), 7)} ms  ${pad((t / base).toFixed(2), 6)}x  ${
          pad(paired.toFixed(2), 6)
        }x  ${pad(Number.isNaN(rw) ? "-" : rw.toFixed(0) + " ms", 10)}  ${cacheUse.get(mode.name) ?? "-"}`,
      );
    }
    console.log("(rewriter: time the load hook spent planning or reading plans and applying them, in the child;");
    console.log(
      " a module that a load hook returns is compiled afresh in every process: Bun's transpiler cache does not hold it)",
    );
    for (const p of problems) console.log(`!! ${p}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------
// 4. Tracer memory per live sample

interface ShapeResult {
  name: string;
  line: number;
  growth: number;
  count?: number;
  bytes?: number;
}
interface ShapesOutput {
  count: number;
  shapes: ShapeResult[];
  tracer: { memory: number; samples: number; engine: string } | null;
}

function shapesRun(shapes: string[], env: Record<string, string> | null): ShapesOutput | string {
  const spec: ChildSpec = { preload: env !== null, exposeGc: true, env: env ?? {} };
  const result = runChild(childCommand(shapesChild, [String(count), shapes.join(",")], spec), spec);
  return result.ok ? result.json as unknown as ShapesOutput : result.error;
}

function memory(): void {
  const runs = Math.max(1, Math.min(reps, 3));
  const plain: number[] = [];
  const traced: number[] = [];
  const samples: number[] = [];
  const tracer: number[] = [];
  for (let r = 0; r < runs; r++) {
    const p = shapesRun(["object"], null);
    const t = shapesRun(["object"], { TRACEMALLOC: "1", TRACEMALLOC_SAMPLE_EVERY: "1" });
    if (typeof p === "string" || typeof t === "string") {
      console.log(`!! memory child failed: ${typeof p === "string" ? p : t}`);
      return;
    }
    plain.push(p.shapes[0].growth);
    traced.push(t.shapes[0].growth);
    samples.push(t.tracer!.samples);
    tracer.push(t.tracer!.memory);
  }
  const n = median(samples);
  const diff = median(traced) - median(plain);
  console.log(
    `\n## 4. tracer memory per live sample: ${count} objects { id, kind, next } kept at one line, ` +
      `TRACEMALLOC_SAMPLE_EVERY=1, median of ${runs} runs (target <= 100 B per live sample)`,
  );
  console.log(`live samples (whole process)          ${n.toFixed(0)}`);
  console.log(
    `heap growth, plain                    ${fmtMB(median(plain))} (${(median(plain) / count).toFixed(1)} B/object)`,
  );
  console.log(`heap growth, traced                   ${fmtMB(median(traced))}`);
  console.log(
    `measured: (traced - plain) / samples   ${(diff / n).toFixed(1)} B per live sample  ${
      diff / n <= 100 ? "ok" : "OVER 100 B"
    }`,
  );
  console.log(`getTracemallocMemory() / samples      ${(median(tracer) / n).toFixed(1)} B per live sample (its model)`);
}

// ---------------------------------------------------------------------------
// 5. Estimates against truth

function estimate(): void {
  const shapes = args.shapes ? args.shapes.split(",") : SHAPES;
  const truth = shapesRun(shapes, null);
  if (typeof truth === "string") {
    console.log(`!! plain shapes child failed: ${truth}`);
    return;
  }
  const intervals = [64, 1024];
  // shape -> interval -> [count error, bytes error, bytes per object estimated] per run
  const errors = new Map<string, Map<number, [number, number, number][]>>();
  for (const s of shapes) errors.set(s, new Map(intervals.map((i) => [i, []])));
  const failures: string[] = [];
  for (let r = 0; r < estimateRuns; r++) {
    for (const every of intervals) {
      const out = shapesRun(shapes, { TRACEMALLOC: "1", TRACEMALLOC_SAMPLE_EVERY: String(every) });
      if (typeof out === "string") {
        failures.push(`every ${every}: ${out}`);
        continue;
      }
      for (const shape of out.shapes) {
        const real = truth.shapes.find((s) => s.name === shape.name)!;
        const c = shape.count ?? 0;
        const b = shape.bytes ?? 0;
        errors.get(shape.name)!.get(every)!.push([c / count - 1, b / real.growth - 1, c ? b / c : NaN]);
      }
    }
  }
  console.log(
    `\n## 5. estimate vs truth at one line: ${count} objects kept per shape, ${estimateRuns} traced runs per interval ` +
      `(targets: count within 10%, bytes within 20%)`,
  );
  console.log(
    `sampling error expected (1 sd of the count): ${
      intervals.map((i) => `/${i} ${(100 / Math.sqrt(count / i)).toFixed(1)}%`).join(", ")
    }; errors are mean (worst)`,
  );
  console.log(
    `${"shape".padEnd(14)} ${pad("measured", 9)} ${pad("model", 7)} ${pad("model err", 9)}  ${
      intervals.map((i) => `count /${i}`.padEnd(17)).join("")
    }${intervals.map((i) => `bytes /${i}`.padEnd(17)).join("")}verdict`,
  );
  const mean = (xs: number[]) => xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : NaN;
  const worst = (xs: number[]) => xs.reduce((w, x) => Math.abs(x) > Math.abs(w) ? x : w, 0);
  const cell = (xs: number[]) => (xs.length ? `${pct(mean(xs))} (${pct(worst(xs))})` : "-").padEnd(17);
  const far: string[] = [];
  for (const name of shapes) {
    const real = truth.shapes.find((s) => s.name === name)!;
    const perObject = real.growth / count;
    const runs = errors.get(name)!;
    // The size model's error alone: estimated bytes per estimated object (all runs, every
    // interval) against the measured growth per object; sampling noise cancels out.
    const modelSize = median([...runs.values()].flat().map((x) => x[2]));
    const modelErr = modelSize / perObject - 1;
    const counts = intervals.map((i) => runs.get(i)!.map((x) => x[0]));
    const bytes = intervals.map((i) => runs.get(i)!.map((x) => x[1]));
    const why: string[] = [];
    if (Math.abs(modelErr) > 0.2) why.push("size model");
    if (Math.abs(mean(counts[0])) > 0.1) why.push("count");
    if (why.length) far.push(name);
    console.log(
      `${name.padEnd(14)} ${pad(perObject.toFixed(1), 7)} B ${pad(modelSize.toFixed(0), 5)} B ${
        pad(pct(modelErr), 9)
      }  ${counts.map(cell).join("")}${bytes.map(cell).join("")}${why.length ? `FAR OFF (${why.join(", ")})` : "ok"}`,
    );
  }
  console.log(
    "(measured: heap growth per object after a full gc, untraced child; model: estimated bytes / estimated count;",
  );
  console.log(" verdict: size model within 20%, mean count error at the smallest interval within 10%)");
  if (far.length) console.log(`shapes outside the targets: ${far.join(", ")}`);
  draws();
  for (const f of failures) console.log(`!! ${f}`);
}

/**
 * The sampler's countdowns in this process: their mean against N (a biased mean biases
 * every count by as much) and the period of the sequence (a short one repeats its bias).
 */
function draws(): void {
  const cells: string[] = [];
  for (const every of [64, 1024]) {
    for (const seed of [1, 2, 3]) {
      const source = new Countdowns(every, seed * 7919);
      let sum = 0;
      const n = 1_000_000;
      for (let i = 0; i < n; i++) sum += source.next();
      cells.push(pct(sum / n / every - 1));
    }
  }
  // Period: the first repeat of a window of 4 draws (with a mean large enough that repeats are rare).
  const source = new Countdowns(2 ** 24, 7919);
  const seen = new Map<string, number>();
  const window: number[] = [];
  let period = 0;
  for (let i = 0; i < 2_000_000 && !period; i++) {
    window.push(source.next());
    if (window.length > 4) window.shift();
    if (window.length < 4) continue;
    const key = window.join(",");
    const at = seen.get(key);
    if (at !== undefined) period = i - at;
    else seen.set(key, i);
  }
  console.log(
    `sampler countdowns (random.ts): mean / N - 1 over 10^6 draws, 3 seeds: /64 ${cells.slice(0, 3).join(" ")}, ` +
      `/1024 ${cells.slice(3).join(" ")} (expected within ±0.1%); period ${period ? period : "> 2e6"} draws`,
  );
}

console.log(
  `# bench-line on ${rt.name} ${rt.version} (load average ${
    loadavg()[0].toFixed(1)
  } on ${availableParallelism()} CPUs)`,
);
try {
  if (!skip.has("overhead")) overhead();
  if (!skip.has("rewrite")) rewrite();
  if (!skip.has("start")) start();
  if (!skip.has("memory")) memory();
  if (!skip.has("estimate")) estimate();
} finally {
  rmSync(planCache, { recursive: true, force: true });
}
