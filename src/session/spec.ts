/**
 * How a command is described (arguments, options, help) and how its words
 * are checked against that description. Parsing is strict: an unknown
 * option, a missing value, a bad number or a missing or extra argument is a
 * {@link CommandError} naming the command and the culprit.
 *
 * @module
 */
import { CommandError } from "./errors.ts";
import type { Word } from "./tokenize.ts";

/**
 * What a value must look like.
 *
 * @example
 * ```ts
 * const by: ValueKind = { choices: ["lineno", "filename", "traceback"] };
 * checkValue("stats", "option --by", by, "file");
 * // throws CommandError: stats: option --by must be one of lineno, filename, traceback, not "file"
 * ```
 */
export type ValueKind =
  | "string"
  /** an integer ≥ 1 */
  | "count"
  /** an integer ≥ 0 */
  | "natural"
  /** any integer, negative included */
  | "integer"
  | { readonly choices: readonly string[] };

/**
 * What completion offers for an argument.
 *
 * @example
 * ```ts
 * const labels: Completion = "label"; // the labels of the snapshots held
 * const label: ArgSpec = { name: "LABEL", optional: true, complete: labels };
 * ```
 */
export type Completion = "label" | "file" | "command" | "none" | {
  readonly choices: readonly string[];
};

/**
 * One positional argument.
 *
 * @example
 * ```ts
 * const count: ArgSpec = { name: "N", kind: "count" }; // usage: N, must be an integer ≥ 1
 * ```
 */
export interface ArgSpec {
  /** Upper-case name shown in usage, e.g. `LABEL`. */
  readonly name: string;
  /** What the value must look like; default: any text. */
  readonly kind?: ValueKind;
  /** May be left out. */
  readonly optional?: boolean;
  /** Takes every remaining word (always last). */
  readonly rest?: boolean;
  /** What completion offers for it; default: nothing. */
  readonly complete?: Completion;
}

/**
 * One `--option`; a flag when it has no `value`.
 *
 * @example
 * ```ts
 * const limit: OptionSpec = { name: "limit", value: "N", kind: "count", help: "show the N first entries" };
 * const newest: OptionSpec = { name: "newest-first", help: "the most recent frame first" }; // a flag
 * ```
 */
export interface OptionSpec {
  /** Without the dashes, e.g. `limit`. */
  readonly name: string;
  /** Upper-case name of its value, e.g. `N`; absent for flags. */
  readonly value?: string;
  /** What its value must look like; default: any text. */
  readonly kind?: ValueKind;
  /** One line for `help NAME`. */
  readonly help: string;
}

/**
 * A command's description: the source of its parsing, usage and help.
 *
 * @example
 * ```ts
 * const spec: CommandSpec = {
 *   name: "wait",
 *   summary: "Let the target run for a while",
 *   help: ["Waits MS milliseconds."],
 *   args: [{ name: "MS", kind: "natural" }],
 *   options: [],
 * };
 * usageOf(spec); // ["wait MS"]
 * ```
 */
export interface CommandSpec {
  /** What is typed to run it, e.g. `stats`. */
  readonly name: string;
  /** One line for `help`'s list. */
  readonly summary: string;
  /** Paragraphs for `help NAME`, after the usage. */
  readonly help: readonly string[];
  /** Positional arguments, in order. */
  readonly args: readonly ArgSpec[];
  /** Its `--options`, in help order. */
  readonly options: readonly OptionSpec[];
  /** The command takes the rest of the line as typed (no quoting, no comments): `eval`. */
  readonly raw?: boolean;
  /** Words after the first rest word are arguments even when they look like options: `run SCRIPT --flag`. */
  readonly passThrough?: boolean;
  /** Extra usage lines for commands with sub-forms (`filter`). */
  readonly usage?: readonly string[];
}

/**
 * Checked arguments and options of one command line.
 *
 * @example
 * ```ts
 * import { tracebackCommand } from "./commands/traceback.ts";
 * import { tokenize } from "./tokenize.ts";
 * const parsed: ParsedArgs = parseArgs(tracebackCommand.spec, tokenize("s1 2 --newest-first"));
 * parsed.text("LABEL"); // "s1"
 * parsed.number("N"); // 2
 * parsed.flag("newest-first"); // true
 * ```
 */
export class ParsedArgs {
  /** Arguments and options already checked, as {@link parseArgs} makes them. */
  constructor(
    readonly command: string,
    readonly args: ReadonlyMap<string, string | number | readonly string[]>,
    readonly options: ReadonlyMap<string, string | number | true>,
  ) {}

  /** A single argument as text, or `undefined` when optional and absent. */
  text(name: string): string | undefined {
    const value = this.args.get(name);
    return value === undefined ? undefined : String(value);
  }

  /** A numeric argument, or `undefined` when optional and absent. */
  number(name: string): number | undefined {
    const value = this.args.get(name);
    return typeof value === "number" ? value : undefined;
  }

  /** The words of a rest argument (empty when absent). */
  rest(name: string): readonly string[] {
    const value = this.args.get(name);
    return Array.isArray(value) ? value : [];
  }

  /** True when the flag was given. */
  flag(name: string): boolean {
    return this.options.get(name) === true;
  }

  /** A numeric option, or `fallback`. */
  numberOption(name: string, fallback: number): number;
  /** A numeric option, or `undefined` when absent. */
  numberOption(name: string): number | undefined;
  numberOption(name: string, fallback?: number): number | undefined {
    const value = this.options.get(name);
    return typeof value === "number" ? value : fallback;
  }

  /** A text option, or `fallback`. */
  textOption(name: string, fallback: string): string;
  /** A text option, or `undefined` when absent. */
  textOption(name: string): string | undefined;
  textOption(name: string, fallback?: string): string | undefined {
    const value = this.options.get(name);
    return typeof value === "string" ? value : fallback;
  }
}

