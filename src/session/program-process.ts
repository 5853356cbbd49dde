/**
 * A program in a child process this controller owns: spawned, its output
 * read, its exit awaited, and never left running after the controller:
 * killed when the session closes it, when it lingers after its channel
 * ended, or when the controller exits without closing it.
 *
 * @module
 */
import { clearTimeout, setTimeout } from "node:timers";
import { type ChildProcess, spawn } from "node:child_process";
import process from "node:process";
import { ProgramOutput } from "./program-output.ts";
import type { TargetExit } from "./target.ts";

/** How long a program may take to end after SIGTERM before it is killed. */
const TERM_GRACE_MS = 1_000;

/**
 * What to run, and what to clean up once it is over.
 *
 * @example
 * ```ts
 * import type { ProgramSpawn } from "./program-process.ts";
 * const spec: ProgramSpawn = {
 *   command: "node", args: ["app.js"], display: "node app.js", env: {}, stdin: "ignore", release: () => {},
 * };
 * ```
 */
export interface ProgramSpawn {
  /** The executable to run (a runtime). */
  readonly command: string;
  /** Its arguments, the script among them. */
  readonly args: readonly string[];
  /** The command line as messages show it. */
  readonly display: string;
  /** The program's working directory; default: the controller's. */
  readonly cwd?: string;
  /** The program's whole environment. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The program's standard input: the terminal's (`inherit`) or none (`ignore`: the REPL or the TUI reads the keys). */
  readonly stdin: "inherit" | "ignore";
  /** Frees what belongs to the program once it is over (its channel's directory). */
  readonly release: () => void;
}

/** Programs still running, killed if the controller exits without closing them. */
const live = new Set<ProgramProcess>();
let exitHookInstalled = false;

/**
 * A running child program.
 *
 * @example
 * ```ts
 * import { ProgramProcess } from "./program-process.ts";
 * const program = ProgramProcess.spawn({
 *   command: "node", args: ["app.js"], display: "node app.js", env: {}, stdin: "ignore", release: () => {},
 * });
 * program.output.listen((stream, text) => console.log(stream, text));
 * await program.terminate();
 * program.release();
 * ```
 */
export class ProgramProcess {
  /** What the program writes. */
  readonly output: ProgramOutput;
  /** Resolves when the program has exited. */
  readonly exited: Promise<TargetExit>;
  /** Rejects with a readable error when the program could not be started. */
  readonly failed: Promise<never>;
  /** Aborted once the program has exited or failed to start. */
  readonly gone: AbortSignal;
  #child: ChildProcess;
  #exit: TargetExit | null = null;
  #release: (() => void) | null;

  private constructor(child: ChildProcess, spec: ProgramSpawn) {
    this.#child = child;
    this.#release = spec.release;
    this.output = new ProgramOutput(child);
    const gone = new AbortController();
    this.gone = gone.signal;
    this.exited = new Promise<TargetExit>((resolve) => {
      child.once("exit", (code, signal) => {
        this.#exit = { code, signal };
        gone.abort();
        resolve(this.#exit);
      });
    });
    this.failed = new Promise<never>((_, reject) => {
      child.once("error", (e) => {
        gone.abort();
        reject(new Error(`could not start ${spec.display}: ${e.message}`));
      });
    });
    this.failed.catch(() => {});
  }

  /**
   * Starts the program, stdout and stderr piped; throws a readable error
   * (after `spec.release`) when it cannot even be spawned.
   */
  static spawn(spec: ProgramSpawn): ProgramProcess {
    let child: ChildProcess;
    try {
      child = spawn(spec.command, [...spec.args], {
        cwd: spec.cwd,
        env: spec.env,
        stdio: [spec.stdin, "pipe", "pipe"],
      });
    } catch (e) {
      spec.release();
      throw new Error(`could not start ${spec.display}: ${(e as Error).message}`);
    }
    const program = new ProgramProcess(child, spec);
    program.#track();
    return program;
  }

  /** True once the program has exited. */
  get hasExited(): boolean {
    return this.#exit !== null;
  }

  /** Kills the program at once. */
  kill(): void {
    this.#child.kill("SIGKILL");
  }

  /** Asks the program to end (SIGTERM), kills it after a grace period, and resolves with its exit. */
  async terminate(): Promise<TargetExit> {
    this.#child.kill("SIGTERM");
    const timer = setTimeout(() => this.#exit || this.kill(), TERM_GRACE_MS);
    const exit = await this.exited;
    clearTimeout(timer);
    return exit;
  }

  /** Kills the program unless it ends by itself soon (twice the grace of `terminate`). */
  killIfLingering(): void {
    if (this.#exit) return;
    const timer = setTimeout(() => this.#exit || this.kill(), TERM_GRACE_MS * 2);
    this.exited.then(() => clearTimeout(timer));
  }

  /** Frees what belongs to the program; the controller no longer watches it. */
  release(): void {
    live.delete(this);
    const release = this.#release;
    this.#release = null;
    release?.();
  }

  #track(): void {
    if (!exitHookInstalled) {
      exitHookInstalled = true;
      // A controller that ends without closing its programs still takes them down.
      process.on("exit", () => {
        for (const program of live) {
          program.kill();
          program.release();
        }
      });
    }
    live.add(this);
  }
}
