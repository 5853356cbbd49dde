/**
 * Drivers of the leak suite: the command line started from a case's folder
 * (outside the checkout) under Node, Deno or Bun, a scripted REPL session
 * that compares two snapshots, `run` and its report at exit, the real TUI
 * driven in tmux, and a pool that runs a few of them at a time.
 *
 * @module
 */
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { RuntimeName } from "../../../src/runtime/adapter.ts";
import { TmuxDrive } from "../../../scripts/tmux-drive.ts";
import { isAlive } from "../../session/child-fixtures.ts";

/** The checkout, where `mod.ts` is. */
export const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const MOD = join(ROOT, "mod.ts");
const BIN = join(ROOT, "node_modules", ".bin");

/**
 * tsx's loader as a file URL: `--import tsx` resolves from the current
 * folder, which is the case's and has no tsx (a known problem, left to its
 * own issue), so Node gets the checkout's loader by absolute URL.
 */
const TSX_LOADER = pathToFileURL(createRequire(join(ROOT, "package.json")).resolve("tsx")).href;

/**
 * The command line that starts `mod.ts args` under `runtime` from any folder.
 *
 * @example
 * ```ts
 * const [exe, argv] = cliCommand("deno", ["run", "app.js"]);
 * ```
 */
export function cliCommand(runtime: RuntimeName, args: readonly string[]): [string, string[]] {
  const exe = join(BIN, runtime);
  if (runtime === "node") return [exe, ["--import", TSX_LOADER, MOD, ...args]];
  if (runtime === "deno") return [exe, ["run", "-A", MOD, ...args]];
  return [exe, [MOD, ...args]];
}

