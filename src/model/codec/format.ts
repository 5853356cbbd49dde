/**
 * The snapshot dump format: a versioned, compact, checksummed binary file.
 *
 * Layout (fixed-width integers are little-endian; "uint" is an unsigned
 * LEB128 varint of at most 8 bytes, value at most 2^53; "sint" is a
 * zigzag-coded uint, so small negatives stay short):
 *
 * ```text
 * header      magic "\x89TMJS\r\n\x1a" · u32 version
 *             · u32 payload length, low and high halves · u32 xxHash32 of the payload
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
 *               whichever form is smaller; the writer numbers tracebacks by
 *               falling use for varints (the most used the shortest)
 *             · size: u8 mode · (mode 0: n × uint | mode 1: n × f64)
 *             · count, when flagged: u8 mode · as size
 * ```
 *
 * Only the table entries the traces use are written, whatever the size of the
 * (possibly shared) table, each exactly once. Sizes and counts take the varint
 * form when every value is a non-negative integer up to 2^53 and otherwise
 * fall back to raw float64 for the whole column, so fractional, negative
 * (-0 too) or non-finite values survive exactly. Strings are UTF-8 unless one
 * of them holds a lone surrogate, which UTF-8 cannot carry; then the table is
 * UTF-16LE.
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
 * The dump format version this build writes and reads.
 *
 * @example
 * ```ts
 * console.log(`dump format v${DUMP_FORMAT_VERSION}`);
 * ```
 */
export const DUMP_FORMAT_VERSION = 1;

/** Magic, version, payload length (two words) and checksum. */
export const HEADER_BYTES = 24;
/** The payload flag saying that a count column follows the size column. */
export const FLAG_COUNT = 1;
/** Size or count column mode: varints, the compact form of whole numbers. */
export const MODE_UINT = 0;
/** Size or count column mode: raw float64, when some value has no varint form. */
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
