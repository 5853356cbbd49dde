/**
 * The snapshot dump format: a versioned, compact, checksummed binary file.
 * The layout is described in `codec/format.ts`; writing, reading and the
 * checksum live beside it in `codec/`.
 *
 * @module
 */
export { DUMP_FORMAT_VERSION, SnapshotFormatError } from "./codec/format.ts";
export { sha256Prefix, xxhash32 } from "./codec/checksum.ts";
export { encodeSnapshot } from "./codec/encode.ts";
export { decodeSnapshot } from "./codec/decode.ts";
