/**
 * The engine's own accessors of buffers and memories, taken when this module
 * loads (before any hook), so that the hooks read sizes and buffers the way
 * the engine does, whatever a subclass or a program redefines.
 *
 * @module
 */

type Getter<T> = (this: unknown) => T;

function getter<T>(proto: object | undefined, key: string): Getter<T> | null {
  if (!proto) return null;
  const get = Object.getOwnPropertyDescriptor(proto, key)?.get;
  return typeof get === "function" ? get as Getter<T> : null;
}

const TypedArrayPrototype = Object.getPrototypeOf(Uint8Array.prototype);
const abByteLength = getter<number>(ArrayBuffer.prototype, "byteLength")!;
const abDetached = getter<boolean>(ArrayBuffer.prototype, "detached");
const abResizable = getter<boolean>(ArrayBuffer.prototype, "resizable");
const sabByteLength = getter<number>(
  globalThis.SharedArrayBuffer?.prototype,
  "byteLength",
);
const taBuffer = getter<ArrayBufferLike>(TypedArrayPrototype, "buffer")!;
const taByteLength = getter<number>(TypedArrayPrototype, "byteLength")!;
const taByteOffset = getter<number>(TypedArrayPrototype, "byteOffset")!;
const dvBuffer = getter<ArrayBufferLike>(DataView.prototype, "buffer")!;
const memoryBuffer = getter<ArrayBufferLike>(
  globalThis.WebAssembly?.Memory?.prototype,
  "buffer",
);
const OriginalMemory = globalThis.WebAssembly?.Memory;
const objectTag = Object.prototype.toString;

/**
 * Size of an `ArrayBuffer` (`shared` false) or a `SharedArrayBuffer` in bytes.
 *
 * @example
 * ```ts
 * bufferSize(new ArrayBuffer(8), false); // 8
 * ```
 */
export function bufferSize(buffer: object, shared: boolean): number {
  return shared ? sabByteLength!.call(buffer) : abByteLength.call(buffer);
}

/**
 * True for an `ArrayBuffer` whose memory went elsewhere (transferred to a
 * worker, `transfer()`, `structuredClone` with a transfer list).
 *
 * @example
 * ```ts
 * const b = new ArrayBuffer(8);
 * b.transfer();
 * isDetached(b); // true
 * ```
 */
export function isDetached(buffer: object): boolean {
  return abDetached ? abDetached.call(buffer) : abByteLength.call(buffer) === 0;
}

/**
 * True for an `ArrayBuffer` made resizable (`new ArrayBuffer(n, { maxByteLength })`).
 *
 * @example
 * ```ts
 * isResizable(new ArrayBuffer(8, { maxByteLength: 16 })); // true
 * ```
 */
export function isResizable(buffer: object): boolean {
  return abResizable ? abResizable.call(buffer) : false;
}

/**
 * `"shared"` for a `SharedArrayBuffer`, `"plain"` for an `ArrayBuffer`,
 * `null` for anything else (including typed arrays and Buffers).
 *
 * @example
 * ```ts
 * bufferKind(new SharedArrayBuffer(4)); // "shared"
 * bufferKind(new Uint8Array(4)); // null
 * ```
 */
export function bufferKind(value: unknown): "plain" | "shared" | null {
  if (typeof value !== "object" || value === null) return null;
  // The tag sorts without throwing; the accessor then checks the brand.
  const tag = objectTag.call(value);
  if (tag === "[object ArrayBuffer]") {
    return hasBrand(abByteLength, value) ? "plain" : null;
  }
  if (tag === "[object SharedArrayBuffer]" && sabByteLength) {
    return hasBrand(sabByteLength, value) ? "shared" : null;
  }
  return null;
}

function hasBrand(accessor: Getter<unknown>, value: object): boolean {
  try {
    accessor.call(value);
    return true;
  } catch {
    return false;
  }
}

/**
 * True when `value` is a typed array (Buffers included), by the engine's
 * own brand check.
 *
 * @example
 * ```ts
 * isTypedArray(Buffer.alloc(1)); // true
 * isTypedArray(new DataView(new ArrayBuffer(1))); // false
 * ```
 */
export function isTypedArray(value: unknown): boolean {
  if (!ArrayBuffer.isView(value)) return false;
  try {
    taByteLength.call(value);
    return true;
  } catch {
    return false;
  }
}

/**
 * Byte length of `value` when it is a typed array (Buffers included, by
 * the engine's own brand check), else -1: {@link isTypedArray} and
 * {@link typedArrayByteLength} in one call.
 *
 * @example
 * ```ts
 * typedArraySize(new Uint16Array(3)); // 6
 * typedArraySize(new DataView(new ArrayBuffer(1))); // -1
 * ```
 */
export function typedArraySize(value: unknown): number {
  if (!ArrayBuffer.isView(value)) return -1;
  try {
    return taByteLength.call(value);
  } catch {
    return -1;
  }
}

/**
 * Byte length of a typed array, read without touching its buffer (V8 and
 * JavaScriptCore keep small typed arrays inside the heap until their
 * `buffer` is asked for).
 *
 * @example
 * ```ts
 * typedArrayByteLength(new Float64Array(2)); // 16
 * ```
 */
export function typedArrayByteLength(view: object): number {
  return taByteLength.call(view);
}

/**
 * Byte offset of a typed array in its buffer, read without touching the
 * buffer.
 *
 * @example
 * ```ts
 * typedArrayByteOffset(new Uint8Array(new ArrayBuffer(8), 2)); // 2
 * ```
 */
export function typedArrayByteOffset(view: object): number {
  return taByteOffset.call(view);
}

/**
 * The buffer under a typed array or a `DataView`.
 *
 * @example
 * ```ts
 * const b = new ArrayBuffer(8);
 * viewBuffer(new DataView(b)) === b; // true
 * ```
 */
export function viewBuffer(view: object): ArrayBufferLike {
  try {
    return taBuffer.call(view);
  } catch {
    return dvBuffer.call(view);
  }
}

/**
 * True for a `WebAssembly.Memory`.
 *
 * @example
 * ```ts
 * isMemory(new WebAssembly.Memory({ initial: 1 })); // true
 * ```
 */
export function isMemory(value: unknown): value is WebAssembly.Memory {
  return OriginalMemory !== undefined && value instanceof OriginalMemory;
}

/**
 * Current size of a `WebAssembly.Memory` in bytes (it grows from inside
 * WebAssembly code too, without any JavaScript call).
 *
 * @example
 * ```ts
 * memorySize(new WebAssembly.Memory({ initial: 2 })); // 131072
 * ```
 */
export function memorySize(memory: object): number {
  const buffer = memoryBuffer!.call(memory);
  const kind = bufferKind(buffer);
  return kind ? bufferSize(buffer, kind === "shared") : 0;
}
