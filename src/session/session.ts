/**
 * A session: one target at a time (this process, or a program started by
 * `run`), labelled snapshots, active filters, the last listing and the
 * tracing settings `run` passes on. Front ends (the REPL, the TUI's command
 * line) feed it lines and show what comes back; it never prints.
 *
 * @module
 */
import type { Snapshot } from "../model/snapshot.ts";
import type { CommandResult } from "./command.ts";
import { CommandError, messageOf } from "./errors.ts";
import { filtered, type Filters } from "./filtered.ts";
import type { Launcher, TraceSettings } from "./launch.ts";
import { type CommandRegistry, defaultRegistry } from "./registry.ts";
import { parseArgs } from "./spec.ts";
import { type Listing, nextDefaultLabel, type SessionChange, type SessionState, type SnapshotEntry } from "./state.ts";
import type { Target, TargetExit } from "./target.ts";
import { tokenize } from "./tokenize.ts";

export type { Listing, SessionChange, SessionState, SnapshotEntry } from "./state.ts";

/**
 * A snapshot to add: its label, when absent, is the session's next default one.
 *
 * @example
 * ```ts
 * import type { Snapshot } from "../model/snapshot.ts";
 * declare const snapshot: Snapshot;
 * const loaded: NewSnapshot = { snapshot, origin: "loaded", file: "a.dump", time: new Date(), source: "a.dump" };
 * ```
 */
export type NewSnapshot = Omit<SnapshotEntry, "label"> & { readonly label?: string };

/**
 * Something a front end may want to show as it happens.
 *
 * @example
 * ```ts
 * import process from "node:process";
 * declare const session: Session;
 * session.on((event: SessionEvent) => {
 *   if (event.type === "output") process.stdout.write(event.text);
 * });
 * ```
 */
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

/**
 * How to build a {@link Session}.
 *
 * @example
 * ```ts
 * import { LocalTarget } from "./local.ts";
 * const options: SessionOptions = { target: new LocalTarget() };
 * const session = new Session(options);
 * ```
 */
export interface SessionOptions {
  /** The target commands act on before `run`, usually a `LocalTarget`. */
  readonly target: Target;
  /** Starts the program of `run`; without it, `run` fails with a message. */
  readonly launch?: Launcher;
  /** The commands understood; default: the whole language. */
  readonly commands?: CommandRegistry;
}

/**
 * A command that ran: its name and result.
 *
 * @example
 * ```ts
 * declare const session: Session;
 * const outcome: Outcome | null = await session.execute("status"); // null for a blank line or a comment
 * if (outcome) console.log(outcome.command, outcome.result.lines.join("\n")); // "status", then its lines
 * ```
 */
export interface Outcome {
  /** The command's name, e.g. `stats`. */
  readonly command: string;
  /** What it gave back. */
  readonly result: CommandResult;
}

/**
 * The state commands work on, and the entry point that runs one line. Its
 * state (snapshots, filters, listing, settings) changes only through its
 * methods, each announced to {@link Session.onChange} listeners; front ends
 * read {@link Session.state} and redraw when told.
 *
 * @example
 * ```ts
 * import { LocalTarget } from "./local.ts";
 * const session = new Session({ target: new LocalTarget() });
 * const off = session.onChange((change) => console.log(change.type));
 * await session.execute("start");
 * await session.execute("snapshot before");
 * const outcome = await session.execute("stats before --limit 3");
 * console.log(outcome?.result.lines.join("\n"));
 * off();
 * await session.close();
 * ```
 */
