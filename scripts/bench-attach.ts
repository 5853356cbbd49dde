/**
 * What `attach` costs a program that was running before: the big-heap
 * program of the watching benchmarks, started plainly (Node without a flag;
 * Deno and Bun with `--inspect`, as attach needs), measured in one run, side
 * by side:
 *
 * - its throughput unwatched (not attached), attached under the TUI's live
 *   feed (headless), and attached with a snapshot every second; phases
 *   alternate with unwatched ones (the profiler stopped) so drift hits them
 *   alike, and ratios are against the mean of the unwatched phases around;
 * - the refresh rate and the age of the figures the feed shows;
 * - `attach` itself (finding and opening the inspector, connecting) and
 *   `takeSnapshot()` latency at 100 MB and 500 MB heaps.
 *
 * The program runs under the runtime running this script.
 *
 * ```sh
 * node --import tsx scripts/bench-attach.ts [HEAP_MB] [LATENCY_MB...]
 * ```
 *
 * @module
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { performance } from "node:perf_hooks";
import { DEFAULT_TRACEBACK_LIMIT } from "../src/defaults.ts";
import type { RuntimeName } from "../src/runtime/adapter.ts";
import { runtimeExecutable } from "../src/runtime/spawn.ts";
import { AttachedTarget } from "../src/session/attach/target.ts";
import { Session } from "../src/session/session.ts";
import { LiveFeed } from "../tui/session/feed.ts";
import { BIG_HEAP_PROGRAM, Progress } from "./bench/big-heap.ts";

const HEAP_MB = Number(process.argv[2] ?? 200);
const LATENCY_MB = process.argv.length > 3 ? process.argv.slice(3).map(Number) : [100, 500];
const PHASE_MS = 6000;
const SETTLE_MS = 1000;
const RUNTIME: RuntimeName = "Bun" in globalThis ? "bun" : "Deno" in globalThis ? "deno" : "node";

/** How each runtime is started so that attach can reach it. */
const LAUNCH: Record<RuntimeName, (script: string) => string[]> = {
  node: (s) => ["--no-warnings", s],
  deno: (s) => ["run", "-A", "--inspect=127.0.0.1:0", s],
  bun: (s) => ["--inspect=127.0.0.1:0/bench", s],
};

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const ms = (x: number) => `${x.toFixed(0)} ms`;

/** The program, started plainly, with its progress read from its output. */
class Plain extends Progress {
  readonly child: ChildProcess;
  stderr = "";

