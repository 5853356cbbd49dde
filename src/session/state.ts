/**
 * What a session holds (labelled snapshots, active filters, the last
 * listing, the settings `run` passes on) as one immutable value, and the
 * changes a session announces. Front ends draw from the value and listen
 * for the changes; only the session's own methods make new values.
 *
 * @module
 */
import type { KeyType } from "../model/group.ts";
import type { Snapshot } from "../model/snapshot.ts";
import type { Statistic, StatisticDiff } from "../model/statistic.ts";
import type { Filters } from "./filtered.ts";
import type { TraceSettings } from "./launch.ts";
import type { Target } from "./target.ts";

/**
 * A snapshot the session holds under a label.
 *
 * @example
 * ```ts
 * import type { Snapshot } from "../model/snapshot.ts";
 * declare const snapshot: Snapshot;
 * const entry: SnapshotEntry = { label: "s1", snapshot, origin: "taken", time: new Date(), source: "node app.ts" };
 * ```
 */
export interface SnapshotEntry {
  /** Its name in the session, e.g. `s1`. */
  readonly label: string;
  /** The snapshot, unfiltered. */
  readonly snapshot: Snapshot;
  /** Taken from a target, or loaded from a dump file. */
  readonly origin: "taken" | "loaded";
  /** The dump file it came from (loaded) or was last written to. */
  readonly file?: string;
  /** When it was taken or loaded. */
  readonly time: Date;
  /** What it was taken from: the target's command, or the file. */
  readonly source: string;
}

/**
 * The entries of the last `stats`, `compare` or `top`, for `traceback LABEL N`.
 *
 * @example
 * ```ts
 * const none: Listing = { command: "stats", label: "s1", keyType: "lineno", cumulative: false, entries: [] };
 * ```
 */
export interface Listing {
  /** The command that listed them: `stats`, `compare` or `top`. */
  readonly command: string;
  /** The snapshot listed (the new one for `compare`). */
  readonly label: string;
  /** How the entries were grouped. */
  readonly keyType: KeyType;
  /** Whether every frame of a traceback counted, not only the most recent. */
  readonly cumulative: boolean;
  /** Every entry, in listed order, not only the shown ones. */
  readonly entries: readonly (Statistic | StatisticDiff)[];
}

/**
 * Everything a session holds, as one value: a new object after each
 * change, its parts never changed in place.
 *
 * @example
 * ```ts
 * declare const state: SessionState;
 * const labels = [...state.snapshots.keys()];
 * const shown = state.filters.map(String);
 * ```
 */
export interface SessionState {
  /** Snapshots by label, in the order they were added. */
  readonly snapshots: ReadonlyMap<string, SnapshotEntry>;
  /** Active filters, applied to every listing. */
  readonly filters: Filters;
  /** The last listing, for `traceback`. */
  readonly listing: Listing | null;
  /** Settings of the last `start` (cleared by `stop`), applied to the program `run` starts. */
  readonly settings: TraceSettings | null;
  /** The label the next snapshot taken or loaded without one gets. */
  readonly nextLabel: string;
}

/**
 * What changed in a session, as it happens.
 *
 * @example
 * ```ts
 * declare const change: SessionChange;
 * if (change.type === "snapshot-added" && change.replaced) console.log(`${change.entry.label} replaced`);
 * ```
 */
export type SessionChange =
  /** A snapshot was taken or loaded (`replaced`: one with its label was held). */
  | { readonly type: "snapshot-added"; readonly entry: SnapshotEntry; readonly replaced: boolean }
  | { readonly type: "snapshot-deleted"; readonly label: string }
  /** A held snapshot was written to `file`. */
  | { readonly type: "snapshot-dumped"; readonly label: string; readonly file: string }
  | { readonly type: "filters"; readonly filters: Filters }
  | { readonly type: "listing"; readonly listing: Listing | null }
  | { readonly type: "settings"; readonly settings: TraceSettings | null }
  /** Commands act on another target now (a program `run` started). */
  | { readonly type: "target"; readonly target: Target }
  /**
   * A command line ran (`ok`: without failing): the target's own state
   * (tracing, traces, memory) may have changed with it.
   */
  | { readonly type: "command"; readonly command: string; readonly ok: boolean };

/**
 * The default label rule, the same in the REPL and the TUI: `s` and the
 * first number after `last` (that of the last default label given, 0
 * before any) whose label is not held. A number once given is not given
 * again, so a later snapshot is never mistaken for a deleted one.
 *
 * @example
 * ```ts
 * nextDefaultLabel(0, new Set(["s1"])); // "s2"
 * nextDefaultLabel(2, new Set()); // "s3"
 * ```
 */
export function nextDefaultLabel(last: number, held: ReadonlySet<string> | ReadonlyMap<string, unknown>): string {
  let n = last + 1;
  while (held.has(`s${n}`)) n++;
  return `s${n}`;
}
