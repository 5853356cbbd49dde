/**
 * How the REPL shows things: command results (text or JSON lines), error
 * messages, a child program's output prefixed with its pid, its exit, and
 * progress of long operations on a terminal.
 *
 * Text for a person has its control characters escaped (`\x1b`, see
 * `src/text/escape.ts`): file names from a dump and words of a bad command
 * never reach the terminal raw. JSON lines are written exact. The child's
 * own output is passed through as it wrote it (only prefixed), as `run`
 * passes it.
 *
 * @module
 */
import { describeExit } from "../session/child.ts";
import type { Outcome, SessionEvent } from "../session/session.ts";
import { escapeControl } from "../text/escape.ts";

/** Text for the terminal: control characters escaped, the text's own line breaks kept. */
const forTerminal = (text: string) => escapeControl(text, { keepNewlines: true });

/** The slice of a writable stream the printer uses. */
export interface Sink {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

/** Where the printer writes. */
export interface Sinks {
  readonly stdout: Sink;
  readonly stderr: Sink;
}

/** How long an operation may run before progress appears, so quick ones never flicker. */
const PROGRESS_DELAY_MS = 300;
const SPINNER = "|/-\\";

/**
 * Writes what a session produces.
 *
 * @example
 * ```ts
 * import type { Session } from "../session/session.ts";
 * declare const session: Session;
 *
 * const printer = new Printer({ stdout: process.stdout, stderr: process.stderr }, { json: false });
 * session.on((event) => printer.event(event));
 * const outcome = await session.execute("status");
 * if (outcome) printer.result(outcome);
 * ```
 */
export class Printer {
  readonly #sinks: Sinks;
  readonly #json: boolean;
  readonly #partial = new Map<string, string>();
  /** Called around asynchronous writes so an interactive prompt is cleared and redrawn. */
  interrupt: ((write: () => void) => void) | null = null;

  readonly #progressDelay: number;

  /**
   * @param options `json`: results as JSON lines; `progressDelayMs`: how long
   *   an operation runs before its progress shows (default 300 ms)
   */
  constructor(sinks: Sinks, options: { json: boolean; progressDelayMs?: number }) {
    this.#progressDelay = options.progressDelayMs ?? PROGRESS_DELAY_MS;
    this.#sinks = sinks;
    this.#json = options.json;
  }

  /** Prints a command's result: its lines, or one JSON object per command with `--json`. */
  result(outcome: Outcome): void {
    if (this.#json) {
      this.#sinks.stdout.write(
        JSON.stringify({
          command: outcome.command,
          ok: true,
          result: outcome.result.data,
        }) + "\n",
      );
    } else if (outcome.result.lines.length) {
      this.#sinks.stdout.write(forTerminal(outcome.result.lines.join("\n")) + "\n");
    }
  }

  /**
   * Prints a failure on standard error (and, with `--json`, as a JSON
   * object on standard output, so every command gives one object).
   */
  error(message: string, command: string, where = ""): void {
    if (this.#json) {
      this.#sinks.stdout.write(
        JSON.stringify({ command, ok: false, error: message }) + "\n",
      );
    }
    this.#sinks.stderr.write(forTerminal(`${where}${message}`) + "\n");
  }

  /** Shows a session event as it happens. */
  event(event: SessionEvent): void {
    if (event.type === "activity") this.#progress(event.text, event.done);
    else if (event.type === "output") {
      this.#output(event.pid, event.stream, event.text);
    } else {
      this.flush();
      const text = `${event.command} ${describeExit(event.exit)}`;
      this.#async(() => {
        if (this.#json) {
          this.#sinks.stdout.write(
            JSON.stringify({
              event: "exit",
              pid: event.pid,
              code: event.exit.code,
              signal: event.exit.signal,
            }) + "\n",
          );
        } else this.#sinks.stderr.write(`[${event.pid}] ${forTerminal(text)}\n`);
      });
    }
  }

  /** Writes out the child's incomplete last lines. */
  flush(): void {
    for (const [key, rest] of this.#partial) {
      if (rest) this.#writeOutput(key, rest);
    }
    this.#partial.clear();
  }

  #output(pid: number, stream: "stdout" | "stderr", text: string): void {
    const key = `${pid} ${stream}`;
    const all = (this.#partial.get(key) ?? "") + text;
    const end = all.lastIndexOf("\n");
    this.#partial.set(key, all.slice(end + 1));
    if (end >= 0) this.#writeOutput(key, all.slice(0, end));
  }

  #writeOutput(key: string, text: string): void {
    const [pid, stream] = key.split(" ") as [string, "stdout" | "stderr"];
    this.#async(() => {
      if (this.#json) {
        this.#sinks.stdout.write(
          JSON.stringify({ event: "output", pid: Number(pid), stream, text }) +
            "\n",
        );
        return;
      }
      const prefix = stream === "stdout" ? `[${pid}] ` : `[${pid}:err] `;
      this.#sinks[stream].write(
        text.split("\n").map((line) => prefix + line).join("\n") + "\n",
      );
    });
  }

  #async(write: () => void): void {
    if (this.interrupt) this.interrupt(write);
    else write();
  }

  #progress(text: string, done: Promise<unknown>): void {
    const stderr = this.#sinks.stderr;
    if (!stderr.isTTY) return;
    const started = Date.now();
    let frame = 0;
    let shown = false;
    const timer = setInterval(() => {
      const elapsed = Date.now() - started;
      if (elapsed < this.#progressDelay) return;
      stderr.write(
        `\r\x1b[K${SPINNER[frame++ % SPINNER.length]} ${escapeControl(text)}... ${(elapsed / 1000).toFixed(1)} s`,
      );
      shown = true;
    }, 100);
    const stop = () => {
      clearInterval(timer);
      if (shown) stderr.write("\r\x1b[K");
    };
    done.then(stop, stop);
  }
}
