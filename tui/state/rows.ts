/**
 * The key of each row of a table (a frame, a file name or a stack of the
 * snapshot's interned table), made into a `Traceback` only when a row is
 * drawn or compared, and found again by content: by a traceback (the
 * cursor follows its row across refreshes) or by the ids of another table
 * (a refresh is matched with the one before, decoded into a table of its
 * own). Lookups go through a hash of the keys' ids, never through strings
 * made per row.
 *
 * @module
 */
import { KeyTracebacks, type KeyType } from "../../src/model/group.ts";
import { NONE, type TraceTable } from "../../src/model/table.ts";
import type { Traceback } from "../../src/model/traceback.ts";
import { runNow, type Steps } from "./pace.ts";

/**
 * What a table needs from its row keys.
 *
 * @example
 * ```ts
 * declare const keys: RowKeyed;
 * const first = keys.traceback(0);
 * keys.rowOf(first); // 0
 * ```
 */
export interface RowKeyed {
  /** Number of rows. */
  readonly length: number;
  /** The key of `row` as a traceback (made once, on first use). */
  traceback(row: number): Traceback;
  /** The row keyed by `key` (equal frames), or -1. */
  rowOf(key: Traceback): number;
}

/** String ids of a table by their text, filled as far as the table's strings go. */
interface StringIndex {
  readonly ids: Map<string, number>;
  indexed: number;
}

const stringIndexes = new WeakMap<TraceTable, StringIndex>();

/**
 * The ids of `table`'s strings by their text, indexed once per table (and
 * caught up when the table grew).
 *
 * @example
 * ```ts
 * import { TraceTable } from "../../src/model/table.ts";
 * import { runNow } from "./pace.ts";
 * const table = new TraceTable();
 * table.internString("app.ts");
 * runNow(stringIdSteps(table)).get("app.ts"); // 0
 * ```
 */
export function* stringIdSteps(table: TraceTable): Steps<Map<string, number>> {
  let index = stringIndexes.get(table);
  if (!index) stringIndexes.set(table, index = { ids: new Map(), indexed: 0 });
  const strings = table.strings;
  while (index.indexed < strings.length) {
    // Interned strings are distinct; the first id stays if a table holds one twice.
    const at = index.indexed++;
    if (!index.ids.has(strings[at])) index.ids.set(strings[at], at);
    if ((at & 1023) === 1023) yield;
  }
  return index.ids;
}

/** Returned by lookups for a string another table does not hold. */
export const MISSING = -3;
const UNKNOWN = -2;

/**
 * The ids in table `to` of the strings of table `from` (`MISSING` when `to`
 * has no such string), or null when they are the same table. Two decodings
 * of a program's snapshots mostly hold their strings in the same order:
 * each string is first compared with the one at its own id in `to`, and
 * only those that differ are looked up by text (which indexes `to`'s
 * strings, once per table).
 *
 * @example
 * ```ts
 * import type { TraceTable } from "../../src/model/table.ts";
 * import { runNow } from "./pace.ts";
 * declare const from: TraceTable, to: TraceTable;
 * const ids = runNow(translationSteps(from, to));
 * ids?.[from.frameFile[0]]; // the same file's id in `to`, or MISSING
 * ```
 */
export function* translationSteps(from: TraceTable, to: TraceTable): Steps<Int32Array | null> {
  if (from === to) return null;
  const mine = from.strings, theirs = to.strings;
  const ids = new Int32Array(mine.length);
  let unknown = 0;
  for (let i = 0; i < mine.length; i++) {
    if (i < theirs.length && mine[i] === theirs[i]) ids[i] = i;
    else {
      ids[i] = UNKNOWN;
      unknown++;
    }
    if ((i & 4095) === 4095) yield;
  }
  if (!unknown) return ids;
  const byText = yield* stringIdSteps(to);
  for (let i = 0; i < mine.length; i++) {
    if (ids[i] === UNKNOWN) ids[i] = byText.get(mine[i]) ?? MISSING;
    if ((i & 1023) === 1023) yield;
  }
  return ids;
}

/** Equal numbers, NaN equal to NaN (the model orders and groups it as one value). */
const same = (a: number, b: number) => a === b || (a !== a && b !== b);

function hashFrame(h: number, file: number, line: number, column: number, fn: number): number {
  h = Math.imul(h ^ file, 0x9e3779b1);
  h = Math.imul(h ^ (line | 0), 0x85ebca6b);
  h = Math.imul(h ^ (column | 0), 0xc2b2ae35);
  h = Math.imul(h ^ fn, 0x27d4eb2f);
  return h ^ (h >>> 15);
}

