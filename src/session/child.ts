/**
 * A traced program in a child process: started with the tracer's agent
 * preloaded, driven over a private channel, and never left running after
 * the session. The channel is an {@link AgentTarget}; the process, a
 * {@link ProgramProcess}; this module starts both and ties their ends.
 *
 * @module
 */
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import type { TracerOptions } from "../engines/engine.ts";
import type { RuntimeName } from "../runtime/adapter.ts";
import { currentRuntimeName, preloadCommand } from "../runtime/spawn.ts";
import { Channel } from "../agent/client.ts";
import { AGENT_ENV, type AgentLaunch, EXIT_REPORT_FILE } from "../agent/protocol.ts";
import { AgentTarget, type ExitReport } from "./agent-target.ts";
import { describeExit, TargetExitedError } from "./exit.ts";
import { type OutputListener, within } from "./program-output.ts";
import { ProgramProcess } from "./program-process.ts";
import { AGENT_SOCKET, makeSessionDirectory } from "./stale.ts";
import type { TargetExit } from "./target.ts";

export { describeExit, TargetExitedError } from "./exit.ts";

/**
 * How to start a traced program.
 *
 * @example
 * ```ts
 * import type { ChildLaunch } from "./child.ts";
 * const launch: ChildLaunch = { script: "server.ts", args: ["--port", "8080"], start: { nframe: 5 } };
 * ```
 */
export interface ChildLaunch {
  /** The program's entry file (resolved against `cwd`). */
  script: string;
  /** Its arguments. */
  args?: readonly string[];
  /** The runtime to run it under; default: the controller's own. */
  runtime?: RuntimeName;
  /**
   * When set, tracing starts before the program's first line with these
   * settings; when absent, the program runs untraced until `start`.
   */
  start?: { nframe: number; options?: TracerOptions };
  /** Working directory; default `process.cwd()`. */
  cwd?: string;
  /**
   * Have the agent report how the program ends, with a snapshot at its end
   * (however it ends, short of being killed outright) and the one kept
   * nearest its peak, for {@link ChildTarget.exitReport}.
   */
  snapshotAtExit?: boolean;
  /**
   * The program's standard input: `"ignore"` (default: the REPL keeps the
   * terminal) or `"inherit"`.
   */
  stdin?: "inherit" | "ignore";
  /** Extra environment variables for the program. */
  env?: Readonly<Record<string, string>>;
}

/** How long `launch` waits for the agent to answer. */
const CONNECT_TIMEOUT_MS = 20_000;
/** The agent source file, preloaded into the program. */
const AGENT_ENTRY = fileURLToPath(new URL("../agent/entry.ts", import.meta.url));

/**
 * A program running in a child process with the agent preloaded. Requests go
 * to the agent over a unix socket in a private directory (0700, socket 0600),
 * authenticated by a per-session secret; snapshots come back as dump bytes
 * and are decoded here, in the controller.
 *
 * @example
 * ```ts
 * import { ChildTarget } from "./child.ts";
 * const target = await ChildTarget.launch({ script: "app.ts", start: { nframe: 5 } });
 * target.onOutput((stream, text) => console.error(`[${stream}] ${text}`));
 * const snapshot = await target.takeSnapshot();
 * await target.close();
 * ```
 */
export class ChildTarget extends AgentTarget {
  #process: ProgramProcess;
  #exit: TargetExit | null = null;
  #exitListeners: ((exit: TargetExit) => void)[] = [];
  /** Settles once the exit has been reported to the listeners. */
  #reported: Promise<void>;
  #closing: Promise<void> | null = null;

  readonly #reportFile: string;

  private constructor(
    channel: Channel,
    program: ProgramProcess,
    command: string,
    reportFile: string,
    tracingFrom?: number,
  ) {
    super(channel, { command, ended: program.exited, tracingFrom });
    this.#process = program;
    this.#reportFile = reportFile;
    this.#reported = this.#watch();
  }

