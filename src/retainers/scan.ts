/**
 * Reads a heap snapshot's JSON from its bytes without making it one string:
 * a snapshot of a big heap is hundreds of megabytes, more than a string
 * may hold, and nearly all of it is flat arrays of numbers. The top-level
 * object's number arrays are scanned straight into typed columns, every
 * other member is parsed with `JSON.parse`. Long work yields to the event
 * loop now and then and reports how far it got.
 *
 * @module
 */

/**
 * How one top-level array of numbers is read: rows of `stride` numbers,
 * each column kept as 32-bit unsigned integers, doubles, or not at all. A
 * string in the array counts as one value, 0.
 *
 * @example
 * ```ts
 * // V8's edges: type, name_or_index, to_node; all three kept.
 * const edges: NumberTable = { stride: 3, columns: ["u32", "u32", "u32"] };
 * ```
 */
export interface NumberTable {
  readonly stride: number;
  readonly columns: readonly ("u32" | "f64" | null)[];
  /** Rows expected, when known (the columns are made that long at once). */
  readonly rows?: number;
}

/**
 * The columns of a number array read as a {@link NumberTable}: `null` for
 * a column not kept; each column at least `rows` long.
 *
 * @example
 * ```ts
 * declare const read: ReadTable;
 * const firstEdgeTarget = read.columns[2]![0];
 * ```
 */
export interface ReadTable {
  readonly columns: readonly (Uint32Array | Float64Array | null)[];
  readonly rows: number;
}

/**
 * Reports progress: bytes read of the whole.
 *
 * @example
 * ```ts
 * const progress: ScanProgress = (done, total) => console.log(`${Math.round((100 * done) / total)}%`);
 * ```
 */
export type ScanProgress = (done: number, total: number) => void;

/** Bytes scanned between two yields to the event loop. */
const SLICE = 8 * 1024 * 1024;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const MINUS = 0x2d;

/**
 * Reads the top-level members of the JSON object in `bytes`: those named
 * in `tables` (arrays of integers) into typed columns, the others with
 * `JSON.parse`.
 *
 * @throws {SyntaxError} when the bytes are not such an object
 *
 * @example
 * ```ts
 * const bytes = new TextEncoder().encode('{"meta":{"n":2},"nodes":[1,2,3,4]}');
 * const { tables, values } = await readSnapshotJson(bytes, { nodes: { stride: 2, columns: ["u32", null] } });
 * values.get("meta"); // { n: 2 }
 * tables.get("nodes")!.columns[0]; // [1, 3]
 * ```
 */
export async function readSnapshotJson(
  bytes: Uint8Array,
  tables: Readonly<Record<string, NumberTable>>,
  progress?: ScanProgress,
): Promise<{ tables: Map<string, ReadTable>; values: Map<string, unknown> }> {
  const decoder = new TextDecoder();
  const read = new Map<string, ReadTable>();
  const values = new Map<string, unknown>();
  let i = expect(bytes, skipSpace(bytes, 0), OPEN_BRACE) + 1;
  for (;;) {
    i = skipSpace(bytes, i);
    if (bytes[i] === CLOSE_BRACE) break;
    const keyEnd = stringEnd(bytes, i);
    const key = JSON.parse(decoder.decode(bytes.subarray(i, keyEnd))) as string;
    i = skipSpace(bytes, expect(bytes, skipSpace(bytes, keyEnd), COLON) + 1);
    const table = Object.hasOwn(tables, key) ? tables[key] : undefined;
    if (table) {
      const scanned = await scanNumbers(bytes, i, table, progress);
      read.set(key, scanned.table);
      i = scanned.end;
    } else {
      const end = valueEnd(bytes, i);
      values.set(key, JSON.parse(decoder.decode(bytes.subarray(i, end))));
      i = end;
    }
    i = skipSpace(bytes, i);
    if (bytes[i] === COMMA) i++;
    else if (bytes[i] !== CLOSE_BRACE) throw new SyntaxError(`heap snapshot: ',' or '}' expected at byte ${i}`);
  }
  progress?.(bytes.length, bytes.length);
  return { tables: read, values };
}