/**
 * Frames of a stack as looked for: most recent first, string ids of the
 * table looked in.
 *
 * @example
 * ```ts
 * const query = new StackQuery(8); // room for 8 frames; grows
 * query.push(3, 12, -1, 4); // file 3, line 12, no column, function 4
 * ```
 */
export class StackQuery {
  file: Int32Array;
  line: Float64Array;
  column: Float64Array;
  fn: Int32Array;
  length = 0;

  constructor(capacity = 16) {
    this.file = new Int32Array(capacity);
    this.line = new Float64Array(capacity);
    this.column = new Float64Array(capacity);
    this.fn = new Int32Array(capacity);
  }

  /** Adds the next (older) frame. */
  push(file: number, line: number, column: number, fn: number): void {
    if (this.length === this.file.length) {
      const grow = <T extends Int32Array | Float64Array>(a: T, b: T): T => (b.set(a), b);
      const size = 2 * this.length;
      this.file = grow(this.file, new Int32Array(size));
      this.line = grow(this.line, new Float64Array(size));
      this.column = grow(this.column, new Float64Array(size));
      this.fn = grow(this.fn, new Int32Array(size));
    }
    const k = this.length++;
    this.file[k] = file;
    this.line[k] = line;
    this.column[k] = column;
    this.fn[k] = fn;
  }
}

/**
 * Row keys of a table grouped from one snapshot: key ids of its interned
 * table (frame ids by line, string ids by file, stack ids by traceback).
 *
 * @example
 * ```ts
 * import { groupTraces } from "../../src/model/group.ts";
 * import { Snapshot } from "../../src/model/snapshot.ts";
 * const snapshot = new Snapshot([[0, 64, [["app.ts", 3]], 1]], 1);
 * const groups = groupTraces(snapshot.table, snapshot.columns, "lineno", false);
 * const keys = new RowKeys(snapshot.table, "lineno", groups.keys);
 * String(keys.traceback(0)); // "app.ts:3"
 * ```
 */
export class RowKeys implements RowKeyed {
  readonly #tracebacks: (Traceback | undefined)[] = [];
  #source: KeyTracebacks | null = null;
  /** Open addressing over the rows: row + 1 per slot, 0 when free. */
  #slots: Int32Array | null = null;
  /** The last row looked up by key (the cursor's, at every redraw until it moves). */
  #last: { readonly key: Traceback; readonly row: number } | null = null;

  constructor(
    /** The table the key ids belong to. */
    readonly table: TraceTable,
    /** What the keys are. */
    readonly keyType: KeyType,
    /** Key id of each row. */
    readonly keys: Uint32Array,
  ) {}

  get length(): number {
    return this.keys.length;
  }

  traceback(row: number): Traceback {
    let traceback = this.#tracebacks[row];
    if (!traceback) {
      this.#source ??= new KeyTracebacks(this.table, this.keyType);
      traceback = this.#tracebacks[row] = this.#source.traceback(this.keys[row]);
    }
    return traceback;
  }

  /** Whether the index of the rows is made (lookups would make it at once otherwise). */
  get indexed(): boolean {
    return this.#slots !== null;
  }

