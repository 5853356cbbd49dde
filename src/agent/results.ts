/**
 * How each request's result crosses the channel: as JSON in the reply's
 * header, except a snapshot, which travels as dump bytes in the frame's
 * body (tens of megabytes without a JSON detour) and is decoded in the
 * controller.
 *
 * @module
 */
import { decodeSnapshot, encodeSnapshot } from "../model/codec.ts";
import { Snapshot } from "../model/snapshot.ts";
import type { Method, Result } from "./requests.ts";

/**
 * A result in transit: JSON, or bytes sent as the frame's body.
 *
 * @example
 * ```ts
 * import type { Answer } from "./results.ts";
 * const answer: Answer = { result: true };
 * ```
 */
export type Answer = { result?: unknown; body?: Uint8Array };

interface BytesCodec<M extends Method> {
  encode(result: Result<M>): Uint8Array;
  decode(bytes: Uint8Array, source: string): Result<M>;
}

/** The requests whose result is bytes; every other result is JSON. */
const BINARY: { readonly [M in Method]?: BytesCodec<M> } = {
  takeSnapshot: {
    encode: encodeSnapshot,
    decode: (bytes, source) => new Snapshot(decodeSnapshot(bytes, source)),
  },
};

/**
 * Whether `method`'s result travels as the frame's body.
 *
 * @example
 * ```ts
 * import { travelsAsBytes } from "./results.ts";
 * travelsAsBytes("takeSnapshot"); // true
 * ```
 */
export function travelsAsBytes(method: Method): boolean {
  return BINARY[method] !== undefined;
}

/**
 * The agent's side: a result as it is sent.
 *
 * @example
 * ```ts
 * import { encodeResult } from "./results.ts";
 * encodeResult("gc", true); // { result: true }
 * ```
 */
export function encodeResult<M extends Method>(method: M, result: Result<M>): Answer {
  const codec = BINARY[method] as BytesCodec<M> | undefined;
  return codec ? { body: codec.encode(result) } : { result };
}

/**
 * The controller's side: a result as it was received, JSON or bytes;
 * `source` names the program in errors about damaged bytes.
 *
 * @example
 * ```ts
 * import { decodeResult } from "./results.ts";
 * declare const dump: Uint8Array;
 * const snapshot = decodeResult("takeSnapshot", dump, "snapshot from pid 4243");
 * ```
 */
export function decodeResult<M extends Method>(method: M, received: unknown, source: string): Result<M> {
  const codec = BINARY[method] as BytesCodec<M> | undefined;
  return codec ? codec.decode(received as Uint8Array, source) : received as Result<M>;
}
