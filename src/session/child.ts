/**
 * A traced program in a child process: started with the tracer's agent
 * preloaded, driven over a private channel, and never left running after
 * the session.
 *
 * @module
 */
import { clearTimeout, setTimeout } from "node:timers";
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import type { TracedMemory, TracerOptions } from "../engines/engine.ts";
import { decodeSnapshot } from "../model/codec.ts";
import { Snapshot } from "../model/snapshot.ts";
import type { RuntimeName } from "../runtime/adapter.ts";
import { currentRuntimeName, preloadCommand } from "../runtime/spawn.ts";
import { Channel, ChannelClosedError } from "../agent/client.ts";
import { AGENT_ENV, type AgentEvent, type AgentLaunch, type AgentStatus, type Request } from "../agent/protocol.ts";
import type { Target, TargetExit, TargetStatus } from "./target.ts";

/**
 * How to start a traced program.
 *
 * @example
 * ```ts
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
   * Take a snapshot when the program ends by itself (its event loop runs
   * empty), for {@link ChildTarget.exitSnapshot}.
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

/**
 * A request reached a program that has exited; the message says how it
 * ended.
 *
 * @example
 * ```ts
 * try { await target.status(); } catch (e) { if (e instanceof TargetExitedError) console.error(e.message); }
 * ```
 */
export class TargetExitedError extends Error {
  /** @param exit how the program ended */
  constructor(readonly exit: TargetExit) {
    super(`program ${describeExit(exit)}`);
    this.name = "TargetExitedError";
  }
}

/**
 * How an exit reads in messages: "exited with code 1", "was killed by SIGKILL".
 *
 * @example
 * ```ts
 * describeExit({ code: 3, signal: null }); // "exited with code 3"
 * ```
 */
export function describeExit(exit: TargetExit): string {
  return exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
}

/** How long `launch` waits for the agent to answer. */
const CONNECT_TIMEOUT_MS = 20_000;
/** How long a program may take to end after SIGTERM before it is killed. */
const TERM_GRACE_MS = 1_000;
/** How long after its exit the program's output may still arrive (a grandchild may hold the pipes). */
const OUTPUT_DRAIN_MS = 500;
/** The agent source file, preloaded into the program. */
const AGENT_ENTRY = fileURLToPath(
  new URL("../agent/entry.ts", import.meta.url),
);

type OutputListener = (stream: "stdout" | "stderr", text: string) => void;

/** Children still running, killed if the controller exits without closing them. */
const live = new Set<ChildTarget>();
let exitHookInstalled = false;

/**
 * A program running in a child process with the agent preloaded. Requests go
 * to the agent over a unix socket in a private directory (0700, socket 0600),
 * authenticated by a per-session secret; snapshots come back as dump bytes
 * and are decoded here, in the controller.
 *
 * @example
 * ```ts
 * const target = await ChildTarget.launch({ script: "app.ts", start: { nframe: 5 } });
 * target.onOutput((stream, text) => process.stderr.write(`[${stream}] ${text}`));
 * const snapshot = await target.takeSnapshot();
 * await target.close();
 * ```
 */
export class ChildTarget implements Target {
  #child: ChildProcess;
  #channel: Channel;
  #command: string;
  #directory: string;
  #status: TargetStatus;
  #exit: TargetExit | null = null;
  #exited: Promise<TargetExit>;
  #exitListeners: ((exit: TargetExit) => void)[] = [];
  #exitReported = false;
  #output: Output;
  #exitSnapshot: Snapshot | null = null;
  #exitMemory: TracedMemory | null = null;
  /** Settles once the exit has been reported to the listeners. */
  #reported: Promise<void> = Promise.resolve();
  #closing: Promise<void> | null = null;

