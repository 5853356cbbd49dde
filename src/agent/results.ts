/**
 * How each request's result crosses the channel: as JSON in the reply's
 * header, except snapshots, which travel as dump bytes in the frame's
 * body (tens of megabytes without a JSON detour) and are decoded in the
 * controller. A live refresh carries both: its status as JSON, its
 * snapshot as the body.
 *
 * @module
 */
import { decodeSnapshot, encodeSnapshot } from "../model/codec.ts";
import { Snapshot } from "../model/snapshot.ts";
import type { Allocated } from "../tracer.ts";
import type { LiveRefresh, Method, ProgramStatus, Result } from "./requests.ts";
import type { RetainerProbe, RetainerSnapshot } from "../retainers/probe.ts";

/**
 * A result in transit: JSON, bytes sent as the frame's body, or both.
 *
 * @example
 * ```ts
 * import type { Answer } from "./results.ts";
 * const answer: Answer = { result: true };
 * ```
 */
export type Answer = { result?: unknown; body?: Uint8Array };

/**
 * A reply as the controller receives a result that travels with bytes:
 * the header's JSON result (if any) and the frame's body.
 *
 * @example
 * ```ts
 * import type { Received } from "./results.ts";
 * declare const dump: Uint8Array;
 * const received: Received = { body: dump };
 * ```
 */
export interface Received {
  readonly result?: unknown;
  readonly body: Uint8Array;
}

interface BytesCodec<M extends Method> {
  encode(result: Result<M>): Answer & { body: Uint8Array };
  decode(received: Received, source: string): Result<M>;
}

const NO_BYTES = new Uint8Array(0);

/** The requests whose result carries bytes; every other result is JSON. */
const BINARY: { readonly [M in Method]?: BytesCodec<M> } = {
  takeSnapshot: {
    encode: (snapshot) => ({ body: encodeSnapshot(snapshot) }),
    decode: ({ body }, source) => new Snapshot(decodeSnapshot(body, source)),
  },
  refresh: {
    encode: ({ status, snapshot }: LiveRefresh) => ({
      result: { status },
      body: snapshot ? encodeSnapshot(snapshot) : NO_BYTES,
    }),
    decode: ({ result, body }, source) => ({
      status: (result as { status: ProgramStatus }).status,
      snapshot: body.byteLength ? new Snapshot(decodeSnapshot(body, source)) : null,
    }),
  },
  // Allocations freed or not: the figures as JSON, the traces per site as dump bytes.
  allocated: {
    encode: ({ snapshot, ...figures }: Allocated) => ({ result: figures, body: encodeSnapshot(snapshot) }),
    decode: ({ result, body }, source) => ({
      ...(result as Omit<Allocated, "snapshot">),
      snapshot: new Snapshot(decodeSnapshot(body, source)),
    }),
  },
  // For retainers: the probe's report as JSON, the heap snapshot's bytes as they are.
  retainerSnapshot: {
    encode: ({ bytes, ...report }: RetainerSnapshot) => ({ result: report, body: bytes }),
    decode: ({ result, body }) => ({ ...(result as RetainerProbe), bytes: body }),
  },
};

/**
 * Whether `method`'s result travels with the frame's body.
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
  return codec ? codec.encode(result) : { result };
}

/**
 * The controller's side: a result as it was received, JSON, or (for a
 * result that travels with bytes) a {@link Received}; `source` names the
 * program in errors about damaged bytes.
 *
 * @example
 * ```ts
 * import { decodeResult } from "./results.ts";
 * declare const dump: Uint8Array;
 * const snapshot = decodeResult("takeSnapshot", { body: dump }, "snapshot from pid 4243");
 * ```
 */
export function decodeResult<M extends Method>(method: M, received: unknown, source: string): Result<M> {
  const codec = BINARY[method] as BytesCodec<M> | undefined;
  return codec ? codec.decode(received as Received, source) : received as Result<M>;
}
