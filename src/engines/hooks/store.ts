/**
 * The traces of the hooked domains: one record per traced buffer, memory or
 * user key, one counter of traced bytes (so the peak is exact), tracebacks
 * interned, frees seen through a `FinalizationRegistry`.
 *
 * @module
 */
import type { RawFrame } from "../../model/frame.ts";
import type { RawTrace } from "../../model/snapshot.ts";
import { Traceback } from "../../model/traceback.ts";
import type { CapturedStack } from "../../runtime/stack.ts";
import { bufferSize, isDetached, memorySize, viewBuffer } from "./intrinsics.ts";

/**
 * Domain of ArrayBuffer and SharedArrayBuffer backing stores.
 *
 * @example
 * ```ts
 * import { DomainFilter } from "../../model/filter.ts";
 * import type { Snapshot } from "../../model/snapshot.ts";
 * declare const snapshot: Snapshot;
 *
 * snapshot.filterTraces([new DomainFilter(true, BUFFER_DOMAIN)]);
 * ```
 */
export const BUFFER_DOMAIN = 1;

/**
 * Domain of WebAssembly memories.
 *
 * @example
 * ```ts
 * import { DomainFilter } from "../../model/filter.ts";
 * import type { Snapshot } from "../../model/snapshot.ts";
 * declare const snapshot: Snapshot;
 *
 * snapshot.filterTraces([new DomainFilter(true, WASM_DOMAIN)]);
 * ```
 */
export const WASM_DOMAIN = 2;

/**
 * What a traced object is, which says how to read its size again.
 *
 * @example
 * ```ts
 * const kind: TraceKind = "shared"; // a SharedArrayBuffer
 * ```
 */
export type TraceKind = "buffer" | "shared" | "memory" | "key";

/** A traceback shared by every trace allocated at the same place. */
interface InternedTraceback {
  readonly frames: readonly RawFrame[];
  readonly total: number | null;
  traceback?: Traceback;
}

/**
 * The trace of an object, holding it weakly; it is its own held value in the
 * registry (and its unregister token, for user keys), so a trace costs one
 * object.
 */
class ObjectTrace extends WeakRef<object> {
  domain: number;
  size: number;
  tb: InternedTraceback;
  readonly kind: TraceKind;

  constructor(
    target: object,
    domain: number,
    size: number,
    tb: InternedTraceback,
    kind: TraceKind,
  ) {
    super(target);
    this.domain = domain;
    this.size = size;
    this.tb = tb;
    this.kind = kind;
  }
}

/** The trace of a primitive user key (a number, a string...). */
interface KeyTrace {
  readonly domain: number;
  size: number;
  tb: InternedTraceback;
  readonly key: unknown;
}

type Trace = ObjectTrace | KeyTrace;

// Bytes per item, measured as heap growth per trace (100k traces, after a
// full gc): a traced buffer costs 230 B on Node 24 and Deno 2.9, 180 B on
// Bun 1.4 (record and weak reference, finalizer cell, table entries); a
// number-keyed user trace 120-170 B.
const BYTES_PER_TRACE = 230;
const BYTES_PER_KEY_TRACE = 140;
const BYTES_PER_TRACEBACK = 160;
const BYTES_PER_FRAME = 16;

/**
 * Traces of the hooked domains, with current and peak traced bytes.
 *
 * @example
 * ```ts
 * import type { CapturedStack } from "../../runtime/stack.ts";
 *
 * const stack: CapturedStack = { frames: [["/app/main.ts", 12]], totalNframe: 1, key: "main:12" };
 * const store = new TraceStore();
 * const buffer = new ArrayBuffer(64);
 * store.add(buffer, BUFFER_DOMAIN, "buffer", 64, stack);
 * store.current; // 64
 * ```
 */
