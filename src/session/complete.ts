/**
 * Tab completion for the command language: command names, options,
 * snapshot labels, sub-commands and file names.
 *
 * @module
 */
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Session } from "./session.ts";
import type { Completion } from "./spec.ts";

/**
 * What completion offers: the candidates for `word`, the end of the line being completed.
 *
 * @example
 * ```ts
 * const offered: Completions = { candidates: ["--cumulative"], word: "--c" };
 * ```
 */
export interface Completions {
  /** Whole words that may replace `word`. */
  readonly candidates: readonly string[];
  /** The word being completed (the end of the line). */
  readonly word: string;
}

/**
 * Completes the last word of `line` (the text before the cursor).
 *
 * @example
 * ```ts
 * import type { Session } from "./session.ts";
 * declare const session: Session;
 * complete(session, "sta"); // { candidates: ["start", "stats", "status"], word: "sta" }
 * complete(session, "stats --c"); // { candidates: ["--cumulative"], word: "--c" }
 * ```
 */
export function complete(session: Session, line: string): Completions {
  const words = line.trimStart().split(/\s+/);
  const word = words.at(-1) ?? "";
  const starting = (all: Iterable<string>) => [...all].filter((c) => c.startsWith(word)).sort();
  if (words.length <= 1) {
    return { candidates: starting(session.commands.names()), word };
  }
  const command = session.commands.get(words[0]);
  if (!command || command.spec.raw) return { candidates: [], word };
  const { spec } = command;
  if (word.startsWith("-")) {
    return {
      candidates: starting(spec.options.map((o) => `--${o.name}`)),
      word,
    };
  }
  const positional: string[] = [];
  for (let i = 1; i < words.length - 1; i++) {
    const w = words[i];
    if (w.startsWith("--")) {
      if (spec.options.find((o) => `--${o.name}` === w)?.value) i++;
    } else positional.push(w);
  }
  if (
    spec.name === "filter" && positional[0] === "domain" &&
    positional.length === 1
  ) {
    return { candidates: starting(["include", "exclude"]), word };
  }
  const arg = spec.args[positional.length] ?? spec.args.find((a) => a.rest);
  return {
    candidates: candidatesFor(session, arg?.complete ?? "none", word),
    word,
  };
}

function candidatesFor(
  session: Session,
  kind: Completion,
  word: string,
): string[] {
  const starting = (all: Iterable<string>) => [...all].filter((c) => c.startsWith(word)).sort();
  if (kind === "label") return starting(session.snapshots.keys());
  if (kind === "command") return starting(session.commands.names());
  if (kind === "file") return files(word);
  if (typeof kind === "object") return starting(kind.choices);
  return [];
}

/** Entries of the directory `word` points into, directories with a trailing `/`. */
function files(word: string): string[] {
  const dir = word.endsWith("/") ? word : dirname(word);
  const prefix = word.endsWith("/") ? "" : word.slice(word.lastIndexOf("/") + 1);
  try {
    return readdirSync(dir || ".", { withFileTypes: true })
      .filter((e) =>
        e.name.startsWith(prefix) &&
        (prefix.startsWith(".") || !e.name.startsWith("."))
      )
      .map((e) => {
        const path = dir === "." && !word.startsWith("./") ? e.name : join(dir, e.name);
        return e.isDirectory() ? `${path}/` : path;
      })
      .sort();
  } catch {
    return [];
  }
}
