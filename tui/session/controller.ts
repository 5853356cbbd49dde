/**
 * The TUI's link to a session: runs command lines one after another
 * without the caller waiting, and keeps a log of what happened (command
 * results, errors, the target's output, its exit) for the screen. The
 * session's own state (snapshots, filters) is read from the session, which
 * announces its changes: the controller only runs commands and logs.
 *
 * @module
 */
import { describeExit } from "../../src/session/child.ts";
import type { CommandResult } from "../../src/session/command.ts";
import { CommandError, messageOf } from "../../src/session/errors.ts";
import type { Session, SessionEvent } from "../../src/session/session.ts";
import type { TargetExit } from "../../src/session/target.ts";

/**
 * How a log line is shown.
 *
 * @example
 * ```ts
 * const tone: LogTone = "stderr"; // the program's standard error, shown in yellow
 * ```
 */
export type LogTone = "stdout" | "stderr" | "command" | "result" | "error" | "event";

/**
 * One line of the log.
 *
 * @example
 * ```ts
 * declare const controller: Controller;
 * for (const line of controller.state.log) console.log(line.tone, line.text);
 * ```
 */
export interface LogLine {
  /** Increasing, unique: a key for React. */
  readonly id: number;
  /** The text, without a newline. */
  readonly text: string;
  /** How the line is shown. */
  readonly tone: LogTone;
}

/**
 * What a finished command line reports.
 *
 * @example
 * ```ts
 * declare const controller: Controller;
 * controller.onNotice((notice: Notice) => {
 *   if (notice.tone === "error") console.error(`${notice.line}: ${notice.text}`);
 * });
 * ```
 */
export interface Notice {
  /** The command line that ran (empty for an action of the screen's own, e.g. deleting a snapshot). */
  readonly line: string;
  /** What to tell: the result's first line (or how many lines it has), or the error. */
  readonly text: string;
  /** Whether it failed. */
  readonly tone: "info" | "error";
}

/**
 * The controller's state, for the screen.
 *
 * @example
 * ```ts
 * declare const controller: Controller;
 * const { log, busy, exit }: ControllerState = controller.state;
 * ```
 */
export interface ControllerState {
  /** The last {@link LOG_LIMIT} lines, oldest first. */
  readonly log: readonly LogLine[];
  /** What is being done now (a command line or a long activity), or null. */
  readonly busy: string | null;
  /** Set when the target has exited. */
  readonly exit: TargetExit | null;
}

/**
 * Lines kept in the log.
 *
 * @example
 * ```ts
 * declare const controller: Controller;
 * controller.state.log.length <= LOG_LIMIT; // true: older lines are dropped
 * ```
 */
export const LOG_LIMIT = 2000;

/**
 * Runs commands for the TUI and collects what the session reports.
 *
 * @example
 * ```ts
 * import type { Session } from "../../src/session/session.ts";
 * declare const session: Session;
 * const controller = new Controller(session);
 * controller.onNotice((notice) => console.log(notice.text));
 * void controller.run("snapshot"); // not awaited: the screen shows progress and the result
 * ```
 */
export class Controller {
  /** The session the commands run in. */
  readonly session: Session;
  #state: ControllerState = { log: [], busy: null, exit: null };
  #queue: Promise<void> = Promise.resolve();
  #nextId = 0;
  #partial: Record<"stdout" | "stderr", string> = { stdout: "", stderr: "" };
  readonly #listeners = new Set<() => void>();
  readonly #notices = new Set<(notice: Notice) => void>();
  readonly #quits = new Set<() => void>();
  readonly #off: () => void;

  /** A controller running commands in `session`, logging what it reports. */
  constructor(session: Session) {
    this.session = session;
    this.#off = session.on((event) => this.#onEvent(event));
  }

  /** The current state (a new object after each change). */
  get state(): ControllerState {
    return this.#state;
  }

