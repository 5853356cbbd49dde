/**
 * What the traced program and the controller agree on for `retainers`: the
 * question (the objects allocated at one row of a listing), the probe the
 * program puts them in before it takes a heap snapshot, and what it reports
 * besides the snapshot's bytes.
 *
 * The probe is an instance of {@link PROBE_CLASS} with five arrays:
 * `targets` (the objects asked about), `containers` (the Maps and Sets the
 * tracer holds), `held` (objects that Map and Set entries hold, one per
 * reported entry), `landmarks` (on JavaScriptCore, objects allocated once
 * at a known file's top level: a snapshot there does not say which file a
 * module's scope is, an object one of its variables holds does) and `own`
 * (the tracer's own structures). The analysis finds it by its class, and
 * never walks through it.
 *
 * @module
 */
import type { HeapSnapshotFormat } from "./graph.ts";

/**
 * The class of the probe object, by which the analysis finds it in the snapshot.
 *
 * @example
 * ```ts
 * class TracemallocRetainerProbe {} // the agent's class has this name
 * TracemallocRetainerProbe.name === PROBE_CLASS; // true
 * ```
 */
export const PROBE_CLASS = "TracemallocRetainerProbe";

/**
 * The probe's fields, in the snapshot as property edges.
 *
 * @example
 * ```ts
 * PROBE_FIELDS.targets; // "targets"
 * ```
 */
export const PROBE_FIELDS = {
  targets: "targets",
  containers: "containers",
  held: "held",
  landmarks: "landmarks",
  own: "own",
} as const;

/**
 * Which objects `retainers` asks about: those allocated at one row of a
 * listing (as `traceback` finds its tracebacks).
 *
 * @example
 * ```ts
 * const query: RetainerQuery = { key: [["/app/leaky.ts", 12]], keyType: "lineno", cumulative: false, objects: 20 };
 * ```
 */
export interface RetainerQuery {
  /** The row's key: its frames, oldest first, as `[filename, lineno]`. */
  readonly key: readonly (readonly [string, number])[];
  /** How the listing grouped: by line, file or whole traceback. */
  readonly keyType: "lineno" | "filename" | "traceback";
  /** Whether any frame counted, not only the most recent. */
  readonly cumulative: boolean;
  /** How many of the live objects there to look at, at most. */
  readonly objects: number;
}

/**
 * What an entry of a Map or a Set holds: a Map's value or key, a Set's member.
 *
 * @example
 * ```ts
 * const role: EntryRole = "value";
 * ```
 */
export type EntryRole = "value" | "key" | "member";

/**
 * Map and Set entries the program reported, one per object of the probe's
 * `held` array, in parallel arrays.
 *
 * @example
 * ```ts
 * // probe.held[0] is the value under key 4123 of probe.containers[2]
 * const entries: ProbeEntries = { container: [2], role: ["value"], key: ["4123"] };
 * ```
 */
export interface ProbeEntries {
  /** The entry's container: an index in the probe's `containers`. */
  readonly container: readonly number[];
  readonly role: readonly EntryRole[];
  /** The key as text (`4123`, `"abc"`, `(Session)`); null for a Set. */
  readonly key: readonly (string | null)[];
}

/**
 * Where an object was allocated: the most recent frame of its traceback.
 *
 * @example
 * ```ts
 * const site: ProbeSite = ["/app/leaky.ts", 3, null]; // at module level: no function
 * ```
 */
export type ProbeSite = readonly [file: string, line: number, fn: string | null];

/**
 * What the program reports with its heap snapshot.
 *
 * @example
 * ```ts
 * declare const probe: RetainerProbe;
 * console.log(`${probe.found} live objects there, ${probe.taken} looked at`);
 * ```
 */
export interface RetainerProbe {
  /** Live objects allocated at the row now. */
  readonly found: number;
  /** Those put in the probe (at most the query's `objects`). */
  readonly taken: number;
  /** The program's domain-0 engine (`line`, `sampler`, `census`), null when none. */
  readonly engine: string | null;
  /** The heap snapshot's format; null when none was taken (nothing found). */
  readonly format: HeapSnapshotFormat | null;
  /** Where each object of the probe's `targets` was allocated. */
  readonly targetSites: readonly ProbeSite[];
  /** Where each object of the probe's `containers` was allocated. */
  readonly containerSites: readonly ProbeSite[];
  readonly entries: ProbeEntries;
  /** The file each object of the probe's `landmarks` was allocated in: an index in `files`. */
  readonly landmarks: { readonly files: readonly string[]; readonly file: readonly number[] };
  /** False when the program stopped looking through Map and Set entries (too many). */
  readonly entriesComplete: boolean;
  /** Milliseconds the program took to take the heap snapshot. */
  readonly snapshotMs: number;
}

/**
 * The program's answer: its report and the heap snapshot's bytes (empty
 * when none was taken).
 *
 * @example
 * ```ts
 * declare const answer: RetainerSnapshot;
 * console.log(`${answer.format}: ${answer.bytes.byteLength} bytes`);
 * ```
 */
export interface RetainerSnapshot extends RetainerProbe {
  readonly bytes: Uint8Array;
}
