/**
 * Snapshot dumps decoded off the controller's thread: a worker
 * (`dump-worker.ts`) runs the codec's `decodeSnapshot`, and this thread
 * only rebuilds the table from what it sends back (its typed arrays moved,
 * not copied; its strings in chunks of a millisecond each), so a live
 * refresh of 100k traces (10-13 ms to decode, ten times that at 1M) never
 * holds the keys of the TUI.
 *
 * Small dumps are decoded here at once (a message's round trip costs more
 * than they do), and so is everything when no worker can be had: a
 * runtime or a build that cannot start one, or a worker that failed. The
 * result is the same table either way (the codec's, entry for entry).
 *
 * @module
 */
import { Worker } from "node:worker_threads";
import type { TraceColumns } from "../model/columns.ts";
import { decodeSnapshot, SnapshotFormatError } from "../model/codec.ts";
import type { SnapshotParts } from "../model/snapshot.ts";
import { TraceTable } from "../model/table.ts";
import { webWorkersForBulk, workerExecArgv } from "../runtime/workers.ts";

/**
 * A dump sent to the worker; `bytes` is moved there when it owns its buffer.
 *
 * @example
 * ```ts
 * import type { DumpRequest } from "./dump-decoder.ts";
 * declare const bytes: Uint8Array;
 * const request: DumpRequest = { id: 1, bytes, name: "snapshot from pid 4243" };
 * ```
 */
export interface DumpRequest {
  readonly id: number;
  readonly bytes: Uint8Array;
  /** Names the bytes in errors about them. */
  readonly name: string;
}

/**
 * A decoded table and its traces as the worker sends them: each table
 * column cut to its entries.
 *
 * @example
 * ```ts
 * import type { PackedParts } from "./dump-decoder.ts";
 * declare const packed: PackedParts;
 * packed.frameFile.length; // the table's frames
 * ```
 */
export interface PackedParts {
  readonly tracebackLimit: number;
  readonly frameFile: Int32Array;
  readonly frameLine: Float64Array;
  readonly frameColumn: Float64Array;
  readonly frameFunction: Int32Array;
  readonly stackStart: Uint32Array;
  readonly stackFrames: Int32Array;
  readonly tracebackStack: Int32Array;
  readonly tracebackTotal: Float64Array;
  readonly columns: TraceColumns;
}

/**
 * What the worker sends: its greeting (id 0), a chunk of a table's strings
 * (in order), the rest of the table, or why a dump could not be decoded.
 *
 * @example
 * ```ts
 * import type { DumpReply } from "./dump-decoder.ts";
 * const reply: DumpReply = { id: 3, strings: ["app.ts"] };
 * ```
 */
export type DumpReply =
  | { readonly id: 0; readonly ready: true }
  | { readonly id: number; readonly strings: string[] }
  | { readonly id: number; readonly parts: PackedParts }
  | { readonly id: number; readonly error: { message: string; file?: string; problem?: string } };

/**
 * How a {@link DumpDecoder} works.
 *
 * @example
 * ```ts
 * import { DumpDecoder, type DumpDecoderOptions } from "./dump-decoder.ts";
 * const options: DumpDecoderOptions = { minBytes: 0 }; // every dump to the worker
 * const decoder = new DumpDecoder(options);
 * ```
 */
export interface DumpDecoderOptions {
  /** Dumps shorter than this are decoded in this thread (default 512 KiB: about 10k traces, 1-2 ms). */
  readonly minBytes?: number;
  /**
   * The worker is ended after this long without a dump (default 5 s: a live
   * view asks for one every 0.4 s or so); the next dump starts another.
   */
  readonly idleMs?: number;
  /** A worker not ready after this long is given up, and dumps are decoded in this thread (default 20 s). */
  readonly startMs?: number;
}

const ENTRY = new URL("./dump-worker.ts", import.meta.url);
/**
 * A web worker where large messages reach one sooner (Deno, see
 * {@link webWorkersForBulk}). A web worker has no `unref`: it is ended when
 * idle instead.
 */
const WEB_WORKER = webWorkersForBulk;

/** A dump sent, waiting for its table. */
interface Pending {
  readonly resolve: (parts: SnapshotParts) => void;
  readonly reject: (error: Error) => void;
  /** The table being rebuilt: its strings so far. */
  readonly table: TraceTable;
}

/** A dump not sent yet: the worker is starting. */
interface Queued {
  readonly bytes: Uint8Array;
  readonly name: string;
  readonly move: boolean;
  readonly pending: Pending;
}