  /** Calls `listener` after each change of state; returns a function that stops it. */
  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Calls `listener` with the outcome of every command line; returns a function that stops it. */
  onNotice(listener: (notice: Notice) => void): () => void {
    this.#notices.add(listener);
    return () => this.#notices.delete(listener);
  }

  /** Calls `listener` when a command (`quit`) asks the front end to end. */
  onQuit(listener: () => void): () => void {
    this.#quits.add(listener);
    return () => this.#quits.delete(listener);
  }

  /**
   * Queues a line of the command language; resolves when it has run (it
   * never rejects: failures are logged and noticed). With `echo`, the line
   * itself is logged first, as typed after `:`.
   */
  run(line: string, echo = false): Promise<void> {
    const job = this.#queue.then(() => this.#execute(line, echo));
    this.#queue = job;
    return job;
  }

  /** Adds a line to the log. */
  log(tone: LogTone, text: string): void {
    const lines = text.split("\n").map((t) => ({ id: this.#nextId++, text: t, tone }));
    const log = [...this.#state.log, ...lines];
    this.#set({ log: log.length > LOG_LIMIT ? log.slice(log.length - LOG_LIMIT) : log });
  }

  /**
   * Forgets snapshot `label` (the command language has no command for it);
   * the log and a notice say so.
   */
  deleteSnapshot(label: string): void {
    const deleted = this.session.deleteSnapshot(label);
    const notice: Notice = deleted
      ? { line: "", text: `snapshot ${label} deleted`, tone: "info" }
      : { line: "", text: `no snapshot labelled ${label}`, tone: "error" };
    this.log(deleted ? "event" : "error", notice.text);
    this.#notify(notice);
  }

  /** Stops listening to the session (the session itself is closed by its owner). */
  dispose(): void {
    this.#off();
  }

  async #execute(line: string, echo: boolean): Promise<void> {
    if (echo) this.log("command", `: ${line}`);
    this.#set({ busy: line });
    let notice: Notice;
    try {
      const outcome = await this.session.execute(line);
      const result: CommandResult = outcome?.result ?? { lines: [], data: null };
      if (echo || result.lines.length > 1) {
        for (const text of result.lines) this.log("result", text);
      }
      const first = result.lines.find((l) => l.trim()) ?? `${line}: done`;
      const text = echo && result.lines.length > 1
        ? `${line}: ${result.lines.length} lines in the output pane (L shows the whole log)`
        : first;
      notice = { line, text, tone: "info" };
      if (result.quit) { for (const listener of this.#quits) listener(); }
    } catch (error) {
      const text = error instanceof CommandError ? error.message : `${line}: ${messageOf(error)}`;
      this.log("error", text);
      notice = { line, text, tone: "error" };
    } finally {
      this.#set({ busy: null });
    }
    this.#notify(notice);
  }

  #onEvent(event: SessionEvent): void {
    if (event.type === "output") {
      const text = this.#partial[event.stream] + event.text;
      const lines = text.split(/\r?\n/);
      this.#partial[event.stream] = lines.pop() ?? "";
      if (lines.length) this.log(event.stream, lines.join("\n"));
    } else if (event.type === "exit") {
      for (const stream of ["stdout", "stderr"] as const) {
        if (this.#partial[stream]) this.log(stream, this.#partial[stream]);
        this.#partial[stream] = "";
      }
      const text = `program ${event.command} (pid ${event.pid}) ${describeExit(event.exit)}`;
      this.log("event", text);
      this.#set({ exit: event.exit });
      this.#notify({ line: "", text: `${text}; its snapshots stay usable`, tone: "error" });
    } else {
      const busy = this.#state.busy;
      this.#set({ busy: event.text });
      event.done.finally(() => {
        if (this.#state.busy === event.text) this.#set({ busy });
      }).catch(() => {});
    }
  }

  #notify(notice: Notice): void {
    for (const listener of this.#notices) listener(notice);
  }

  #set(change: Partial<ControllerState>): void {
    this.#state = { ...this.#state, ...change };
    for (const listener of this.#listeners) listener();
  }
}
