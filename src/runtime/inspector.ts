/**
 * `node:inspector` sessions as Promises. Node calls a `post` callback before
 * `post` returns, Deno calls it later; a Promise hides the difference.
 *
 * @module
 */
import type { InspectorSession } from "./adapter.ts";

type Listener = (params: Record<string, unknown>) => void;
type Message = { params?: Record<string, unknown> };
type Callback = (err: Error | null, result?: unknown) => void;

/** The slice of `node:inspector`'s `Session` this module uses. */
interface RawSession {
  connect(): void;
  disconnect(): void;
  post(
    method: string,
    params: Record<string, unknown>,
    callback: Callback,
  ): void;
  on(event: string, listener: (message: Message) => void): unknown;
  off(event: string, listener: (message: Message) => void): unknown;
}

/**
 * Connects a new in-process session through `node:inspector`.
 *
 * @example
 * ```ts
 * const session = await connectInspector();
 * await session.post("HeapProfiler.collectGarbage");
 * session.close();
 * ```
 */
export async function connectInspector(): Promise<InspectorSession> {
  const { Session } = await import("node:inspector");
  const raw = new Session() as unknown as RawSession;
  raw.connect();
  const wrappers = new Map<Listener, (message: Message) => void>();
  let open = true;
  return {
    post<T>(method: string, params?: Record<string, unknown>): Promise<T> {
      if (!open) {
        return Promise.reject(
          new Error(`inspector session is closed (${method})`),
        );
      }
      return new Promise<T>((resolve, reject) => {
        let settled = false;
        let keepAlive: ReturnType<typeof setTimeout> | undefined;
        raw.post(method, params ?? {}, (err, result) => {
          settled = true;
          if (keepAlive !== undefined) clearTimeout(keepAlive);
          if (err) reject(err);
          else resolve(result as T);
        });
        // An answer that comes later (Deno) arrives only while something keeps
        // the event loop running; a pending post does not, so a timer does.
        if (!settled) keepAlive = setTimeout(() => {}, 2 ** 31 - 1);
      });
    },
    on(event: string, listener: Listener): void {
      const wrapper = (message: Message) => listener(message.params ?? {});
      wrappers.set(listener, wrapper);
      raw.on(event, wrapper);
    },
    off(event: string, listener: Listener): void {
      const wrapper = wrappers.get(listener);
      if (wrapper) raw.off(event, wrapper);
      wrappers.delete(listener);
    },
    close(): void {
      if (open) raw.disconnect();
      open = false;
    },
  };
}
