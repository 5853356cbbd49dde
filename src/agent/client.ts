/**
 * The controller's end of the channel: connects to the agent's socket,
 * presents the session's secret, and matches replies to requests by id.
 *
 * @module
 */
import { connect, type Socket } from "node:net";
import {
  type AgentEvent,
  encodeFrame,
  type Frame,
  FrameReader,
  type HelloResult,
  PROTOCOL_VERSION,
  type Reply,
  type Request,
} from "./protocol.ts";

/**
 * The channel ended (the program exited, or either end closed it); the
 * request it interrupted never got its reply.
 *
 * @example
 * ```ts
 * declare const channel: Channel;
 * try {
 *   await channel.request({ method: "status" });
 * } catch (e) {
 *   if (e instanceof ChannelClosedError) console.error("the program is gone");
 * }
 * ```
 */
export class ChannelClosedError extends Error {
  /** @param message why the channel ended */
  constructor(message = "the channel to the program is closed") {
    super(message);
    this.name = "ChannelClosedError";
  }
}

/**
 * An error raised in the traced program while it handled a request; the
 * message is the program's.
 *
 * @example
 * ```ts
 * declare const channel: Channel;
 * await channel.request({ method: "eval", params: { code: "nope(" } }); // rejects: SyntaxError: …
 * ```
 */
export class AgentError extends Error {
  /**
   * @param remoteName the error's name in the program (`TypeError`, ...)
   * @param message its message
   */
  constructor(readonly remoteName: string, message: string) {
    super(message);
    this.name = "AgentError";
  }
}

/**
 * How long and how to try connecting.
 *
 * @example
 * ```ts
 * declare const exited: AbortController;
 * const options: ConnectOptions = { timeoutMs: 20_000, signal: exited.signal };
 * ```
 */
export interface ConnectOptions {
  /** Give up after this many milliseconds. */
  timeoutMs: number;
  /** Stops retrying at once when aborted (the program exited before its agent answered). */
  signal?: AbortSignal;
}

interface Pending {
  resolve(frame: Frame): void;
  reject(error: Error): void;
}

const RETRY_MS = 10;

/**
 * A connected, authenticated channel to an agent.
 *
 * @example
 * ```ts
 * declare const secret: string;
 * const channel = await Channel.connect("/tmp/tm-x/agent.sock", secret, { timeoutMs: 20000 });
 * const status = await channel.request({ method: "status" });
 * const dump = await channel.requestBytes({ method: "takeSnapshot" });
 * channel.close();
 * ```
 */
export class Channel {
  /** What the agent said about itself. */
  readonly hello: HelloResult;
  #socket: Socket;
  #reader = new FrameReader();
  #nextId = 2; // 1 is the hello
  #pending = new Map<number, Pending>();
  #eventListeners: ((event: AgentEvent, body: Uint8Array) => void)[] = [];
  #closeListeners: (() => void)[] = [];
  #closed: Error | null = null;

  private constructor(socket: Socket, hello: HelloResult) {
    this.#socket = socket;
    this.hello = hello;
  }

  /**
   * Connects to the agent's socket (retrying while it is not listening yet)
   * and authenticates with `secret`.
   */
  static async connect(path: string, secret: string, options: ConnectOptions): Promise<Channel> {
    const deadline = Date.now() + options.timeoutMs;
    const socket = await connectRetrying(path, deadline, options.signal);
    const reader = new FrameReader();
    const first = await new Promise<Frame>((resolve, reject) => {
      const fail = (error: Error) => {
        cleanup();
        socket.destroy();
        reject(error);
      };
      const onData = (chunk: Uint8Array) => {
        try {
          const [frame] = reader.push(chunk);
          if (frame) {
            cleanup();
            resolve(frame);
          }
        } catch (e) {
          fail(e as Error);
        }
      };
      const onClose = () => fail(new ChannelClosedError("the agent closed the channel during the hello"));
      const onAbort = () => fail(new ChannelClosedError("the program exited before its agent answered"));
      const timer = setTimeout(
        () => fail(new Error("the agent did not answer the hello in time")),
        Math.max(0, deadline - Date.now()),
      );
      const cleanup = () => {
        clearTimeout(timer);
        socket.off("data", onData);
        socket.off("close", onClose);
        socket.off("error", onClose);
        options.signal?.removeEventListener("abort", onAbort);
      };
      socket.on("data", onData);
      socket.on("close", onClose);
      socket.on("error", onClose);
      options.signal?.addEventListener("abort", onAbort);
      writeFrame(socket, 1, { method: "hello", params: { secret, protocol: PROTOCOL_VERSION } } satisfies Request);
    });
    const reply = first.header as Reply;
    if (!reply.ok) {
      socket.destroy();
      throw new AgentError(reply.error.name, `the agent refused the channel: ${reply.error.message}`);
    }
    const channel = new Channel(socket, reply.result as HelloResult);
    channel.#listen(reader);
    return channel;
  }

