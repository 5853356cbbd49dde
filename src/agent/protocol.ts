/**
 * The channel between a controller (REPL, TUI, `run`) and the agent preloaded
 * into a traced program: message shapes, the launch settings the agent reads
 * from its environment, and length-prefixed binary frames.
 *
 * A frame is
 *
 * ```text
 * u32 length of the rest · u32 request id · u32 header length
 * · header (UTF-8 JSON) · body (raw bytes, possibly empty)
 * ```
 *
 * with integers little-endian. Requests and replies carry JSON headers;
 * snapshots travel as the body, in the dump format, so tens of megabytes
 * cross without a JSON detour. Replies carry the id of their request; events
 * from the agent carry id 0.
 *
 * @module
 */
import type { Ending } from "../runtime/endings.ts";
import type { TracedMemory, TracerOptions } from "../engines/engine.ts";
import type { Method as TracerMethod, RequestParams } from "./requests.ts";

/**
 * The protocol version; the hello exchange checks that both ends speak it.
 *
 * @example
 * ```ts
 * declare const hello: HelloResult;
 * if (hello.protocol !== PROTOCOL_VERSION) throw new Error("agent of another version");
 * ```
 */
export const PROTOCOL_VERSION = 1;

/**
 * The environment variable that hands the agent its {@link AgentLaunch}
 * settings; the agent deletes it before the program's first line.
 *
 * @example
 * ```ts
 * const settings = process.env[AGENT_ENV]; // JSON AgentLaunch, or undefined
 * ```
 */
export const AGENT_ENV = "TRACEMALLOC_AGENT";

/**
 * Frames are refused above this size before the controller has authenticated.
 *
 * @example
 * ```ts
 * const reader = new FrameReader(MAX_HELLO_FRAME);
 * ```
 */
export const MAX_HELLO_FRAME = 4096;

/**
 * The largest frame either end accepts (a u32 length cannot say more anyway).
 *
 * @example
 * ```ts
 * declare const reader: FrameReader;
 * reader.maxFrame = MAX_FRAME; // once the controller is admitted
 * ```
 */
export const MAX_FRAME = 0xffff_ffff;

const PREFIX_BYTES = 12;

/**
 * What the controller tells the agent at launch, as JSON in {@link AGENT_ENV}.
 *
 * @example
 * ```ts
 * const launch: AgentLaunch = { socket: "/tmp/tm-x/agent.sock", secret: "9f…", parentPid: 4242 };
 * ```
 */
export interface AgentLaunch {
  /** Path of the unix socket the agent listens on (inside a private directory). */
  socket: string;
  /** The per-session secret the controller's first message must present. */
  secret: string;
  /** The controller's pid: when the program's parent changes, the controller is gone. */
  parentPid: number;
  /** Start tracing before the program's first line with these settings. */
  start?: { nframe: number; options?: TracerOptions };
  /**
   * Report how the program ended: a snapshot at its end (sent as an event
   * when its event loop runs empty; written to {@link EXIT_REPORT_FILE} when
   * it ends through `process.exit()`, an uncaught exception or a signal, as
   * no task can send it then), and the snapshot kept nearest its peak.
   */
  snapshotAtExit?: boolean;
}

/**
 * The file, next to the channel's socket, where the agent writes its exit
 * report (the frames it would have sent) when the program ends with no task
 * left to send them.
 *
 * @example
 * ```ts
 * import { dirname, join } from "node:path";
 * declare const launch: AgentLaunch;
 * const file = join(dirname(launch.socket), EXIT_REPORT_FILE);
 * ```
 */
export const EXIT_REPORT_FILE = "exit-report";

/**
 * The requests a controller sends, by method, with their parameters: the
 * channel's `hello`, and one message per request of `requests.ts`.
 *
 * @example
 * ```ts
 * import type { Request } from "./protocol.ts";
 * const request: Request = { method: "start", params: { nframe: 5 } };
 * ```
 */
export type Request =
  | { method: "hello"; params: { secret: string; protocol: number } }
  | { [M in TracerMethod]: Message<M, RequestParams[M]> }[TracerMethod];

/** A request without parameters may leave them out. */
type Message<M, P> = undefined extends P ? { method: M; params?: P } : { method: M; params: P };

/**
 * What the agent says about itself when the controller's hello is accepted.
 *
 * @example
 * ```ts
 * const hello: HelloResult = { protocol: 1, pid: 4243, runtime: "node 24.21.0" };
 * ```
 */
export interface HelloResult {
  protocol: number;
  pid: number;
  runtime: string;
  /** Why tracing could not start before the program's first line, when it could not. */
  startError?: string;
}

/**
 * A reply's JSON header: a result, or the error the request met in the
 * agent. `binary` says the result is the frame's body (a snapshot dump).
 *
 * @example
 * ```ts
 * const ok: Reply = { ok: true, result: "42" };
 * const failed: Reply = { ok: false, error: { name: "Error", message: "tracing is not started" } };
 * ```
 */
export type Reply =
  | { ok: true; result?: unknown; binary?: true }
  | { ok: false; error: { name: string; message: string } };

