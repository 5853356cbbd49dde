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
import { runtime } from "../../runtime/index.ts";
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
 * What a traced object is, which says how to read its size again:
 * `"buffer"` a resizable `ArrayBuffer`, `"fixed"` one whose size cannot
 * change (most of them: traced without a weak reference, see
 * {@link TraceStore.add}), `"view"` the buffer of a fresh typed array,
 * traced through the view until the program asks for the buffer, `"shared"` a `SharedArrayBuffer`, `"memory"` a
 * `WebAssembly.Memory`, `"key"` an object given to `track()`.
 *
 * @example
 * ```ts
 * const kind: TraceKind = "shared"; // a SharedArrayBuffer
 * ```
 */
export type TraceKind = "buffer" | "fixed" | "view" | "shared" | "memory" | "key";

/** A traceback shared by every trace allocated at the same place. */
interface InternedTraceback {
  readonly frames: readonly RawFrame[];
  readonly total: number | null;
  /** The session it belongs to ({@link TraceStore.clear} starts a new one). */
  readonly session: object;
  traceback?: Traceback;
  /** The fixed-size buffers traced here, by size, below {@link SMALL_SIZES} bytes (a Map lookup cost as much as the rest of a trace). */
  readonly small: (FixedGroup | undefined)[];
  /** ... and of {@link SMALL_SIZES} bytes or more. */
  groups?: Map<number, FixedGroup>;
}

/** Sizes whose groups are found in an array indexed by size. */
const SMALL_SIZES = 1024;

/**
 * A stack that remembers its interned traceback: the hooks make one per
 * marked site (see `context.ts`) and hand it over at each of the site's
 * allocations, so the store finds the traceback without a lookup.
 *
 * @example
 * ```ts
 * const stack: SiteStack = { frames: [["/app/main.ts", 12]], totalNframe: null, key: "s12", interned: null };
 * ```
 */
export interface SiteStack extends CapturedStack {
  /** Set by the store that interned it (of any session: it checks). */
  interned: object | null;
}

/** The live fixed-size buffers of one size at one traceback: one trace each in {@link TraceStore.collect}. */
interface FixedGroup {
  readonly domain: number;
  readonly size: number;
  readonly tb: InternedTraceback;
  count: number;
  /** The session the group belongs to ({@link TraceStore.clear} starts a new one). */
  readonly session: object;
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

/**
 * Whether the registry watches a fixed-size buffer's record (Node) or the
 * buffer itself (Deno, Bun). Node 24's V8 (13) keeps a registered object
 * alive through young-generation collections, copying it, until a full
 * collection: registering the buffer kept every short-lived traced buffer
 * (and the memory of its bytes) that long, which cost more than the rest
 * of a trace. The record is small and referenced by the buffer (and its
 * view) alone, so it becomes garbage with them, and the buffer is
 * reclaimed as it would be untraced. Deno's V8 (15) and JavaScriptCore
 * clear a registration in young collections: there the buffer itself is
 * watched, and the record is the registration's held value.
 */
const WATCH_RECORDS = runtime().name === "node";

/**
 * The trace of a buffer whose size never changes, kept in its buffer's
 * stamp ({@link Stamp}), or in the stamp of a fresh typed array that owns
 * the buffer (`view`), or both once the program took the buffer from the
 * view (where the registry watches records; elsewhere the buffer then gets
 * a record of its own, see {@link TraceStore.adopt}). It counts in its
 * group (same traceback, same size) rather than in the store's set of
 * traces, and is freed by the registry (see {@link WATCH_RECORDS}) or by a
 * hooked call that detaches the buffer.
 *
 * The registry's held value: where it watches records, the record's slot,
 * a small integer ({@link FixedSlots}), as a held object would be kept
 * alive by the registry, and the record with it. Where it watches the
 * buffer, the record itself: a slot costs more than holding the record
 * (JavaScriptCore, 100k items of the buffer benchmark: 25-50 ns a buffer
 * in a loop's growing array of slots).
 */
interface FixedTrace {
  /** Its group while the buffer is traced, `null` once freed. */
  group: FixedGroup | null;
  /** Kept by a fresh typed array alone: the program has not asked for the buffer yet (see {@link TraceStore.adopt}). */
  view: boolean;
  /** Its slot in its session's {@link FixedSlots}, -1 where the registry watches the buffer. */
  readonly slot: number;
}

/**
 * The fixed-size traces of one session: per slot the group of a live
 * trace (`null` once freed, or while the slot is unused), the slots free
 * for reuse (a stack: `free[0..top)`), and the registry whose finalizer
 * frees a trace. A slot is reused only after its trace's finalizer ran:
 * its record is then garbage. (Slots are used only where the registry
 * watches records.)
 */
interface FixedSlots {
  readonly groups: (FixedGroup | null)[];
  readonly free: number[];
  top: number;
  /** Holds a slot (records watched) or the record itself (buffers watched). */
  readonly registry: FinalizationRegistry<number | FixedTrace>;
}

/** The trace of a primitive user key (a number, a string...). */
interface KeyTrace {
  readonly domain: number;
  size: number;
  tb: InternedTraceback;
  readonly key: unknown;
}

type Trace = ObjectTrace | KeyTrace;

/** Hands back the object it is given, so that {@link Stamp} can add a private field to it. */
class ReturnsTarget {
  constructor(target: object) {
    return target;
  }
}

/** The trace the next {@link Stamp} takes: its field's initializer reads it, so that a stamp is one store. */
let stamping: ObjectTrace | FixedTrace | undefined;

/**
 * The trace of a buffer or memory, kept in a private field of the object
 * itself: invisible to the program (no property, symbol or key appears),
 * and much cheaper than a `WeakMap` entry on V8 (an insertion there costs
 * as much as the buffer). An object that refuses the field (a future
 * engine may refuse it on a non-extensible object) goes to a `WeakMap`.
 */
class Stamp extends ReturnsTarget {
  #trace = stamping;

