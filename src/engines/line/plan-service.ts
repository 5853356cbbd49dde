/**
 * Planning in a worker thread: a synchronous {@link PlanService.plan} that
 * the load hook can call, which hands the module to a worker
 * (`plan-worker.ts`) and blocks until the plan comes back (see
 * `plan-protocol.ts`). The parser then lives in the worker's isolate: its
 * code, its ASTs' garbage and oxc-parser's 6 GiB raw-transfer buffer
 * (which V8 counts as the program's external memory, and schedules
 * collections by) never enter the traced program's heap.
 *
 * - The worker starts at the first module that needs a plan (a warm start
 *   that finds every plan in the disk cache never starts it) and is
 *   terminated after `idleMs` without a request, to be started again if a
 *   module loads later. It is unref'd: it never keeps the program alive.
 * - It is started bare: no preload (Node's workers would inherit the
 *   agent's or the startup module's `--import` through `execArgv`; there
 *   it gets nothing, or tsx's loader where Node cannot strip this package's
 *   types; Deno and Bun run no preload in workers) and no `TRACEMALLOC*`
 *   variable.
 * - When no worker can be started, or one answers wrongly or not in time,
 *   modules are planned in this process as before, and
 *   {@link PlanService.fallback} says why.
 *
 * @module
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import process from "node:process";
import { setTimeout } from "node:timers";
import { fileURLToPath } from "node:url";
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from "node:worker_threads";
import type { PlanOptions } from "./instrument.ts";
import type { Plan } from "./plan.ts";
import { type PlanReply, PlanSignal, type PlanWorkerSetup, unpackPlan } from "./plan-protocol.ts";
import { workerExecArgv } from "../../runtime/workers.ts";

/**
 * How the service runs its worker.
 *
 * @example
 * ```ts
 * const service = new PlanService({ idleMs: 500 });
 * ```
 */
export interface PlanServiceOptions {
  /** The worker's module (default: `plan-worker.ts` next to this file). */
  readonly entry?: URL;
  /** Milliseconds without a request after which the worker is terminated (default 2000). */
  readonly idleMs?: number;
  /** Longest wait for a new worker's greeting, in milliseconds (default 10000). */
  readonly startMs?: number;
  /** Longest wait for one plan: this many milliseconds (default 10000) plus 5 s per million characters. */
  readonly planMs?: number;
}

/**
 * Counts of the service's work.
 *
 * @example
 * ```ts
 * const { starts, inWorker, inProcess } = planService().stats;
 * ```
 */
export interface PlanServiceStats {
  /** Workers started. */
  starts: number;
  /** Modules planned by a worker. */
  inWorker: number;
  /** Modules planned in this process (see {@link PlanService.fallback}). */
  inProcess: number;
}

/** A started worker and its end of the channel. */
interface Running {
  readonly worker: Worker;
  readonly port: MessagePort;
  readonly signal: PlanSignal;
  /** Messages taken from the port (the signal's count once all have arrived). */
  taken: number;
  ready: boolean;
  /** Why the worker stopped working (an `error` event), if it did. */
  failed: string | null;
}

/** Why the worker did not give a plan. */
class NoPlan {
  constructor(readonly reason: string, readonly lasting: boolean) {}
}

const DEFAULT_ENTRY = new URL("./plan-worker.ts", import.meta.url);
const MS_PER_MILLION_CHARS = 5000;
const require = createRequire(import.meta.url);
const describe = (err: unknown) => err instanceof Error ? `${err.name}: ${err.message}` : String(err);

/** This process's environment without the tracer's settings, so that nothing in the worker starts tracing. */
function workerEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  try {
    for (const [name, value] of Object.entries(process.env)) {
      if (value !== undefined && name !== "TRACEMALLOC" && !name.startsWith("TRACEMALLOC_")) env[name] = value;
    }
  } catch {
    // no permission to read the environment: the worker gets none
  }
  return env;
}

/**
 * Plans modules in a worker thread, synchronously.
 *
 * @example
 * ```ts
 * const service = new PlanService();
 * const plan = service.plan("export const a = [1];", { path: "/app/a.js", lang: "js", kind: "module" });
 * service.close();
 * ```
 */
export class PlanService {
  readonly stats: PlanServiceStats = { starts: 0, inWorker: 0, inProcess: 0 };
  readonly #entry: URL;
  readonly #idleMs: number;
  readonly #startMs: number;
  readonly #planMs: number;
  #running: Running | null = null;
  /** Why no worker is used any more (for good), or `null`. */
  #broken: string | null = null;
  #fallback: string | null = null;
  #nextId = 1;
  #lastUsed = 0;
  #idleTimer = false;
  #planModule: ((source: string, options: PlanOptions) => Plan | null) | null = null;

  constructor(options: PlanServiceOptions = {}) {
    this.#entry = options.entry ?? DEFAULT_ENTRY;
    this.#idleMs = options.idleMs ?? 2000;
    this.#startMs = options.startMs ?? 10_000;
    this.#planMs = options.planMs ?? 10_000;
  }

  /**
   * The plan of a module, as `planModule` makes it (`null` when it
   * does not parse): from the worker, or made in this process when the
   * worker cannot give it.
   */
  plan(source: string, options: PlanOptions): Plan | null {
    if (this.#broken === null) {
      const answer = this.#ask(source, options);
      if (!(answer instanceof NoPlan)) {
        this.stats.inWorker++;
        return answer;
      }
      this.#fallback = answer.reason;
      if (answer.lasting) {
        this.#broken = answer.reason;
        this.close();
      }
    }
    this.stats.inProcess++;
    // Loaded only now, and synchronously: it brings the parser into this isolate.
    this.#planModule ??= (require("./instrument.ts") as typeof import("./instrument.ts")).planModule;
    return this.#planModule(source, options);
  }