/**
 * A message the agent sends unasked (frame id 0). `exitSnapshot` carries the
 * dump of the snapshot taken as the program ended and how it ended (empty
 * body and an `error` when none could be taken); `peakSnapshot` the dump of
 * the snapshot kept nearest the traced-memory peak, with the traced memory
 * then and when it was taken (ms after tracing began).
 *
 * @example
 * ```ts
 * const event: AgentEvent = { event: "exitSnapshot", ending: { how: "signal", signal: "SIGINT" } };
 * ```
 */
export type AgentEvent =
  | { event: "exitSnapshot"; error?: string; memory?: TracedMemory; ending?: Ending }
  | { event: "peakSnapshot"; memory: TracedMemory; at: number };

/**
 * One frame: the request id, its JSON header and its body.
 *
 * @example
 * ```ts
 * const frame: Frame = { id: 3, header: { method: "status" }, body: new Uint8Array(0) };
 * ```
 */
export interface Frame {
  id: number;
  header: unknown;
  body: Uint8Array;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

/**
 * Encodes a frame as the bytes to write: the prefix and header in one array,
 * the body as given (not copied), so a large snapshot is written as is.
 *
 * @example
 * ```ts
 * import type { Socket } from "node:net";
 * declare const socket: Socket;
 * for (const chunk of encodeFrame(1, { method: "status" })) socket.write(chunk);
 * ```
 */
export function encodeFrame(id: number, header: unknown, body?: Uint8Array): Uint8Array[] {
  const json = encoder.encode(JSON.stringify(header));
  const bodyLength = body?.byteLength ?? 0;
  const length = 8 + json.byteLength + bodyLength;
  if (length > MAX_FRAME) throw new RangeError(`frame of ${length} bytes is too large for the channel`);
  const head = new Uint8Array(PREFIX_BYTES + json.byteLength);
  const view = new DataView(head.buffer);
  view.setUint32(0, length, true);
  view.setUint32(4, id, true);
  view.setUint32(8, json.byteLength, true);
  head.set(json, PREFIX_BYTES);
  return bodyLength ? [head, body!] : [head];
}

/**
 * A frame the reader cannot accept: too large, or with a malformed header.
 *
 * @example
 * ```ts
 * import type { Socket } from "node:net";
 * declare const reader: FrameReader, socket: Socket, chunk: Uint8Array;
 * try {
 *   reader.push(chunk);
 * } catch (e) {
 *   if (e instanceof FrameError) socket.destroy();
 * }
 * ```
 */
export class FrameError extends Error {
  /** @param message what is wrong with the frame */
  constructor(message: string) {
    super(message);
    this.name = "FrameError";
  }
}

/**
 * Cuts a byte stream into frames, whatever the chunk boundaries. A frame's
 * storage is allocated once its length is known and filled as chunks come,
 * so a large snapshot costs one copy.
 *
 * @example
 * ```ts
 * import type { Socket } from "node:net";
 * declare const socket: Socket;
 * declare function handle(frame: Frame): void;
 * const reader = new FrameReader(MAX_HELLO_FRAME);
 * socket.on("data", (chunk: Uint8Array) => { for (const frame of reader.push(chunk)) handle(frame); });
 * ```
 */
export class FrameReader {
  /** The largest frame accepted; a longer one makes {@link FrameReader.push} throw. */
  maxFrame: number;
  #prefix = new Uint8Array(4);
  #prefixFilled = 0;
  #frame: Uint8Array | null = null;
  #filled = 0;

  /** @param maxFrame the largest frame accepted, in bytes after the length */
  constructor(maxFrame: number = MAX_FRAME) {
    this.maxFrame = maxFrame;
  }

  /** Feeds bytes; returns the frames they complete, in order. Throws {@link FrameError}. */
  push(chunk: Uint8Array): Frame[] {
    const frames: Frame[] = [];
    let at = 0;
    while (at < chunk.byteLength) {
      if (!this.#frame) {
        const take = Math.min(4 - this.#prefixFilled, chunk.byteLength - at);
        this.#prefix.set(chunk.subarray(at, at + take), this.#prefixFilled);
        this.#prefixFilled += take;
        at += take;
        if (this.#prefixFilled < 4) break;
        const length = new DataView(this.#prefix.buffer).getUint32(0, true);
        if (length > this.maxFrame) {
          throw new FrameError(`frame of ${length} bytes exceeds the limit of ${this.maxFrame}`);
        }
        if (length < 8) throw new FrameError(`frame of ${length} bytes is shorter than its own header`);
        this.#frame = new Uint8Array(length);
        this.#filled = 0;
      }
      const take = Math.min(this.#frame.byteLength - this.#filled, chunk.byteLength - at);
      this.#frame.set(chunk.subarray(at, at + take), this.#filled);
      this.#filled += take;
      at += take;
      if (this.#filled === this.#frame.byteLength) {
        frames.push(parseFrame(this.#frame));
        this.#frame = null;
        this.#prefixFilled = 0;
      }
    }
    return frames;
  }
}

function parseFrame(bytes: Uint8Array): Frame {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const id = view.getUint32(0, true);
  const headerLength = view.getUint32(4, true);
  if (8 + headerLength > bytes.byteLength) {
    throw new FrameError(`frame header of ${headerLength} bytes overruns the frame`);
  }
  let header: unknown;
  try {
    header = JSON.parse(decoder.decode(bytes.subarray(8, 8 + headerLength)));
  } catch {
    throw new FrameError("frame header is not UTF-8 JSON");
  }
  return { id, header, body: bytes.subarray(8 + headerLength) };
}