  private constructor(target: object) {
    super(target);
  }

  static readonly fallback = new WeakMap<object, ObjectTrace | FixedTrace>();
  /** True once an object went to {@link fallback} (it is not read before). */
  static fallbackUsed = false;

  /** True when `target` holds a stamp (of any store, any session). */
  static stamped(target: object): boolean {
    return #trace in target || (Stamp.fallbackUsed && Stamp.fallback.has(target));
  }

  static get(target: object): ObjectTrace | FixedTrace | undefined {
    if (#trace in target) return (target as Stamp).#trace;
    return Stamp.fallbackUsed ? Stamp.fallback.get(target) : undefined;
  }

  static set(target: object, trace: ObjectTrace | FixedTrace | undefined): void {
    if (#trace in target) {
      (target as Stamp).#trace = trace;
      return;
    }
    if (trace === undefined) {
      Stamp.fallback.delete(target);
      return;
    }
    Stamp.add(target, trace);
  }

  /**
   * {@link set} for an object that is most likely not stamped yet (just
   * made): the check costs as much as the stamp on V8, so it is done only
   * when the stamp fails.
   */
  static add(target: object, trace: ObjectTrace | FixedTrace): void {
    stamping = trace;
    try {
      new Stamp(target);
      stamping = undefined;
    } catch {
      stamping = undefined;
      if (#trace in target) {
        (target as Stamp).#trace = trace;
      } else {
        Stamp.fallbackUsed = true;
        Stamp.fallback.set(target, trace);
      }
    }
  }

  /**
   * {@link add} for an object that a hooked constructor has just made, so
   * has no stamp and takes one: without the `try` that {@link add} needs,
   * which cost 10-20 ns a stamp on V8.
   */
  static fresh(target: object, trace: FixedTrace): void {
    stamping = trace;
    new Stamp(target);
    // Held here, the record of the last buffer traced would keep its trace (where records are watched).
    stamping = undefined;
  }
}

// Bytes per item, measured as heap growth per trace (100k traces, after a
// full gc): a buffer traced with a weak reference (resizable, shared, a
// memory, an object key) costs 230 B on Node 24 and Deno 2.9, 180 B on Bun
// 1.4 (record and weak reference, finalizer cell, table entries); a
// fixed-size buffer 130-170 B on Node 24 and Deno 2.9 (record, its field in
// the buffer, finalizer cell, slot); a number-keyed user trace 120-170 B.
const BYTES_PER_TRACE = 230;
const BYTES_PER_FIXED_TRACE = 160;
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
  /** Every group of fixed-size buffers of this session. */
  #groups: FixedGroup[] = [];
  /** Fixed-size buffers traced now. */
  #fixed = 0;
  #session: object = {};
  #slots = this.#newSlots();
  /** Traces of buffers and memories by their object (their stamps, see {@link Stamp}); `has` says a stamp is this store's. */
  readonly #objects = {
    get: (target: object): ObjectTrace | FixedTrace | undefined => {
      const trace = Stamp.get(target);
      if (isFixed(trace)) return trace.group?.session === this.#session ? trace : undefined;
      return trace !== undefined && this.#traces.has(trace) ? trace : undefined;
    },
    has: (target: object): boolean => this.#objects.get(target) !== undefined,
    set: (target: object, trace: ObjectTrace | FixedTrace): void => Stamp.set(target, trace),
    delete: (target: object): void => Stamp.set(target, undefined),
  };
  /** The last object {@link has} found traced, `null` after any trace went. */
  #recent: object | null = null;
  #userObjects = new Map<number, WeakMap<object, ObjectTrace>>();
  #userKeys = new Map<number, Map<unknown, KeyTrace>>();
  #tracebacks = new Map<string, InternedTraceback>();
  /**
   * The last two stacks interned and their tracebacks: allocations at one
   * site come in runs, or alternate between two sites in a loop.
   */
  #lastStack: CapturedStack | null = null;
  #lastTb: InternedTraceback | null = null;
  #otherStack: CapturedStack | null = null;
  #otherTb: InternedTraceback | null = null;
  #frameCount = 0;
  #keyTraces = 0;
  #registry = this.#newRegistry();

