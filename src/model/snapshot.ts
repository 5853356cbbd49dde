/**
 * `Snapshot`, as CPython's `tracemalloc.Snapshot`: the traces taken at one
 * moment, stored as columns over an interned table, with statistics,
 * differences, filters, and dump and load in the binary format.
 *
 * @module
 */
import { allocateColumns, type TraceColumns } from "./columns.ts";
import type { RawFrame } from "./frame.ts";
import { checkKey, FrameCache, type Group, groupTraces, type KeyType } from "./group.ts";
import { compareStatisticDiffs, compareStatistics, Statistic, StatisticDiff } from "./statistic.ts";
import { NONE, TraceTable } from "./table.ts";
import { Trace, TraceSequence } from "./trace.ts";
import type { DomainFilter, Filter } from "./filter.ts";
import { filterColumns } from "./filtering.ts";
import { decodeSnapshot, encodeSnapshot } from "./codec.ts";
import { readSnapshotFile, writeFileAtomic } from "./file.ts";

/**
 * A trace in CPython's raw form: `[domain, size, frames, totalNframe]`, frames
 * most recent first. A fifth element, when present, is the number of
 * allocations the trace stands for (sampling engines); it defaults to 1.
 */
export type RawTrace = readonly [
  domain: number,
  size: number,
  frames: readonly RawFrame[],
  totalNframe: number | null,
  count?: number,
];

const UNKNOWN_FRAMES: readonly RawFrame[] = [["<unknown>", 0]];

/** Internal parts of a snapshot, for engines and the codec. */
export interface SnapshotParts {
  table: TraceTable;
  columns: TraceColumns;
  tracebackLimit: number;
}

/**
 * Traces of memory blocks at one moment, as CPython's `Snapshot`: statistics,
 * differences, filters, dump and load.
 *
 * @example
 * ```ts
 * const snapshot = new Snapshot([[0, 5002, [["app.ts", 5]], 1]], 1);
 * for (const stat of snapshot.statistics("lineno")) console.log(String(stat));
 * // app.ts:5: size=5002 B, count=1, average=5002 B
 * ```
 */
export class Snapshot {
  /** Maximum number of frames kept per traceback when the snapshot was taken. */
  readonly tracebackLimit: number;
  /** @internal interned frames, stacks and tracebacks (shared with filtered copies). */
  readonly table: TraceTable;
  /** @internal the traces, one typed-array slot each. */
  readonly columns: TraceColumns;
  #frames?: FrameCache;
  #traces?: TraceSequence;

  /**
   * @param rawTraces traces in CPython's raw form (see {@link RawTrace})
   * @param tracebackLimit the traceback limit they were taken with
   */
  constructor(rawTraces: Iterable<RawTrace>, tracebackLimit: number);
  /** @internal */
  constructor(parts: SnapshotParts);
  constructor(raw: Iterable<RawTrace> | SnapshotParts, tracebackLimit?: number) {
    if (raw instanceof Object && "columns" in raw && "table" in raw) {
      ({ table: this.table, columns: this.columns, tracebackLimit: this.tracebackLimit } = raw);
      return;
    }
    if (!Number.isInteger(tracebackLimit) || tracebackLimit! < 0) {
      throw new TypeError(`tracebackLimit must be a non-negative integer, not ${tracebackLimit}`);
    }
    this.tracebackLimit = tracebackLimit!;
    this.table = new TraceTable();
    this.columns = internRawTraces(this.table, [...(raw as Iterable<RawTrace>)]);
  }

  /** The traces, in no particular order. */
  get traces(): TraceSequence {
    if (!this.#traces) {
      const { domain, size, traceback, count } = this.columns;
      this.#traces = new TraceSequence(
        this.columns.length,
        (i) => new Trace(domain[i], size[i], this.#frameCache().traceback(traceback[i]), count ? count[i] : 1),
      );
    }
    return this.#traces;
  }

  /**
   * Statistics grouped by `keyType`, biggest first (size, count, traceback).
   * With `cumulative`, every frame of a traceback counts, not only the most
   * recent one ("filename" and "lineno" only).
   */
  statistics(keyType: KeyType, cumulative = false): Statistic[] {
    checkKey(keyType, cumulative);
    return groupTraces(this.table, this.columns, keyType, cumulative)
      .map((g) => new Statistic(g.traceback, g.size, g.count))
      .sort(compareStatistics);
  }

