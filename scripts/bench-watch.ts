/**
 * What watching costs the watched: a program holding a big heap of small
 * objects and doing steady work, traced from its first line with the
 * default engine as `tui` starts it, measured in one run, side by side:
 *
 * - its throughput unwatched (traced, nothing reading), under the live
 *   feed (the TUI's own `LiveFeed` and table derivation, headless) and
 *   under a snapshot every second (as a scripted REPL takes them);
 * - the refresh rate the feed keeps meanwhile;
 * - `snapshot` latency (the REPL command, round trip) at 100 MB and 500 MB
 *   heaps, without and with `--gc`;
 * - what `run`'s peak keeper costs: the program started as `run` starts it
 *   (its end reported, the snapshot nearest its peak kept) against the same
 *   program without, alternating launches (off, on, off, on).
 *
 * Phases alternate (unwatched, feed, unwatched, snapshots, unwatched) in one
 * program, so drift of a shared machine hits them alike; ratios are against
 * the mean of the unwatched phases around each.
 *
 * ```sh
 * node --import tsx scripts/bench-watch.ts [HEAP_MB] [LATENCY_MB...]
 * ```
 *
 * @module
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { performance } from "node:perf_hooks";
import { DEFAULT_SAMPLE_EVERY, DEFAULT_TRACEBACK_LIMIT } from "../src/defaults.ts";
import { ChildTarget } from "../src/session/child.ts";
import { openSession } from "../src/session/open.ts";
import type { Session } from "../src/session/session.ts";
import { LiveFeed } from "../tui/session/feed.ts";
import { derive } from "../tui/state/derive.ts";
import { BIG_HEAP_PROGRAM, Progress } from "./bench/big-heap.ts";

const HEAP_MB = Number(process.argv[2] ?? 200);
const LATENCY_MB = process.argv.length > 3 ? process.argv.slice(3).map(Number) : [100, 500];
const PHASE_MS = 6000;
const SETTLE_MS = 1000;
const RUNTIME = "Bun" in globalThis ? "bun" : "Deno" in globalThis ? "deno" : "node";

/** A traced program under a session, with its progress lines collected. */
class Watched extends Progress {
  constructor(readonly session: Session) {
    super();
    session.on((event) => {
      if (event.type === "output" && event.stream === "stdout") this.read(event.text);
    });
  }

  static async start(script: string, heapMb: number): Promise<Watched> {
    process.env.BENCH_HEAP_MB = String(heapMb);
    const session = openSession();
    const watched = new Watched(session);
    // As the TUI starts a program: traced from its first line with the defaults (src/defaults.ts).
    await session.execute(`start ${DEFAULT_TRACEBACK_LIMIT} --every ${DEFAULT_SAMPLE_EVERY}`);
    await session.execute(`run --runtime ${RUNTIME} ${script}`);
    await watched.built();
    return watched;
  }

  async close(): Promise<void> {
    await this.session.close();
  }
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

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
  tookMax: number;
  tookSum: number;
  deriveMax: number;
  age: number;
}

/** The TUI's live feed and table derivation, headless, until `until`. */
function watchLive(session: Session, stats: FeedStats): (until: number) => Promise<void> {
  return async (until) => {
    const feed = new LiveFeed(session);
    let seen: unknown = null;
    let deriving = false;
    feed.subscribe(() => {
      const live = feed.state.live;
      if (!live || live === seen) return;
      seen = live;
      stats.refreshes++;
      stats.tookMax = Math.max(stats.tookMax, feed.state.took);
      stats.tookSum += feed.state.took;
      const age = (feed.state.status as { age?: number } | null)?.age;
      if (typeof age === "number") stats.age = Math.max(stats.age, age);
      if (deriving) return;
      deriving = true;
      const started = performance.now();
      void derive(
        { kind: "live", current: live.current, previous: live.previous },
        [],
        "",
        { keyType: "lineno", cumulative: false },
        "size",
      ).then(() => stats.deriveMax = Math.max(stats.deriveMax, performance.now() - started))
        .finally(() => deriving = false);
    });
    feed.start();
    await pause(until - Date.now());
    feed.close();
    while (deriving) await pause(10);
  };
}

