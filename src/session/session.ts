/**
 * A session: one target at a time (this process, or a program started by
 * `run`), labelled snapshots, active filters, the last listing and the
 * tracing settings `run` passes on. Front ends (the REPL, the TUI's command
 * line) feed it lines and show what comes back; it never prints.
 *
 * @module
 */
import type { DomainFilter, Filter } from "../model/filter.ts";
import type { KeyType } from "../model/group.ts";
import type { Snapshot } from "../model/snapshot.ts";
import type { Statistic, StatisticDiff } from "../model/statistic.ts";
import type { CommandResult } from "./command.ts";
import { CommandError, messageOf } from "./errors.ts";
import type { Launcher, TraceSettings } from "./launch.ts";
import { type CommandRegistry, defaultRegistry } from "./registry.ts";
import { parseArgs } from "./spec.ts";
import type { Target, TargetExit } from "./target.ts";
import { tokenize } from "./tokenize.ts";

/** A snapshot the session holds under a label. */
export interface SnapshotEntry {
  readonly label: string;
  readonly snapshot: Snapshot;
  /** Taken from a target, or loaded from a dump file. */
  readonly origin: "taken" | "loaded";
  /** The dump file it came from (loaded) or was last written to. */
  file?: string;
  /** When it was taken or loaded. */
  readonly time: Date;
  /** What it was taken from: the target's command, or the file. */
  readonly source: string;
}

/** The entries of the last `stats`, `compare` or `top`, for `traceback LABEL N`. */
export interface Listing {
  readonly command: string;
  /** The snapshot listed (the new one for `compare`). */
  readonly label: string;
  readonly keyType: KeyType;
  readonly cumulative: boolean;
  /** Every entry, in listed order, not only the shown ones. */
  readonly entries: readonly (Statistic | StatisticDiff)[];
}

/** Something a front end may want to show as it happens. */
export type SessionEvent =
  /** A chunk of a child target's standard output or error. */
  | {
    readonly type: "output";
    readonly stream: "stdout" | "stderr";
    readonly text: string;
    readonly pid: number;
  }
  /** A child target ended. */
  | {
    readonly type: "exit";
    readonly exit: TargetExit;
    readonly pid: number;
    readonly command: string;
  }
  /** A possibly long operation began; `done` settles when it ends. */
  | {
    readonly type: "activity";
    readonly text: string;
    readonly done: Promise<unknown>;
  };

/** How to build a {@link Session}. */
export interface SessionOptions {
  /** The target commands act on before `run`, usually a `LocalTarget`. */
  readonly target: Target;
  /** Starts the program of `run`; without it, `run` fails with a message. */
  readonly launch?: Launcher;
  /** The commands understood; default: the whole language. */
  readonly commands?: CommandRegistry;
}

/** A command that ran: its name and result. */
export interface Outcome {
  readonly command: string;
  readonly result: CommandResult;
}

/**
 * The state commands work on, and the entry point that runs one line.
 *
 * @example
 * ```ts
 * const session = new Session({ target: new LocalTarget() });
 * await session.execute("start");
 * await session.execute("snapshot before");
 * const outcome = await session.execute("stats before --limit 3");
 * console.log(outcome?.result.lines.join("\n"));
 * await session.close();
 * ```
 */
export class Session {
  /** The commands this session understands. */
  readonly commands: CommandRegistry;
  /** Snapshots by label, in the order they were added. */
  readonly snapshots = new Map<string, SnapshotEntry>();
  /** Active filters, applied to every listing. */
  readonly filters: (Filter | DomainFilter)[] = [];
  /** The last listing, for `traceback`. */
  listing: Listing | null = null;
  /** Settings of the last `start` (cleared by `stop`), applied to the program `run` starts. */
  settings: TraceSettings | null = null;
  readonly #launch?: Launcher;
  readonly #listeners = new Set<(event: SessionEvent) => void>();
  readonly #filtered = new WeakMap<
    Snapshot,
    { version: number; snapshot: Snapshot }
  >();
  #target: Target;
  #child = false;
  #filterVersion = 0;
  #counter = 0;
  #closed = false;

  constructor(options: SessionOptions) {
    this.#target = options.target;
    this.#launch = options.launch;
    this.commands = options.commands ?? defaultRegistry();
  }

  /** What commands act on now. */
  get target(): Target {
    return this.#target;
  }

