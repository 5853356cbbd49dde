/**
 * How each request's result crosses the channel: as JSON in the reply's
 * header, except snapshots, which travel as dump bytes in the frame's
 * body (tens of megabytes without a JSON detour) and are decoded in the
 * controller (off its thread when the target has a `DumpDecoder`). A live
 * refresh carries both: its status as JSON, its snapshot as the body.
 *
 * @module
 */
import { decodeSnapshot, encodeSnapshot } from "../model/codec.ts";
import { Snapshot, type SnapshotParts } from "../model/snapshot.ts";
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
  /**
   * Whether the body is a snapshot's dump, decoded before {@link decode} is
   * called: always, or unless it is empty (a refresh while not tracing).
   */
  readonly dump?: "always" | "unless-empty";
  /** The result, given the snapshot the body holds (null when it holds none). */
  decode(received: Received, snapshot: Snapshot | null): Result<M>;
}

const NO_BYTES = new Uint8Array(0);

/** The requests whose result carries bytes; every other result is JSON. */
const BINARY: { readonly [M in Method]?: BytesCodec<M> } = {
  takeSnapshot: {
    encode: (snapshot) => ({ body: encodeSnapshot(snapshot) }),
    dump: "always",
    decode: (_, snapshot) => snapshot!,
  },
  refresh: {
    encode: ({ status, snapshot }: LiveRefresh) => ({
      result: { status },
      body: snapshot ? encodeSnapshot(snapshot) : NO_BYTES,
    }),
    dump: "unless-empty",
    decode: ({ result }, snapshot) => ({ status: (result as { status: ProgramStatus }).status, snapshot }),
  },
  // Allocations freed or not: the figures as JSON, the traces per site as dump bytes.
  allocated: {
    encode: ({ snapshot, ...figures }: Allocated) => ({ result: figures, body: encodeSnapshot(snapshot) }),
    dump: "always",
    decode: ({ result }, snapshot) => ({ ...(result as Omit<Allocated, "snapshot">), snapshot: snapshot! }),
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
  if (!codec) return received as Result<M>;
  const dumped = holdsDump(codec, received as Received);
  return codec.decode(received as Received, dumped ? new Snapshot(decodeSnapshot(dumped, source)) : null);
}

/**
 * Decodes a dump's bytes into a snapshot's parts, as `decodeSnapshot` does,
 * possibly elsewhere (a `DumpDecoder`'s worker); `move` says the bytes'
 * buffer is handed over.
 *
 * @example
 * ```ts
 * import type { DumpDecoding } from "./results.ts";
 * import { decodeSnapshot } from "../model/codec.ts";
 * const here: DumpDecoding = (bytes, source) => Promise.resolve(decodeSnapshot(bytes, source));
 * ```
 */
export type DumpDecoding = (bytes: Uint8Array, source: string, move: boolean) => Promise<SnapshotParts>;

/**
 * {@link decodeResult} with the snapshot's dump, if the result holds one,
 * decoded by `decoding` (off this thread, for a `DumpDecoder`). The body's
 * buffer is handed over: a channel's frame is read once.
 *
 * @example
 * ```ts
 * import { decodeResultWith } from "./results.ts";
 * import { DumpDecoder } from "./dump-decoder.ts";
 * declare const dump: Uint8Array;
 * const decoder = new DumpDecoder();
 * const snapshot = await decodeResultWith("takeSnapshot", { body: dump }, "snapshot from pid 4243", (b, s, m) => decoder.decode(b, s, m));
 * ```
 */
export async function decodeResultWith<M extends Method>(
  method: M,
  received: unknown,
  source: string,
  decoding: DumpDecoding,
): Promise<Result<M>> {
  const codec = BINARY[method] as BytesCodec<M> | undefined;
  if (!codec) return received as Result<M>;
  const dumped = holdsDump(codec, received as Received);
  return codec.decode(received as Received, dumped ? new Snapshot(await decoding(dumped, source, true)) : null);
}

/** The dump in a received body, or null when the body is not one (or an empty one where none is a result). */
function holdsDump<M extends Method>(codec: BytesCodec<M>, { body }: Received): Uint8Array | null {
  if (!codec.dump || (codec.dump === "unless-empty" && !body.byteLength)) return null;
  return body;
}
