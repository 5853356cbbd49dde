/**
 * The allocation hooks engine: domain 1 (ArrayBuffer and SharedArrayBuffer
 * backing stores), domain 2 (WebAssembly memories) and user domains
 * (`track()` / `untrack()`). Each trace is exact: its size is the buffer's,
 * its traceback the stack captured at the allocating call, and it is freed
 * when the buffer is collected (a `FinalizationRegistry`) or detached by a
 * transfer.
 *
 * The hooks replace constructors and functions by wrappers while tracing and
 * put every original back on `stop()` (see `hooks/patch.ts`); they do not
 * change what a program computes. What they cannot see is listed in
 * {@link HookEngine.limits}.
 *
 * @module
 */
import type { RawTrace } from "../model/snapshot.ts";
import type { Traceback } from "../model/traceback.ts";
import { properTailCalls } from "../runtime/stack.ts";
import type { Engine, EngineTraits, LiveVisitor, TracedMemory, TracerOptions } from "./engine.ts";
import { installBufferHooks } from "./hooks/buffers.ts";
import { type HookContext, RECAPTURE_EVERY, stackCapture, state } from "./hooks/context.ts";
import { Patches } from "./hooks/patch.ts";
import { BUFFER_DOMAIN, TraceStore, WASM_DOMAIN } from "./hooks/store.ts";
import { checkKey, checkSize, checkUserDomain } from "./hooks/user.ts";
import { installWasmHooks } from "./hooks/wasm.ts";

export { BUFFER_DOMAIN, WASM_DOMAIN } from "./hooks/store.ts";
export { RESERVED_DOMAINS } from "./hooks/user.ts";

/** Frames of the tracer's public API that `track()` may sit under (stripped from its traceback). */
const TRACK_API_DEPTH = 4;

const LIMITS: readonly string[] = [
  "buffers and memories allocated before start(), inside native code (file reads, fetch, streams, structuredClone copies, messages received from workers) or through a constructor saved before start() are not traced",
  "small Node.js Buffers are slices of a shared pool: the pool is traced once, whole, at the first traced call that used it",
  "WebAssembly memories a module creates without exporting them are not traced",
];

const SAMPLED_CALLERS_LIMIT =
  `with more than one frame, a buffer made by a call of rewritten code takes the callers of a stack captured at a sample of that call's allocations (its first, then one in ${RECAPTURE_EVERY}): its size, count and line are its own`;

const TAIL_CALL_LIMIT =
  "a function that ends in `return f(...)` leaves no frame (the engine makes proper tail calls), so hooked tracebacks skip it";

/**
 * Runs `work` with the hooks looking away: the tracer's own synchronous work
 * (building a snapshot, reading source maps) allocates buffers that must not
 * be traced, and a frame of the tracer may lie deeper than the frames a
 * hook captures. Everything `work` allocates is untraced.
 *
 * @example
 * ```ts
 * const columns = untraced(() => new Float64Array(1_000_000));
 * ```
 */
export function untraced<T>(work: () => T): T {
  state.busy++;
  try {
    return work();
  } finally {
    state.busy--;
  }
}

/**
 * Traces domains 1, 2 and user domains through allocation hooks.
 *
 * @example
 * ```ts
 * const hooks = new HookEngine();
 * await hooks.start(5, {});
 * const bytes = new Uint8Array(4096);
 * hooks.objectTraceback(bytes)?.format(); // the line above
 * await hooks.stop();
 * ```
 */
export class HookEngine implements Engine {
  readonly traits: EngineTraits = {
    name: "hooks",
    lineLevel: true,
    exact: true,
    objectTracebacks: true,
    readForcesGc: false,
    sampling: null,
  };
  #ctx: HookContext | null = null;
  #patches = new Patches();
  #domains: number[] = [BUFFER_DOMAIN, WASM_DOMAIN];

  /** Domains hooked: 1 and 2 unless turned off by the options of `start()`. */
  get domains(): readonly number[] {
    return this.#domains;
  }