  constructor(script: string, heapMb: number) {
    super();
    this.child = spawn(runtimeExecutable(RUNTIME), LAUNCH[RUNTIME](script), {
      env: { ...process.env, BENCH_HEAP_MB: String(heapMb) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.child.stdout!.setEncoding("utf8").on("data", (text: string) => this.read(text));
    this.child.stderr!.setEncoding("utf8").on("data", (text: string) => this.stderr += text);
  }

  /** Resolves once the heap is built and the inspector (when started with one) listens. */
  async started(): Promise<void> {
    await this.built();
    while (RUNTIME !== "node" && !/ws:\/\//.test(this.stderr)) await pause(50);
  }

  stop(): void {
    this.child.kill("SIGKILL");
  }
}

/** Runs `during` for one phase; resolves with the window measured (after the settling time). */
async function phase(during: (until: number) => Promise<void>): Promise<[number, number]> {
  const started = Date.now();
  const until = started + SETTLE_MS + PHASE_MS;
  await during(until);
  return [started + SETTLE_MS, Date.now()];
}

const idle = (until: number) => pause(until - Date.now());

interface FeedStats {
  refreshes: number;
  oldest: number;
}

/** The TUI's live feed on the attached program, headless, until `until`. */
function watchLive(session: Session, stats: FeedStats): (until: number) => Promise<void> {
  return async (until) => {
    const feed = new LiveFeed(session);
    let seen: unknown = null;
    feed.subscribe(() => {
      const live = feed.state.live;
      if (!live || live === seen) return;
      seen = live;
      stats.refreshes++;
      const age = (feed.state.status as { age?: number } | null)?.age;
      if (typeof age === "number") stats.oldest = Math.max(stats.oldest, age);
    });
    feed.start();
    await pause(until - Date.now());
    feed.close();
  };
}

/** A snapshot every second, until `until`. */
function everySecond(target: AttachedTarget, took: number[]): (until: number) => Promise<void> {
  return async (until) => {
    while (Date.now() < until) {
      const started = performance.now();
      await target.takeSnapshot();
      took.push(performance.now() - started);
      await pause(Math.max(0, 1000 - (performance.now() - started)));
    }
  };
}

async function throughput(script: string): Promise<void> {
  const plain = new Plain(script, HEAP_MB);
  try {
    await plain.started();
    const idle1 = await phase(idle);
    const attachStarted = performance.now();
    const target = await AttachedTarget.attach(String(plain.child.pid));
    const attachTook = performance.now() - attachStarted;
    const session = new Session({ target });
    try {
      const stats: FeedStats = { refreshes: 0, oldest: 0 };
      const snapTook: number[] = [];
      await target.start(DEFAULT_TRACEBACK_LIMIT);
      const live = await phase(watchLive(session, stats));
      await target.stop();
      const idle2 = await phase(idle);
      await target.start(DEFAULT_TRACEBACK_LIMIT);
      const snaps = await phase(everySecond(target, snapTook));
      await target.stop();
      const idle3 = await phase(idle);
      const r = (w: [number, number]) => plain.rate(w[0], w[1]);
      const liveRatio = r(live) / ((r(idle1) + r(idle2)) / 2);
      const snapRatio = r(snaps) / ((r(idle2) + r(idle3)) / 2);
      const liveSeconds = (live[1] - live[0] + SETTLE_MS) / 1000;
      const engine = (await target.status()).engine;
      console.log(
        `${RUNTIME}: ${HEAP_MB} MB heap of small objects, attached (${engine?.name}), ops/s unwatched ` +
          `${[idle1, idle2, idle3].map((w) => r(w).toFixed(0)).join(" / ")}; attach took ${ms(attachTook)}`,
      );
      console.log(
        "| runtime | unwatched | attached, live feed (TUI) | attached, snapshot every 1 s | feed refreshes/s | oldest figures shown | snapshot took median |",
      );
      console.log(
        `| ${RUNTIME} | 1.00 | ${liveRatio.toFixed(3)} | ${snapRatio.toFixed(3)} | ${
          (stats.refreshes / liveSeconds).toFixed(2)
        } | ${ms(stats.oldest)} | ${ms(median(snapTook))} |`,
      );
    } finally {
      await session.close();
    }
  } finally {
    plain.stop();
  }
}

async function latency(script: string): Promise<void> {
  console.log(`| runtime | heap | attach | takeSnapshot() median (max) |`);
  for (const mb of LATENCY_MB) {
    const plain = new Plain(script, mb);
    try {
      await plain.started();
      const attachStarted = performance.now();
      const target = await AttachedTarget.attach(String(plain.child.pid));
      const attachTook = performance.now() - attachStarted;
      try {
        await target.start(DEFAULT_TRACEBACK_LIMIT);
        const took: number[] = [];
        for (let i = 0; i < 5; i++) {
          const started = performance.now();
          await target.takeSnapshot();
          took.push(performance.now() - started);
          await pause(300);
        }
        console.log(
          `| ${RUNTIME} | ${mb} MB | ${ms(attachTook)} | ${ms(median(took))} (${ms(Math.max(...took))}) |`,
        );
      } finally {
        await target.close();
      }
    } finally {
      plain.stop();
    }
  }
}

const dir = await mkdtemp(join(tmpdir(), "tracemalloc-bench-attach-"));
try {
  const script = join(dir, "big-heap.ts");
  await writeFile(script, BIG_HEAP_PROGRAM);
  await throughput(script);
  if (LATENCY_MB.length && LATENCY_MB[0] > 0) await latency(script);
} finally {
  await rm(dir, { recursive: true, force: true });
}
process.exit(0);
