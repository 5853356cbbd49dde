/**
 * The header of a dump: what makes a file a dump of a version this build
 * reads, of the right length, undamaged. It is checked before anything in the
 * payload is parsed.
 *
 * @module
 */
import { TWO_32 } from "./bytes.ts";
import { sha256Prefix, xxhash32 } from "./checksum.ts";
import { DUMP_FORMAT_VERSION, HEADER_BYTES, MAGIC, SnapshotFormatError } from "./format.ts";

/**
 * Fills in the header at the start of `dump` for the payload after it, in
 * the current format version.
 *
 * @example
 * ```ts
 * import { HEADER_BYTES } from "./format.ts";
 *
 * const payload = new Uint8Array([1, 2, 3]);
 * const dump = new Uint8Array(HEADER_BYTES + payload.length);
 * dump.set(payload, HEADER_BYTES);
 * writeHeader(dump);
 * ```
 */
export function writeHeader(dump: Uint8Array): void {
  const payloadLength = dump.length - HEADER_BYTES;
  dump.set(MAGIC, 0);
  const view = new DataView(dump.buffer, dump.byteOffset, HEADER_BYTES);
  view.setUint32(8, DUMP_FORMAT_VERSION, true);
  view.setUint32(12, payloadLength % TWO_32, true);
  view.setUint32(16, Math.floor(payloadLength / TWO_32), true);
  view.setUint32(20, sha256Prefix(dump.subarray(HEADER_BYTES)), true);
}

/** A dump's format version and its payload, checked (see {@link checkHeader}). */
export interface Checked {
  version: number;
  payload: Uint8Array;
}

/**
 * The format version and payload of `bytes`, after checking magic, version,
 * length and checksum, in that order: each check means something only once
 * the previous passed.
 *
 * @param name the file's path, for error messages
 * @throws SnapshotFormatError when a check fails
 *
 * @example
 * ```ts
 * import { readFile } from "node:fs/promises";
 *
 * const { version, payload } = checkHeader(await readFile("app.dump"), "app.dump");
 * ```
 */
export function checkHeader(bytes: Uint8Array, name: string): Checked {
  const { version, checksum } = checkHeaderStart(bytes, bytes.length, name);
  const payload = bytes.subarray(HEADER_BYTES);
  const sum = version === 1 ? xxhash32(payload) : sha256Prefix(payload);
  if (sum !== checksum) throw checksumMismatch(name);
  return { version, payload };
}

/** What {@link checkHeaderStart} finds. */
export interface HeaderStart {
  version: number;
  /** The checksum the header gives for the payload. */
  checksum: number;
}

/**
 * The format version and checksum of a dump of `fileLength` bytes that
 * starts with `start` (its first 512 bytes at least, or all of it), after
 * checking magic, version and length in that order, as {@link checkHeader}
 * does before it checks the checksum.
 *
 * @param name the file's path, for error messages
 * @throws SnapshotFormatError when a check fails
 */
export function checkHeaderStart(start: Uint8Array, fileLength: number, name: string): HeaderStart {
  const fail = (problem: string): never => {
    throw new SnapshotFormatError(name, problem);
  };
  if (fileLength === 0) fail("empty file, not a snapshot dump");
  for (let i = 0; i < Math.min(start.length, MAGIC.length); i++) {
    if (start[i] !== MAGIC[i]) fail(`not a snapshot dump (${describeForeign(start)})`);
  }
  const truncated = `truncated snapshot dump: ${fileLength} bytes, shorter than its header`;
  if (fileLength < 12) fail(truncated);
  // The version comes first: later versions may lay out the rest differently.
  const view = new DataView(start.buffer, start.byteOffset);
  const version = view.getUint32(8, true);
  if (version < 1 || version > DUMP_FORMAT_VERSION) {
    fail(`unsupported dump format version ${version} (this build reads versions 1 to ${DUMP_FORMAT_VERSION})`);
  }
  if (fileLength < HEADER_BYTES) fail(truncated);
  const length = view.getUint32(12, true) + view.getUint32(16, true) * TWO_32;
  const actual = fileLength - HEADER_BYTES;
  if (length > actual) fail(`truncated snapshot dump: ${actual} of ${length} payload bytes`);
  if (length < actual) fail(`${actual - length} unexpected bytes after the end of the snapshot dump`);
  return { version, checksum: view.getUint32(20, true) };
}

/**
 * The error for a payload whose checksum is not the header's.
 *
 * @param name the file's path, for the message
 */
export function checksumMismatch(name: string): SnapshotFormatError {
  return new SnapshotFormatError(name, "checksum mismatch: the snapshot dump is damaged");
}

/**
 * Signatures of compressed files and archives, which a dump is often put
 * into: magic bytes (`-1` matches any byte), then what to say. A compressed
 * dump is not read as is (that would need a bound on what it expands to, and
 * `dump` never writes one); the message says how to get at the dump inside.
 */
const PACKED: readonly [magic: readonly number[], problem: string][] = [
  [[0x1f, 0x8b], "it is gzip-compressed: gunzip it first"],
  [[0x28, 0xb5, 0x2f, 0xfd], "it is zstd-compressed: unzstd it first"],
  [[0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], "it is xz-compressed: unxz it first"],
  // "BZh", the block size, then the first block's magic "1AY&SY".
  [[0x42, 0x5a, 0x68, -1, 0x31, 0x41, 0x59, 0x26, 0x53, 0x59], "it is bzip2-compressed: bunzip2 it first"],
  [[0x50, 0x4b, 0x03, 0x04], "it is a zip archive: unzip it first"],
];

/** The start of a V8 heap snapshot (`.heapsnapshot`, as `v8.writeHeapSnapshot()` and DevTools write it). */
const HEAP_SNAPSHOT = /^\s*\{\s*"snapshot"\s*:/;

/** What a file that is not a dump seems to be, for the error message. */
function describeForeign(bytes: Uint8Array): string {
  // CPython's Snapshot.dump() writes a pickle: the PROTO opcode 0x80, then the protocol number.
  if (bytes[0] === 0x80 && bytes.length > 1 && bytes[1] >= 2 && bytes[1] <= 5) {
    return "it looks like a Python pickle, such as CPython tracemalloc's Snapshot.dump() writes";
  }
  for (const [magic, problem] of PACKED) {
    if (bytes.length >= magic.length && magic.every((b, i) => b < 0 || bytes[i] === b)) return problem;
  }
  for (const b of bytes.subarray(0, 512)) {
    if (b < 0x09 || (b > 0x0d && b < 0x20) || b === 0x7f) return "unknown file signature";
  }
  if (HEAP_SNAPSHOT.test(new TextDecoder().decode(bytes.subarray(0, 64)))) {
    return "it looks like a V8 heap snapshot, which Chrome DevTools' Memory panel opens";
  }
  return "it looks like a text file";
}