  /** Sends a request; resolves with its JSON result, rejects with the program's error. */
  async request<T = unknown>(request: Request): Promise<T> {
    const frame = await this.#send(request);
    return (frame.header as { result?: T }).result as T;
  }

  /** Sends a request whose result is bytes (a snapshot dump). */
  async requestBytes(request: Request): Promise<Uint8Array> {
    return (await this.#send(request)).body;
  }

  /** Sends a request whose result travels with bytes: the header's JSON result (if any) and the body. */
  async requestWithBody(request: Request): Promise<{ result?: unknown; body: Uint8Array }> {
    const frame = await this.#send(request);
    return { result: (frame.header as { result?: unknown }).result, body: frame.body };
  }

  /** Listens to messages the agent sends unasked. */
  onEvent(listener: (event: AgentEvent, body: Uint8Array) => void): void {
    this.#eventListeners.push(listener);
  }

  /** Called once when the channel ends, whichever end closed it. */
  onClose(listener: () => void): void {
    if (this.#closed) queueMicrotask(listener);
    else this.#closeListeners.push(listener);
  }

  /** True once the channel has ended. */
  get closed(): boolean {
    return this.#closed !== null;
  }

  /** Closes the channel; pending requests reject with `reason`. */
  close(reason: Error = new ChannelClosedError()): void {
    this.#end(reason);
    this.#socket.destroy();
  }

  #send(request: Request): Promise<Frame> {
    if (this.#closed) return Promise.reject(this.#closed);
    const id = this.#nextId++;
    return new Promise<Frame>((resolve, reject) => {
      this.#pending.set(id, {
        resolve: (frame) => {
          const reply = frame.header as Reply;
          if (reply.ok) resolve(frame);
          else reject(new AgentError(reply.error.name, reply.error.message));
        },
        reject,
      });
      writeFrame(this.#socket, id, request);
    });
  }

  #listen(reader: FrameReader): void {
    // The child process keeps the controller alive while the program runs; the socket need not.
    this.#socket.unref();
    this.#socket.on("data", (chunk: Uint8Array) => {
      let frames: Frame[];
      try {
        frames = reader.push(chunk);
      } catch (e) {
        this.close(new ChannelClosedError(`the channel broke: ${(e as Error).message}`));
        return;
      }
      for (const frame of frames) this.#dispatch(frame);
    });
    this.#socket.on("error", () => this.#end(new ChannelClosedError()));
    this.#socket.on("close", () => this.#end(new ChannelClosedError()));
  }

  #dispatch(frame: Frame): void {
    if (frame.id === 0) {
      for (const listener of this.#eventListeners) listener(frame.header as AgentEvent, frame.body);
      return;
    }
    const pending = this.#pending.get(frame.id);
    this.#pending.delete(frame.id);
    pending?.resolve(frame);
  }

  #end(reason: Error): void {
    if (this.#closed) return;
    this.#closed = reason;
    for (const pending of this.#pending.values()) pending.reject(reason);
    this.#pending.clear();
    for (const listener of this.#closeListeners.splice(0)) listener();
  }
}

/**
 * Writes one frame to a socket.
 *
 * @example
 * ```ts
 * import type { Socket } from "node:net";
 * declare const socket: Socket;
 * writeFrame(socket, 7, { ok: true, result: "done" });
 * ```
 */
export function writeFrame(socket: Socket, id: number, header: unknown, body?: Uint8Array): void {
  for (const chunk of encodeFrame(id, header, body)) socket.write(chunk);
}

async function connectRetrying(path: string, deadline: number, signal?: AbortSignal): Promise<Socket> {
  for (;;) {
    if (signal?.aborted) throw new ChannelClosedError("the program exited before its agent answered");
    try {
      return await connectOnce(path);
    } catch (e) {
      if (Date.now() >= deadline) throw new Error(`could not connect to the agent at ${path}: ${(e as Error).message}`);
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
    }
  }
}

function connectOnce(path: string): Promise<Socket> {
  return new Promise<Socket>((resolve, reject) => {
    const socket = connect(path);
    socket.once("connect", () => {
      socket.off("error", reject);
      resolve(socket);
    });
    socket.once("error", reject);
  });
}
