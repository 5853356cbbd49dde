/**
 * How a program's end reads, and the error a request meets once it has
 * ended.
 *
 * @module
 */
import type { TargetExit } from "./target.ts";

/**
 * How an exit reads in messages: "exited with code 1", "was killed by SIGKILL".
 *
 * @example
 * ```ts
 * import { describeExit } from "./exit.ts";
 * describeExit({ code: 3, signal: null }); // "exited with code 3"
 * ```
 */
export function describeExit(exit: TargetExit): string {
  return exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
}

/**
 * A request reached a program that has exited; the message says how it
 * ended.
 *
 * @example
 * ```ts
 * import { TargetExitedError } from "./exit.ts";
 * declare const request: Promise<unknown>;
 * try {
 *   await request;
 * } catch (e) {
 *   if (e instanceof TargetExitedError) console.error(e.message); // "program exited with code 3"
 * }
 * ```
 */
export class TargetExitedError extends Error {
  /**
   * An error saying how the program ended, e.g. `program exited with code 3`.
   *
   * @param exit how the program ended
   */
  constructor(readonly exit: TargetExit) {
    super(`program ${describeExit(exit)}`);
    this.name = "TargetExitedError";
  }
}
