/**
 * How a program's end reads, and the error a request meets once it has
 * ended.
 *
 * @module
 */
import type { Ending } from "../runtime/endings.ts";
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
  if (exit.signal) return `was killed by ${exit.signal}`;
  // An attached program is not ours: its exit status is its parent's to read.
  return exit.code === null
    ? "can no longer be reached (it ended or closed its inspector)"
    : `exited with code ${exit.code}`;
}

/** An abrupt end runs no more tasks, so no collection could run before its snapshot. */
const THEN = "the report shows its state then, garbage not yet collected included.";

/**
 * How a traced program ended, in one line for `run`'s report: what the
 * program said as it ended (`ending`, null when it could not say: killed
 * outright) and the exit the system saw.
 *
 * @example
 * ```ts
 * import { describeEnding } from "./exit.ts";
 * describeEnding({ how: "signal", signal: "SIGINT" }, { code: null, signal: "SIGINT" });
 * // "The program was stopped by SIGINT; the report shows its state then, garbage not yet collected included."
 * ```
 */
export function describeEnding(ending: Ending | null, exit: TargetExit): string {
  const status = describeExit(exit);
  switch (ending?.how) {
    case "end":
      return ending.after
        ? `The program shut down after ${ending.after} and ${status}.`
        : `The program ran to its end and ${status}.`;
    case "exit":
      return ending.after
        ? `The program ${status} through process.exit() after ${ending.after}; ${THEN}`
        : `The program ${status} through process.exit(); ${THEN}`;
    case "exception":
      return `The program stopped on an uncaught exception (${ending.error}); ${THEN}`;
    case "signal":
      return `The program was stopped by ${ending.signal}; ${THEN}`;
    default:
      return `The program ${status} without a word: nothing runs in a program killed outright, so there is no report.`;
  }
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
