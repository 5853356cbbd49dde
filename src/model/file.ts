/**
 * Reading and writing dump files, with errors that say what went wrong in
 * words. `node:fs/promises` behaves alike on Node, Deno and Bun.
 *
 * @module
 */
import { closeSync, fstatSync, openSync, readSync, renameSync, writeSync } from "node:fs";
import { rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { pid } from "node:process";
import { decodeSnapshot, decodeV2From } from "./codec/decode.ts";
import { HEADER_BYTES, SnapshotFormatError } from "./codec/format.ts";
import { checkHeaderStart, checksumMismatch } from "./codec/header.ts";
import { FileSource } from "./codec/source.ts";
import type { SnapshotParts } from "./snapshot.ts";

/** Plain words for the errno codes a user can act on. */
const PROBLEMS: Record<string, string> = {
  ENOENT: "no such file",
  EISDIR: "is a directory",
  ENOTDIR: "a parent of it is not a directory",
  EACCES: "permission denied",
  EPERM: "permission denied",
  EROFS: "read-only file system",
  ENOSPC: "no space left on the device",
  EDQUOT: "disk quota exceeded",
  EMFILE: "too many open files",
  ENAMETOOLONG: "file name too long",
  ELOOP: "too many symbolic links",
};

function describeError(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string" && code in PROBLEMS) return PROBLEMS[code];
  return error instanceof Error ? error.message : String(error);
}

/**
 * Writes `bytes` to `path` so that `path` holds either its old content or all
 * of the new one, never part of it: the bytes go to a fresh file beside it,
 * which is then renamed over `path`. On failure the temporary file is removed
 * and `path` is untouched.
 *
 * Atomic, not synced: a reader, another process or a crash of this one sees
 * the old file or the whole new one. Nothing waits for the disk (an
 * `fdatasync` and the directory's `fsync` took 2 ms of a 15 ms first dump at
 * 100k traces; CPython's `Snapshot.dump()` neither syncs nor renames). After
 * a power cut, a file that replaced another holds the old or the new content
 * on ext4 (its default `auto_da_alloc`) and btrfs, which flush a file renamed
 * over another with the rename; elsewhere, or for a new file, it may be empty
 * or cut short, and `Snapshot.load` refuses it as truncated or damaged.
 *
 * The new file gets default permissions, not those of the file it replaces.
 *
 * @example
 * ```ts
 * import { encodeSnapshot } from "./codec.ts";
 * import type { Snapshot } from "./snapshot.ts";
 * declare const snapshot: Snapshot;
 *
 * await writeFileAtomic("app.dump", encodeSnapshot(snapshot));
 * ```
 */
export async function writeFileAtomic(
  path: string,
  bytes: Uint8Array,
): Promise<void> {
  const dir = dirname(path);
  let temp = "";
  let created = false;
  try {
    // Made directly: opening, writing to the page cache, closing and renaming
    // do not wait for the disk, and a round trip through the thread pool each
    // took 2-4 ms of 6-8 for a 2 MB dump.
    let fd = -1;
    for (let attempt = 0; fd < 0; attempt++) {
      // Same directory, so the rename never crosses file systems; "wx" refuses to reuse a name. Random
      // enough without crypto.randomUUID(), whose first call took 0.2 ms on Node (3 ms when it loads the
      // Web Crypto API).
      temp = join(dir, `.${basename(path)}.${pid}.${Math.random().toString(36).slice(2)}.tmp`);
      try {
        fd = openSync(temp, "wx");
      } catch (error) {
        if ((error as { code?: unknown } | null)?.code !== "EEXIST" || attempt === 9) throw error;
      }
    }
    created = true;
    try {
      for (let at = 0; at < bytes.length;) at += writeSync(fd, bytes, at, bytes.length - at);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
    created = false;
  } catch (error) {
    if (created) await rm(temp, { force: true }).catch(() => {});
    const problem = (error as { code?: unknown } | null)?.code === "ENOENT"
      ? "no such directory"
      : describeError(error);
    throw new Error(`${path}: cannot write: ${problem}`, { cause: error });
  }
}

/**
 * The bytes of the file at `path`; a missing or unreadable file rejects with
 * an error naming the path and the problem ("no such file", "is a
 * directory", "permission denied").
 *
 * @example
 * ```ts
 * import { decodeSnapshot } from "./codec.ts";
 *
 * const parts = decodeSnapshot(await readSnapshotFile("app.dump"), "app.dump");
 * ```
 */
export function readSnapshotFile(path: string): Promise<Uint8Array> {
  try {
    return Promise.resolve(readFileNow(path));
  } catch (error) {
    return Promise.reject(error);
  }
}

/**
 * The parts of the snapshot dumped in the file at `path`, as
 * `decodeSnapshot(await readSnapshotFile(path), path)` reads them, with the
 * same errors; a dump of the current format version is read piece by piece
 * into one small buffer instead of whole (see `codec/source.ts`).
 *
 * @example
 * ```ts
 * import { Snapshot } from "./snapshot.ts";
 *
 * const snapshot = new Snapshot(loadSnapshotParts("app.dump"));
 * ```
 */
export function loadSnapshotParts(path: string): SnapshotParts {
  const fd = openFile(path);
  try {
    const stat = fstatSync(fd);
    const size = stat.size;
    // A file of no stated size (a pipe, /proc) is read whole, as is a dump of an earlier version.
    if (!stat.isFile() || size === 0) return decodeSnapshot(readAll(fd), path);
    const start = new Uint8Array(Math.min(size, 512));
    readExactly(fd, start, 0, path);
    const { version, checksum } = checkHeaderStart(start, size, path);
    if (version !== 2) return decodeSnapshot(readAll(fd), path);
    const source = new FileSource(fd, HEADER_BYTES, size - HEADER_BYTES, path);
    let parts: SnapshotParts;
    try {
      parts = decodeV2From(source, path);
    } catch (error) {
      // The checksum comes first, as when the whole file is read: damage is damage, whatever it broke.
      if (error instanceof SnapshotFormatError && source.finish() !== checksum) throw checksumMismatch(path);
      throw error;
    }
    if (source.finish() !== checksum) throw checksumMismatch(path);
    return parts;
  } catch (error) {
    if (error instanceof SnapshotFormatError || !(error as { code?: unknown } | null)?.code) throw error;
    throw new Error(`${path}: cannot read: ${describeError(error)}`, { cause: error });
  } finally {
    closeSync(fd);
  }
}

/** Reads `into.length` bytes at `position` of `fd`; a file that ends before is a truncated dump. */
function readExactly(fd: number, into: Uint8Array, position: number, path: string): void {
  for (let at = 0; at < into.length;) {
    const n = readSync(fd, into, at, into.length - at, position + at);
    if (n === 0) throw new SnapshotFormatError(path, "truncated snapshot dump: the file got shorter while read");
    at += n;
  }
}

function openFile(path: string): number {
  try {
    return openSync(path, "r");
  } catch (error) {
    throw new Error(`${path}: cannot read: ${describeError(error)}`, { cause: error });
  }
}

/** The bytes of the file at `path`, read directly (see {@link readSnapshotFile}). */
function readFileNow(path: string): Uint8Array {
  // Read directly: from the page cache this is memory copying, and each asynchronous open, stat, read and close
  // is a round trip through the thread pool (a 1.7 MB dump: 2.5-9 ms on Node, 6-11 on Deno, 5-6 on Bun on a
  // first call, against 1.1-2 read directly), as the atomic write does (see writeFileAtomic).
  const fd = openFile(path);
  try {
    return readAll(fd);
  } catch (error) {
    throw new Error(`${path}: cannot read: ${describeError(error)}`, { cause: error });
  } finally {
    closeSync(fd);
  }
}

/** The bytes of the open file `fd`, from its start. */
function readAll(fd: number): Uint8Array {
  const size = fstatSync(fd).size;
  // One read of the size the file has; a file of no stated size (a pipe, /proc) is read on until its end.
  let bytes = new Uint8Array(size || 1 << 16);
  let at = 0;
  for (;;) {
    const bytesRead = readSync(fd, bytes, at, bytes.length - at, size ? at : null);
    at += bytesRead;
    if (bytesRead === 0 || at === size) return bytes.subarray(0, at);
    if (at === bytes.length) {
      const more = new Uint8Array(2 * at);
      more.set(bytes);
      bytes = more;
    }
  }
}
