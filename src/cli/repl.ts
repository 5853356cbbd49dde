/**
 * The line REPL over a session: commands from a script file, from a pipe,
 * or typed at a terminal with history and tab completion.
 *
 * Scripts and pipes are strict: the first unknown command, bad option or
 * failing command ends the session with a non-zero exit (with
 * `keepGoing`, every line runs and the exit is non-zero at the end). At a
 * terminal, errors are printed and the session goes on.
 *
 * @module
 */
import { appendFileSync, readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { clearLine, createInterface, cursorTo, type Interface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import { complete } from "../session/complete.ts";
import { CommandError, messageOf } from "../session/errors.ts";
import type { Session } from "../session/session.ts";
import { Printer, type Sinks } from "./printer.ts";
import { onTermination } from "./signals.ts";

/** Where the commands come from. */
export type ReplSource =
  /** A file of commands, one per line. */
  | { readonly kind: "script"; readonly file: string }
  /** A stream that is not a terminal (a pipe), read line by line as it arrives. */
  | { readonly kind: "stream"; readonly input: Readable; readonly name: string }
  /** A person at a terminal; `history` is the file that keeps their lines between sessions. */
  | {
    readonly kind: "terminal";
    readonly input: Readable;
    readonly output: Writable;
    readonly history?: string;
  };

/** How to run a REPL. */
export interface ReplOptions {
  readonly session: Session;
  readonly source: ReplSource;
  readonly sinks: Sinks;
  /** One JSON object per command on standard output. */
  readonly json?: boolean;
  /** Scripts: run every line even after a failure, and fail at the end. */
  readonly keepGoing?: boolean;
  /** Commands run before the source's, as strictly as a script's (the first failure ends the session). */
  readonly startup?: readonly string[];
  /**
   * Called once the session is running, with a function that ends it early
   * (Ctrl-C, signals). At a terminal the REPL itself ends on SIGTERM and
   * SIGHUP (the terminal closed), closing the session before it exits.
   */
  readonly onReady?: (interrupt: (code: number) => void) => void;
}

/** Exit status when the session was interrupted (Ctrl-C), as shells report SIGINT. */
export const INTERRUPTED = 130;

/** Exit status after SIGHUP (the terminal closed), as shells report it. */
const HUNG_UP = 129;

/**
 * Runs commands until the source ends, `quit`, or (in scripts) a failure,
 * then closes the session; resolves to the exit status.
 *
 * @example
 * ```ts
 * import type { Session } from "../session/session.ts";
 * declare const session: Session;
 *
 * const code = await runRepl({
 *   session,
 *   source: { kind: "script", file: "session.txt" },
 *   sinks: { stdout: process.stdout, stderr: process.stderr },
 * });
 * ```
 */
export async function runRepl(options: ReplOptions): Promise<number> {
  const { session, source } = options;
  const printer = new Printer(options.sinks, { json: options.json ?? false });
  const unsubscribe = session.on((event) => printer.event(event));
  let interrupted: ((code: number) => void) | null = null;
  const interruption = new Promise<number>((resolve) => interrupted = resolve);
  options.onReady?.((code) => interrupted?.(code));
  // Ctrl-C at a terminal is a key readline reads; a signal (SIGTERM, SIGHUP when the terminal closes) ends the session.
  const off = source.kind === "terminal" ? onTermination((code) => interrupted?.(code)) : () => {};
  let code: number;
  try {
    const work = (async () => {
      for (const line of options.startup ?? []) {
        const { failed, quit } = await step(session, printer, line, "");
        if (failed) return 1;
        if (quit) return 0;
      }
      return source.kind === "terminal"
        ? interactive(session, source, printer, interruption)
        : scripted(session, source, printer, options.keepGoing ?? false);
    })();
    code = await Promise.race([work, interruption]);
  } finally {
    printer.flush();
    try {
      await session.close();
    } catch (error) {
      options.sinks.stderr.write(`closing the session: ${messageOf(error)}\n`);
    }
    off();
    unsubscribe();
  }
  return code;
}

/** One command, printed; returns whether it failed and whether it asked to quit. */
async function step(
  session: Session,
  printer: Printer,
  line: string,
  where: string,
): Promise<{ failed: boolean; quit: boolean }> {
  try {
    const outcome = await session.execute(line);
    if (!outcome) return { failed: false, quit: false };
    printer.flush();
    printer.result(outcome);
    return { failed: false, quit: outcome.result.quit === true };
  } catch (error) {
    printer.flush();
    const command = error instanceof CommandError ? error.command : "";
    printer.error(messageOf(error), command, where);
    return { failed: true, quit: false };
  }
}

async function scripted(
  session: Session,
  source: Exclude<ReplSource, { kind: "terminal" }>,
  printer: Printer,
  keepGoing: boolean,
): Promise<number> {
  let lines: AsyncIterable<string> | Iterable<string>;
  let name: string;
  if (source.kind === "script") {
    name = source.file;
    let text: string;
    try {
      text = await readFile(source.file, "utf8");
    } catch (error) {
      const problem = (error as { code?: string }).code === "ENOENT" ? "no such file" : messageOf(error);
      printer.error(
        `repl: cannot read script ${source.file}: ${problem}`,
        "repl",
      );
      return 1;
    }
    lines = text.split(/\r?\n/);
  } else {
    name = source.name;
    lines = createInterface({ input: source.input, crlfDelay: Infinity });
  }
  let failures = 0;
  let n = 0;
  for await (const line of lines) {
    n++;
    const { failed, quit } = await step(
      session,
      printer,
      line,
      `${name}:${n}: `,
    );
    if (failed) {
      failures++;
      if (!keepGoing) return 1;
    }
    if (quit) break;
  }
  return failures ? 1 : 0;
}

const HISTORY_SIZE = 1000;

/**
 * The file the REPL keeps its history in: `~/.tracemalloc_history`.
 *
 * @example
 * ```ts
 * import type { Session } from "../session/session.ts";
 * declare const session: Session;
 *
 * await runRepl({
 *   session,
 *   sinks: { stdout: process.stdout, stderr: process.stderr },
 *   source: { kind: "terminal", input: process.stdin, output: process.stdout, history: defaultHistoryFile() },
 * });
 * ```
 */
export function defaultHistoryFile(): string {
  return join(homedir(), ".tracemalloc_history");
}

function loadHistory(file: string | undefined): string[] {
  if (file === undefined) return [];
  try {
    return readFileSync(file, "utf8").split("\n").filter(Boolean).slice(
      -HISTORY_SIZE,
    ).reverse();
  } catch {
    return [];
  }
}

function saveHistory(file: string | undefined, line: string): void {
  if (file === undefined) return;
  try {
    appendFileSync(file, line + "\n", { mode: 0o600 });
  } catch {
    // History is a convenience; a read-only home must not break the session.
  }
}

function interactive(
  session: Session,
  source: Extract<ReplSource, { kind: "terminal" }>,
  printer: Printer,
  interruption: Promise<number>,
): Promise<number> {
  const rl: Interface = createInterface({
    input: source.input,
    output: source.output,
    prompt: "tracemalloc> ",
    terminal: true,
    history: loadHistory(source.history),
    historySize: HISTORY_SIZE,
    removeHistoryDuplicates: true,
    completer: (line: string) => {
      const { candidates, word } = complete(session, line);
      return [candidates as string[], word];
    },
  });
  let prompting = false;
  let busy = false;
  printer.interrupt = (write) => {
    if (!prompting) return write();
    clearLine(source.output, 0);
    cursorTo(source.output, 0);
    write();
    rl.prompt(true);
  };
  return new Promise<number>((resolve) => {
    const queue: string[] = [];
    let closed = false;
    const finish = (code: number) => {
      closed = true;
      printer.interrupt = null;
      rl.close();
      resolve(code);
    };
    interruption.then((code) => {
      if (!closed) {
        closed = true;
        printer.interrupt = null;
        // The shell's prompt starts on a line of its own; a terminal that hung up takes no more output.
        if (prompting && code !== HUNG_UP) source.output.write("\n");
        rl.close();
      }
    });
    const pump = async () => {
      if (busy) return;
      busy = true;
      while (queue.length && !closed) {
        const line = queue.shift()!;
        const { quit } = await step(session, printer, line, "");
        if (quit) return finish(0);
      }
      busy = false;
      if (!closed) {
        prompting = true;
        rl.prompt();
      }
    };
    rl.on("line", (line) => {
      prompting = false;
      if (line.trim()) saveHistory(source.history, line);
      queue.push(line);
      void pump();
    });
    rl.on("SIGINT", () => {
      if (!busy && rl.line) {
        // Ctrl-C on a half-typed line forgets the line, as shells do.
        source.output.write("^C\n");
        rl.write(null, { ctrl: true, name: "u" });
        rl.prompt();
        return;
      }
      source.output.write("\n");
      finish(INTERRUPTED);
    });
    rl.on("close", () => {
      if (closed) return;
      // Ctrl-D: end of input, a normal end once queued commands are done.
      queue.push("quit");
      void pump();
    });
    prompting = true;
    rl.prompt();
  });
}