  /**
   * Differences from `old`, grouped by `keyType`, biggest change first
   * (|sizeDiff|, size, |countDiff|, count, traceback).
   */
  compareTo(old: Snapshot, keyType: KeyType, cumulative = false): StatisticDiff[] {
    checkKey(keyType, cumulative);
    const now = groupTraces(this.table, this.columns, keyType, cumulative);
    const before = groupTraces(old.table, old.columns, keyType, cumulative);
    const sameTable = old.table === this.table;
    const keyOf = (g: Group) => sameTable ? g.id : groupKey(g);
    const previous = new Map(before.map((g) => [keyOf(g), g]));
    const diffs: StatisticDiff[] = [];
    for (const g of now) {
      const p = previous.get(keyOf(g));
      previous.delete(keyOf(g));
      diffs.push(new StatisticDiff(g.traceback, g.size, g.size - (p?.size ?? 0), g.count, g.count - (p?.count ?? 0)));
    }
    for (const p of previous.values()) diffs.push(new StatisticDiff(p.traceback, 0, -p.size, 0, -p.count));
    return diffs.sort(compareStatisticDiffs);
  }

  /**
   * A new snapshot with the traces the filters keep: a trace stays when any
   * inclusive filter matches it (or there is none) and no exclusive filter
   * rejects it. This snapshot is left untouched.
   */
  filterTraces(filters: readonly (Filter | DomainFilter)[]): Snapshot {
    if (!Array.isArray(filters)) {
      throw new TypeError(`filters must be an array of Filter or DomainFilter, not ${describe(filters)}`);
    }
    const columns = filterColumns(this.table, this.columns, filters);
    return new Snapshot({ table: this.table, columns, tracebackLimit: this.tracebackLimit });
  }

  /** Writes the snapshot to `path` in the binary dump format, atomically. */
  async dump(path: string): Promise<void> {
    await writeFileAtomic(path, encodeSnapshot(this));
  }

  /** Reads a snapshot written by {@link Snapshot.dump}; a damaged or foreign file rejects with an error naming it. */
  static async load(path: string): Promise<Snapshot> {
    return new Snapshot(decodeSnapshot(await readSnapshotFile(path), path));
  }

  #frameCache(): FrameCache {
    return this.#frames ??= new FrameCache(this.table);
  }
}

function describe(value: unknown): string {
  return value === null ? "null" : typeof value === "object" ? value.constructor?.name ?? "object" : typeof value;
}

/** A key that is equal for equal groups of different tables. */
function groupKey(g: Group): string {
  let key = "";
  for (const f of g.traceback) {
    key += `${f.filename}\0${f.lineno}\0${f.column ?? ""}\0${f.functionName ?? "\u0001"}\u0002`;
  }
  return key;
}

function internRawTraces(table: TraceTable, raw: readonly RawTrace[]): TraceColumns {
  const weighted = raw.some((t) => t.length > 4 && t[4] !== undefined && t[4] !== 1);
  const columns = allocateColumns(raw.length, weighted);
  const stackOf = new Map<readonly RawFrame[], number>();
  for (let i = 0; i < raw.length; i++) {
    const trace = raw[i];
    if (!Array.isArray(trace) || trace.length < 4) {
      throw new TypeError(`trace ${i} must be [domain, size, frames, totalNframe], not ${describe(trace)}`);
    }
    const [domain, size, frames, total, count] = trace;
    if (!Number.isInteger(domain) || typeof size !== "number" || !Array.isArray(frames)) {
      throw new TypeError(`trace ${i} must be [domain, size, frames, totalNframe]: bad domain, size or frames`);
    }
    let stack = stackOf.get(frames);
    if (stack === undefined) {
      const list = frames.length ? frames : UNKNOWN_FRAMES;
      stack = table.internStack(list.map((f) => table.internRawFrame(f)));
      stackOf.set(frames, stack);
    }
    columns.domain[i] = domain;
    columns.size[i] = size;
    columns.traceback[i] = table.internTraceback(stack, total ?? NONE);
    if (columns.count) columns.count[i] = count ?? 1;
  }
  return columns;
}
