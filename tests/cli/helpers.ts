/**
 * Running the command line as a child process under a given runtime, with
 * the runtimes installed in this package's `node_modules/.bin`.
 *
 * @module
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import process from "node:process";
import { constants } from "node:os";
import { fileURLToPath } from "node:url";
import type { RuntimeName } from "../../src/runtime/adapter.ts";
import { currentRuntimeName } from "../../src/runtime/spawn.ts";

/** The package root, where `mod.ts` is. */
export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const MOD = join(ROOT, "mod.ts");
const BIN = join(ROOT, "node_modules", ".bin");

/** Every supported runtime. */
export const RUNTIMES: readonly RuntimeName[] = ["node", "deno", "bun"];

/** The runtime running these tests: CLI tests run the CLI under it, and some under all three. */
export const HOST: RuntimeName = currentRuntimeName();

/** The command line that starts `mod.ts` with `args` under `runtime`, as the README gives it. */
export function cliCommand(
  runtime: RuntimeName,
  args: readonly string[],
): [string, string[]] {
  const exe = join(BIN, runtime);
  if (runtime === "node") return [exe, ["--import", "tsx", MOD, ...args]];
  if (runtime === "deno") return [exe, ["run", "-A", MOD, ...args]];
  return [exe, [MOD, ...args]];
}

/** What a finished CLI run gave. */
export interface CliRun {
  /**
   * The exit status as a shell reports it: 128 + the signal's number for a
   * process ended by a signal. (Deno's `child_process` reports a status
   * above 128 as that signal, so the two cannot be told apart anyway.)
   */
  code: number | null;
  stdout: string;
  stderr: string;
}

function shellStatus(code: number | null, signal: NodeJS.Signals | null): number | null {
  if (code !== null || signal === null) return code;
  return 128 + (constants.signals as Record<string, number>)[signal];
}

/** How long a CLI run may take before the test kills it: a hang must fail, not stall the suite. */
const TIMEOUT_MS = 60_000;

/**
 * Runs `mod.ts args` under `runtime` to its end, with `input` on standard
 * input (closed at once when absent).
 */
export function cli(
  args: readonly string[],
  options: { runtime?: RuntimeName; input?: string; cwd?: string } = {},
): Promise<CliRun> {
  const [command, argv] = cliCommand(options.runtime ?? HOST, args);
  return new Promise((resolve, reject) => {
    const child = spawn(command, argv, {
      cwd: options.cwd ?? ROOT,
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on(
      "data",
      (text: string) => stdout += text,
    );
    child.stderr.setEncoding("utf8").on(
      "data",
      (text: string) => stderr += text,
    );
    const timer = setTimeout(() => child.kill("SIGKILL"), TIMEOUT_MS);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code: shellStatus(code, signal), stdout, stderr });
    });
    child.stdin.end(options.input ?? "");
  });
}

/** A CLI run in progress, for tests that act while it runs. */
export interface RunningCli {
  /** Resolves with the first match of `pattern` in standard output. */
  waitFor(pattern: RegExp): Promise<RegExpMatchArray>;
  /** Sends a signal to the CLI process. */
  kill(signal: NodeJS.Signals): void;
  /** Resolves when the CLI has ended. */
  readonly done: Promise<CliRun>;
}

/** Starts `mod.ts args` under the host runtime and returns at once. */
export function startCli(args: readonly string[]): RunningCli {
  const [command, argv] = cliCommand(HOST, args);
  const child = spawn(command, argv, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  const waiters: { pattern: RegExp; resolve: (m: RegExpMatchArray) => void }[] = [];
  child.stdout.setEncoding("utf8").on("data", (text: string) => {
    stdout += text;
    for (const waiter of [...waiters]) {
      const match = stdout.match(waiter.pattern);
      if (match) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(match);
      }
    }
  });
  child.stderr.setEncoding("utf8").on("data", (text: string) => stderr += text);
  const timer = setTimeout(() => child.kill("SIGKILL"), TIMEOUT_MS);
  const done = new Promise<CliRun>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      for (const waiter of waiters) waiter.resolve([] as unknown as RegExpMatchArray);
      resolve({ code: shellStatus(code, signal), stdout, stderr });
    });
  });
  return {
    waitFor: (pattern) =>
      new Promise((resolve) => {
        const match = stdout.match(pattern);
        if (match) resolve(match);
        else waiters.push({ pattern, resolve });
      }),
    kill: (signal) => child.kill(signal),
    done,
  };
}

/** True while a process with this pid exists. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether a `run` report (or a screen showing one) lists the line `place`
 * ("file:line") with `kib` KiB of buffers. The report adds up every domain
 * at a line, and the line engine may have sampled the typed-array objects
 * made there too (one allocation in 1024, each sample standing for about 48
 * KiB of JS heap): such a line shows the buffers' exact size plus a sample
 * or two, in about one run in a hundred.
 */
export function reportsBuffers(report: string, place: string, kib: number): boolean {
  const line = new RegExp(`${escapeRegExp(place)}: (\\d+\\.\\d) KiB$`, "m").exec(report);
  const shown = line ? Number(line[1]) : NaN;
  return shown >= kib && shown < kib + 256;
}

/** `text` with the characters a regular expression gives a meaning to escaped, to match it literally. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