export class TraceStore {
  /** Traced bytes now. */
  current = 0;
  /** Most traced bytes since start, clear or resetPeak. */
  peak = 0;
  #traces = new Set<Trace>();
  #objects = new WeakMap<object, ObjectTrace>();
  #userObjects = new Map<number, WeakMap<object, ObjectTrace>>();
  #userKeys = new Map<number, Map<unknown, KeyTrace>>();
  #tracebacks = new Map<string, InternedTraceback>();
  #frameCount = 0;
  #keyTraces = 0;
  #registry = this.#newRegistry();

  /** Number of live traces. */
  get size(): number {
    return this.#traces.size;
  }

  /** True when `target` (a buffer or a memory) is traced. */
  has(target: object): boolean {
    return this.#objects.has(target);
  }

  /**
   * Traces `target` (a buffer of domain 1 or a memory of domain 2) with
   * `size` bytes allocated where `stack` was captured.
   */
  add(
    target: object,
    domain: number,
    kind: TraceKind,
    size: number,
    stack: CapturedStack,
  ): void {
    const old = this.#objects.get(target);
    if (old) this.#remove(old);
    const trace = new ObjectTrace(target, domain, size, this.#intern(stack), kind);
    this.#objects.set(target, trace);
    this.#insert(trace, target);
  }

  /** Sets the size of a traced buffer or memory to `size`; false when `target` is not traced. */
  resize(target: object, size: number): boolean {
    const trace = this.#objects.get(target);
    if (!trace) return false;
    this.#setSize(trace, size);
    return true;
  }

  /** Forgets the trace of a buffer or memory (its memory went elsewhere). */
  delete(target: object): void {
    const trace = this.#objects.get(target);
    if (trace) this.#remove(trace);
  }

  /** Traces `size` bytes of a user domain under `key`, replacing its trace. */
  track(domain: number, key: unknown, size: number, stack: CapturedStack): void {
    const tb = this.#intern(stack);
    if (isObject(key)) {
      let map = this.#userObjects.get(domain);
      if (!map) this.#userObjects.set(domain, map = new WeakMap());
      const old = map.get(key);
      if (old) this.#remove(old);
      const trace = new ObjectTrace(key, domain, size, tb, "key");
      map.set(key, trace);
      this.#insert(trace, key);
      return;
    }
    let map = this.#userKeys.get(domain);
    if (!map) this.#userKeys.set(domain, map = new Map());
    const old = map.get(key);
    if (old) this.#remove(old);
    const trace: KeyTrace = { domain, size, tb, key };
    map.set(key, trace);
    this.#keyTraces++;
    this.#insert(trace, null);
  }

  /** Forgets the trace of `key` in a user domain; false when there was none. */
  untrack(domain: number, key: unknown): boolean {
    const trace = isObject(key) ? this.#userObjects.get(domain)?.get(key) : this.#userKeys.get(domain)?.get(key);
    if (!trace) return false;
    this.#remove(trace);
    return true;
  }

  /**
   * Brings traces up to date with what cannot be hooked: objects already
   * collected (their finalizers may not have run yet), buffers detached by a
   * transfer (freed here), memories grown by WebAssembly code.
   */
  sweep(): void {
    for (const trace of this.#traces) {
      if (!(trace instanceof ObjectTrace)) continue;
      const target = trace.deref();
      if (target === undefined) {
        this.#remove(trace);
        continue;
      }
      switch (trace.kind) {
        case "buffer":
          if (isDetached(target)) this.#remove(trace);
          else this.#setSize(trace, bufferSize(target, false));
          break;
        case "shared":
          this.#setSize(trace, bufferSize(target, true));
          break;
        case "memory":
          this.#setSize(trace, memorySize(target));
          break;
      }
    }
  }

  /** The live traces in raw form (call {@link sweep} first). */
  collect(): RawTrace[] {
    const out: RawTrace[] = [];
    for (const { domain, size, tb } of this.#traces) {
      out.push([domain, size, tb.frames, tb.total]);
    }
    return out;
  }

  /**
   * Where `obj` was allocated: a traced buffer, a view of one (typed array,
   * Buffer, DataView), a traced memory, or an object key given to `track()`.
   */
  traceback(obj: unknown): Traceback | null {
    if (!isObject(obj)) return null;
    let trace = this.#objects.get(obj);
    if (!trace && ArrayBuffer.isView(obj)) {
      trace = this.#objects.get(viewBuffer(obj));
    }
    if (!trace) {
      for (const map of this.#userObjects.values()) {
        trace = map.get(obj);
        if (trace) break;
      }
    }
    if (!trace) return null;
    if (trace.kind === "buffer") {
      const target = trace.deref();
      if (target === undefined || isDetached(target)) {
        this.#remove(trace);
        return null;
      }
    }
    const tb = trace.tb;
    return tb.traceback ??= Traceback.fromRaw(tb.frames, tb.total);
  }

  /** Sets the peak to the current size. */
  resetPeak(): void {
    this.peak = this.current;
  }

  /** Forgets every trace and traceback; traced memory and its peak become 0. */
  clear(): void {
    // A new registry: the old one becomes garbage with its cells, so no
    // finalizer of a forgotten trace runs.
    this.#registry = this.#newRegistry();
    this.#traces = new Set();
    this.#objects = new WeakMap();
    this.#userObjects = new Map();
    this.#userKeys = new Map();
    this.#tracebacks = new Map();
    this.#frameCount = 0;
    this.#keyTraces = 0;
    this.current = 0;
    this.peak = 0;
  }

  /**
   * Bytes the store uses, estimated: per trace its record, weak reference,
   * finalizer cell and table entries; per traceback its frames and key.
   * Frames themselves are shared with the stack capture's position cache.
   */
  overhead(): number {
    const objectTraces = this.#traces.size - this.#keyTraces;
    return objectTraces * BYTES_PER_TRACE +
      this.#keyTraces * BYTES_PER_KEY_TRACE +
      this.#tracebacks.size * BYTES_PER_TRACEBACK +
      this.#frameCount * BYTES_PER_FRAME;
  }

  #newRegistry(): FinalizationRegistry<ObjectTrace> {
    return new FinalizationRegistry<ObjectTrace>((trace) => {
      if (this.#traces.delete(trace)) this.current -= trace.size;
    });
  }

  #intern(stack: CapturedStack): InternedTraceback {
    let tb = this.#tracebacks.get(stack.key);
    if (!tb) {
      tb = { frames: stack.frames, total: stack.totalNframe };
      this.#tracebacks.set(stack.key, tb);
      this.#frameCount += stack.frames.length;
    }
    return tb;
  }