  private constructor(
    child: ChildProcess,
    channel: Channel,
    command: string,
    directory: string,
    output: Output,
    exited: Promise<TargetExit>,
  ) {
    this.#child = child;
    this.#channel = channel;
    this.#command = command;
    this.#directory = directory;
    this.#output = output;
    this.#exited = exited;
    this.#status = {
      command,
      pid: channel.hello.pid,
      runtime: channel.hello.runtime,
      tracing: false,
      tracebackLimit: 1,
      memory: { current: 0, peak: 0 },
      tracerMemory: 0,
      limits: [],
      engine: null,
    };
  }

  /**
   * Starts the program with the agent preloaded; resolves once the agent
   * has admitted this controller (and, with `start`, tracing runs), before
   * the program's first line. Rejects with a readable error when the
   * runtime or the script is missing, the program dies at load, or the
   * agent does not answer.
   */
  static async launch(options: ChildLaunch): Promise<ChildTarget> {
    const runtime = options.runtime ?? currentRuntimeName();
    const args = options.args ?? [];
    // The agent runs before the runtime looks for the script, so say it here, plainly.
    if (!existsSync(resolve(options.cwd ?? process.cwd(), options.script))) {
      throw new Error(`cannot run ${options.script}: no such file`);
    }
    const directory = privateDirectory();
    const socket = join(directory, "agent.sock");
    const secret = randomBytes(32).toString("hex");
    const launch: AgentLaunch = {
      socket,
      secret,
      parentPid: process.pid,
      start: options.start,
      snapshotAtExit: options.snapshotAtExit,
    };
    const { command, args: argv } = preloadCommand(
      runtime,
      AGENT_ENTRY,
      options.script,
      args,
    );
    const display = [runtime, options.script, ...args].map(quote).join(" ");
    let child: ChildProcess;
    try {
      child = spawn(command, argv, {
        cwd: options.cwd,
        env: {
          ...process.env,
          ...options.env,
          [AGENT_ENV]: JSON.stringify(launch),
        },
        stdio: [options.stdin ?? "ignore", "pipe", "pipe"],
      });
    } catch (e) {
      rmSync(directory, { recursive: true, force: true });
      throw new Error(`could not start ${display}: ${(e as Error).message}`);
    }
    const output = new Output(child);
    const gone = new AbortController();
    const exited = new Promise<TargetExit>((resolve) => {
      child.once("exit", (code, signal) => {
        gone.abort();
        resolve({ code, signal });
      });
    });
    const spawnFailed = new Promise<never>((_, reject) => {
      child.once("error", (e) => {
        gone.abort();
        reject(new Error(`could not start ${display}: ${e.message}`));
      });
    });
    spawnFailed.catch(() => {});
    let channel: Channel;
    try {
      channel = await Promise.race([
        Channel.connect(socket, secret, {
          timeoutMs: CONNECT_TIMEOUT_MS,
          signal: gone.signal,
        }),
        spawnFailed,
      ]);
    } catch (e) {
      child.kill("SIGKILL");
      rmSync(directory, { recursive: true, force: true });
      throw await launchError(display, e as Error, exited, output, gone.signal);
    }
    const startError = channel.hello.startError;
    const target = new ChildTarget(
      child,
      channel,
      display,
      directory,
      output,
      exited,
    );
    target.#track();
    if (startError) {
      await target.close();
      throw new Error(`could not start tracing in ${display}: ${startError}`);
    }
    if (options.start) {
      target.#status = {
        ...target.#status,
        tracing: true,
        tracebackLimit: options.start.nframe,
      };
    }
    return target;
  }

  async start(nframe: number, options?: TracerOptions): Promise<void> {
    await this.#request({ method: "start", params: { nframe, options } });
  }

  async stop(): Promise<void> {
    await this.#request({ method: "stop" });
  }

  async status(): Promise<TargetStatus> {
    if (this.#exit) return this.#finalStatus(this.#exit);
    try {
      const status = await this.#request<AgentStatus>({ method: "status" });
      this.#status = { ...status, command: this.#command };
      return this.#status;
    } catch (e) {
      if (e instanceof TargetExitedError) return this.#finalStatus(e.exit);
      throw e;
    }
  }

  async clearTraces(): Promise<void> {
    await this.#request({ method: "clearTraces" });
  }

  async resetPeak(): Promise<void> {
    await this.#request({ method: "resetPeak" });
  }

  async takeSnapshot(): Promise<Snapshot> {
    const bytes = await this.#request<Uint8Array>(
      { method: "takeSnapshot" },
      true,
    );
    return new Snapshot(
      decodeSnapshot(bytes, `snapshot from pid ${this.#status.pid}`),
    );
  }

  gc(): Promise<boolean> {
    return this.#request<boolean>({ method: "gc" });
  }

  eval(code: string): Promise<string> {
    return this.#request<string>({ method: "eval", params: { code } });
  }

  onOutput(listener: OutputListener): void {
    this.#output.listen(listener);
  }

  onExit(listener: (exit: TargetExit) => void): void {
    if (this.#exitReported) queueMicrotask(() => listener(this.#exit!));
    else this.#exitListeners.push(listener);
  }

  /**
   * With `snapshotAtExit`: resolves after the program has exited, with the
   * snapshot taken when it ended by itself, or `null` when none could be
   * taken (killed, crashed, ended by `process.exit()`, or not tracing).
   */
  async exitSnapshot(): Promise<Snapshot | null> {
    await this.#reported;
    return this.#exitSnapshot;
  }

  /** With `snapshotAtExit`: traced memory (current and peak) when the exit snapshot was taken, or `null`. */
  async exitMemory(): Promise<TracedMemory | null> {
    await this.#reported;
    return this.#exitMemory;
  }

  /** The child's pid. */
  get pid(): number {
    return this.#status.pid;
  }

  close(): Promise<void> {
    return this.#closing ??= this.#shutdown();
  }

  async #shutdown(): Promise<void> {
    this.#channel.close();
    if (!this.#exit) {
      this.#child.kill("SIGTERM");
      const timer = setTimeout(
        () => this.#exit || this.#child.kill("SIGKILL"),
        TERM_GRACE_MS,
      );
      await this.#exited;
      clearTimeout(timer);
    }
    await this.#output.drained;
    this.#release();
  }

  #track(): void {
    if (!exitHookInstalled) {
      exitHookInstalled = true;
      // A controller that ends without closing its targets still takes them down.
      process.on("exit", () => {
        for (const target of live) {
          target.#child.kill("SIGKILL");
          target.#release();
        }
      });
    }
    live.add(this);
    this.#channel.onEvent((event, body) => this.#onEvent(event, body));
    this.#channel.onClose(() => {
      // The agent closes its end only as the program ends; one that stays up without it is useless.
      if (this.#exit) return;
      const timer = setTimeout(
        () => this.#exit || this.#child.kill("SIGKILL"),
        TERM_GRACE_MS * 2,
      );
      this.#exited.then(() => clearTimeout(timer));
    });
    const channelClosed = new Promise<void>((resolve) => this.#channel.onClose(resolve));
    this.#reported = this.#exited.then(async (exit) => {
      this.#exit = exit;
      // What the agent sent last (the exit snapshot) is read before the channel ends.
      await within(channelClosed, OUTPUT_DRAIN_MS);
      this.#channel.close(new TargetExitedError(exit));
      await this.#output.drained;
      this.#exitReported = true;
      for (const listener of this.#exitListeners.splice(0)) listener(exit);
      this.#release();
    });
  }

  #onEvent(event: AgentEvent, body: Uint8Array): void {
    if (event.event !== "exitSnapshot" || event.error || !body.byteLength) {
      return;
    }
    this.#exitMemory = event.memory ?? null;
    try {
      this.#exitSnapshot = new Snapshot(
        decodeSnapshot(body, `exit snapshot from pid ${this.#status.pid}`),
      );
    } catch {
      this.#exitSnapshot = null;
    }
  }

  #release(): void {
    live.delete(this);
    rmSync(this.#directory, { recursive: true, force: true });
  }

  #finalStatus(exit: TargetExit): TargetStatus {
    return {
      ...this.#status,
      tracing: false,
      memory: { current: 0, peak: 0 },
      tracerMemory: 0,
      exit,
    };
  }

  async #request<T>(request: Request, binary = false): Promise<T> {
    if (this.#exit) throw new TargetExitedError(this.#exit);
    if (this.#closing) throw new Error("the target is closed");
    try {
      return binary ? await this.#channel.requestBytes(request) as T : await this.#channel.request<T>(request);
    } catch (e) {
      if (e instanceof TargetExitedError) throw e;
      if (e instanceof ChannelClosedError) {
        if (this.#closing) throw new Error("the target is closed");
        throw new TargetExitedError(await this.#exited);
      }
      throw e instanceof Error ? new Error(e.message) : e;
    }
  }
}

/** Resolves when `promise` does, or after `ms` at the latest. */
function within(promise: Promise<unknown>, ms: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    timer.unref();
    promise.then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** A directory only this user can enter (mkdtemp makes it 0700), short enough for a socket path. */
function privateDirectory(): string {
  const base = tmpdir();
  // Unix socket paths are limited to about 104 bytes; long TMPDIRs (macOS) fall back to /tmp.
  return mkdtempSync(join(base.length > 60 ? "/tmp" : base, "tracemalloc-"));
}

function quote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : JSON.stringify(word);
}

/** The reason a launch failed, with the program's exit and last words when it died. */
async function launchError(
  display: string,
  error: Error,
  exited: Promise<TargetExit>,
  output: Output,
  gone: AbortSignal,
): Promise<Error> {
  if (!gone.aborted) {
    return new Error(
      `could not connect to the agent of ${display}: ${error.message}`,
    );
  }
  if (error.message.startsWith("could not start")) return error;
  const exit = await exited;
  await output.drained;
  const stderr = output.stderrTail().trim();
  return new Error(
    `${display} ${describeExit(exit)} before tracing could begin${stderr ? `:\n${stderr}` : ""}`,
  );
}

/**
 * The program's output, decoded as UTF-8 per stream and held until a
 * listener is there, so nothing printed before `onOutput` is lost.
 */
class Output {
  readonly drained: Promise<void>;
  #listeners: OutputListener[] = [];
  #held: [stream: "stdout" | "stderr", text: string][] = [];
  #stderr = "";

  constructor(child: ChildProcess) {
    const ends = (["stdout", "stderr"] as const).map((name) => {
      const stream = child[name]!;
      const decoder = new TextDecoder();
      stream.on(
        "data",
        (chunk: Uint8Array) => this.#emit(name, decoder.decode(chunk, { stream: true })),
      );
      return new Promise<void>((resolve) => {
        stream.once("close", () => {
          this.#emit(name, decoder.decode());
          resolve();
        });
        stream.once("error", () => resolve());
      });
    });
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    // A grandchild that inherited the pipes may keep them open after the program exits.
    this.drained = exited.then(() => within(Promise.all(ends), OUTPUT_DRAIN_MS));
  }

  listen(listener: OutputListener): void {
    this.#listeners.push(listener);
    for (const [stream, text] of this.#held.splice(0)) listener(stream, text);
  }

  /** The last few kilobytes of standard error, for launch errors. */
  stderrTail(): string {
    return this.#stderr;
  }

  #emit(stream: "stdout" | "stderr", text: string): void {
    if (!text) return;
    if (stream === "stderr") this.#stderr = (this.#stderr + text).slice(-4096);
    if (!this.#listeners.length) this.#held.push([stream, text]);
    else for (const listener of this.#listeners) listener(stream, text);
  }
}
