/**
 * Domain 1: ArrayBuffer and SharedArrayBuffer backing stores made from
 * JavaScript. Hooked: the `ArrayBuffer`, `SharedArrayBuffer` and typed-array
 * constructors (so `slice`, `map`, `from`... through `Symbol.species` too),
 * typed-array methods that copy without species (`toReversed`, `toSorted`,
 * `with`), `Uint8Array.fromBase64` / `fromHex`, `TextEncoder#encode`,
 * Buffer's factories, `resize`, `grow` and `transfer`.
 *
 * A trace is keyed by the buffer, never by a view of it, so it lives exactly
 * as long as the memory. A view made over an existing buffer allocates
 * nothing. Node's Buffer pool: small Buffers are slices of a shared pool
 * (`Buffer.poolSize` bytes); the pool is traced once, whole, at the first
 * traced call that received a slice of it, and freed with it.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { Worker as NodeWorker } from "node:worker_threads";
import { runtime } from "../../runtime/index.ts";
import type { StackBoundary } from "../../runtime/stack.ts";
import { allocationStack, type HookContext } from "./context.ts";
import type { MarkedSite } from "./marks.ts";
import {
  bufferKind,
  bufferSize,
  isDetached,
  isResizable,
  isTypedArray,
  typedArrayByteLength,
  typedArrayByteOffset,
  typedArraySize,
  viewBuffer,
} from "./intrinsics.ts";
import {
  type AfterApply,
  type AfterConstruct,
  hookConstructor,
  hookFunction,
  hookGetter,
  type Patches,
} from "./patch.ts";
import { BUFFER_DOMAIN } from "./store.ts";
import { TYPED_ARRAYS } from "../typed-arrays.ts";

/** Buffer factories whose result may be a slice of a shared pool (Node, Deno). */
const BUFFER_FACTORIES = ["allocUnsafe", "from", "concat", "copyBytesFrom"];
/** Buffer factories whose result always owns a fresh buffer. */
const FRESH_BUFFER_FACTORIES = ["alloc", "allocUnsafeSlow"];

/**
 * Installs the domain-1 hooks (whatever this runtime has of them).
 *
 * @example
 * ```ts
 * import { Patches } from "./patch.ts";
 *
 * const patches = new Patches();
 * installBufferHooks(patches);
 * ```
 */
export function installBufferHooks(patches: Patches): void {
  const g = globalThis as Record<string, unknown>;
  hookConstructor(patches, g, "ArrayBuffer", traceArrayBuffer);
  hookConstructor(patches, g, "SharedArrayBuffer", traceArrayBuffer);
  for (const name of TYPED_ARRAYS) {
    const constructor = g[name] as { BYTES_PER_ELEMENT?: unknown } | undefined;
    const perElement = constructor?.BYTES_PER_ELEMENT;
    if (typeof perElement === "number") hookConstructor(patches, g, name, typedArrayHook(perElement));
  }
  const typedArrayPrototype = Object.getPrototypeOf(Uint8Array.prototype);
  for (const name of ["toReversed", "toSorted", "with"]) {
    hookFunction(patches, typedArrayPrototype, name, traceFreshResult);
  }
  for (const name of ["fromBase64", "fromHex"]) {
    hookFunction(patches, Uint8Array, name, traceFreshResult);
  }
  const encoder = (g.TextEncoder as { prototype?: object } | undefined)
    ?.prototype;
  if (encoder) hookFunction(patches, encoder, "encode", traceFreshResult);
  // Bun's Buffers never share a pool: each owns its buffer.
  const pooled = runtime().name !== "bun";
  for (const name of BUFFER_FACTORIES) {
    hookFunction(patches, Buffer, name, pooled ? traceFreshView : traceFreshResult);
  }
  for (const name of FRESH_BUFFER_FACTORIES) {
    hookFunction(patches, Buffer, name, traceFreshResult);
  }
  // A fresh typed array is traced through the view until its buffer is shared.
  hookGetter(patches, typedArrayPrototype, "buffer", adoptBuffer);
  hookFunction(patches, typedArrayPrototype, "subarray", adoptShared);
  hookFunction(patches, ArrayBuffer.prototype, "resize", traceResize);
  if (g.SharedArrayBuffer) {
    const shared = (g.SharedArrayBuffer as { prototype: object }).prototype;
    hookFunction(patches, shared, "grow", traceResize);
  }
  hookFunction(patches, ArrayBuffer.prototype, "transfer", traceTransfer);
  hookFunction(
    patches,
    ArrayBuffer.prototype,
    "transferToFixedLength",
    traceTransfer,
  );
  // Calls that detach the buffers of a transfer list.
  if (typeof g.structuredClone === "function") hookFunction(patches, g, "structuredClone", forgetTransferred);
  const senders = [g.MessagePort, g.Worker, NodeWorker] as ({ prototype?: object } | undefined)[];
  for (const sender of new Set(senders)) {
    if (sender?.prototype) hookFunction(patches, sender.prototype, "postMessage", forgetTransferred);
  }
}

/**
 * `structuredClone(value, { transfer })`, `postMessage(value, transfer)`
 * (or `{ transfer }`): the buffers of the transfer list are detached, their
 * traces freed at once.
 */
const forgetTransferred: AfterApply = (ctx, _self, _first, second, result) => {
  const options = second as { transfer?: unknown } | unknown[] | null | undefined;
  const list = Array.isArray(options) ? options : options?.transfer;
  if (!Array.isArray(list)) return result;
  for (const item of list) {
    if (bufferKind(item) === "plain" && isDetached(item as object)) ctx.store.delete(item as object);
  }
  return result;
};