  /** Number of live traces. */
  get size(): number {
    return this.#traces.size + this.#fixed;
  }

  /**
   * True when `target` (a buffer or a memory) is traced. The last target
   * found is remembered (held until another is found, or a trace goes):
   * the hooks ask about Node's Buffer pool at every `Buffer.from`.
   */
  has(target: object): boolean {
    if (target === this.#recent) return true;
    // Most objects asked about were just made: no stamp, found at once.
    if (!Stamp.stamped(target) || !this.#objects.has(target)) return false;
    this.#recent = target;
    return true;
  }

  /**
   * Traces `target` (a buffer of domain 1 or a memory of domain 2) with
   * `size` bytes allocated where `stack` was captured. A `"fixed"` buffer
   * is traced without a weak reference: it is freed when collected (its
   * finalizer) or when a hooked call detaches it (`transfer()`, a transfer
   * list), but not found by {@link sweep}. A `"view"` trace is keyed by a
   * fresh typed array (`target`), which owns its buffer: V8 and
   * JavaScriptCore keep a small one's bytes inside the view, and asking
   * for its buffer would move them out (the costliest part of a trace). It
   * lives as long as the view, until the program reads the view's buffer
   * (or takes a `subarray`, which shares it): the hooks then
   * {@link adopt} the buffer.
   *
   * `target` must not be traced already (the hooks check {@link has}, or
   * trace what the call they hook has just made).
   */
  add(
    target: object,
    domain: number,
    kind: TraceKind,
    size: number,
    stack: CapturedStack,
  ): void {
    const tb = this.#intern(stack);
    if (kind === "fixed" || kind === "view") {
      let group = size < SMALL_SIZES ? tb.small[size] : tb.groups?.get(size);
      if (group === undefined || group.domain !== domain) group = this.#newGroup(tb, domain, size);
      this.#addToGroup(target, kind === "view", group, false);
      return;
    }
    const trace = new ObjectTrace(target, domain, size, tb, kind);
    this.#objects.set(target, trace);
    this.#insert(trace, target);
  }

  /**
   * {@link add} of a fresh typed array (kind `"view"`, `view` true) or of a
   * buffer whose size cannot change (`"fixed"`), in domain 1: the hooks'
   * path for nearly every buffer.
   */
  addFixed(target: object, view: boolean, size: number, stack: CapturedStack): void {
    this.#addToGroup(target, view, this.#fixedGroup(size, stack), false);
  }

  /**
   * True when `target` holds a stamp, of this store or another, of this
   * session or an earlier one: a fresh object does not, and can be traced
   * by {@link addFreshView}.
   */
  stamped(target: object): boolean {
    return Stamp.stamped(target);
  }

  /**
   * {@link addFixed} of a fresh typed array (kind `"view"`) that holds no
   * stamp (one that a hooked constructor has just made, or that
   * {@link stamped} said holds none): it takes one without the checks that
   * {@link add} makes.
   */
  addFreshView(view: object, size: number, stack: CapturedStack): void {
    this.#addToGroup(view, true, this.#fixedGroup(size, stack), true);
  }

  #fixedGroup(size: number, stack: CapturedStack): FixedGroup {
    let tb = (stack as Partial<SiteStack>).interned as InternedTraceback | null | undefined;
    if (tb == null || tb.session !== this.#session) tb = this.#intern(stack);
    const group = size < SMALL_SIZES ? tb.small[size] : tb.groups?.get(size);
    return group === undefined || group.domain !== BUFFER_DOMAIN ? this.#newGroup(tb, BUFFER_DOMAIN, size) : group;
  }

  #addToGroup(target: object, view: boolean, group: FixedGroup, fresh: boolean): void {
    const slots = this.#slots;
    // Literals, not a class: JavaScriptCore defines a class's declared fields one by one.
    if (WATCH_RECORDS) {
      let slot: number;
      if (slots.top > 0) {
        slot = slots.free[--slots.top];
        slots.groups[slot] = group;
      } else {
        slot = slots.groups.push(group) - 1;
      }
      const trace: FixedTrace = { group, view, slot };
      if (fresh) Stamp.fresh(target, trace);
      else Stamp.add(target, trace);
      slots.registry.register(trace, slot);
    } else {
      const trace: FixedTrace = { group, view, slot: -1 };
      if (fresh) Stamp.fresh(target, trace);
      else Stamp.add(target, trace);
      slots.registry.register(target, trace);
    }
    group.count++;
    this.#fixed++;
    const current = this.current += group.size;
    if (current > this.peak) this.peak = current;
  }

  #newGroup(tb: InternedTraceback, domain: number, size: number): FixedGroup {
    const group: FixedGroup = { domain, size, tb, count: 0, session: this.#session };
    if (size < SMALL_SIZES) tb.small[size] = group;
    else (tb.groups ??= new Map()).set(size, group);
    this.#groups.push(group);
    return group;
  }

  /** True when `value` is a fresh typed array whose buffer is traced through it (kind `"view"`). */
  tracedByView(value: unknown): boolean {
    if (!isObject(value)) return false;
    const trace = Stamp.get(value);
    return isFixed(trace) && trace.view && trace.group?.session === this.#session;
  }

  /**
   * Moves the trace of the fresh typed array `view` (kind `"view"`) to its
   * `buffer`, which the program now holds: the trace then lives as long as
   * the buffer. Does nothing for any other view.
   */
  adopt(view: object, buffer: object): void {
    const trace = Stamp.get(view);
    if (!isFixed(trace) || !trace.view) return;
    const group = trace.group;
    if (group === null || group.session !== this.#session) return;
    trace.view = false;
    if (WATCH_RECORDS) {
      // The buffer holds the same record: it stays traced while the buffer or the view lives.
      this.#objects.set(buffer, trace);
      return;
    }
    // The registry watches the view, which may go first: the buffer takes the trace, watched itself.
    trace.group = null; // the view's finalizer will find nothing
    const moved: FixedTrace = { group, view: false, slot: -1 };
    this.#objects.set(buffer, moved);
    this.#slots.registry.register(buffer, moved);
  }

  /** Sets the size of a traced buffer or memory to `size`; false when `target` is not traced. */
  resize(target: object, size: number): boolean {
    const trace = this.#objects.get(target);
    if (!trace) return false;
    if (isFixed(trace)) return true; // its size cannot change
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
    for (const group of this.#groups) {
      if (group.count === 0) continue;
      const trace: RawTrace = [group.domain, group.size, group.tb.frames, group.tb.total];
      for (let i = 0; i < group.count; i++) out.push(trace);
    }
    return out;
  }

  /**
   * Where `obj` was allocated: a traced buffer, a view of one (typed array,
   * Buffer, DataView), a traced memory, or an object key given to `track()`.
   */
  traceback(obj: unknown): Traceback | null {
    if (!isObject(obj)) return null;
    let target: object = obj;
    let trace = this.#objects.get(obj);
    if (!trace && ArrayBuffer.isView(obj)) {
      target = viewBuffer(obj);
      trace = this.#objects.get(target);
    }
    if (!trace) {
      for (const map of this.#userObjects.values()) {
        trace = map.get(obj);
        if (trace) break;
      }
    }
    if (!trace) return null;
    const detachable = isFixed(trace) ? !trace.view : trace.kind === "buffer";
    // A view shares its record with its buffer once the program took the buffer.
    if (detachable && target === obj && ArrayBuffer.isView(obj)) target = viewBuffer(obj);
    if (detachable && isDetached(target)) {
      this.#remove(trace);
      return null;
    }
    const tb = isFixed(trace) ? trace.group!.tb : trace.tb;
    return tb.traceback ??= Traceback.fromRaw(tb.frames, tb.total);
  }

  /**
   * Calls `visit` with each live object traced with a weak reference (a
   * buffer that may grow or be detached, a shared buffer, a memory, an
   * object key) and its traceback's frames. Fixed-size buffers hold no
   * reference the store could follow and are not visited.
   */
  forEachLive(visit: (object: object, frames: readonly RawFrame[], weight: number) => void): void {
    for (const trace of this.#traces) {
      const target = trace instanceof ObjectTrace ? trace.deref() : undefined;
      if (target !== undefined) visit(target, trace.tb.frames, 1);
    }
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
    this.#slots = this.#newSlots();
    this.#recent = null;
    this.#traces = new Set();
    this.#groups = [];
    this.#fixed = 0;
    this.#session = {};
    this.#userObjects = new Map();
    this.#userKeys = new Map();
    this.#tracebacks = new Map();
    this.#lastStack = null;
    this.#lastTb = null;
    this.#otherStack = null;
    this.#otherTb = null;
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
      this.#fixed * BYTES_PER_FIXED_TRACE +
      this.#keyTraces * BYTES_PER_KEY_TRACE +
      this.#tracebacks.size * BYTES_PER_TRACEBACK +
      this.#frameCount * BYTES_PER_FRAME;
  }

  #newRegistry(): FinalizationRegistry<ObjectTrace> {
    return new FinalizationRegistry<ObjectTrace>((trace) => {
      if (this.#traces.delete(trace)) this.current -= trace.size;
    });
  }

  #newSlots(): FixedSlots {
    const slots: FixedSlots = {
      groups: [],
      free: [],
      top: 0,
      registry: new FinalizationRegistry<number | FixedTrace>((held) => {
        let group: FixedGroup | null;
        if (typeof held === "number") {
          group = slots.groups[held];
          slots.groups[held] = null;
          slots.free[slots.top++] = held;
        } else {
          group = held.group;
          held.group = null;
        }
        // A finalizer of a session that clear() ended finds its group of another session.
        if (group === null || group.session !== this.#session) return;
        group.count--;
        this.#fixed--;
        this.current -= group.size;
      }),
    };
    return slots;
  }

  #intern(stack: CapturedStack): InternedTraceback {
    const cached = (stack as Partial<SiteStack>).interned as InternedTraceback | null | undefined;
    if (cached != null && cached.session === this.#session) return cached;
    if (stack === this.#lastStack) return this.#lastTb!;
    let tb: InternedTraceback | undefined;
    if (stack === this.#otherStack) {
      tb = this.#otherTb!;
    } else {
      tb = this.#tracebacks.get(stack.key);
      if (!tb) {
        tb = { frames: stack.frames, total: stack.totalNframe, session: this.#session, small: [] };
        this.#tracebacks.set(stack.key, tb);
        this.#frameCount += stack.frames.length;
      }
    }
    if (cached !== undefined) (stack as SiteStack).interned = tb;
    this.#otherStack = this.#lastStack;
    this.#otherTb = this.#lastTb;
    this.#lastStack = stack;
    this.#lastTb = tb;
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

  /** Forgets a fixed-size buffer's trace (once: its group is then `null`). */
  #release(trace: FixedTrace): void {
    const group = trace.group;
    if (group === null) return;
    this.#recent = null;
    trace.group = null;
    if (group.session !== this.#session) return;
    // Its finalizer will find the slot empty.
    if (trace.slot >= 0) this.#slots.groups[trace.slot] = null;
    group.count--;
    this.#fixed--;
    this.current -= group.size;
  }

  /** Forgets `trace`. */
  #remove(trace: Trace | FixedTrace): void {
    if (isFixed(trace)) return this.#release(trace);
    if (!this.#traces.delete(trace)) return;
    this.#recent = null;
    this.current -= trace.size;
    // A buffer's or memory's stamp may stay: it counts only while its trace is in `#traces`.
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

/** True for the trace of a fixed-size buffer (the only records with a slot). */
function isFixed(trace: ObjectTrace | FixedTrace | KeyTrace | undefined): trace is FixedTrace {
  return trace !== undefined && !(trace instanceof ObjectTrace) && "slot" in trace;
}

function isObject(value: unknown): value is object {
  return (typeof value === "object" && value !== null) ||
    typeof value === "function";
}