  #insert(trace: Trace, target: object | null): void {
    this.#traces.add(trace);
    if (target !== null) {
      // Only user keys are untracked and re-tracked while alive: their cells
      // must go at once (an unregister token costs some 40 bytes a trace).
      // A removed buffer's cell stays until the buffer is collected; its
      // finalizer then finds no trace and does nothing.
      const object = trace as ObjectTrace;
      if (object.kind === "key") this.#registry.register(target, object, object);
      else this.#registry.register(target, object);
    }
    this.current += trace.size;
    if (this.current > this.peak) this.peak = this.current;
  }

  #setSize(trace: Trace, size: number): void {
    if (size === trace.size) return;
    this.current += size - trace.size;
    trace.size = size;
    if (this.current > this.peak) this.peak = this.current;
  }

  #remove(trace: Trace): void {
    if (!this.#traces.delete(trace)) return;
    this.current -= trace.size;
    if (trace instanceof ObjectTrace) {
      if (trace.kind === "key") this.#registry.unregister(trace);
      const target = trace.deref();
      if (target === undefined) return;
      const map = trace.kind === "key" ? this.#userObjects.get(trace.domain) : this.#objects;
      if (map?.get(target) === trace) map.delete(target);
    } else {
      this.#keyTraces--;
      const map = this.#userKeys.get(trace.domain);
      if (map?.get(trace.key) === trace) map.delete(trace.key);
    }
  }
}

function isObject(value: unknown): value is object {
  return (typeof value === "object" && value !== null) ||
    typeof value === "function";
}
