/**
 * The agent's end of the channel: a unix socket that admits one controller,
 * the one that presents the session's secret first, then answers its
 * requests one at a time.
 *
 * @module
 */
import { clearTimeout, setTimeout } from "node:timers";
import { createServer, type Server, type Socket } from "node:net";
import { chmodSync } from "node:fs";
import { Buffer } from "node:buffer";
import { timingSafeEqual } from "node:crypto";
import {
  encodeFrame,
  type Frame,
  FrameReader,
  MAX_FRAME,
  MAX_HELLO_FRAME,
  PROTOCOL_VERSION,
  type Reply,
  type Request,
} from "./protocol.ts";
import type { Answer } from "./results.ts";

export type { Answer } from "./results.ts";

/**
 * Answers one authenticated request; a thrown error goes back as the reply.
 *
 * @example
 * ```ts
 * const handle: RequestHandler = (request) => Promise.resolve({ result: request.method });
 * ```
 */
export type RequestHandler = (request: Request) => Promise<Answer>;

/**
 * The controller, once it has presented the secret.
 *
 * @example
 * ```ts
 * import process from "node:process";
 * declare const listener: AgentListener;
 * const link = await listener.controller;
 * link.onClose(() => process.exit(129));
 * link.release();
 * ```
 */
export interface ControllerLink {
  /** Sends a message unasked (frame id 0). */
  send(header: unknown, body?: Uint8Array): Promise<void>;
  /** Called once when the controller's end closes. */
  onClose(listener: () => void): void;
  /** Keeps the program alive while the agent has something to send. */
  hold(): void;
  /** Lets the program end when it has nothing else to do (the default once connected). */
  release(): void;
}

/**
 * Settings of {@link listenForController}.
 *
 * @example
 * ```ts
 * import process from "node:process";
 * declare const socket: string, secret: string, handle: RequestHandler;
 * const options: ListenOptions = { socket, secret, hello: () => ({ pid: process.pid }), handle };
 * ```
 */
export interface ListenOptions {
  /** Socket path, inside a directory only the controller's user can enter. */
  socket: string;
  secret: string;
  /** What `hello` answers with when the secret is right. */
  hello: () => unknown;
  handle: RequestHandler;
  /** A connection that has not said hello after this many milliseconds is closed. */
  helloTimeoutMs?: number;
}

/**
 * A listening agent socket: {@link AgentListener.controller} resolves when
 * the controller has authenticated; the server then stops accepting.
 *
 * @example
 * ```ts
 * declare const options: ListenOptions;
 * const listener = await listenForController(options);
 * const link = await listener.controller;
 * ```
 */
export interface AgentListener {
  readonly controller: Promise<ControllerLink>;
  /** Stops listening (refused or not yet connected peers are dropped). */
  close(): void;
}

/**
 * Listens on `options.socket` (mode 0600) for the controller.
 *
 * @example
 * ```ts
 * import process from "node:process";
 * declare const socket: string, secret: string, handle: RequestHandler;
 * const listener = await listenForController({ socket, secret, hello: () => ({}), handle });
 * const link = await listener.controller;
 * link.onClose(() => process.exit(129));
 * ```
 */