export class Session {
  /** The commands this session understands. */
  readonly commands: CommandRegistry;
  readonly #launch?: Launcher;
  readonly #listeners = new Set<(event: SessionEvent) => void>();
  readonly #changes = new Set<(change: SessionChange) => void>();
  #state: SessionState = {
    snapshots: new Map(),
    filters: [],
    listing: null,
    settings: null,
    nextLabel: nextDefaultLabel(0, new Map()),
  };
  /** The number of the last default label given. */
  #lastLabel = 0;
  #target: Target;
  #child = false;
  #closed = false;

  /** A session on `options.target` with no snapshot, filter or listing yet. */
  constructor(options: SessionOptions) {
    this.#target = options.target;
    this.#launch = options.launch;
    this.commands = options.commands ?? defaultRegistry();
  }

  /**
   * Everything the session holds: a new value after each change.
   *
   * @example
   * ```ts
   * import type { Session } from "./session.ts";
   * declare const session: Session;
   * const labels = [...session.state.snapshots.keys()];
   * ```
   */
  get state(): SessionState {
    return this.#state;
  }

  /** Snapshots by label, in the order they were added. */
  get snapshots(): ReadonlyMap<string, SnapshotEntry> {
    return this.#state.snapshots;
  }

  /** Active filters, applied to every listing. */
  get filters(): Filters {
    return this.#state.filters;
  }

  /** The last listing, for `traceback`. */
  get listing(): Listing | null {
    return this.#state.listing;
  }

  /** Settings of the last `start` (cleared by `stop`), applied to the program `run` starts. */
  get settings(): TraceSettings | null {
    return this.#state.settings;
  }

  /** The label a snapshot taken or loaded without one gets next (see {@link nextDefaultLabel}). */
  get nextLabel(): string {
    return this.#state.nextLabel;
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
   * `null`. Listeners hear a `command` change once it has run, failed or not.
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
    let ok = false;
    try {
      const outcome = { command: name, result: await command.run(this, args, raw) };
      ok = true;
      return outcome;
    } catch (error) {
      if (error instanceof CommandError) throw error;
      throw new CommandError(name, messageOf(error));
    } finally {
      this.#announce({ type: "command", command: name, ok });
    }
  }

  /** Listens to output, exits and activities; returns a function that stops listening. */
  on(listener: (event: SessionEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Listens to changes of the session's state (and to each command run);
   * returns a function that stops listening.
   *
   * @example
   * ```ts
   * import type { Session } from "./session.ts";
   * declare const session: Session;
   * const off = session.onChange((change) => {
   *   if (change.type === "filters") console.log(change.filters.map(String));
   * });
   * off();
   * ```
   */
  onChange(listener: (change: SessionChange) => void): () => void {
    this.#changes.add(listener);
    return () => this.#changes.delete(listener);
  }

  /**
   * Calls `listener` after each change of {@link Session.state}: the store
   * shape React's `useSyncExternalStore` takes.
   *
   * @example
   * ```ts
   * import { useSyncExternalStore } from "react";
   * import type { Session } from "./session.ts";
   * declare const session: Session;
   * const state = useSyncExternalStore((redraw) => session.subscribe(redraw), () => session.state);
   * ```
   */
  subscribe(listener: () => void): () => void {
    return this.onChange((change) => {
      if (change.type !== "command") listener();
    });
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
    this.#announce({ type: "target", target });
    await previous.close();
  }

  /**
   * Entry `n` (from 1) of the last listing, for `command` (`traceback`,
   * `retainers`); a `CommandError` when there is no listing or no such entry.
   */
  listedRow(command: string, n: number): { listing: Listing; row: Listing["entries"][number] } {
    const listing = this.listing;
    if (!listing) throw new CommandError(command, "no listing yet: run stats, compare or top first");
    if (n > listing.entries.length) {
      throw new CommandError(
        command,
        `no entry ${n} in the last listing (${listing.command} ${listing.label} has ${listing.entries.length})`,
      );
    }
    return { listing, row: listing.entries[n - 1] };
  }

  /** The entry under `label`, or the latest one when `label` is absent. */
  snapshotEntry(command: string, label?: string): SnapshotEntry {
    const { snapshots } = this.#state;
    if (label === undefined) {
      const last = [...snapshots.values()].at(-1);
      if (!last) {
        throw new CommandError(
          command,
          "no snapshot yet: take one with snapshot, or load a dump",
        );
      }
      return last;
    }
    const entry = snapshots.get(label);
    if (!entry) {
      const known = [...snapshots.keys()];
      throw new CommandError(
        command,
        `no snapshot labelled ${JSON.stringify(label)}` +
          (known.length ? ` (have ${known.join(", ")})` : ""),
      );
    }
    return entry;
  }

  /** The snapshot of `entry` with the active filters applied (made once per set of filters). */
  filtered(entry: SnapshotEntry): Snapshot {
    return filtered(entry.snapshot, this.#state.filters);
  }

  /**
   * Keeps a snapshot under its label, or under the next default label
   * when it has none; a snapshot held under that label is replaced (and
   * the result says so). The entry kept is returned.
   *
   * @example
   * ```ts
   * import type { Snapshot } from "../model/snapshot.ts";
   * import type { Session } from "./session.ts";
   * declare const session: Session;
   * declare const snapshot: Snapshot;
   * const { entry } = session.addSnapshot({ snapshot, origin: "taken", time: new Date(), source: "node app.ts" });
   * entry.label; // "s1" in a new session
   * ```
   */
  addSnapshot(snapshot: NewSnapshot): { readonly entry: SnapshotEntry; readonly replaced: boolean } {
    let label = snapshot.label;
    if (label === undefined) {
      label = this.#state.nextLabel;
      this.#lastLabel = Number(label.slice(1));
    }
    const entry: SnapshotEntry = { ...snapshot, label };
    const snapshots = new Map(this.#state.snapshots);
    // A replaced snapshot counts as new: it goes to the end, where "the latest" is.
    const replaced = snapshots.delete(label);
    snapshots.set(label, entry);
    this.#change({ snapshots }, { type: "snapshot-added", entry, replaced });
    return { entry, replaced };
  }

  /**
   * Forgets snapshot `label`; false when there was none.
   *
   * @example
   * ```ts
   * import type { Session } from "./session.ts";
   * declare const session: Session;
   * if (!session.deleteSnapshot("s1")) console.log("no snapshot labelled s1");
   * ```
   */
  deleteSnapshot(label: string): boolean {
    if (!this.#state.snapshots.has(label)) return false;
    const snapshots = new Map(this.#state.snapshots);
    snapshots.delete(label);
    this.#change({ snapshots }, { type: "snapshot-deleted", label });
    return true;
  }

  /**
   * Notes that snapshot `label` was written to `file` (its entry's `file` from now on).
   *
   * @example
   * ```ts
   * import type { Session } from "./session.ts";
   * declare const session: Session;
   * await session.snapshotEntry("dump", "s1").snapshot.dump("s1.dump");
   * session.noteDumped("s1", "s1.dump");
   * ```
   */
  noteDumped(label: string, file: string): void {
    const entry = this.#state.snapshots.get(label);
    if (!entry) return;
    // Replaced in place: a dump does not make a snapshot the latest.
    const snapshots = new Map([...this.#state.snapshots].map(([l, e]) => [l, l === label ? { ...e, file } : e]));
    this.#change({ snapshots }, { type: "snapshot-dumped", label, file });
  }

  /**
   * Replaces the active filters.
   *
   * @example
   * ```ts
   * import { DomainFilter } from "../model/filter.ts";
   * import type { Session } from "./session.ts";
   * declare const session: Session;
   * session.setFilters([...session.filters, new DomainFilter(true, 1)]);
   * ```
   */
  setFilters(filters: Filters): void {
    const copy = Object.freeze([...filters]);
    this.#change({ filters: copy }, { type: "filters", filters: copy });
  }

  /**
   * Makes `listing` the last listing (`traceback` reads it).
   *
   * @example
   * ```ts
   * import type { Session } from "./session.ts";
   * declare const session: Session;
   * const entries = session.filtered(session.snapshotEntry("stats")).statistics("lineno");
   * session.setListing({ command: "stats", label: "s1", keyType: "lineno", cumulative: false, entries });
   * ```
   */
  setListing(listing: Listing | null): void {
    this.#change({ listing }, { type: "listing", listing });
  }

  /**
   * Sets (or, with null, clears) the settings the program `run` starts is traced with.
   *
   * @example
   * ```ts
   * import type { Session } from "./session.ts";
   * declare const session: Session;
   * session.setSettings({ nframe: 5, options: { sampleEvery: 16 } });
   * ```
   */
  setSettings(settings: TraceSettings | null): void {
    this.#change({ settings }, { type: "settings", settings });
  }

  /** Ends the session and closes its target (a child is ended). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#target.close();
  }

  #change(parts: Partial<SessionState>, change: SessionChange): void {
    const next = { ...this.#state, ...parts };
    this.#state = { ...next, nextLabel: nextDefaultLabel(this.#lastLabel, next.snapshots) };
    this.#announce(change);
  }

  #announce(change: SessionChange): void {
    for (const listener of this.#changes) listener(change);
  }

  #emit(event: SessionEvent): void {
    for (const listener of this.#listeners) listener(event);
  }
}
