/**
 * A connection to a running program's inspector over its WebSocket: the
 * Chrome DevTools Protocol on Node and Deno, WebKit's inspector protocol on
 * Bun. Both frame commands as `{ id, method, params }` and answer with
 * `{ id, result }` or `{ id, error }`, so one client speaks to all three.
 *
 * @module
 */
import type { InspectorSession } from "../../runtime/adapter.ts";

type Listener = (params: Record<string, unknown>) => void;

interface Pending {
  readonly method: string;
  resolve(result: unknown): void;
  reject(error: Error): void;
}

/**
 * A command the program's inspector refused; the message is the protocol's.
 *
 * @example
 * ```ts
 * import { ProtocolError } from "./socket.ts";
 * const e = new ProtocolError("HeapProfiler.enable", "'HeapProfiler' domain was not found");
 * e.message; // "HeapProfiler.enable: 'HeapProfiler' domain was not found"
 * ```
 */
export class ProtocolError extends Error {
  /** @param method the command @param message the inspector's words */
  constructor(method: string, message: string) {
    super(`${method}: ${message}`);
    this.name = "ProtocolError";
  }
}

/**
 * An open connection to one program's inspector.
 *
 * @example
 * ```ts
 * import { InspectorSocket } from "./socket.ts";
 * const socket = await InspectorSocket.connect("ws://127.0.0.1:9229/0f2c...");
 * const { result } = await socket.post<{ result: { value: number } }>("Runtime.evaluate", {
 *   expression: "process.pid",
 *   returnByValue: true,
 * });
 * socket.close();
 * ```
 */
export class InspectorSocket implements InspectorSession {
  readonly #ws: WebSocket;
  readonly #pending = new Map<number, Pending>();
  readonly #listeners = new Map<string, Set<Listener>>();
  readonly #closedListeners = new Set<() => void>();
  #nextId = 1;
  #closed = false;

  private constructor(ws: WebSocket) {
    this.#ws = ws;
    ws.onmessage = (event) => this.#receive(event.data);
    ws.onclose = () => this.#ended();
    ws.onerror = () => this.#ended();
  }

  /**
   * Connects to the inspector at `url`; rejects with the reason when it
   * cannot within `timeoutMs`.
   */
  static connect(url: string, timeoutMs = 5000): Promise<InspectorSocket> {
    return new Promise((resolve, reject) => {
      let ws: WebSocket;
      try {
        ws = new WebSocket(url);
      } catch (e) {
        reject(new Error(`cannot connect to ${url}: ${(e as Error).message}`));
        return;
      }
      const timer = setTimeout(() => {
        ws.close();
        reject(new Error(`the inspector at ${url} did not answer within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      ws.onopen = () => {
        clearTimeout(timer);
        resolve(new InspectorSocket(ws));
      };
      ws.onerror = () => {
        clearTimeout(timer);
        reject(new Error(`cannot connect to ${url} (another debugger may hold it, or the program ended)`));
      };
    });
  }

  /** True until the connection ends (closed here, or by the program). */
  get open(): boolean {
    return !this.#closed;
  }

  /** Sends one command and resolves with its result. */
  post<T = unknown>(method: string, params?: Record<string, unknown>): Promise<T> {
    if (this.#closed) return Promise.reject(new Error(`the program's inspector is closed (${method})`));
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { method, resolve: resolve as (result: unknown) => void, reject });
      this.#ws.send(JSON.stringify({ id, method, params: params ?? {} }));
    });
  }

  /** Listens to a notification such as `Heap.garbageCollected`. */
  on(event: string, listener: Listener): void {
    let set = this.#listeners.get(event);
    if (!set) this.#listeners.set(event, set = new Set());
    set.add(listener);
  }

  /** Removes a listener added with {@link InspectorSocket.on}. */
  off(event: string, listener: Listener): void {
    this.#listeners.get(event)?.delete(listener);
  }

  /** Calls `listener` once when the connection ends, whoever ended it. */
  onClose(listener: () => void): void {
    if (this.#closed) listener();
    else this.#closedListeners.add(listener);
  }

  /** Ends the connection; pending commands reject. */
  close(): void {
    if (this.#closed) return;
    this.#ws.close();
    this.#ended();
  }

  #receive(data: unknown): void {
    let message: {
      id?: number;
      method?: string;
      params?: Record<string, unknown>;
      result?: unknown;
      error?: { message?: string };
    };
    try {
      message = JSON.parse(String(data));
    } catch {
      return; // not the protocol: ignored
    }
    if (typeof message.id === "number") {
      const pending = this.#pending.get(message.id);
      if (!pending) return;
      this.#pending.delete(message.id);
      if (message.error) pending.reject(new ProtocolError(pending.method, message.error.message ?? "refused"));
      else pending.resolve(message.result ?? {});
      return;
    }
    if (typeof message.method === "string") {
      for (const listener of this.#listeners.get(message.method) ?? []) listener(message.params ?? {});
    }
  }

  #ended(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const [, pending] of this.#pending) {
      pending.reject(new Error(`the program's inspector closed the connection (${pending.method})`));
    }
    this.#pending.clear();
    for (const listener of this.#closedListeners) listener();
    this.#closedListeners.clear();
  }
}