function traceBuffer(
  ctx: HookContext,
  buffer: object,
  shared: boolean,
  size: number,
  below: StackBoundary,
  site: MarkedSite | null,
): void {
  if (size === 0) return;
  const stack = allocationStack(ctx, below, site);
  if (stack === null) return;
  if (!shared && !isResizable(buffer)) ctx.store.addFixed(buffer, false, size, stack);
  else ctx.store.add(buffer, BUFFER_DOMAIN, shared ? "shared" : "buffer", size, stack);
}

/** Traces `buffer` at its whole size, if it is an ArrayBuffer or SharedArrayBuffer. */
function traceWhole(ctx: HookContext, buffer: unknown, below: StackBoundary, site: MarkedSite | null): void {
  const kind = bufferKind(buffer);
  if (kind === null) return;
  const shared = kind === "shared";
  traceBuffer(ctx, buffer as object, shared, bufferSize(buffer as object, shared), below, site);
}

const traceArrayBuffer: AfterConstruct = (ctx, _first, buffer, below, site) => traceWhole(ctx, buffer, below, site);

/** The hook of each typed-array constructor, by bytes per element (made once). */
const typedArrayHooks = new Map<number, AfterConstruct>();

/**
 * The hook of a typed-array constructor whose elements are `perElement`
 * bytes: a fresh typed array owns a fresh ArrayBuffer, traced through the
 * view; `new X(length)` is `length` elements (a number that the
 * construction accepted: a valid index once truncated), sized without a
 * call.
 */
function typedArrayHook(perElement: number): AfterConstruct {
  let hook = typedArrayHooks.get(perElement);
  if (hook === undefined) {
    hook = (ctx, first, view, below, site) => {
      let size: number;
      if (typeof first === "number") {
        size = first >= 1 ? Math.floor(first) * perElement : 0;
      } else {
        // A view over a buffer that exists already allocates nothing.
        if (bufferKind(first) !== null) return;
        size = typedArrayByteLength(view);
      }
      if (size === 0) return;
      const stack = allocationStack(ctx, below, site);
      if (stack !== null) ctx.store.addFreshView(view, size, stack);
    };
    typedArrayHooks.set(perElement, hook);
  }
  return hook;
}

/** Traces the typed array a call returned that always owns a fresh buffer (`encode`, `toSorted`...). */
const traceFreshResult: AfterApply = (ctx, self, first, second, result, below, site) => {
  const size = typedArraySize(result);
  // `Buffer.from(arrayBuffer)` shares the caller's memory.
  if (size < 0 || (typeof first === "object" && bufferKind(first) !== null)) return result;
  // A program's own `encode` may return a view it did not make: fresh ones start at 0 and hold no stamp yet.
  if (typedArrayByteOffset(result as object) !== 0 || ctx.store.stamped(result as object)) {
    // A view traced already, through itself, is the one it was (its buffer, asked for, would count again).
    if (ctx.store.has(result as object)) return result;
    return traceFreshView(ctx, self, first, second, result, below, site);
  }
  if (size === 0) return result;
  const stack = allocationStack(ctx, below, site);
  if (stack !== null) ctx.store.addFreshView(result as object, size, stack);
  return result;
};

/** `view.buffer`: the program holds the buffer now; a trace kept by the view moves to it. */
const adoptBuffer: AfterApply = (ctx, self, _first, _second, result) => {
  if (typeof self === "object" && self !== null && typeof result === "object" && result !== null) {
    ctx.store.adopt(self, result);
  }
  return result;
};

/** `view.subarray()` shares the view's buffer: a trace kept by the view moves to the buffer. */
const adoptShared: AfterApply = (ctx, self, _first, _second, result) => {
  if (ctx.store.tracedByView(self)) ctx.store.adopt(self as object, viewBuffer(self as object));
  return result;
};

/** Traces the buffer under a typed array a call returned, unless it is traced or the caller's. */
const traceFreshView: AfterApply = (ctx, _self, first, _second, result, below, site) => {
  // `Buffer.from(arrayBuffer)` shares the caller's memory.
  if (!isTypedArray(result) || (typeof first === "object" && bufferKind(first) !== null)) return result;
  const buffer = viewBuffer(result as object);
  if (!ctx.store.has(buffer)) traceWhole(ctx, buffer, below, site);
  return result;
};

/**
 * `resize` / `grow`: a traced buffer keeps its traceback and takes its new
 * size; an untraced one (made before start) is traced from here, as
 * CPython's `realloc` of an untraced block.
 */
const traceResize: AfterApply = (ctx, self, _first, _second, result, below, site) => {
  const kind = bufferKind(self);
  if (kind === null) return result;
  const buffer = self as object;
  const size = bufferSize(buffer, kind === "shared");
  if (!ctx.store.resize(buffer, size)) {
    traceBuffer(ctx, buffer, kind === "shared", size, below, site);
  }
  return result;
};

/** `transfer()`: the old buffer is detached; the new one is traced where the transfer was made. */
const traceTransfer: AfterApply = (ctx, self, _first, _second, result, below, site) => {
  if (bufferKind(self) === "plain") ctx.store.delete(self as object);
  if (bufferKind(result) === "plain") traceWhole(ctx, result, below, site);
  return result;
};