  /** True once `run` has started a program (even if it has exited since). */
  get hasChild(): boolean {
    return this.#child;
  }

  /** How `run` starts programs, when it can. */
  get launcher(): Launcher | undefined {
    return this.#launch;
  }

  /**
   * Runs one line of the command language. Blank lines and comments give
   * `null`.
   *
   * @throws {CommandError} for an unknown command, a bad option or argument,
   *   and for a command that fails (its message names the command)
   */
  async execute(line: string): Promise<Outcome | null> {
    if (this.#closed) throw new CommandError("", "the session is closed");
    const head = /^\s*([^\s'"\\#]+)(?=\s|$)/.exec(line);
    let name: string;
    let raw = "";
    let words;
    if (head && this.commands.get(head[1])?.spec.raw) {
      name = head[1];
      raw = line.slice(head[0].length).trim();
      words = [] as const;
    } else {
      try {
        words = tokenize(line);
      } catch (error) {
        throw new CommandError(head?.[1] ?? "", messageOf(error));
      }
      if (!words.length) return null;
      name = words[0].text;
      words = words.slice(1);
    }
    const command = this.commands.get(name);
    if (!command) {
      throw new CommandError(
        name,
        `unknown command${this.commands.suggest(name)} (try help)`,
      );
    }
    const args = parseArgs(command.spec, words);
    try {
      return { command: name, result: await command.run(this, args, raw) };
    } catch (error) {
      if (error instanceof CommandError) throw error;
      throw new CommandError(name, messageOf(error));
    }
  }

  /** Listens to output, exits and activities; returns a function that stops listening. */
  on(listener: (event: SessionEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Tells listeners that `work` may take a while, and resolves to its result. */
  activity<T>(text: string, work: Promise<T>): Promise<T> {
    this.#emit({ type: "activity", text, done: work });
    return work;
  }

  /**
   * Makes `target` the one commands act on (a program `run` started) and
   * closes the previous one: a child is ended, this process stops the
   * tracing it started.
   */
  async switchTarget(target: Target): Promise<void> {
    const previous = this.#target;
    const status = await target.status();
    target.onOutput((stream, text) => this.#emit({ type: "output", stream, text, pid: status.pid }));
    target.onExit((exit) => {
      // Ending the program is what closing means; only an exit of its own is news.
      if (!this.#closed && this.#target === target) {
        this.#emit({
          type: "exit",
          exit,
          pid: status.pid,
          command: status.command,
        });
      }
    });
    this.#target = target;
    this.#child = true;
    await previous.close();
  }

  /** The entry under `label`, or the latest one when `label` is absent. */
  snapshotEntry(command: string, label?: string): SnapshotEntry {
    if (label === undefined) {
      const last = [...this.snapshots.values()].at(-1);
      if (!last) {
        throw new CommandError(
          command,
          "no snapshot yet: take one with snapshot, or load a dump",
        );
      }
      return last;
    }
    const entry = this.snapshots.get(label);
    if (!entry) {
      const known = [...this.snapshots.keys()];
      throw new CommandError(
        command,
        `no snapshot labelled ${JSON.stringify(label)}` +
          (known.length ? ` (have ${known.join(", ")})` : ""),
      );
    }
    return entry;
  }

  /** The snapshot of `entry` with the active filters applied (cached until the filters change). */
  filtered(entry: SnapshotEntry): Snapshot {
    if (!this.filters.length) return entry.snapshot;
    const cached = this.#filtered.get(entry.snapshot);
    if (cached?.version === this.#filterVersion) return cached.snapshot;
    const snapshot = entry.snapshot.filterTraces(this.filters);
    this.#filtered.set(entry.snapshot, {
      version: this.#filterVersion,
      snapshot,
    });
    return snapshot;
  }

  /** Replaces the active filters. */
  setFilters(filters: readonly (Filter | DomainFilter)[]): void {
    this.filters.splice(0, this.filters.length, ...filters);
    this.#filterVersion++;
  }

  /** The next free default label: s1, s2, ... */
  nextLabel(): string {
    let label: string;
    do label = `s${++this.#counter}`; while (this.snapshots.has(label));
    return label;
  }

  /** Ends the session and closes its target (a child is ended). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#target.close();
  }

  #emit(event: SessionEvent): void {
    for (const listener of this.#listeners) listener(event);
  }
}