/**
 * Checks `words` (the words after the command's name) against `spec`.
 *
 * @throws {CommandError} naming the command and the problem
 * @example
 * ```ts
 * import { statsCommand } from "./commands/listings.ts";
 * import { tokenize } from "./tokenize.ts";
 * const parsed = parseArgs(statsCommand.spec, tokenize("s1 --limit 5"));
 * parsed.numberOption("limit", 10); // 5
 * ```
 */
export function parseArgs(
  spec: CommandSpec,
  words: readonly Word[],
): ParsedArgs {
  const fail = (problem: string): never => {
    throw new CommandError(spec.name, problem);
  };
  const positional: string[] = [];
  const options = new Map<string, string | number | true>();
  const restIndex = spec.args.findIndex((a) => a.rest);
  let optionsEnded = false;
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    const passing = spec.passThrough && restIndex >= 0 &&
      positional.length >= restIndex;
    if (optionsEnded || passing || word.quoted || !isOptionLike(word.text)) {
      positional.push(word.text);
      continue;
    }
    if (word.text === "--") {
      optionsEnded = true;
      continue;
    }
    const eq = word.text.indexOf("=");
    const name = word.text.slice(2, eq < 0 ? undefined : eq);
    const option = spec.options.find((o) => o.name === name);
    if (!option) {
      fail(
        `unknown option ${word.text.slice(0, eq < 0 ? undefined : eq)}${hintOptions(spec)}`,
      );
      continue;
    }
    if (!option.value) {
      if (eq >= 0) fail(`option --${name} takes no value`);
      options.set(name, true);
      continue;
    }
    let value: string;
    if (eq >= 0) value = word.text.slice(eq + 1);
    else {
      const next = words[i + 1];
      if (next === undefined) {
        fail(`option --${name} needs a value (${option.value})`);
      }
      value = next.text;
      i++;
    }
    if (options.has(name)) fail(`option --${name} given twice`);
    options.set(
      name,
      checkValue(spec.name, `option --${name}`, option.kind ?? "string", value),
    );
  }
  return new ParsedArgs(spec.name, bindArgs(spec, positional, fail), options);
}

function bindArgs(
  spec: CommandSpec,
  positional: readonly string[],
  fail: (problem: string) => never,
): Map<string, string | number | readonly string[]> {
  const args = new Map<string, string | number | readonly string[]>();
  let i = 0;
  for (const arg of spec.args) {
    if (arg.rest) {
      const rest = positional.slice(i);
      if (!rest.length && !arg.optional) fail(`missing ${arg.name}`);
      rest.forEach((w) => checkValue(spec.name, arg.name, arg.kind ?? "string", w));
      args.set(arg.name, rest);
      i = positional.length;
      break;
    }
    const word = positional[i];
    if (word === undefined) {
      if (!arg.optional) fail(`missing ${arg.name}`);
      break;
    }
    args.set(
      arg.name,
      checkValue(spec.name, arg.name, arg.kind ?? "string", word),
    );
    i++;
  }
  if (i < positional.length) {
    fail(`unexpected argument ${JSON.stringify(positional[i])}`);
  }
  return args;
}

/** `-5` is a number, not an option: domains may be negative. */
function isOptionLike(text: string): boolean {
  return text.startsWith("--") ||
    (text.startsWith("-") && text.length > 1 && !/^-\d/.test(text));
}

function hintOptions(spec: CommandSpec): string {
  return spec.options.length
    ? ` (${spec.name} takes ${spec.options.map((o) => `--${o.name}`).join(", ")})`
    : ` (${spec.name} takes no options)`;
}

/**
 * Checks one value against its kind; numbers come back as numbers.
 *
 * @throws {CommandError} naming the command and `what` (an option or argument)
 * @example
 * ```ts
 * checkValue("top", "option --limit", "count", "5"); // 5
 * ```
 */
export function checkValue(
  command: string,
  what: string,
  kind: ValueKind,
  text: string,
): string | number {
  if (kind === "string") return text;
  if (typeof kind === "object") {
    if (kind.choices.includes(text)) return text;
    throw new CommandError(
      command,
      `${what} must be one of ${kind.choices.join(", ")}, not ${JSON.stringify(text)}`,
    );
  }
  const value = /^[+-]?\d+$/.test(text.trim()) ? Number(text) : NaN;
  const wanted = kind === "count" ? "a positive integer" : kind === "natural" ? "a non-negative integer" : "an integer";
  const ok = Number.isSafeInteger(value) &&
    (kind === "integer" || value >= (kind === "count" ? 1 : 0));
  if (!ok) {
    throw new CommandError(
      command,
      `${what} must be ${wanted}, not ${JSON.stringify(text)}`,
    );
  }
  return value;
}

/**
 * The usage lines of a command, e.g. `stats [LABEL] [--by KEY] [--cumulative] [--limit N]`.
 *
 * @example
 * ```ts
 * import { topCommand } from "./commands/listings.ts";
 * usageOf(topCommand.spec); // ["top [LABEL] [--limit N]"]
 * ```
 */
export function usageOf(spec: CommandSpec): readonly string[] {
  if (spec.usage) return spec.usage;
  const args = spec.args.map((arg) => {
    const name = arg.rest ? `${arg.name}...` : arg.name;
    return arg.optional ? `[${name}]` : name;
  });
  const options = spec.options.map((o) => o.value ? `[--${o.name} ${o.value}]` : `[--${o.name}]`);
  // Options of a pass-through command must come before its script.
  const parts = spec.passThrough ? [spec.name, ...options, ...args] : [spec.name, ...args, ...options];
  return [parts.join(" ")];
}