  /**
   * Starts the program with the agent preloaded; resolves once the agent
   * has admitted this controller (and, with `start`, tracing runs), before
   * the program's first line. Rejects with a readable error when the
   * runtime or the script is missing, the program dies at load, or the
   * agent does not answer.
   */
  static async launch(options: ChildLaunch): Promise<ChildTarget> {
    // The agent runs before the runtime looks for the script, so say it here, plainly.
    if (!existsSync(resolve(options.cwd ?? process.cwd(), options.script))) {
      throw new Error(`cannot run ${options.script}: no such file`);
    }
    const runtime = options.runtime ?? currentRuntimeName();
    const args = options.args ?? [];
    const display = [runtime, options.script, ...args].map(quote).join(" ");
    const directory = privateDirectory();
    const agent: AgentLaunch = {
      socket: join(directory, AGENT_SOCKET),
      secret: randomBytes(32).toString("hex"),
      parentPid: process.pid,
      start: options.start,
      snapshotAtExit: options.snapshotAtExit,
    };
    const command = preloadCommand(runtime, AGENT_ENTRY, options.script, args);
    const removeDirectory = () => rmSync(directory, { recursive: true, force: true });
    const program = ProgramProcess.spawn({
      ...command,
      display,
      cwd: options.cwd,
      // What the runtime needs at launch (Deno: prompt socket reads), under the user's own environment.
      env: { ...command.env, ...process.env, ...options.env, [AGENT_ENV]: JSON.stringify(agent) },
      stdin: options.stdin ?? "ignore",
      release: removeDirectory,
    });
    const channel = await connect(program, agent, display);
    // Once the agent has admitted us it listens no more: the directory is left with one use, the exit report.
    // Without one it goes now, so no ending of the session (a controller killed, a terminal gone) can leave it.
    if (!options.snapshotAtExit) removeDirectory();
    const target = new ChildTarget(
      channel,
      program,
      display,
      join(directory, EXIT_REPORT_FILE),
      options.start?.nframe,
    );
    const startError = channel.hello.startError;
    if (startError) {
      await target.close();
      throw new Error(`could not start tracing in ${display}: ${startError}`);
    }
    return target;
  }

  /** Calls `listener` with each chunk of the program's standard output or error. */
  override onOutput(listener: OutputListener): void {
    this.#process.output.listen(listener);
  }

  /** Calls `listener` once when the program ends. */
  override onExit(listener: (exit: TargetExit) => void): void {
    if (this.#exit) queueMicrotask(() => listener(this.#exit!));
    else this.#exitListeners.push(listener);
  }

  /**
   * With `snapshotAtExit`: resolves after the program has exited, with what
   * its agent reported as it ended (however it ended but killed outright:
   * then `null`).
   */
  async exitReport(): Promise<ExitReport | null> {
    await this.#reported;
    return this.reportAtExit();
  }

  /** Ends the program (SIGTERM, then SIGKILL) and frees its channel's directory. */
  override close(): Promise<void> {
    return this.#closing ??= this.#shutdown();
  }

  async #shutdown(): Promise<void> {
    this.sessionClosing();
    this.channel.close();
    if (!this.#process.hasExited) await this.#process.terminate();
    await this.#process.output.drained;
    this.#process.release();
  }

  /** Ties the channel's end to the process's: each ends the other, and the exit is reported once both are done. */
  #watch(): Promise<void> {
    // The agent closes its end only as the program ends; one that stays up without it is useless.
    this.channel.onClose(() => this.#process.killIfLingering());
    const channelClosed = new Promise<void>((resolve) => this.channel.onClose(resolve));
    return this.#process.exited.then(async (exit) => {
      // The channel and the bounded waits below do not keep the controller alive: without this hold, Deno could end
      // a controller awaiting the exit report here, before the channel's end (read after the exit) is seen.
      const hold = setInterval(() => {}, 1_000);
      try {
        this.programEnded(exit);
        // What the agent sent last (the exit snapshot) is read before the channel ends.
        await within(channelClosed);
        this.#readWrittenReport();
        this.channel.close(new TargetExitedError(exit));
        await this.#process.output.drained;
        this.#exit = exit;
        for (const listener of this.#exitListeners.splice(0)) listener(exit);
        this.#process.release();
      } finally {
        clearInterval(hold);
      }
    });
  }

  #readWrittenReport(): void {
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(this.#reportFile);
    } catch {
      return; // None written: the program ended by itself (the report came on the channel) or was killed.
    }
    this.receiveWrittenReport(bytes);
  }
}

/** Connects to the program's agent; on failure, kills the program and says why it failed. */
async function connect(program: ProgramProcess, agent: AgentLaunch, display: string): Promise<Channel> {
  try {
    return await Promise.race([
      Channel.connect(agent.socket, agent.secret, { timeoutMs: CONNECT_TIMEOUT_MS, signal: program.gone }),
      program.failed,
    ]);
  } catch (e) {
    program.kill();
    program.release();
    throw await launchError(display, e as Error, program);
  }
}

/** The reason a launch failed, with the program's exit and last words when it died. */
async function launchError(display: string, error: Error, program: ProgramProcess): Promise<Error> {
  if (!program.gone.aborted) return new Error(`could not connect to the agent of ${display}: ${error.message}`);
  if (error.message.startsWith("could not start")) return error;
  const exit = await program.exited;
  await program.output.drained;
  const stderr = program.output.stderrTail().trim();
  return new Error(`${display} ${describeExit(exit)} before tracing could begin${stderr ? `:\n${stderr}` : ""}`);
}

/**
 * A directory only this user can enter (mkdtemp makes it 0700), short
 * enough for a socket path, named after this controller so that a later
 * launch sweeps it if it outlives us (see `stale.ts`).
 */
function privateDirectory(): string {
  const base = tmpdir();
  // Unix socket paths are limited to about 104 bytes; long TMPDIRs (macOS) fall back to /tmp.
  return makeSessionDirectory(base.length > 60 ? "/tmp" : base);
}

function quote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : JSON.stringify(word);
}
