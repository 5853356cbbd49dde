/**
 * The floor of exact buffer tracing in JavaScript, for
 * `scripts/bench-buffers.ts`: the least a tracer must do per buffer to keep
 * exact counts, and nothing else. The workload's three buffer makers are
 * replaced with the thinnest wrappers (no mark, no busy flag, no line, no
 * traceback, no size groups); each fresh buffer gets a record in a private
 * field (how the tracer finds a view's trace when the program asks for its
 * buffer, and `getObjectTraceback` finds any) and one registration with a
 * `FinalizationRegistry` (how the tracer sees it freed). As the tracer does,
 * Node's registry watches the record (its V8 keeps a registered object
 * through young collections), Deno's and Bun's the view; a slice of Node's
 * or Deno's Buffer pool is traced once, by its pool.
 *
 * What it leaves out is what the tracer adds: hooks on every other maker,
 * the line, the counts by traceback and size, the line engine's sampling.
 *
 * @module
 */
import { Buffer } from "node:buffer";

/** Hands back the object it is given, so that {@link Stamped} can add a private field to it. */
class ReturnsTarget {
  constructor(target: object) {
    return target;
  }
}

let stamping: object | undefined;

/** A record kept in a private field of the buffer or view it traces. */
class Stamped extends ReturnsTarget {
  #trace = stamping;

  static has(target: object): boolean {
    return #trace in target;
  }

  static stamp(target: object, trace: object): void {
    stamping = trace;
    new Stamped(target);
    stamping = undefined;
  }
}

const WATCH_RECORDS = !("Bun" in globalThis) && !("Deno" in globalThis);
let live = 0;
const registry = new FinalizationRegistry<number | object>(() => live--);

function trace(target: object, size: number): void {
  const record = { size };
  Stamped.stamp(target, record);
  if (WATCH_RECORDS) registry.register(record, 0);
  else registry.register(target, record);
  live++;
}

/**
 * Replaces `Uint8Array`, `Buffer.from` and `TextEncoder#encode` with
 * wrappers that trace each fresh buffer as above.
 *
 * @example
 * ```ts
 * installFloor();
 * new Uint8Array(16); // traced: liveBuffers() is 1 until it is collected
 * ```
 */
export function installFloor(): void {
  const Original = Uint8Array;
  function Traced(this: unknown, length: number): Uint8Array {
    const view = new Original(length);
    trace(view, view.byteLength);
    return view;
  }
  Object.setPrototypeOf(Traced, Original);
  Traced.prototype = Original.prototype;
  (globalThis as Record<string, unknown>).Uint8Array = Traced;
  const from = Buffer.from;
  const pooled = !("Bun" in globalThis);
  Buffer.from = function (this: typeof Buffer, value: string): Buffer {
    const buf = from.call(this, value) as Buffer;
    if (!pooled) trace(buf, buf.byteLength);
    else if (!Stamped.has(buf.buffer)) trace(buf.buffer, buf.buffer.byteLength);
    return buf;
  } as typeof Buffer.from;
  const encode = TextEncoder.prototype.encode;
  TextEncoder.prototype.encode = function (this: TextEncoder, input?: string): Uint8Array {
    const bytes = encode.call(this, input);
    trace(bytes, bytes.byteLength);
    return bytes;
  } as typeof encode;
}

/**
 * Buffers traced and not yet seen freed.
 *
 * @example
 * ```ts
 * liveBuffers() >= 0; // true
 * ```
 */
export function liveBuffers(): number {
  return live;
}