/**
 * Decodes snapshot dumps in a worker thread, one worker per decoder,
 * started at the first dump that needs it and ended when idle or closed.
 * The worker keeps the process alive while a dump is on its way (on Deno,
 * a web worker, until it is ended, at most `idleMs` after the last dump).
 *
 * @example
 * ```ts
 * import { DumpDecoder } from "./dump-decoder.ts";
 * import { Snapshot } from "../model/snapshot.ts";
 * declare const dump: Uint8Array;
 * const decoder = new DumpDecoder();
 * const snapshot = new Snapshot(await decoder.decode(dump, "snapshot from pid 4243"));
 * decoder.close();
 * ```
 */
export class DumpDecoder {
  readonly #minBytes: number;
  readonly #idleMs: number;
  readonly #startMs: number;
  #worker: Thread | null = null;
  #ready = false;
  /** Why dumps are decoded in this thread for good, or null. */
  #broken: string | null = null;
  #closed = false;
  #nextId = 1;
  readonly #pending = new Map<number, Pending>();
  #queued: Queued[] = [];
  #idleTimer: ReturnType<typeof setTimeout> | null = null;
  #startTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(options: DumpDecoderOptions = {}) {
    this.#minBytes = options.minBytes ?? 512 * 1024;
    this.#idleMs = options.idleMs ?? 5_000;
    this.#startMs = options.startMs ?? 20_000;
  }

  /** Why dumps are decoded in this thread, or null while a worker can be used. */
  get fallback(): string | null {
    return this.#broken;
  }

  /**
   * The parts of the snapshot `bytes` hold, as `decodeSnapshot` reads them
   * (and failing as it does, with a `SnapshotFormatError`).
   *
   * @param name names the bytes in errors about them
   * @param move true when the caller hands over the whole buffer under
   *   `bytes` (nothing else in it is used any more): it is then moved to
   *   the worker instead of copied, and is empty afterwards
   */
  decode(bytes: Uint8Array, name: string, move = false): Promise<SnapshotParts> {
    if (this.#broken !== null || this.#closed || bytes.byteLength < this.#minBytes) {
      try {
        return Promise.resolve(decodeSnapshot(bytes, name));
      } catch (e) {
        return Promise.reject(e);
      }
    }
    return new Promise((resolve, reject) => {
      const pending: Pending = { resolve, reject, table: new TraceTable() };
      if (this.#ready) this.#send(bytes, name, move, pending);
      else {
        this.#queued.push({ bytes, name, move, pending });
        this.#start();
      }
    });
  }

  /** Ends the worker; dumps still being decoded fail, later ones are decoded in this thread. */
  close(): void {
    this.#closed = true;
    this.#stop(new Error("the snapshot decoder was closed"));
  }

  #send(bytes: Uint8Array, name: string, move: boolean, pending: Pending): void {
    const id = this.#nextId++;
    this.#pending.set(id, pending);
    this.#busy();
    // A view is sent with its whole buffer: moved when the caller gave it up, else only the view's bytes, copied.
    const request: DumpRequest = { id, bytes: move ? bytes : bytes.slice(), name };
    this.#worker!.post(request, move && bytes.buffer instanceof ArrayBuffer ? [bytes.buffer] : []);
  }

  #start(): void {
    if (this.#worker) return;
    let worker: Thread;
    try {
      worker = startThread(
        (reply) => this.#receive(worker, reply),
        (reason) => this.#failed(worker, reason),
      );
    } catch (e) {
      return this.#giveUp(`the decoding worker cannot be started: ${describe(e)}`);
    }
    this.#worker = worker;
    this.#ready = false;
    // The dumps waiting for it keep the process alive, as dumps on their way do.
    worker.ref(true);
    this.#startTimer = setTimeout(
      () => this.#failed(worker, `the decoding worker was not ready after ${this.#startMs} ms`),
      this.#startMs,
    );
    unref(this.#startTimer);
  }

  #receive(worker: Thread, reply: DumpReply): void {
    if (worker !== this.#worker) return;
    if (reply.id === 0) {
      if ("ready" in reply) {
        this.#ready = true;
        this.#clearStartTimer();
        const queued = this.#queued;
        this.#queued = [];
        for (const { bytes, name, move, pending } of queued) this.#send(bytes, name, move, pending);
      } else if ("error" in reply) this.#failed(worker, reply.error.message);
      return;
    }
    const pending = this.#pending.get(reply.id);
    if (!pending) return;
    if ("strings" in reply) {
      // Into the table as they come: each chunk is a short task of its own.
      const strings = pending.table.strings;
      for (const s of reply.strings) strings.push(s);
      return;
    }
    this.#pending.delete(reply.id);
    if (!this.#pending.size) this.#idle();
    if ("error" in reply) {
      const { message, file, problem } = reply.error;
      pending.reject(
        file !== undefined && problem !== undefined ? new SnapshotFormatError(file, problem) : new Error(message),
      );
    } else if ("parts" in reply) {
      pending.resolve(unpack(reply.parts, pending.table));
    }
  }

  /** The worker cannot be used: dumps waiting for it are decoded here, dumps in it fail, later ones are decoded here. */
  #failed(worker: Thread, reason: string): void {
    if (worker !== this.#worker) return;
    this.#giveUp(reason);
  }

  #giveUp(reason: string): void {
    this.#broken = reason;
    this.#stop(new Error(reason));
  }

  #stop(reason: Error): void {
    const worker = this.#worker;
    this.#worker = null;
    this.#ready = false;
    this.#clearStartTimer();
    if (this.#idleTimer !== null) clearTimeout(this.#idleTimer);
    this.#idleTimer = null;
    for (const pending of this.#pending.values()) pending.reject(reason);
    this.#pending.clear();
    // Not sent yet: the bytes are still here.
    const queued = this.#queued;
    this.#queued = [];
    for (const { bytes, name, pending } of queued) {
      try {
        pending.resolve(decodeSnapshot(bytes, name));
      } catch (e) {
        pending.reject(e as Error);
      }
    }
    worker?.terminate();
  }

  #busy(): void {
    if (this.#idleTimer !== null) clearTimeout(this.#idleTimer);
    this.#idleTimer = null;
    // A dump on its way keeps the process alive, as one decoded here would.
    this.#worker?.ref(true);
  }

  #idle(): void {
    if (this.#idleTimer !== null) clearTimeout(this.#idleTimer);
    this.#worker?.ref(false);
    this.#idleTimer = setTimeout(() => {
      this.#idleTimer = null;
      if (this.#pending.size || !this.#worker) return;
      // Ended to free its memory; not broken: the next dump starts another.
      const worker = this.#worker;
      this.#worker = null;
      this.#ready = false;
      worker.terminate();
    }, this.#idleMs);
    unref(this.#idleTimer);
  }

  #clearStartTimer(): void {
    if (this.#startTimer !== null) clearTimeout(this.#startTimer);
    this.#startTimer = null;
  }
}

/** A worker thread as this decoder uses it, whatever the runtime's kind of worker. */
interface Thread {
  post(request: DumpRequest, transfer: ArrayBuffer[]): void;
  /** Whether it keeps the process alive (a web worker always does until ended). */
  ref(on: boolean): void;
  terminate(): void;
}

/**
 * Starts the worker: a web worker on Deno, a `worker_threads` one
 * elsewhere, which keeps the process alive only while {@link Thread.ref}
 * says so. `failed` is told when it stops working.
 */
function startThread(receive: (reply: DumpReply) => void, failed: (reason: string) => void): Thread {
  if (WEB_WORKER) {
    const worker = new globalThis.Worker(ENTRY, { type: "module", name: "tracemalloc-decoder" });
    worker.onmessage = (event: MessageEvent) => receive(event.data);
    worker.onerror = (event: ErrorEvent) => {
      event.preventDefault();
      failed(`the decoding worker failed: ${event.message}`);
    };
    return {
      post: (request, transfer) => worker.postMessage(request, transfer),
      ref: () => {},
      terminate: () => worker.terminate(),
    };
  }
  // The codec uses syntax Node's type stripping refuses: tsx's loader for the TypeScript checkout.
  const execArgv = workerExecArgv(ENTRY, false);
  if (execArgv === null) throw new Error("Node loads the worker's TypeScript with tsx, which is not installed");
  // No output of the worker's reaches the terminal (the TUI owns it).
  const worker = new Worker(ENTRY, { name: "tracemalloc-decoder", execArgv, stdout: true, stderr: true });
  worker.unref();
  worker.on("message", receive);
  // Without a listener, a worker's error would be thrown in this thread.
  worker.on("error", (e: unknown) => failed(`the decoding worker failed: ${describe(e)}`));
  worker.on("exit", (code: number) => failed(`the decoding worker ended (exit code ${code})`));
  return {
    post: (request, transfer) => worker.postMessage(request, transfer),
    ref: (on) => on ? worker.ref() : worker.unref(),
    terminate: () => void Promise.resolve(worker.terminate()).catch(() => {}),
  };
}

/**
 * The table the worker decoded, rebuilt here in `table` (its strings there
 * already) from its columns, taken as they are: added as the codec adds
 * them.
 */
function unpack(packed: PackedParts, table: TraceTable): SnapshotParts {
  table.addFrames(packed.frameFile, packed.frameLine, packed.frameColumn, packed.frameFunction);
  table.addStacks(packed.stackStart, packed.stackFrames);
  table.addTracebacks(packed.tracebackStack, packed.tracebackTotal);
  return { table, columns: packed.columns, tracebackLimit: packed.tracebackLimit };
}

function describe(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

/** Timers of this decoder never keep the process alive. */
function unref(timer: ReturnType<typeof setTimeout>): void {
  (timer as { unref?: () => void }).unref?.();
}
