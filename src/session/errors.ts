/**
 * Errors a user can act on, as opposed to bugs.
 *
 * @module
 */

/**
 * How many characters of a word the user typed an error message repeats
 * (the command's name, a quoted value): a 100,000-character bad command is
 * not echoed whole.
 *
 * @example
 * ```ts
 * new CommandError("x".repeat(1000), "unknown command").command.length; // 81: 80 and "…"
 * ```
 */
export const ECHO_LIMIT = 80;

/** Bare words of a message (a file name, an option) are cut from this length on: real paths stay whole. */
const WORD_LIMIT = 200;
const LONG_WORD = new RegExp(`\\S{${WORD_LIMIT + 1},}`, "g");

/** `text` cut to `limit` characters and `…`, never inside a surrogate pair nor after a lone backslash. */
function cut(text: string, limit: number): string {
  if (text.length <= limit) return text;
  let end = limit;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  let kept = text.slice(0, end);
  // A backslash just before the cut would escape the closing quote of a quoted echo.
  const backslashes = kept.length - kept.replace(/\\+$/, "").length;
  if (backslashes % 2) kept = kept.slice(0, -1);
  return kept + "…";
}

/**
 * A word the user typed, as an error message repeats it: cut to
 * {@link ECHO_LIMIT} characters and `…` when longer.
 *
 * @example
 * ```ts
 * cutEcho("frobnicate"); // "frobnicate"
 * cutEcho("x".repeat(100_000)).length; // 81
 * ```
 */
export function cutEcho(word: string): string {
  return cut(word, ECHO_LIMIT);
}

/** Quoted values (`"…"`, as `JSON.stringify` writes them) longer than `limit` cut inside their quotes. */
function cutQuoted(message: string, limit: number): string {
  let out = "";
  let i = 0;
  while (i < message.length) {
    const open = message.indexOf('"', i);
    if (open < 0) break;
    let close = open + 1;
    while (close < message.length && message[close] !== '"') close += message[close] === "\\" ? 2 : 1;
    // No closing quote: nothing further is quoted (and the scan stays linear).
    if (close >= message.length) break;
    out += message.slice(i, open + 1) + cut(message.slice(open + 1, close), limit) + '"';
    i = close + 1;
  }
  return out + message.slice(i);
}

/**
 * `message` with what it echoes of the user's input cut to a sensible
 * length: quoted values to {@link ECHO_LIMIT} characters, bare words (an
 * unknown option, a file name) from 200 on, each cut marked `…`.
 *
 * @example
 * ```ts
 * cutEchoes(`no snapshot labelled "${"a ".repeat(5000)}"`).length; // 104
 * cutEchoes(`unknown option --${"x".repeat(100_000)}`).length; // 216
 * cutEchoes("load: /srv/app/after.dump: cannot read: no such file"); // unchanged
 * ```
 */
export function cutEchoes(message: string): string {
  if (message.length <= ECHO_LIMIT) return message;
  return cutQuoted(message, ECHO_LIMIT).replace(LONG_WORD, (word) => cut(word, WORD_LIMIT));
}

/**
 * A command that cannot run as typed or that failed for a reason the user
 * can act on (unknown command, bad option, missing snapshot, unreadable
 * file). Front ends print its message alone, never a stack trace. What it
 * echoes of the user's input is cut to a sensible length: the command's
 * name to {@link ECHO_LIMIT} characters, the problem by {@link cutEchoes}.
 * Control characters stay: front ends escape them for a terminal, and JSON
 * shows them exact.
 *
 * @example
 * ```ts
 * throw new CommandError("stats", "unknown option --bye");
 * // message: "stats: unknown option --bye"
 * ```
 */
export class CommandError extends Error {
  /** The command's name, or the word the user typed (cut to {@link ECHO_LIMIT} characters). */
  readonly command: string;
  /** What is wrong, its echoes cut. */
  readonly problem: string;

  /**
   * An error whose message is `command: problem` (`problem` alone without a command).
   *
   * @param command the command's name, or the word the user typed when it is
   *   not a command
   * @param problem what is wrong, in words
   */
  constructor(command: string, problem: string) {
    const name = cutEcho(command);
    const text = cutEchoes(problem);
    super(name ? `${name}: ${text}` : text);
    this.command = name;
    this.problem = text;
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

/**
 * Why a program's entry file cannot be started, found before any runtime
 * starts (`checkScript` in `launch.ts`): its message is the problem alone
 * (`it is a directory`), for the caller to name the file
 * (`run: cannot start app/: it is a directory`).
 *
 * @example
 * ```ts
 * import { checkScript } from "./launch.ts";
 * try {
 *   checkScript("scripts/");
 * } catch (error) {
 *   if (error instanceof ScriptError) console.error(`cannot start scripts/: ${error.message}`);
 * }
 * ```
 */
export class ScriptError extends Error {
  /** @param problem what is wrong with the file, in words */
  constructor(problem: string) {
    super(problem);
    this.name = "ScriptError";
  }
}
