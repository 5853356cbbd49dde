/**
 * Errors a user can act on, as opposed to bugs.
 *
 * @module
 */

/**
 * A command that cannot run as typed or that failed for a reason the user
 * can act on (unknown command, bad option, missing snapshot, unreadable
 * file). Front ends print its message alone, never a stack trace.
 *
 * @example
 * ```ts
 * throw new CommandError("stats", "unknown option --bye");
 * // message: "stats: unknown option --bye"
 * ```
 */
export class CommandError extends Error {
  /**
   * An error whose message is `command: problem` (`problem` alone without a command).
   *
   * @param command the command's name, or the word the user typed when it is
   *   not a command
   * @param problem what is wrong, in words
   */
  constructor(readonly command: string, readonly problem: string) {
    super(command ? `${command}: ${problem}` : problem);
    this.name = "CommandError";
  }
}

/**
 * The message of anything thrown, for a user: a {@link CommandError} or any
 * `Error` gives its message; other values their text.
 *
 * @example
 * ```ts
 * messageOf(new Error("disk full")); // "disk full"
 * ```
 */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