/** Scans the array of integers at `start` (its `[`) into columns; resolves with them and the index after its `]`. */
async function scanNumbers(
  bytes: Uint8Array,
  start: number,
  spec: NumberTable,
  progress?: ScanProgress,
): Promise<{ table: ReadTable; end: number }> {
  const stride = spec.stride;
  let capacity = Math.max(16, spec.rows ?? Math.ceil(bytes.length / (4 * stride)));
  const make = (kind: "u32" | "f64" | null, length: number) =>
    kind === "u32" ? new Uint32Array(length) : kind === "f64" ? new Float64Array(length) : null;
  let columns = spec.columns.map((kind) => make(kind, capacity));
  let j = expect(bytes, start, OPEN_BRACKET) + 1;
  let value = 0;
  let digits = false;
  let negative = false;
  let field = 0;
  let row = 0;
  for (;;) {
    const stop = Math.min(bytes.length, j + SLICE);
    for (; j < stop; j++) {
      const c = bytes[j];
      if (c >= 0x30 && c <= 0x39) {
        value = value * 10 + (c - 0x30);
        digits = true;
        continue;
      }
      if (digits) {
        if (row === capacity) {
          capacity *= 2;
          columns = columns.map((column, k) => {
            if (!column) return null;
            const grown = make(spec.columns[k], capacity)!;
            grown.set(column);
            return grown;
          });
        }
        const column = columns[field];
        if (column) column[row] = negative ? -value : value;
        value = 0;
        digits = false;
        negative = false;
        if (++field === stride) {
          field = 0;
          row++;
        }
      }
      if (c === CLOSE_BRACKET) {
        if (field !== 0) throw new SyntaxError(`heap snapshot: an array of rows of ${stride} ends inside a row`);
        return { table: { columns, rows: row }, end: j + 1 };
      }
      if (c === MINUS) negative = true;
      else if (c === QUOTE) {
        // A string among the numbers (JavaScriptCore's cell addresses, "0x..."): a value of 0.
        j = stringEnd(bytes, j) - 1;
        digits = true;
      } else if (c !== COMMA && !isSpace(c)) {
        throw new SyntaxError(`heap snapshot: unexpected ${JSON.stringify(String.fromCharCode(c))} at byte ${j}`);
      }
    }
    if (j >= bytes.length) throw new SyntaxError("heap snapshot: the bytes end inside an array");
    progress?.(j, bytes.length);
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
}

/** The index after the JSON value that starts at `i`. */
function valueEnd(bytes: Uint8Array, i: number): number {
  const c = bytes[i];
  if (c === QUOTE) return stringEnd(bytes, i);
  if (c !== OPEN_BRACE && c !== OPEN_BRACKET) {
    while (i < bytes.length && bytes[i] !== COMMA && bytes[i] !== CLOSE_BRACE && !isSpace(bytes[i])) i++;
    return i;
  }
  let depth = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    if (b === QUOTE) {
      i = stringEnd(bytes, i);
      continue;
    }
    if (b === OPEN_BRACE || b === OPEN_BRACKET) depth++;
    else if (b === CLOSE_BRACE || b === CLOSE_BRACKET) {
      if (--depth === 0) return i + 1;
    }
    i++;
  }
  throw new SyntaxError("heap snapshot: the bytes end inside a value");
}

/** The index after the JSON string whose opening quote is at `i`. */
function stringEnd(bytes: Uint8Array, i: number): number {
  expect(bytes, i, QUOTE);
  let j = i + 1;
  while (j < bytes.length) {
    const b = bytes[j];
    if (b === QUOTE) return j + 1;
    j += b === BACKSLASH ? 2 : 1;
  }
  throw new SyntaxError("heap snapshot: the bytes end inside a string");
}

function skipSpace(bytes: Uint8Array, i: number): number {
  while (i < bytes.length && isSpace(bytes[i])) i++;
  return i;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

function expect(bytes: Uint8Array, i: number, c: number): number {
  if (bytes[i] !== c) {
    const found = i < bytes.length ? JSON.stringify(String.fromCharCode(bytes[i])) : "the end";
    throw new SyntaxError(
      `heap snapshot: ${JSON.stringify(String.fromCharCode(c))} expected at byte ${i}, ${found} found`,
    );
  }
  return i;
}