  /** Makes the index of the rows, in steps. */
  *indexSteps(): Steps<void> {
    if (this.#slots) return;
    const n = this.keys.length;
    let size = 16;
    while (size < 2 * n) size *= 2;
    const slots = new Int32Array(size);
    const mask = size - 1;
    for (let row = 0; row < n; row++) {
      let h = this.#hashRow(row) & mask;
      while (slots[h]) h = (h + 1) & mask;
      slots[h] = row + 1;
      if ((row & 1023) === 1023) yield;
    }
    this.#slots = slots;
  }

  /** The row keyed by the frame given by this table's string ids, or -1 ("lineno" keys). */
  findFrame(file: number, line: number, column: number, fn: number): number {
    const slots = this.#index();
    const { frameFile, frameLine, frameColumn, frameFunction } = this.table;
    const mask = slots.length - 1;
    for (let h = hashFrame(0, file, line, column, fn) & mask; slots[h]; h = (h + 1) & mask) {
      const f = this.keys[slots[h] - 1];
      if (
        frameFile[f] === file && same(frameLine[f], line) && same(frameColumn[f], column) && frameFunction[f] === fn
      ) return slots[h] - 1;
    }
    return -1;
  }

  /** The row keyed by this table's string `file`, or -1 ("filename" keys). */
  findFile(file: number): number {
    const slots = this.#index();
    const mask = slots.length - 1;
    for (let h = hashFrame(0, file, 0, 0, 0) & mask; slots[h]; h = (h + 1) & mask) {
      if (this.keys[slots[h] - 1] === file) return slots[h] - 1;
    }
    return -1;
  }

  /** The row keyed by the stack `query` describes, or -1 ("traceback" keys). */
  findStack(query: StackQuery): number {
    const slots = this.#index();
    const { frameFile, frameLine, frameColumn, frameFunction, stackStart, stackFrames } = this.table;
    const mask = slots.length - 1;
    let hash = query.length;
    for (let k = 0; k < query.length; k++) {
      hash = hashFrame(hash, query.file[k], query.line[k], query.column[k], query.fn[k]);
    }
    for (let h = hash & mask; slots[h]; h = (h + 1) & mask) {
      const s = this.keys[slots[h] - 1];
      const at = stackStart[s];
      if (stackStart[s + 1] - at !== query.length) continue;
      let k = 0;
      for (; k < query.length; k++) {
        const f = stackFrames[at + k];
        if (
          frameFile[f] !== query.file[k] || !same(frameLine[f], query.line[k]) ||
          !same(frameColumn[f], query.column[k]) || frameFunction[f] !== query.fn[k]
        ) break;
      }
      if (k === query.length) return slots[h] - 1;
    }
    return -1;
  }

  rowOf(key: Traceback): number {
    if (this.#last?.key === key) return this.#last.row;
    const row = this.#find(key);
    this.#last = { key, row };
    return row;
  }

  #find(key: Traceback): number {
    // One look-up: a pass over the table's strings costs less than indexing them (for a cursor that moved).
    const strings = this.table.strings;
    const id = (s: string | undefined) => {
      if (s === undefined) return NONE;
      const at = strings.indexOf(s);
      return at >= 0 ? at : MISSING;
    };
    const found = (i: number) => i !== MISSING;
    if (this.keyType === "traceback") {
      const query = new StackQuery(Math.max(1, key.length));
      for (let i = key.length - 1; i >= 0; i--) {
        const frame = key.at(i)!;
        const file = id(frame.filename), fn = id(frame.functionName);
        if (file === MISSING || !found(fn)) return -1;
        query.push(file, frame.lineno, frame.column ?? NONE, fn);
      }
      return this.findStack(query);
    }
    const frame = key.at(-1);
    if (!frame || key.length !== 1) return -1;
    const file = id(frame.filename);
    if (file === MISSING) return -1;
    if (this.keyType === "filename") return this.findFile(file);
    const fn = id(frame.functionName);
    return found(fn) ? this.findFrame(file, frame.lineno, frame.column ?? NONE, fn) : -1;
  }

  #index(): Int32Array {
    if (!this.#slots) runNow(this.indexSteps());
    return this.#slots!;
  }

  #hashRow(row: number): number {
    const key = this.keys[row];
    const { frameFile, frameLine, frameColumn, frameFunction, stackStart, stackFrames } = this.table;
    if (this.keyType === "filename") return hashFrame(0, key, 0, 0, 0);
    if (this.keyType === "lineno") {
      return hashFrame(0, frameFile[key], frameLine[key], frameColumn[key], frameFunction[key]);
    }
    let h = stackStart[key + 1] - stackStart[key];
    for (let j = stackStart[key]; j < stackStart[key + 1]; j++) {
      const f = stackFrames[j];
      h = hashFrame(h, frameFile[f], frameLine[f], frameColumn[f], frameFunction[f]);
    }
    return h;
  }
}

/**
 * Rows of a comparison: the new snapshot's rows, then the rows only the old
 * one has (gone since), keyed in the old snapshot's table.
 *
 * @example
 * ```ts
 * declare const now: RowKeys, before: RowKeys;
 * const keys = new JoinedKeys(now, before, new Uint32Array([4])); // row now.length is before's row 4
 * keys.traceback(now.length); // before.traceback(4)
 * ```
 */
export class JoinedKeys implements RowKeyed {
  readonly #joinedOf: Int32Array;

  constructor(
    /** Keys of the new snapshot's rows, first. */
    readonly now: RowKeys,
    /** Keys of the old snapshot's rows. */
    readonly before: RowKeys,
    /** The old snapshot's rows that come after the new one's, in order. */
    readonly gone: Uint32Array,
  ) {
    this.#joinedOf = new Int32Array(before.length).fill(-1);
    for (let g = 0; g < gone.length; g++) this.#joinedOf[gone[g]] = now.length + g;
  }

  get length(): number {
    return this.now.length + this.gone.length;
  }

  traceback(row: number): Traceback {
    const n = this.now.length;
    return row < n ? this.now.traceback(row) : this.before.traceback(this.gone[row - n]);
  }

  rowOf(key: Traceback): number {
    const row = this.now.rowOf(key);
    if (row >= 0) return row;
    const old = this.before.rowOf(key);
    return old >= 0 ? this.#joinedOf[old] : -1;
  }
}
