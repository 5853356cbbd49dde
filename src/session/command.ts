/**
 * What a command is to the session: a description (parsing, usage, help)
 * and a function from checked arguments to a result. Results are
 * structured, so the REPL prints their lines, `--json` prints their data and
 * the TUI renders either.
 *
 * @module
 */
import type { CommandSpec, ParsedArgs } from "./spec.ts";
import type { Session } from "./session.ts";

/**
 * A value `JSON.stringify` writes as is.
 *
 * @example
 * ```ts
 * const data: JsonValue = { label: "s1", traces: 12, filters: ["exclude domain 1"] };
 * ```
 */
export type JsonValue =
  | string
  | number
  | boolean
  | null
  | readonly JsonValue[]
  | { readonly [key: string]: JsonValue | undefined };

/**
 * What a command gives back.
 *
 * @example
 * ```ts
 * const result: CommandResult = { lines: ["tracing stopped"], data: { tracing: false } };
 * ```
 */
export interface CommandResult {
  /** Text for a person, one line each, without newlines. */
  readonly lines: readonly string[];
  /** The same for a program (`--json`). */
  readonly data: JsonValue;
  /** Set by `quit`: the front end should end the session. */
  readonly quit?: boolean;
}

/**
 * One command of the language.
 *
 * @example
 * ```ts
 * const wait: Command = {
 *   spec: { name: "wait", summary: "Pause", help: [], args: [{ name: "MS", kind: "natural" }], options: [] },
 *   async run(_session, args) {
 *     await new Promise((r) => setTimeout(r, args.number("MS")));
 *     return { lines: [], data: { waited: args.number("MS") ?? 0 } };
 *   },
 * };
 * ```
 */
export interface Command {
  /** Its name, arguments, options and help. */
  readonly spec: CommandSpec;
  /**
   * Runs the command. `raw` is the rest of the line as typed, for commands
   * whose spec is `raw`. Throws a `CommandError` (or any `Error`) when it fails.
   */
  run(session: Session, args: ParsedArgs, raw: string): Promise<CommandResult>;
}
