/**
 * End-to-end drive of the real TUI in tmux: starts `mod.ts tui` on the
 * demo in a 120×40 terminal, then goes through start, snapshot, compare,
 * filter, drill-in and quit with `send-keys`, reading the screen with
 * `capture-pane`, and checks that the terminal is intact afterwards
 * (normal screen, cursor shown, canonical mode and echo back, the traced
 * program gone).
 *
 * ```sh
 * node --import tsx scripts/e2e-tui.ts                # under this runtime
 * node --import tsx scripts/e2e-tui.ts --runtime deno # the TUI under deno
 * node --import tsx scripts/e2e-tui.ts --screenshot tui.txt
 * ```
 *
 * @module
 */
import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { RuntimeName } from "../src/runtime/adapter.ts";
import { isMainModule } from "../src/runtime/main.ts";
import { currentRuntimeName } from "../src/runtime/spawn.ts";
import { TmuxDrive } from "./tmux-drive.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const BIN = join(ROOT, "node_modules", ".bin");

/** How to run the drive. */
export interface E2EOptions {
  /** The runtime the TUI runs under (default: this one). */
  readonly runtime?: RuntimeName;
  /** Called with each step as it passes. */
  readonly log?: (line: string) => void;
  /** Writes the compare screen here, as text (for the README). */
  readonly screenshot?: string;
  /** The arguments after the runtime's own (default: `mod.ts tui scripts/demo.ts`). */
  readonly entry?: readonly string[];
  /** The folder the TUI is started from (default: the checkout). */
  readonly cwd?: string;
}

/** What the drive saw. */
export interface E2EResult {
  /** Screens captured after each step, by step name. */
  readonly screens: Readonly<Record<string, string>>;
}

/** The shell command line that starts the TUI under `runtime`. */
function command(runtime: RuntimeName, entry: readonly string[]): string {
  const exe = join(BIN, runtime);
  // tsx by its path: `--import tsx` is resolved from the working directory, which may be another folder.
  const args = runtime === "node"
    ? ["--import", pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href, ...entry]
    : runtime === "deno"
    ? ["run", "-A", ...entry]
    : [
      ...entry,
    ];
  // Without the NODE_ENV a test runner sets (bun test: "test"), as a user starts it.
  return ["env", "-u", "NODE_ENV", exe, ...args].map((w) => `'${w.replaceAll("'", `'"'"'`)}'`).join(" ");
}

/**
 * Drives the TUI through a leak hunt in tmux; throws with the screen when a
 * step does not show what it should.
 *
 * @example
 * ```ts
 * await runE2E({ runtime: "deno", log: console.log });
 * ```
 */
export async function runE2E(options: E2EOptions = {}): Promise<E2EResult> {
  const runtime = options.runtime ?? currentRuntimeName();
  const log = options.log ?? (() => {});
  const drive = new TmuxDrive(`tracemalloc-e2e-${process.pid}-${Date.now()}`, "e2e", `e2e (${runtime})`);
  const screens: Record<string, string> = {};
  const keys = (...names: string[]) => drive.keys(...names);
  const text = (literal: string) => drive.text(literal);
  const waitFor = async (step: string, check: (screen: string) => boolean, seconds = 30) => {
    const last = await drive.waitFor(step, check, seconds);
    screens[step] = last;
    log(`ok  ${step}`);
    return last;
  };

  const entry = options.entry ?? ["mod.ts", "tui", "scripts/demo.ts"];
  drive.shell(options.cwd ?? ROOT, BIN);
  try {
    await text(`${command(runtime, entry)}; echo "TUI EXIT=$?"`);
    await keys("Enter");
    const live = await waitFor(
      "the live table of the demo",
      (s) => s.includes("● tracing") && s.includes(" LIVE · by lineno") && /demo\.ts:55 cacheResponse/.test(s),
      60,
    );
    const pid = Number(/│ pid (\d+) │/.exec(live)?.[1]);

    await keys("s", "Enter");
    await waitFor("the first snapshot", (s) => /│ 1 snapshot\s*$/m.test(s));
    // The demo leaks a response per 50 ms: a second later it holds 20 more.
    await sleep(1500);
    await keys("s", "Enter");
    await waitFor("the second snapshot", (s) => /│ 2 snapshots\s*$/m.test(s));

    await keys("c");
    const compare = await waitFor(
      "compare s2 with s1",
      (s) => s.includes("COMPARE s2 (new) with s1 (base)") && /demo\.ts:55 cacheResponse .*\+\d/.test(s),
    );
    if (options.screenshot) writeFileSync(options.screenshot, compare.trimEnd() + "\n");

    await keys("/");
    await text("*demo.ts:55");
    await keys("Enter");
    await waitFor(
      "the filter on the leaking line",
      (s) => s.includes('filters: 1 include "*demo.ts" line 55') && /COMPARE .* 1 row /.test(s),
    );

    await keys("Enter");
    await waitFor(
      "the traceback of the leaking line, with source",
      (s) =>
        s.includes("TRACEBACKS of s2 vs s1 #1") && /▶ 55 │ {3}const digest = new Uint8Array\(2048\);/.test(s) &&
        /line 55, in cacheResponse/.test(s),
    );
    await keys("r");
    await waitFor("newest frame first", (s) => s.includes("newest frame first"));
    await keys("Escape");
    await waitFor("back to compare", (s) => s.includes("COMPARE s2 (new) with s1 (base)"));

    await keys("q");
    await waitFor("quit", (s) => /TUI EXIT=0/.test(s));
    const { alternate, cursor, modes } = await drive.terminal();
    if (alternate !== "0") throw new Error(`e2e (${runtime}): still on the alternate screen after quit`);
    if (cursor !== "1") throw new Error(`e2e (${runtime}): the cursor is still hidden after quit`);
    log("ok  normal screen and cursor back");
    if (modes !== "icanon echo") throw new Error(`e2e (${runtime}): the terminal was left with ${modes}`);
    log("ok  canonical mode and echo back");
    if (Number.isInteger(pid) && pid > 0 && alive(pid)) {
      throw new Error(`e2e (${runtime}): the traced program (pid ${pid}) outlived the TUI`);
    }
    log("ok  the traced program is gone");
    return { screens };
  } finally {
    drive.close();
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

if (isMainModule(import.meta)) {
  const args = process.argv.slice(2);
  const value = (flag: string) => {
    const i = args.indexOf(flag);
    return i >= 0 ? args[i + 1] : undefined;
  };
  try {
    await runE2E({
      runtime: value("--runtime") as RuntimeName | undefined,
      screenshot: value("--screenshot"),
      entry: value("--entry")?.split(" "),
      log: (line) => console.log(line),
    });
    console.log("e2e: all steps passed");
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  }
}
