/**
 * `Snapshot`, as CPython's `tracemalloc.Snapshot`: the traces taken at one
 * moment, stored as columns over an interned table, with statistics,
 * differences, filters, and dump and load in the binary format.
 *
 * @module
 */
import { allocateColumns, type TraceColumns } from "./columns.ts";
import type { RawFrame } from "./frame.ts";
import { checkKey, FrameCache, groupTraces, keySpace, KeyTracebacks, type KeyType } from "./group.ts";
import { orderGroups } from "./order.ts";
import { Statistic, StatisticDiff } from "./statistic.ts";
import { NONE, TraceTable } from "./table.ts";
import { Trace, TraceSequence } from "./trace.ts";
import type { DomainFilter, Filter } from "./filter.ts";
import { filterColumns } from "./filtering.ts";
import { encodeSnapshot } from "./codec.ts";
import { loadSnapshotParts, writeFileAtomic } from "./file.ts";

/**
 * A trace in CPython's raw form: `[domain, size, frames, totalNframe]`, frames
 * most recent first. A fifth element, when present, is the number of
 * allocations the trace stands for (sampling engines); it defaults to 1.
 *
 * A trace without frames gets the one frame `<unknown>:0`, as in CPython; a
 * known totalNframe below the number of frames kept (that frame included)
 * is raised to it, since no traceback kept more frames than it had.
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
  /**
   * What makes every entry of the table and the columns what it stands
   * for, when a load left some as stored in the file, to widen them only
   * when they are first read (see `codec/decode.ts`): a snapshot runs it
   * when its table or its columns are first read. Nothing reads them
   * before.
   */
  widen?: () => void;
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
  readonly #table: TraceTable;
  readonly #columns: TraceColumns;
  /** See {@link SnapshotParts.widen}; null once it has run. */
  #widen: (() => void) | null = null;
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
      ({ table: this.#table, columns: this.#columns, tracebackLimit: this.tracebackLimit } = raw);
      this.#widen = raw.widen ?? null;
      return;
    }
    if (!Number.isInteger(tracebackLimit) || tracebackLimit! < 0) {
      throw new TypeError(`tracebackLimit must be a non-negative integer, not ${tracebackLimit}`);
    }
    this.tracebackLimit = tracebackLimit!;
    this.#table = new TraceTable();
    this.#columns = internRawTraces(this.#table, Array.isArray(raw) ? raw : [...(raw as Iterable<RawTrace>)]);
  }

  /** @internal interned frames, stacks and tracebacks (shared with filtered copies). */
  get table(): TraceTable {
    if (this.#widen) this.#widened();
    return this.#table;
  }

  /** @internal the traces, one typed-array slot each. */
  get columns(): TraceColumns {
    if (this.#widen) this.#widened();
    return this.#columns;
  }

  #widened(): void {
    const widen = this.#widen!;
    this.#widen = null;
    widen();
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
    const { keys, size, count } = groupTraces(this.table, this.columns, keyType, cumulative);
    const order = orderGroups(this.table, keyType, keys, [size, count]);
    const source = new KeyTracebacks(this.table, keyType);
    const stats: Statistic[] = [];
    for (let p = order.length - 1; p >= 0; p--) {
      const g = order[p];
      stats.push(Statistic.ofKey(source, keys[g], size[g], count[g]));
    }
    return stats;
  }

  /**
   * Differences from `old`, grouped by `keyType`, biggest change first
   * (|sizeDiff|, size, |countDiff|, count, traceback). When `old` has
   * another table, the keys it holds are added to this snapshot's table
   * (tables only grow; nothing else changes).
   */
  compareTo(old: Snapshot, keyType: KeyType, cumulative = false): StatisticDiff[] {
    checkKey(keyType, cumulative);
    const table = this.table;
    const now = groupTraces(table, this.columns, keyType, cumulative);
    const before = groupTraces(old.table, old.columns, keyType, cumulative);
    const oldKeys = old.table === table ? before.keys : translateKeys(old.table, table, keyType, before.keys);
    // Both sides in one dense array over this table's key ids: slot = group + 1, 0 when absent.
    const dim = keySpace(table, keyType);
    const oldSlot = new Int32Array(dim);
    for (let g = 0; g < oldKeys.length; g++) oldSlot[oldKeys[g]] = g + 1;
    const n = now.keys.length;
    const keys = new Uint32Array(n + oldKeys.length);
    keys.set(now.keys);
    const size = new Float64Array(keys.length), sizeDiff = new Float64Array(keys.length);
    const count = new Float64Array(keys.length), countDiff = new Float64Array(keys.length);
    size.set(now.size);
    count.set(now.count);
    for (let g = 0; g < n; g++) {
      const o = oldSlot[now.keys[g]] - 1;
      sizeDiff[g] = now.size[g] - (o >= 0 ? before.size[o] : 0);
      countDiff[g] = now.count[g] - (o >= 0 ? before.count[o] : 0);
      if (o >= 0) oldSlot[now.keys[g]] = 0;
    }
    let total = n;
    for (let o = 0; o < oldKeys.length; o++) {
      if (!oldSlot[oldKeys[o]]) continue;
      keys[total] = oldKeys[o];
      // 0 - x, not -x: a group of zero size that disappears changes by +0 B, as CPython's integers print it.
      sizeDiff[total] = 0 - before.size[o];
      countDiff[total] = 0 - before.count[o];
      total++;
    }
    const sizeChange = new Float64Array(total), countChange = new Float64Array(total);
    for (let i = 0; i < total; i++) {
      sizeChange[i] = Math.abs(sizeDiff[i]);
      countChange[i] = Math.abs(countDiff[i]);
    }
    const order = orderGroups(table, keyType, keys.subarray(0, total), [
      sizeChange,
      size.subarray(0, total),
      countChange,
      count.subarray(0, total),
    ]);
    const source = new KeyTracebacks(table, keyType);
    const diffs: StatisticDiff[] = [];
    for (let p = total - 1; p >= 0; p--) {
      const g = order[p];
      diffs.push(StatisticDiff.ofKey(source, keys[g], size[g], sizeDiff[g], count[g], countDiff[g]));
    }
    return diffs;
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
  static load(path: string): Promise<Snapshot> {
    try {
      return Promise.resolve(new Snapshot(loadSnapshotParts(path)));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  #frameCache(): FrameCache {
    return this.#frames ??= new FrameCache(this.table);
  }
}

function describe(value: unknown): string {
  return value === null ? "null" : typeof value === "object" ? value.constructor?.name ?? "object" : typeof value;
}

/**
 * The ids in `to` of keys of `from`, added to `to` when new there.
 *
 * Keys are looked up, not interned one by one: the new ones (most of them,
 * between snapshots of different programs) are added at the end in bulk,
 * and `to` indexes them only when next asked to intern something. Interning
 * them one at a time grew `to`'s frame index past its bound and rebuilt it
 * within the call, a third of a first compareTo() at 100k traces.
 */
function translateKeys(from: TraceTable, to: TraceTable, keyType: KeyType, keys: Uint32Array): Uint32Array {
  const strings = new Int32Array(from.strings.length).fill(-1);
  const string = (id: number) =>
    id === NONE ? NONE : strings[id] >= 0 ? strings[id] : strings[id] = to.internString(from.strings[id]);
  const out = new Uint32Array(keys.length);
  if (keyType === "filename") {
    for (let i = 0; i < keys.length; i++) out[i] = string(keys[i]);
    return out;
  }
  // Frames new to `to`, given the ids they will have once added.
  const added = new BulkFrames(to.frameCount);
  const frames = new Int32Array(from.frameCount).fill(-1);
  const frame = (id: number) => {
    if (frames[id] >= 0) return frames[id];
    const file = string(from.frameFile[id]), line = from.frameLine[id], column = from.frameColumn[id];
    const fn = string(from.frameFunction[id]);
    const found = to.findFrame(file, line, column, fn);
    return frames[id] = found !== NONE ? found : added.push(file, line, column, fn);
  };
  if (keyType === "lineno") {
    for (let i = 0; i < keys.length; i++) out[i] = frame(keys[i]);
    added.addTo(to);
    return out;
  }
  const { stackStart, stackFrames } = from;
  const ids: number[] = [];
  const newStarts: number[] = [0], newFrames: number[] = [];
  const firstNew = to.stackCount;
  for (let i = 0; i < keys.length; i++) {
    ids.length = 0;
    let known = true;
    for (let j = stackStart[keys[i]]; j < stackStart[keys[i] + 1]; j++) {
      const f = frame(stackFrames[j]);
      ids.push(f);
      if (f >= added.first) known = false;
    }
    // A stack with a frame new to `to` is new too.
    const found = known ? to.findStack(ids) : NONE;
    if (found !== NONE) out[i] = found;
    else {
      out[i] = firstNew + newStarts.length - 1;
      for (const f of ids) newFrames.push(f);
      newStarts.push(newFrames.length);
    }
  }
  added.addTo(to);
  if (newStarts.length > 1) to.addStacks(Uint32Array.from(newStarts), Int32Array.from(newFrames));
  return out;
}

/** Frames to add to a table in one go, numbered from `first` as they come. */
class BulkFrames {
  readonly file: number[] = [];
  readonly line: number[] = [];
  readonly column: number[] = [];
  readonly fn: number[] = [];

  constructor(readonly first: number) {}

  push(file: number, line: number, column: number, fn: number): number {
    this.file.push(file);
    this.line.push(line);
    this.column.push(column);
    return this.first + this.fn.push(fn) - 1;
  }

  /** Adds the frames to `table`, where they get the ids {@link BulkFrames.push} gave. */
  addTo(table: TraceTable): void {
    if (!this.file.length) return;
    table.addFrames(
      Int32Array.from(this.file),
      Float64Array.from(this.line),
      Float64Array.from(this.column),
      Int32Array.from(this.fn),
    );
  }
}

function internRawTraces(table: TraceTable, raw: readonly RawTrace[]): TraceColumns {
  let weighted = false;
  for (let i = 0; i < raw.length; i++) {
    const t = raw[i];
    if (t && t.length > 4 && t[4] !== undefined && t[4] !== 1) {
      weighted = true;
      break;
    }
  }
  const columns = allocateColumns(raw.length, weighted);
  const { domain: domains, size: sizes, traceback: tracebacks, count: counts } = columns;
  // Traces of one traceback usually share its frames array: its traceback id is looked up once.
  const tracebackOf = new Map<readonly RawFrame[], number>();
  for (let i = 0; i < raw.length; i++) {
    const trace = raw[i];
    if (!Array.isArray(trace) || trace.length < 4) {
      throw new TypeError(`trace ${i} must be [domain, size, frames, totalNframe], not ${describe(trace)}`);
    }
    const domain = trace[0], size = trace[1], frames = trace[2];
    if (!Number.isInteger(domain) || typeof size !== "number" || !Array.isArray(frames)) {
      throw new TypeError(`trace ${i} must be [domain, size, frames, totalNframe]: bad domain, size or frames`);
    }
    let total = trace[3] ?? NONE;
    // Frameless traces keep one frame, <unknown>:0.
    if (total >= 0 && total < Math.max(frames.length, 1)) total = Math.max(frames.length, 1);
    let tb = tracebackOf.get(frames);
    if (tb === undefined || table.tracebackTotal[tb] !== total) {
      const stack = tb === undefined ? internFrames(table, frames) : table.tracebackStack[tb];
      tb = table.internTraceback(stack, total);
      tracebackOf.set(frames, tb);
    }
    domains[i] = domain;
    sizes[i] = size;
    tracebacks[i] = tb;
    if (counts) counts[i] = trace[4] ?? 1;
  }
  return columns;
}

/** The stack id of raw frames, most recent first. */
function internFrames(table: TraceTable, frames: readonly RawFrame[]): number {
  const list = frames.length ? frames : UNKNOWN_FRAMES;
  const ids: number[] = [];
  for (let k = 0; k < list.length; k++) ids.push(table.internRawFrame(list[k]));
  return table.internStack(ids);
}