export async function listenForController(options: ListenOptions): Promise<AgentListener> {
  const waiting = new Set<Socket>();
  let admit!: (link: ControllerLink) => void;
  const controller = new Promise<ControllerLink>((resolve) => admit = resolve);
  let admitted = false;
  const server: Server = createServer((socket) => {
    if (admitted) return void socket.destroy();
    waiting.add(socket);
    socket.on("close", () => waiting.delete(socket));
    greet(socket, options, (reader, rest) => {
      if (admitted) return false;
      admitted = true;
      waiting.delete(socket);
      for (const other of waiting) other.destroy();
      server.close();
      admit(serve(socket, options.handle, reader, rest));
      return true;
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.socket, () => {
      server.off("error", reject);
      resolve();
    });
  });
  // The directory is private already; the mode keeps the socket so if it is ever moved.
  chmodSync(options.socket, 0o600);
  return {
    controller,
    close(): void {
      server.close();
      for (const socket of waiting) socket.destroy();
    },
  };
}

/** Reads the first frame of a new connection and admits it if it holds the secret. */
function greet(
  socket: Socket,
  options: ListenOptions,
  admit: (reader: FrameReader, rest: Frame[]) => boolean,
): void {
  const reader = new FrameReader(MAX_HELLO_FRAME);
  const refuse = (message: string, id = 0) => {
    socket.removeAllListeners("data");
    clearTimeout(timer);
    const reply: Reply = { ok: false, error: { name: "Error", message } };
    for (const chunk of encodeFrame(id, reply)) socket.write(chunk);
    // Drop the peer once the refusal is written, whether or not it reads it.
    socket.end(() => socket.destroy());
  };
  const timer = setTimeout(() => refuse("no hello in time"), options.helloTimeoutMs ?? 5000);
  socket.on("error", () => socket.destroy());
  socket.on("close", () => clearTimeout(timer));
  socket.on("data", (chunk: Uint8Array) => {
    let frames: Frame[];
    try {
      frames = reader.push(chunk);
    } catch (e) {
      return refuse((e as Error).message);
    }
    if (!frames.length) return;
    const [frame] = frames;
    const request = frame.header as Partial<Extract<Request, { method: "hello" }>>;
    if (request?.method !== "hello") return refuse("the first message must be hello", frame.id);
    if (!secretMatches(request.params?.secret, options.secret)) return refuse("wrong secret", frame.id);
    if (request.params?.protocol !== PROTOCOL_VERSION) {
      return refuse(`protocol ${request.params?.protocol} is not ${PROTOCOL_VERSION}`, frame.id);
    }
    clearTimeout(timer);
    socket.removeAllListeners("data");
    reader.maxFrame = MAX_FRAME;
    // Frames sent after the hello are answered after its reply: answers wait a microtask.
    if (!admit(reader, frames.slice(1))) return void socket.destroy();
    writeFrame(socket, frame.id, { ok: true, result: options.hello() } satisfies Reply);
  });
}

/** Constant-time comparison, so the secret cannot be guessed byte by byte from timings. */
function secretMatches(given: unknown, secret: string): boolean {
  if (typeof given !== "string") return false;
  const a = Buffer.from(given);
  const b = Buffer.from(secret);
  return a.byteLength === b.byteLength && timingSafeEqual(a, b);
}

/** Answers the authenticated controller's requests in order. */
function serve(socket: Socket, handle: RequestHandler, reader: FrameReader, early: Frame[]): ControllerLink {
  const closeListeners: (() => void)[] = [];
  let closed = false;
  let queue = Promise.resolve();
  const onClose = () => {
    if (closed) return;
    closed = true;
    for (const listener of closeListeners) listener();
  };
  socket.on("close", onClose);
  socket.on("error", () => socket.destroy());
  const enqueue = (frames: Frame[]) => {
    for (const frame of frames) queue = queue.then(() => answer(socket, frame, handle));
  };
  enqueue(early);
  socket.on("data", (chunk: Uint8Array) => {
    try {
      enqueue(reader.push(chunk));
    } catch {
      socket.destroy();
    }
  });
  return {
    send(header: unknown, body?: Uint8Array): Promise<void> {
      return new Promise<void>((resolve) => {
        if (closed) return resolve();
        const chunks = encodeFrame(0, header, body);
        chunks.forEach((chunk, i) => socket.write(chunk, i === chunks.length - 1 ? () => resolve() : undefined));
      });
    },
    onClose(listener: () => void): void {
      if (closed) queueMicrotask(listener);
      else closeListeners.push(listener);
    },
    hold: () => void socket.ref(),
    release: () => void socket.unref(),
  };
}

async function answer(socket: Socket, frame: Frame, handle: RequestHandler): Promise<void> {
  let reply: Reply;
  let body: Uint8Array | undefined;
  try {
    const answer = await handle(frame.header as Request);
    body = answer.body;
    // A result that travels with bytes may carry JSON too (a live refresh's status).
    reply = !body
      ? { ok: true, result: answer.result }
      : answer.result === undefined
      ? { ok: true, binary: true }
      : { ok: true, binary: true, result: answer.result };
  } catch (e) {
    const error = e instanceof Error ? e : new Error(String(e));
    reply = { ok: false, error: { name: error.name, message: error.message } };
    body = undefined;
  }
  if (!socket.destroyed) writeFrame(socket, frame.id, reply, body);
}

function writeFrame(socket: Socket, id: number, header: unknown, body?: Uint8Array): void {
  for (const chunk of encodeFrame(id, header, body)) socket.write(chunk);
}