  /** What the hooks cannot see, in words (the sampled callers while tracing with more than one frame). */
  get limits(): readonly string[] {
    const limits = [...LIMITS];
    if (this.#ctx !== null && this.#ctx.nframe > 1) limits.push(SAMPLED_CALLERS_LIMIT);
    if (properTailCalls()) limits.push(TAIL_CALL_LIMIT);
    return limits;
  }

  /** True between `start()` and `stop()`. */
  get tracing(): boolean {
    return this.#ctx !== null;
  }

  /**
   * Installs the hooks (`options.domains.buffers` / `wasm` false leave one
   * out) and starts tracing with `nframe` frames per traceback. Rejects
   * when another engine's hooks are installed (one tracer per process).
   */
  start(nframe: number, options: TracerOptions): Promise<void> {
    if (this.#ctx) return Promise.resolve();
    if (!Number.isInteger(nframe) || nframe < 1) {
      return Promise.reject(
        new RangeError(`nframe must be a positive integer, not ${nframe}`),
      );
    }
    if (state.active) {
      return Promise.reject(
        new Error("allocation hooks are already installed by another tracer"),
      );
    }
    const buffers = options.domains?.buffers !== false;
    const wasm = options.domains?.wasm !== false;
    stackCapture();
    try {
      if (buffers) installBufferHooks(this.#patches);
      if (wasm) installWasmHooks(this.#patches);
    } catch (err) {
      this.#patches.restore();
      return Promise.reject(err);
    }
    this.#domains = [
      ...(buffers ? [BUFFER_DOMAIN] : []),
      ...(wasm ? [WASM_DOMAIN] : []),
    ];
    this.#ctx = { store: new TraceStore(), nframe, failures: 0 };
    state.active = this.#ctx;
    return Promise.resolve();
  }

  /** Removes every hook (originals back in place) and forgets every trace. */
  stop(): Promise<void> {
    this.#patches.restore();
    if (this.#ctx && state.active === this.#ctx) state.active = null;
    this.#ctx?.store.clear();
    this.#ctx = null;
    return Promise.resolve();
  }

  /** Forgets traces and tracebacks; traced memory and its peak become 0. */
  clear(): Promise<void> {
    this.#ctx?.store.clear();
    return Promise.resolve();
  }

  /**
   * The live traces (freed and detached buffers removed first). A buffer
   * the collector reclaimed counts until its finalizer runs (a task soon
   * after the collection): most buffers are traced without a weak
   * reference (see {@link TraceStore.add}).
   */
  collect(): Promise<RawTrace[]> {
    return Promise.resolve(this.readNow().traces);
  }

  /** The live traces and their memory, from one sweep. */
  readNow(): { traces: RawTrace[]; memory: TracedMemory } {
    const store = this.#ctx?.store;
    if (!store) return { traces: [], memory: { current: 0, peak: 0 } };
    store.sweep();
    return { traces: store.collect(), memory: { current: store.current, peak: store.peak } };
  }

  /** Current and peak traced bytes of the hooked and user domains, exact. */
  memory(): Promise<TracedMemory> {
    const store = this.#ctx?.store;
    if (!store) return Promise.resolve({ current: 0, peak: 0 });
    store.sweep();
    return Promise.resolve({ current: store.current, peak: store.peak });
  }

  /** Sets the peak to the current traced size. */
  resetPeak(): Promise<void> {
    this.#ctx?.store.resetPeak();
    return Promise.resolve();
  }

  /** Estimated bytes used to store traces and tracebacks. */
  overhead(): number {
    return this.#ctx?.store.overhead() ?? 0;
  }

  /**
   * Where `obj` was allocated: an ArrayBuffer or SharedArrayBuffer, a
   * typed array, Buffer or DataView (their buffer's traceback), a
   * WebAssembly.Memory, or an object given to `track()`; `null` otherwise.
   */
  objectTraceback(obj: unknown): Traceback | null {
    return this.#ctx?.store.traceback(obj) ?? null;
  }

  /** Calls `visit` with each live buffer, memory or key traced with a weak reference, and its traceback. */
  forEachLive(visit: LiveVisitor): void {
    this.#ctx?.store.forEachLive(visit);
  }

  /**
   * Traces `size` bytes of user domain `domain` under `key`, with the
   * caller's traceback, as CPython's `PyTraceMalloc_Track`; tracking a key
   * again replaces its trace. An object key is held weakly: its trace goes
   * when the object is collected. Returns false, tracing nothing, when not
   * tracing (arguments are checked either way).
   *
   * @throws {TypeError | RangeError} for a domain that is not a user domain,
   * a null or undefined key, or a size that is not a byte count
   */
  track(domain: number, key: unknown, size: number): boolean {
    checkUserDomain(domain);
    checkKey(key);
    checkSize(size);
    const ctx = this.#ctx;
    if (!ctx) return false;
    const stack = stackCapture().capture(
      ctx.nframe,
      this.track,
      "strip",
      TRACK_API_DEPTH,
    );
    ctx.store.track(domain, key, size, stack!);
    return true;
  }

  /**
   * Forgets the trace of `key` in user domain `domain`. Returns true when
   * there was one.
   *
   * @throws {TypeError | RangeError} as {@link HookEngine.track}
   */
  untrack(domain: number, key: unknown): boolean {
    checkUserDomain(domain);
    checkKey(key);
    return this.#ctx?.store.untrack(domain, key) ?? false;
  }
}