  /** Why the last module planned in this process was not planned by a worker; `null` if none was. */
  get fallback(): string | null {
    return this.#fallback;
  }

  /** True while a worker is running. */
  get running(): boolean {
    return this.#running !== null;
  }

  /** Terminates the worker, if one is running (the next plan starts another). */
  close(): void {
    const running = this.#running;
    if (!running) return;
    this.#running = null;
    running.port.close();
    try {
      void Promise.resolve(running.worker.terminate()).catch(() => {});
    } catch {
      // gone already
    }
  }

  #ask(source: string, options: PlanOptions): Plan | null | NoPlan {
    const running = this.#running ?? this.#start();
    if (running instanceof NoPlan) return running;
    if (!running.ready) {
      const greeting = this.#receive(running, 0, this.#startMs);
      if (!greeting || !("ready" in greeting)) {
        const why = greeting && "error" in greeting ? greeting.error : `no answer in ${this.#startMs} ms`;
        return new NoPlan(`the planning worker did not start: ${running.failed ?? why}`, true);
      }
      running.ready = true;
    }
    const id = this.#nextId++;
    try {
      running.port.postMessage({ id, source, options });
    } catch (err) {
      return new NoPlan(`the planning worker cannot be sent a module: ${describe(err)}`, true);
    }
    const wait = this.#planMs + (source.length / 1e6) * MS_PER_MILLION_CHARS;
    const reply = this.#receive(running, id, wait);
    this.#touch();
    if (!reply) {
      return new NoPlan(`the planning worker gave no plan in ${Math.round(wait)} ms${why(running)}`, true);
    }
    if ("error" in reply) return new NoPlan(`the planning worker failed on ${options.path}: ${reply.error}`, false);
    try {
      if (!("plan" in reply)) throw new TypeError("no plan");
      return reply.plan === null ? null : unpackPlan(reply.plan);
    } catch (err) {
      return new NoPlan(`the planning worker answered with something that is not a plan (${describe(err)})`, true);
    }
  }

  #start(): Running | NoPlan {
    if (this.#entry.protocol === "file:" && !existsSync(fileURLToPath(this.#entry))) {
      return new NoPlan(`the planning worker's module is missing: ${fileURLToPath(this.#entry)}`, true);
    }
    const execArgv = workerExecArgv(this.#entry, true);
    if (!execArgv) {
      return new NoPlan("no TypeScript loader for the planning worker (Node strips no types here, no tsx)", true);
    }
    const buffer = new SharedArrayBuffer(4);
    const { port1, port2 } = new MessageChannel();
    const setup: PlanWorkerSetup = { signal: buffer, port: port2 };
    let worker: Worker;
    try {
      worker = new Worker(this.#entry, {
        name: "tracemalloc-planner",
        execArgv,
        env: workerEnv(),
        workerData: setup,
        transferList: [port2],
        stdout: true, // the worker's output, if any, is not the program's
        stderr: true,
      });
    } catch (err) {
      port1.close();
      return new NoPlan(`the planning worker cannot be started: ${describe(err)}`, true);
    }
    this.stats.starts++;
    const running: Running = {
      worker,
      port: port1,
      signal: new PlanSignal(buffer),
      taken: 0,
      ready: false,
      failed: null,
    };
    worker.unref();
    // Without a listener, a worker's uncaught error would be thrown in the program.
    worker.on("error", (err: unknown) => {
      running.failed = describe(err);
      if (this.#running === running) {
        this.#broken ??= `the planning worker failed: ${running.failed}`;
        this.close();
      }
    });
    worker.on("exit", () => {
      if (this.#running === running) this.#running = null;
    });
    this.#running = running;
    return running;
  }

  /** Blocks until reply `id` arrives (`null` after `ms`); other replies are dropped. */
  #receive(running: Running, id: number, ms: number): PlanReply | null {
    const until = performance.now() + ms;
    for (;;) {
      for (let message = receiveMessageOnPort(running.port); message; message = receiveMessageOnPort(running.port)) {
        running.taken = (running.taken + 1) | 0;
        const reply = message.message as PlanReply;
        if (reply?.id === id) return reply;
      }
      const left = until - performance.now();
      if (left <= 0) return null;
      const posted = running.signal.count();
      // Posted but not on the port yet: look again shortly; otherwise sleep until the next message.
      running.signal.waitPast(posted, posted === running.taken ? left : Math.min(left, 1));
    }
  }

  /** Notes a request, and ends the worker once it has had none for `idleMs`. */
  #touch(): void {
    this.#lastUsed = performance.now();
    if (!this.#idleTimer) this.#endWhenIdle(this.#idleMs);
  }

  #endWhenIdle(delay: number): void {
    this.#idleTimer = true;
    const timer = setTimeout(() => {
      this.#idleTimer = false;
      const idle = performance.now() - this.#lastUsed;
      if (idle >= this.#idleMs) this.close();
      else this.#endWhenIdle(this.#idleMs - idle);
    }, delay);
    timer.unref(); // never keeps the program alive
  }
}

/** What the worker said went wrong, when it did. */
function why(running: Running): string {
  return running.failed ? ` (${running.failed})` : "";
}

let shared: PlanService | null = null;

/**
 * The service this process plans its modules with (one worker for every
 * rewriter).
 *
 * @example
 * ```ts
 * const plan = planService().plan("export const a = [1];", { path: "/app/a.ts", lang: "ts", kind: "module" });
 * ```
 */
export function planService(): PlanService {
  return shared ??= new PlanService();
}