/** A snapshot every second, as a scripted REPL takes them, until `until`. */
function everySecond(session: Session, took: number[]): (until: number) => Promise<void> {
  return async (until) => {
    let n = 0;
    while (Date.now() < until) {
      const started = performance.now();
      await session.execute(`snapshot b${n++}`);
      took.push(performance.now() - started);
      await pause(Math.max(0, 1000 - (performance.now() - started)));
    }
    for (let i = 0; i < n; i++) session.deleteSnapshot(`b${i}`);
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const ms = (x: number) => `${x.toFixed(0)} ms`;

async function throughput(script: string): Promise<void> {
  const watched = await Watched.start(script, HEAP_MB);
  try {
    const { session } = watched;
    const feedStats: FeedStats = { refreshes: 0, tookMax: 0, tookSum: 0, deriveMax: 0, age: 0 };
    const snapTook: number[] = [];
    const idle1 = await phase(idle);
    const live = await phase(watchLive(session, feedStats));
    const idle2 = await phase(idle);
    const snaps = await phase(everySecond(session, snapTook));
    const idle3 = await phase(idle);
    const r = (w: [number, number]) => watched.rate(w[0], w[1]);
    const liveRatio = r(live) / ((r(idle1) + r(idle2)) / 2);
    const snapRatio = r(snaps) / ((r(idle2) + r(idle3)) / 2);
    const liveSeconds = (live[1] - live[0] + SETTLE_MS) / 1000;
    console.log(
      `${RUNTIME}: ${HEAP_MB} MB heap of small objects, default engine (line, 1/${DEFAULT_SAMPLE_EVERY}), ops/s unwatched ` +
        `${[idle1, idle2, idle3].map((w) => r(w).toFixed(0)).join(" / ")}`,
    );
    console.log(
      `| runtime | unwatched | live feed (TUI) | snapshot every 1 s | feed refreshes/s | refresh took mean / max | table derive max | snapshot took median |`,
    );
    console.log(
      `| ${RUNTIME} | 1.00 | ${liveRatio.toFixed(3)} | ${snapRatio.toFixed(3)} | ${
        (feedStats.refreshes / liveSeconds).toFixed(2)
      } | ${ms(feedStats.tookSum / Math.max(1, feedStats.refreshes))} / ${ms(feedStats.tookMax)} | ${
        ms(feedStats.deriveMax)
      } | ${ms(median(snapTook))} |`,
    );
    if (feedStats.age > 0) console.log(`oldest figures shown by the feed: ${ms(feedStats.age)}`);
  } finally {
    await watched.close();
  }
}

async function latency(script: string): Promise<void> {
  const rows: string[] = [];
  for (const mb of LATENCY_MB) {
    const watched = await Watched.start(script, mb);
    try {
      const plain: number[] = [];
      const gc: number[] = [];
      for (let i = 0; i < 5; i++) {
        let started = performance.now();
        await watched.session.execute(`snapshot l${i}`);
        plain.push(performance.now() - started);
        await pause(300);
        started = performance.now();
        // `snapshot --gc` where it exists; the old default collected anyway.
        await watched.session.execute(`snapshot --gc g${i}`).catch(() => watched.session.execute(`gc`));
        gc.push(performance.now() - started);
        await pause(300);
      }
      rows.push(`| ${RUNTIME} | ${mb} MB | ${ms(median(plain))} (max ${ms(Math.max(...plain))}) | ${ms(median(gc))} |`);
    } finally {
      await watched.close();
    }
  }
  console.log(`| runtime | heap | snapshot (default) median | snapshot --gc median |`);
  for (const row of rows) console.log(row);
}

/** Ops/s of one launch as `run` starts programs, with or without its end reported and its peak kept. */
async function runLaunch(script: string, reported: boolean): Promise<number> {
  process.env.BENCH_HEAP_MB = String(HEAP_MB);
  const target = await ChildTarget.launch({
    script,
    runtime: RUNTIME,
    start: { nframe: DEFAULT_TRACEBACK_LIMIT, options: { sampleEvery: DEFAULT_SAMPLE_EVERY } },
    snapshotAtExit: reported,
  });
  try {
    const progress = new Progress();
    target.onOutput((stream, text) => stream === "stdout" && progress.read(text));
    await progress.built();
    const [from, to] = await phase(idle);
    return progress.rate(from, to);
  } finally {
    await target.close();
  }
}

async function peakKeeper(script: string): Promise<void> {
  const off: number[] = [];
  const on: number[] = [];
  for (let i = 0; i < 2; i++) {
    off.push(await runLaunch(script, false));
    on.push(await runLaunch(script, true));
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  console.log(`| runtime | heap | ops/s without / with run's end report and peak keeper | ratio |`);
  console.log(
    `| ${RUNTIME} | ${HEAP_MB} MB | ${off.map((x) => x.toFixed(0)).join(", ")} / ${
      on.map((x) => x.toFixed(0)).join(", ")
    } | ${(mean(on) / mean(off)).toFixed(3)} |`,
  );
}

const dir = await mkdtemp(join(tmpdir(), "tracemalloc-bench-watch-"));
try {
  const script = join(dir, "big-heap.ts");
  await writeFile(script, BIG_HEAP_PROGRAM);
  await throughput(script);
  if (LATENCY_MB.length && LATENCY_MB[0] > 0) await latency(script);
  await peakKeeper(script);
} finally {
  await rm(dir, { recursive: true, force: true });
}
process.exit(0);
