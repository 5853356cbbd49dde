/**
 * The snapshot dump format: a versioned, compact, checksummed binary file.
 *
 * Every version starts with the same header (fixed-width integers are
 * little-endian):
 *
 * ```text
 * header      magic "\x89TMJS\r\n\x1a" · u32 version
 *             · u32 payload length, low and high halves · u32 checksum of the payload
 * ```
 *
 * Version 2, which this build writes: fixed-width columns that a reader
 * widens into its arrays natively (see `decode.ts` on why). The checksum is
 * the first four bytes of the payload's SHA-256 (header bytes 20-23 are
 * digest bytes 0-3). Every part starts at a multiple of 8 bytes from the
 * start of the file; padding is zero bytes.
 *
 * ```text
 * head        8 × u32: tracebackLimit · flags (bit 0: count column present) · strings · frames
 *             · stacks · stack frames (the stacks' lengths summed) · tracebacks · traces
 * strings     length column (UTF-16 units) · u32 encoding (0 UTF-8, 1 UTF-16LE) · u32 byte length
 *             · bytes
 * frames      file · line · column (-1: absent) · function (-1: absent) columns
 * stacks      length column · frame column (each stack's frames in turn, most recent first)
 * tracebacks  stack column · totalNframe column (-1: absent)
 * traces      domain · traceback · size columns · count column, when flagged
 * column      u8 type · 7 zero bytes, then by type:
 *             CONST (0): f64, the value of every entry
 *             RUNS (1): (the descriptor's last 4 bytes: u32 runs) · runs × i32 value · runs × u32 length
 *             U8 I8 U16 I16 U32 I32 F64 (2-8): the entries
 * ```
 *
 * Ids and domains are 32-bit integers (no U32 or F64 column for them, no
 * negative traceback ids); lines, columns and totalNframe are integers;
 * sizes and counts are any numbers (-0, NaN and infinities in F64 columns).
 * A table's key column (frames' line, stacks' frame, tracebacks' stack,
 * traces' traceback) is fixed-width when it has more than one entry, so that
 * every count is bounded by the file's size before anything is allocated.
 * The writer puts the table entries in the order of the snapshot's own
 * table when its traces use all of it, else in the order it meets them.
 *
 * Version 1 (read, no longer written; "uint" is an unsigned LEB128 varint of
 * at most 8 bytes, value at most 2^53; "sint" is a zigzag-coded uint, so
 * small negatives stay short); the checksum is xxHash32 of the payload:
 *
 * ```text
 * payload     uint tracebackLimit · u8 flags (bit 0: count column present)
 * strings     uint n · u8 encoding (0 UTF-8, 1 UTF-16LE)
 *             · n × uint length in UTF-16 units · uint byte length · bytes
 * frames      uint n · n × (uint file string · sint lineno
 *             · sint column+1 (0: absent) · uint function string+1 (0: absent))
 * stacks      uint n · n × (uint length · length × uint frame), most recent first
 * tracebacks  uint n · n × (uint stack · uint totalNframe+1 (0: absent))
 * traces      uint n
 *             · domain: uint runs · runs × (sint domain · uint run length)
 *             · traceback: u8 width · (0: n × uint | 1-4: n × u<width>),
 *               whichever form is smaller; the writer numbered tracebacks by
 *               falling use for varints (the most used the shortest)
 *             · size: u8 mode · (mode 0: n × uint | mode 1: n × f64)
 *             · count, when flagged: u8 mode · as size
 * ```
 *
 * In both, only the table entries the traces use are written, whatever the
 * size of the (possibly shared) table, each exactly once (version 1 readers
 * check that no entry repeats another; version 2 readers do not, see
 * `decode.ts`). Strings are UTF-8
 * unless one of them holds a lone surrogate, which UTF-8 cannot carry; then
 * the table is UTF-16LE.
 *
 * What a dump holds is a consistent snapshot, and reading checks it as
 * writing does: the traceback limit is at most {@link MAX_TRACEBACK_LIMIT};
 * every stack has a frame (the model gives a frameless trace `<unknown>:0`)
 * and no more frames than the limit; a known totalNframe is at least its
 * stack's length; line and column+1 are integers of magnitude below
 * {@link MAX_LINE}.
 *
 * @module
 */

/** `\x89` keeps the file from passing as text; `\r\n` and `\x1a` catch newline mangling. */
export const MAGIC: readonly number[] = [0x89, 0x54, 0x4d, 0x4a, 0x53, 0x0d, 0x0a, 0x1a];

/**
 * The dump format version this build writes; it reads this one and every
 * earlier one.
 *
 * @example
 * ```ts
 * console.log(`dump format v${DUMP_FORMAT_VERSION}`);
 * ```
 */
export const DUMP_FORMAT_VERSION = 2;

/** Magic, version, payload length (two words) and checksum. */
export const HEADER_BYTES = 24;
/** Bytes of the head of a version 2 payload: eight u32. */
export const HEAD_BYTES = 32;
/** The payload flag saying that a count column follows the size column. */
export const FLAG_COUNT = 1;
/** Version 1 size or count column mode: varints, the compact form of whole numbers. */
export const MODE_UINT = 0;
/** Version 1 size or count column mode: raw float64, when some value has no varint form. */
export const MODE_F64 = 1;
/** String table encoding, unless a string holds a lone surrogate. */
export const UTF8 = 0;
/** String table encoding that carries lone surrogates, which UTF-8 cannot. */
export const UTF16LE = 1;
/** The largest value a varint may hold. */
export const MAX_UINT = 2 ** 53;
/** Bound on line and column numbers, so that their zigzag form stays within {@link MAX_UINT}. */
export const MAX_LINE = 2 ** 52;
/** The largest traceback limit: CPython's and the tracer's (`MAX_NFRAME`). */
export const MAX_TRACEBACK_LIMIT = 65535;

/**
 * `n` frames in words, for messages.
 *
 * @example
 * ```ts
 * [framesText(1), framesText(3)]; // ["1 frame", "3 frames"]
 * ```
 */
export function framesText(n: number): string {
  return `${n} frame${n === 1 ? "" : "s"}`;
}

/**
 * A file that is not a readable snapshot dump: foreign, truncated, damaged or
 * from a newer format version. The message starts with the file's name.
 *
 * @example
 * ```ts
 * import { Snapshot } from "../snapshot.ts";
 *
 * try {
 *   await Snapshot.load("old.dump");
 * } catch (e) {
 *   if (e instanceof SnapshotFormatError) console.error(e.message);
 * }
 * ```
 */
export class SnapshotFormatError extends Error {
  /**
   * @param file the path of the file (or any name for the bytes)
   * @param problem what is wrong with it, in words
   */
  constructor(readonly file: string, readonly problem: string) {
    super(`${file}: ${problem}`);
    this.name = "SnapshotFormatError";
  }
}