/** What a finished CLI run gave. */
export interface CliRun {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

/** A hang must fail its test, not stall the suite. */
const CLI_TIMEOUT_MS = 60_000;

/**
 * Runs `mod.ts args` under `runtime` in `cwd` to its end, standard input
 * closed, with `env` added to this process's environment.
 */
export function cli(
  runtime: RuntimeName,
  args: readonly string[],
  options: { cwd: string; env?: Record<string, string> },
): Promise<CliRun> {
  const [exe, argv] = cliCommand(runtime, args);
  return new Promise((resolve, reject) => {
    const child = spawn(exe, argv, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (text: string) => stdout += text);
    child.stderr.setEncoding("utf8").on("data", (text: string) => stderr += text);
    const timer = setTimeout(() => child.kill("SIGKILL"), CLI_TIMEOUT_MS);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** A frame as the REPL's `--json` output gives it. */
export interface JsonFrame {
  file: string;
  line: number;
  column?: number;
  function?: string;
}

/** One entry of a `compare` listing in `--json` output. */
export interface CompareEntry {
  rank: number;
  text: string;
  sizeDiff: number;
  countDiff: number;
  /** Oldest frame first, as `Traceback` iterates. */
  traceback: JsonFrame[];
}

/** A REPL session's outcome: the `compare` entries, and the run for messages. */
export interface ReplCompare {
  entries: CompareEntry[];
  run: CliRun;
}

/**
 * Runs the scripted REPL session of the suite in `dir`: start tracing with
 * five frames (and `every` when given), run `entry` under `runtime`, take
 * snapshots `a` and `b` `waitMs` apart, and compare them. Throws, with the
 * session's output, when the session did not get as far as the listing.
 */
export async function replCompare(
  runtime: RuntimeName,
  dir: string,
  entry: string,
  options: { waitMs: number; every?: number },
): Promise<ReplCompare> {
  const script = [
    options.every === undefined ? "start 5" : `start 5 --every ${options.every}`,
    `run --runtime ${runtime} ${entry}`,
    `wait ${options.waitMs}`,
    "snapshot a",
    `wait ${options.waitMs}`,
    "snapshot b",
    "compare b a --limit 3",
  ];
  // The script lives next to the program, in the folder the session runs in.
  writeFileSync(join(dir, "session.txt"), script.join("\n") + "\n");
  const run = await cli(runtime, ["repl", "--json", "--script", "session.txt"], { cwd: dir });
  const results = run.stdout.split("\n").filter((line) => line.startsWith("{")).map((line) => JSON.parse(line));
  const compare = results.find((r) => r.command === "compare");
  if (!compare?.ok) {
    throw new Error(`the REPL session gave no comparison (exit ${run.code}):\n${run.stdout}\n${run.stderr}`);
  }
  return { entries: compare.result.entries as CompareEntry[], run };
}

/** The top line of `run`'s report at exit, as `#1: FILE:LINE: SIZE`. */
export interface RunReport {
  top: { file: string; line: number } | null;
  run: CliRun;
}

/** Runs `run --runtime R --limit 3 entry` in `dir` with `env`; reads the first line of the report. */
export async function runReport(
  runtime: RuntimeName,
  dir: string,
  entry: string,
  env: Record<string, string>,
): Promise<RunReport> {
  const run = await cli(runtime, ["run", "--runtime", runtime, "--limit", "3", entry], { cwd: dir, env });
  const match = /^#1: (.+):(\d+): [\d.]+ [KMG]?i?B$/m.exec(run.stderr);
  return { top: match ? { file: match[1], line: Number(match[2]) } : null, run };
}

/** What the TUI drive saw. */
export interface TuiCompare {
  /** Row 1 of the comparison: its location (`file:line` as shown, relative to the folder). */
  row1: string | null;
  /** The comparison screen. */
  compare: string;
  /** The TUI's exit status as the shell printed it. */
  exitStatus: number;
  /** tmux's `alternate_on` and `cursor_flag` after the TUI ended (`0` and `1` when restored). */
  alternate: string;
  cursor: string;
  /** `icanon` / `echo` (or `-icanon` / `-echo`) as `stty -a` shows them after the TUI ended. */
  modes: string;
  /** Whether the traced program was still running a few seconds after the TUI ended. */
  programOutlived: boolean;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function shellQuote(word: string): string {
  return `'${word.replaceAll("'", `'"'"'`)}'`;
}

let tmuxServers = 0;

/**
 * Drives `tui --runtime R entry` in a 120×40 tmux terminal in `dir`, as
 * `scripts/e2e-tui.ts` does: `s` Enter, `waitMs`, `s` Enter, `c`, read
 * row 1 of the comparison, then `q`, and checks what the terminal and the
 * program were left in. Throws with the screen when a step never shows.
 */
export async function tuiCompare(
  runtime: RuntimeName,
  dir: string,
  entry: string,
  options: { waitMs: number },
): Promise<TuiCompare> {
  const drive = new TmuxDrive(`tm-leaks-${process.pid}-${++tmuxServers}`, "leak", `tui (${runtime}, ${entry})`);
  const keys = (...names: string[]) => drive.keys(...names);
  const text = (literal: string) => drive.text(literal);
  const waitFor = (step: string, check: (s: string) => boolean, seconds = 30) => drive.waitFor(step, check, seconds);

  const [exe, argv] = cliCommand(runtime, ["tui", "--runtime", runtime, entry]);
  // tsx looks for a tsconfig.json from the current folder too: without the checkout's, the TUI's JSX is compiled
  // for the classic runtime and fails with "React is not defined". (The program inherits the variable.)
  const tsconfig = runtime === "node" ? `TSX_TSCONFIG_PATH=${shellQuote(join(ROOT, "tsconfig.json"))} ` : "";
  drive.shell(dir, BIN);
  try {
    await text(`${tsconfig}${[exe, ...argv].map(shellQuote).join(" ")}; echo "TUI EXIT=$?"`);
    await keys("Enter");
    const live = await waitFor(
      "the live table",
      (s) => s.includes("● tracing") && s.includes(" LIVE · by lineno") && /^ +1 \S/m.test(s),
      60,
    );
    const pid = Number(/│ pid (\d+) │/.exec(live)?.[1]);
    if (!(pid > 0)) throw new Error(`tui (${runtime}, ${entry}): no pid in the header:\n${live}`);

    // Enter only once the label prompt shows, as a person would: an Enter that reaches the TUI before the prompt
    // is up is lost (a TUI bug of its own, reported apart), and the snapshot would never be taken.
    const snapshot = async (count: string) => {
      await keys("s");
      await waitFor("the snapshot label prompt", (s) => /^snapshot label:/m.test(s));
      await keys("Enter");
      await waitFor(`snapshot ${count}`, (s) => new RegExp(`│ ${count}\\s*$`, "m").test(s));
    };
    await snapshot("1 snapshot");
    await sleep(options.waitMs);
    await snapshot("2 snapshots");
    await keys("c");
    const compare = await waitFor(
      "compare s2 with s1",
      (s) => s.includes("COMPARE s2 (new) with s1 (base)") && !s.includes("updating…") && /^ +1 \S/m.test(s),
    );
    const row1 = /^ +1 (\S+)/m.exec(compare)?.[1] ?? null;

    await keys("q");
    const ended = await waitFor("the TUI's exit", (s) => /TUI EXIT=\d+/.test(s));
    const exitStatus = Number(/TUI EXIT=(\d+)/.exec(ended)![1]);
    const { alternate, cursor, modes } = await drive.terminal();
    // The program is sent SIGTERM, then SIGKILL a second later: give it that long to go.
    const deadline = Date.now() + 3000;
    while (isAlive(pid) && Date.now() < deadline) await sleep(50);
    const programOutlived = isAlive(pid);
    return { row1, compare, exitStatus, alternate, cursor, modes, programOutlived };
  } finally {
    drive.close();
  }
}

/**
 * A pool that runs at most `size` jobs at a time, in the order given.
 *
 * @example
 * ```ts
 * const run = pool(3);
 * const results = await Promise.all([1, 2, 3, 4].map((n) => run(() => Promise.resolve(n))));
 * ```
 */
export function pool(size: number): <T>(job: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  // A finished job hands its slot straight to the next one waiting, so no newcomer can slip in between.
  const acquire = () => running < size ? (running++, Promise.resolve()) : new Promise<void>((go) => waiting.push(go));
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else running--;
  };
  return async <T>(job: () => Promise<T>): Promise<T> => {
    await acquire();
    try {
      return await job();
    } finally {
      release();
    }
  };
}
