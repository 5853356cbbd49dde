/**
 * The columns of a version 2 dump: `n` numbers stored as one fixed-width
 * little-endian array, as a constant, or as runs, whichever is smallest for
 * the values (layout in `format.ts`).
 *
 * Speed: a fixed-width column is read as a typed-array view of the file's
 * bytes and widened into its table array by `TypedArray.prototype.set()`,
 * natively, without a loop of ours: a load mostly runs before the JIT has
 * compiled anything, when each loop of ours costs several times what it will.
 * The writer stores through such views too.
 *
 * @module
 */
import { LITTLE_ENDIAN } from "./bytes.ts";

/** Column types: how the entries are stored. */
export const CONST = 0;
export const RUNS = 1;
export const U8 = 2;
export const I8 = 3;
export const U16 = 4;
export const I16 = 5;
export const U32 = 6;
export const I32 = 7;
export const F64 = 8;

/** Bytes per entry of each type (0: none, the entries are in the descriptor or in runs). */
export const WIDTH: readonly number[] = [0, 0, 1, 1, 2, 2, 4, 4, 8];

/** Column descriptors take 8 bytes, and every column starts and ends at a multiple of 8. */
export const ALIGN = 8;

/** `n` rounded up to a multiple of {@link ALIGN}. */
export function align(n: number): number {
  return n + (-n & 7);
}

/** The typed arrays a column is read into or written from. */
export type IntArray = Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array;
export type NumberArray = IntArray | Float64Array;

/** The table array a column is read into, which bounds what it may hold (see {@link chooseType}): Int32Array, for ids and domains. */
export const TO_INT32 = 0;
/** Uint32Array: the traces' traceback ids. */
export const TO_UINT32 = 1;
/** Float64Array: any number. */
export const TO_FLOAT64 = 2;

/**
 * What a writer knows of a column's values before choosing its form: their
 * range, whether all are integers (and none is -0, which only float64
 * keeps), and how many runs of equal values they make (0: not counted).
 */
export interface ColumnStats {
  min: number;
  max: number;
  integers: boolean;
  runs: number;
}

/**
 * The narrowest type that holds values with `stats`, for a table array of
 * type `target`: a constant when all are the same integer (unless `fixed`: then a
 * fixed-width type, so that the column takes at least a byte per entry; see
 * `format.ts` on key columns), runs when they take fewer bytes.
 *
 * @example
 * ```ts
 * chooseType({ min: 1, max: 500, integers: true, runs: 0 }, 1000, TO_FLOAT64, true); // U16
 * ```
 */
export function chooseType(stats: ColumnStats, n: number, target: number, fixed: boolean): number {
  const { min, max, integers } = stats;
  if (!fixed && n > 0 && integers && min === max) return CONST;
  let type = F64;
  if (integers && min >= 0) {
    type = max < 0x100 ? U8 : max < 0x10000 ? U16 : target === TO_INT32 ? I32 : max < 0x1_0000_0000 ? U32 : F64;
  } else if (integers && target !== TO_UINT32) {
    type = min >= -0x80 && max < 0x80 ? I8 : min >= -0x8000 && max < 0x8000 ? I16 : I32;
    if (min < -0x8000_0000 || max >= 0x8000_0000) type = F64;
  }
  if (!fixed && stats.runs > 0 && integers && min >= -0x8000_0000 && max < 0x8000_0000) {
    if (columnBytes(RUNS, n, stats.runs) < columnBytes(type, n)) return RUNS;
  }
  return type;
}

/** Bytes of a column of `n` entries of `type` (`runs` of them for RUNS), its descriptor included. */
export function columnBytes(type: number, n: number, runs = 0): number {
  if (type === CONST) return 16;
  if (type === RUNS) return 8 + 2 * align(4 * runs);
  return 8 + align(WIDTH[type] * n);
}

/** A view of `n` entries of `type` at `offset` of `buffer` (little-endian machines). */
export function view(type: number, buffer: ArrayBufferLike, offset: number, n: number): NumberArray {
  switch (type) {
    case U8:
      return new Uint8Array(buffer, offset, n);
    case I8:
      return new Int8Array(buffer, offset, n);
    case U16:
      return new Uint16Array(buffer, offset, n);
    case I16:
      return new Int16Array(buffer, offset, n);
    case U32:
      return new Uint32Array(buffer, offset, n);
    case I32:
      return new Int32Array(buffer, offset, n);
    default:
      return new Float64Array(buffer, offset, n);
  }
}

/**
 * Reverses the bytes of each `width`-byte entry of `bytes` in place: the
 * file is little-endian, and on a big-endian machine each column goes through
 * this after writing and before reading.
 */
export function swapEntries(bytes: Uint8Array, width: number): void {
  if (LITTLE_ENDIAN || width < 2) return;
  for (let i = 0; i + width <= bytes.length; i += width) bytes.subarray(i, i + width).reverse();
}
