/**
 * A program that was already running, traced through its inspector
 * (`attach PID`): no agent inside it, no restart. Its code is loaded, so
 * the line engine cannot see it; domain 0 comes from what the inspector
 * offers (V8's sampling heap profiler on Node and Deno: function-level;
 * Bun's heap snapshot: objects by type), read and analysed here, in the
 * controller. Closing the target (`detach`, `quit`) stops the profiler and
 * leaves the program running; an inspector that attaching opened (Node's,
 * by `SIGUSR1`) is closed again.
 *
 * @module
 */
import { readFileSync } from "node:fs";
import process from "node:process";
import { DEFAULT_SAMPLING_INTERVAL } from "../../defaults.ts";
import type { Engine, HeapEngineName, TracedMemory, TracerOptions } from "../../engines/engine.ts";
import { JscHeapEngine } from "../../engines/jsc.ts";
import { SamplerEngine } from "../../engines/sampler.ts";
import { type Method, type RequestParams, RequestSender, type Result } from "../../agent/requests.ts";
import { type RawTrace, Snapshot } from "../../model/snapshot.ts";
import { type RemoteRuntime, remoteRuntime } from "../../runtime/remote.ts";
import type { RuntimeName } from "../../runtime/adapter.ts";
import { TargetExitedError } from "../exit.ts";
import type { Target, TargetExit, TargetRefresh, TargetStatus } from "../target.ts";
import { AttachError, findInspector, type FoundInspector } from "./find.ts";
import { InspectorSocket } from "./socket.ts";
import { evaluateRemotely, identify, type ProgramIdentity } from "./remote-eval.ts";

export { AttachError } from "./find.ts";

/** What `status` says of every attached program. */
const ATTACHED_LIMITS = [
  "attached through the inspector: the program's code was loaded before, so domain 0 cannot come from the line engine",
  "domains 1 (buffers) and 2 (wasm memory) are not traced in an attached program",
];

/**
 * A running program traced through its inspector.
 *
 * @example
 * ```ts
 * import { AttachedTarget } from "./target.ts";
 * const target = await AttachedTarget.attach("4242"); // a pid, or ws://127.0.0.1:9229/...
 * await target.start(5);
 * const snapshot = await target.takeSnapshot();
 * await target.close(); // detaches: the program goes on
 * ```
 */
export class AttachedTarget extends RequestSender implements Target {
  readonly #socket: InspectorSocket;
  readonly #found: FoundInspector;
  readonly #program: ProgramIdentity;
  readonly #command: string;
  readonly #runtime: RemoteRuntime;
  readonly #engine: Engine;
  readonly #exitListeners = new Set<(exit: TargetExit) => void>();
  #nframe = 1;
  #tracing = false;
  #exit: TargetExit | null = null;
  #detached = false;

