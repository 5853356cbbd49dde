/**
 * Ending cleanly on Ctrl-C and termination signals, so a traced child never
 * outlives the command that started it.
 *
 * @module
 */
import process from "node:process";

/** Exit statuses as shells report a process ended by each signal (128 + its number). */
const SIGNALS = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;

/**
 * Calls `handler` with the conventional exit status (and the signal's name) when the process gets
 * SIGINT, SIGTERM or SIGHUP, instead of dying at once; returns a function
 * that removes the handlers.
 *
 * @example
 * ```ts
 * import type { Session } from "../session/session.ts";
 * declare const session: Session;
 *
 * const off = onTermination(async (code) => { await session.close(); process.exit(code); });
 * ```
 */
export function onTermination(handler: (code: number, signal: NodeJS.Signals) => void): () => void {
  const installed: [NodeJS.Signals, () => void][] = [];
  for (const [name, code] of Object.entries(SIGNALS)) {
    const listener = () => handler(code, name as NodeJS.Signals);
    try {
      process.on(name as NodeJS.Signals, listener);
      installed.push([name as NodeJS.Signals, listener]);
    } catch {
      // A signal this platform does not have (SIGHUP on Windows) cannot arrive either.
    }
  }
  return () => {
    for (const [name, listener] of installed) process.off(name, listener);
  };
}
