/**
 * Shared pieces of the TUI tests: a target that serves known traces, and
 * the App rendered with ink-testing-library on a session that "runs" it.
 *
 * @module
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { render } from "ink-testing-library";
import type { TracedMemory, TracerOptions } from "../../src/engines/engine.ts";
import { type RawTrace, Snapshot } from "../../src/model/snapshot.ts";
import { Session } from "../../src/session/session.ts";
import type { Target, TargetExit, TargetStatus } from "../../src/session/target.ts";
import type { Allocated } from "../../src/tracer.ts";
import { App } from "../../tui/app.tsx";
import type { Size } from "../../tui/hooks/use-terminal-size.ts";
import { Controller } from "../../tui/session/controller.ts";
import { LiveFeed } from "../../tui/session/feed.ts";

/** How a {@link FakeTarget} starts. */
export interface FakeOptions {
  /** The traces each snapshot holds; a function is asked again at every snapshot. */
  readonly traces?: readonly RawTrace[] | (() => readonly RawTrace[]);
  readonly command?: string;
  readonly pid?: number;
  readonly runtime?: string;
  readonly tracing?: boolean;
  readonly limits?: readonly string[];
  readonly memory?: TracedMemory;
  /** What `allocated` answers (one trace per site, freed included); without it, it is refused. */
  readonly allocated?: readonly RawTrace[] | (() => readonly RawTrace[]);
  /** The span `allocated` covers, in seconds (default 10). */
  readonly seconds?: number;
}

/** A target that serves the traces it is given and records what it was asked. */
export class FakeTarget implements Target {
  tracing: boolean;
  limit = 5;
  memory: TracedMemory;
  exit: TargetExit | undefined;
  closed = false;
  /** Requests received, in order: "start 5", "stop", "clear", "reset-peak", "snapshot", ... */
  readonly calls: string[] = [];
  readonly options: FakeOptions;
  readonly #output = new Set<(stream: "stdout" | "stderr", text: string) => void>();
  readonly #exit = new Set<(exit: TargetExit) => void>();

  constructor(options: FakeOptions = {}) {
    this.options = options;
    this.tracing = options.tracing ?? true;
    this.memory = options.memory ?? { current: 3000, peak: 5000 };
  }

  start(nframe: number, _options?: TracerOptions): Promise<void> {
    this.calls.push(`start ${nframe}`);
    this.tracing = true;
    this.limit = nframe;
    return Promise.resolve();
  }

  stop(): Promise<void> {
    this.calls.push("stop");
    this.tracing = false;
    return Promise.resolve();
  }

  status(): Promise<TargetStatus> {
    return Promise.resolve({
      command: this.options.command ?? "node app.ts",
      pid: this.options.pid ?? 4242,
      runtime: this.options.runtime ?? "node 24.0.0",
      tracing: this.tracing,
      tracebackLimit: this.limit,
      memory: { ...this.memory },
      tracerMemory: 100,
      limits: this.options.limits ?? ["domain 0 frames are functions, not lines"],
      engine: null,
      exit: this.exit,
    });
  }

  clearTraces(): Promise<void> {
    this.calls.push("clear");
    return Promise.resolve();
  }

  resetPeak(): Promise<void> {
    this.calls.push("reset-peak");
    this.memory = { ...this.memory, peak: this.memory.current };
    return Promise.resolve();
  }

  takeSnapshot(): Promise<Snapshot> {
    if (!this.tracing) return Promise.reject(new Error("tracing is not started"));
    if (this.exit) return Promise.reject(new Error("program exited"));
    const { traces = [] } = this.options;
    return Promise.resolve(new Snapshot(typeof traces === "function" ? traces() : traces, this.limit));
  }

  gc(): Promise<boolean> {
    return Promise.resolve(true);
  }

  eval(code: string): Promise<string> {
    return Promise.resolve(`evaluated ${code}`);
  }

  /** Allocations as `options.allocated` gives them, over `options.seconds` (default 10 s); refused without them. */
  allocated(): Promise<Allocated> {
    this.calls.push("allocated");
    const { allocated, seconds = 10 } = this.options;
    if (!allocated) {
      return Promise.reject(new Error("allocations freed or not cannot be counted: domain 0 here is V8's sampler"));
    }
    const traces = typeof allocated === "function" ? allocated() : allocated;
    const snapshot = new Snapshot(traces, 1);
    let size = 0;
    let count = 0;
    for (const trace of traces) {
      size += trace[1];
      count += trace[4] ?? 1;
    }
    return Promise.resolve({ snapshot, since: Date.now() - seconds * 1000, seconds, sampleEvery: 1, size, count });
  }

  onOutput(listener: (stream: "stdout" | "stderr", text: string) => void): void {
    this.#output.add(listener);
  }

  onExit(listener: (exit: TargetExit) => void): void {
    this.#exit.add(listener);
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }

  /** Pretends the program wrote `text`. */
  write(stream: "stdout" | "stderr", text: string): void {
    for (const listener of this.#output) listener(stream, text);
  }

  /** Pretends the program ended. */
  end(exit: TargetExit): void {
    this.exit = exit;
    for (const listener of this.#exit) listener(exit);
  }
}

/** Keys as a terminal sends them. */
export const KEYS = {
  enter: "\r",
  escape: "\x1b",
  up: "\x1b[A",
  down: "\x1b[B",
  pageUp: "\x1b[5~",
  pageDown: "\x1b[6~",
  home: "\x1b[H",
  end: "\x1b[F",
  backspace: "\x7f",
  tab: "\t",
  ctrlC: "\x03",
} as const;

/** The App on screen, with its session, and ways to drive it. */
export interface Rendered {
  readonly session: Session;
  readonly target: FakeTarget;
  readonly controller: Controller;
  readonly feed: LiveFeed;
  /** The last frame, without colours. */
  frame(): string;
  /** Sends keys one at a time, each after the screen took the previous one. */
  press(...keys: string[]): Promise<void>;
  /** Waits until the frame satisfies `check` (fails after a few seconds, with the frame). */
  waitFor(check: (frame: string) => boolean, what?: string): Promise<string>;
  /** Times the App asked to quit. */
  quits(): number;
  rerender(size: Size): void;
  /** Unmounts the App and closes the session. */
  close(): Promise<void>;
}

// deno-lint-ignore no-control-regex
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

/**
 * Renders the App on a session whose `run` starts `target`, runs
 * `startup` (default: `run app.ts`) and waits for the first live table.
 */
export async function renderApp(
  target: FakeTarget,
  options: { startup?: readonly string[]; size?: Size; wait?: boolean } = {},
): Promise<Rendered> {
  const session = new Session({
    target: new FakeTarget({ command: "this process", tracing: false }),
    launch: () => Promise.resolve(target),
  });
  const controller = new Controller(session);
  const feed = new LiveFeed(session, { interval: 40 });
  let quits = 0;
  let size = options.size ?? { columns: 100, rows: 30 };
  const element = (s: Size) => (
    <App
      controller={controller}
      feed={feed}
      startLine="start 5"
      startup={options.startup ?? ["run app.ts"]}
      size={s}
      onQuit={() => quits++}
    />
  );
  const app = render(element(size));
  const frame = () => (app.lastFrame() ?? "").replace(ANSI, "");
  const waitFor = async (check: (frame: string) => boolean, what = "the expected screen") => {
    const deadline = Date.now() + 5000;
    while (!check(frame())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; the screen:\n${frame()}`);
      await tick();
    }
    return frame();
  };
  const rendered: Rendered = {
    session,
    target,
    controller,
    feed,
    frame,
    waitFor,
    async press(...keys: string[]) {
      for (const key of keys) {
        app.stdin.write(key);
        // A lone Escape waits for the rest of a possible sequence before it counts.
        await new Promise((resolve) => setTimeout(resolve, key === KEYS.escape ? 40 : 5));
      }
    },
    quits: () => quits,
    rerender(next: Size) {
      size = next;
      app.rerender(element(size));
    },
    async close() {
      feed.close();
      app.unmount();
      app.cleanup();
      controller.dispose();
      await session.close();
    },
  };
  if (options.wait ?? true) {
    const pid = `│ pid ${target.options.pid ?? 4242} │`;
    const ready = /LIVE · by .* · \d+ rows?|not tracing: press t|no traces yet/;
    try {
      await waitFor((f) => f.includes(pid) && ready.test(f) && !f.includes("updating…"), "the live view");
    } catch (e) {
      // The caller never gets the app to close: a live feed left running would keep the test process alive.
      await rendered.close();
      throw e;
    }
  }
  return rendered;
}

/** Runs `body` with the App rendered on `target`, closing it afterwards. */
export async function withApp(
  target: FakeTarget,
  body: (app: Rendered) => void | Promise<void>,
  options: { startup?: readonly string[]; size?: Size } = {},
): Promise<void> {
  const app = await renderApp(target, options);
  try {
    await body(app);
  } finally {
    await app.close();
  }
}

/** A fresh temporary directory, removed by the returned function. */
export async function tempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), "tracemalloc-tui-"));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Traces of a small app: a leaking cache, a page renderer and a buffer pool. */
export const APP_TRACES: readonly RawTrace[] = [
  [1, 1048576, [["/srv/app/pool.ts", 30, 1, "allocatePool"], ["/srv/app/main.ts", 5, 1, "main"]], 2, 4],
  [1, 204800, [["/srv/app/cache.ts", 55, 3, "cacheResponse"], ["/srv/app/main.ts", 9, 1, "handle"]], 2, 100],
  [0, 131072, [["/srv/app/render.ts", 44, 1, "renderPage"], ["/srv/app/main.ts", 8, 1, "handle"]], 2, 90],
];