  private constructor(socket: InspectorSocket, found: FoundInspector, program: ProgramIdentity) {
    super();
    this.#socket = socket;
    this.#found = found;
    this.#program = program;
    this.#command = commandLine(program.pid) ?? `${program.runtime} (pid ${program.pid})`;
    this.#runtime = remoteRuntime(socket, program.runtime, program.version);
    this.#engine = this.#runtime.capabilities.heapSampler
      ? new SamplerEngine(this.#runtime)
      : new JscHeapEngine(this.#runtime);
    socket.onClose(() => this.#lost());
  }

  /**
   * Connects to the inspector of `target` (a pid, or a `ws://` address on
   * loopback), opening Node's with `SIGUSR1` when it is closed.
   *
   * @throws {AttachError} with what is wrong and what to do
   */
  static async attach(target: string): Promise<AttachedTarget> {
    const found = await findInspector(target);
    let socket: InspectorSocket;
    try {
      socket = await InspectorSocket.connect(found.url);
    } catch (e) {
      throw new AttachError((e as Error).message);
    }
    try {
      const program = await identify(socket);
      if (program.pid === process.pid) throw new AttachError("that is this process: use start to trace it");
      if (found.pid !== null && program.pid !== found.pid) {
        throw new AttachError(`the inspector of pid ${found.pid} answers for pid ${program.pid}`);
      }
      return new AttachedTarget(socket, found, program);
    } catch (e) {
      socket.close();
      throw e instanceof AttachError
        ? e
        : new AttachError(`the inspector at ${found.url} did not answer: ${(e as Error).message}`);
    }
  }

  /** The program's pid. */
  get pid(): number {
    return this.#program.pid;
  }

  /** The runtime's name. */
  get runtimeName(): RuntimeName {
    return this.#program.runtime;
  }

  /** The program's tracing status, read through its inspector. */
  override async status(): Promise<TargetStatus> {
    if (this.#exit) return this.#statusWith({ current: 0, peak: 0 }, 0);
    const memory = this.#tracing
      ? await this.#call(() => this.#engine.memory({ budget: true }))
      : { current: 0, peak: 0 };
    return this.#statusWith(memory, this.#age());
  }

  /** Status and a snapshot from one read of the profiler (the live view's refresh). */
  override async refresh(): Promise<TargetRefresh> {
    if (this.#exit || !this.#tracing) return { status: await this.status(), snapshot: null };
    const read = await this.#call(() => this.#readEngine());
    return { status: this.#statusWith(read.memory, this.#age()), snapshot: new Snapshot(read.traces, this.#nframe) };
  }

  /** The program's output goes where it always did. */
  onOutput(_listener: (stream: "stdout" | "stderr", text: string) => void): void {}

  /** Calls `listener` once when the program can no longer be reached (it ended, or its inspector closed). */
  onExit(listener: (exit: TargetExit) => void): void {
    if (this.#exit) listener(this.#exit);
    else this.#exitListeners.add(listener);
  }

  /**
   * Detaches: stops the profiler, closes the connection and, when attaching
   * opened Node's inspector, closes it again. The program goes on.
   */
  async close(): Promise<void> {
    if (this.#detached) return;
    this.#detached = true;
    if (this.#exit) return;
    try {
      if (this.#tracing) await this.#engine.stop();
      if (this.#found.opened) await this.#closeNodeInspector();
    } catch {
      // The program went away meanwhile: nothing is left to remove.
    } finally {
      this.#tracing = false;
      this.#socket.close();
    }
  }

  /** Answers a request through the inspector. */
  protected ask<M extends Method>(method: M, params: RequestParams[M]): Promise<Result<M>> {
    return this.#call(() => (ANSWERS[method] as Answer<M>)(this, params));
  }

  /** Starts the profiler with `nframe` frames per traceback. */
  async startTracing(nframe: number, options: TracerOptions = {}): Promise<void> {
    const engine = this.#engine.traits.name as HeapEngineName;
    if (options.engine !== undefined && options.engine !== engine) {
      throw new Error(
        `${this.#program.runtime}'s inspector offers ${engineWords(engine)} to an attached program ` +
          `(its code is already loaded, so the line engine cannot rewrite it): use --engine ${engine} or no --engine`,
      );
    }
    if (options.sampleEvery !== undefined) {
      throw new Error(
        "--every sets the line engine's rate, which an attached program cannot have" +
          (engine === "sampler" ? " (V8's sampler takes --interval BYTES)" : ""),
      );
    }
    if (this.#tracing) return;
    await this.#engine.start(nframe, {
      samplingInterval: options.samplingInterval ?? DEFAULT_SAMPLING_INTERVAL,
      internalFrames: options.internalFrames,
    });
    this.#nframe = nframe;
    this.#tracing = true;
  }

  /** Stops the profiler and forgets its samples; the program goes on. */
  async stopTracing(): Promise<void> {
    if (!this.#tracing) return;
    this.#tracing = false;
    await this.#engine.stop();
  }

  /** The live traces; a full collection first when `gc` (the sampler's read runs one anyway). */
  async snapshot(gc: boolean): Promise<Snapshot> {
    if (!this.#tracing) throw new Error("tracing must be started (type start) to take a snapshot");
    if (gc && !this.#engine.traits.readForcesGc) await this.#runtime.gc();
    return new Snapshot(await this.#engine.collect(), this.#nframe);
  }

  /** Forgets the samples taken so far and keeps tracing. */
  clearSamples(): Promise<void> {
    return this.#tracing ? this.#engine.clear() : Promise.resolve();
  }

  /** Sets the peak to the traced memory now. */
  resetPeakNow(): Promise<void> {
    return this.#tracing ? this.#engine.resetPeak() : Promise.resolve();
  }

  /** A full garbage collection in the program. */
  collectGarbage(): Promise<boolean> {
    return this.#runtime.gc();
  }

  /** Evaluates `code` in the program's global scope and shows its result as the runtime's inspect does. */
  evaluate(code: string): Promise<string> {
    return evaluateRemotely(this.#socket, this.#program.runtime, code);
  }

  async #readEngine(): Promise<{ traces: RawTrace[]; memory: TracedMemory }> {
    if (this.#engine.read) return await this.#engine.read({ budget: true });
    const traces = await this.#engine.collect({ budget: true });
    // The same read, however old: memory() must not read again.
    return { traces, memory: await this.#engine.memory({ budget: true, maxAge: Infinity }) };
  }

  #age(): number {
    const at = this.#engine.readAt;
    return at === undefined ? 0 : Math.round(performance.now() - at);
  }

  #statusWith(memory: TracedMemory, age: number): TargetStatus {
    const traits = this.#engine.traits;
    const tracing = this.#tracing && !this.#exit;
    return {
      command: this.#command,
      pid: this.#program.pid,
      runtime: `${this.#program.runtime} ${this.#program.version}`,
      tracing,
      tracebackLimit: this.#nframe,
      memory,
      tracerMemory: tracing ? this.#engine.overhead() : 0,
      limits: [...ATTACHED_LIMITS, ...this.#engine.limits],
      engine: { name: traits.name as HeapEngineName, lineLevel: traits.lineLevel, sampling: traits.sampling },
      age,
      ...(this.#exit ? { exit: this.#exit } : {}),
    };
  }

  /** Runs `work`, turning a lost connection into the program's end. */
  async #call<T>(work: () => Promise<T>): Promise<T> {
    if (this.#exit) throw new TargetExitedError(this.#exit);
    if (this.#detached) throw new Error(`detached from pid ${this.#program.pid}`);
    try {
      return await work();
    } catch (e) {
      if (this.#exit) throw new TargetExitedError(this.#exit);
      throw e;
    }
  }

  /** Node keeps an inspector opened by `SIGUSR1` listening; closing it leaves the program as it was. */
  async #closeNodeInspector(): Promise<void> {
    // Closing waits for every connection to end, ours included: it runs after this one is gone.
    await this.#socket.post("Runtime.evaluate", {
      expression: 'setTimeout(() => process.getBuiltinModule("node:inspector").close(), 50), undefined',
    });
  }

  #lost(): void {
    if (this.#detached || this.#exit) return;
    this.#tracing = false;
    this.#exit = { code: null, signal: null };
    for (const listener of this.#exitListeners) listener(this.#exit);
    this.#exitListeners.clear();
  }
}

type Answer<M extends Method> = (target: AttachedTarget, params: RequestParams[M]) => Promise<Result<M>>;

/** How an attached program answers each request (the requests an agent answers in a child). */
const ANSWERS: { readonly [M in Method]: Answer<M> } = {
  start: (target, { nframe, options }) => target.startTracing(nframe, options),
  stop: (target) => target.stopTracing(),
  status: (target) => target.status(),
  clearTraces: (target) => target.clearSamples(),
  resetPeak: (target) => target.resetPeakNow(),
  takeSnapshot: (target, options) => target.snapshot(options?.gc === true),
  refresh: (target) => target.refresh(),
  gc: (target) => target.collectGarbage(),
  eval: (target, { code }) => target.evaluate(code),
  allocated: (target) =>
    Promise.reject(
      new Error(
        `allocations freed or not cannot be counted in an attached program: domain 0 there is ` +
          `${engineWords(target.runtimeName === "bun" ? "census" : "sampler")}; the line engine counts them, ` +
          "in a program started by run or tui or with the startup preload",
      ),
    ),
  retainerSnapshot: () =>
    Promise.reject(
      new Error(
        "retainers needs the traced objects themselves, which only the line engine keeps: " +
          "start the program with run or tui to ask what holds them",
      ),
    ),
};

function engineWords(engine: string): string {
  return engine === "sampler"
    ? "V8's sampling heap profiler (functions, not lines)"
    : engine === "census"
    ? "a census of heap objects by type (no source locations)"
    : `the ${engine} engine`;
}

/** The command line of `pid`, as `ps` shows it, or null when it cannot be read. */
function commandLine(pid: number): string | null {
  try {
    const args = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
    return args.length ? args.join(" ") : null;
  } catch {
    return null;
  }
}
