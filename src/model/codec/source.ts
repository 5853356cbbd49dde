/**
 * A version 2 payload read from a file piece by piece, for `Snapshot.load`.
 *
 * Speed: a load mostly runs in a process that has touched little memory,
 * where every page of fresh memory costs a page fault on first touch (0.4-0.6
 * ms per MB on this machine). Reading the whole file into a fresh buffer
 * touched its 1.9 MB (at 100k traces) once more than the table's arrays do;
 * reading it in pieces into one small buffer, hashed as they come, and
 * widening each column from there into its array, touches only that buffer.
 * Columns stored as their array holds them are read straight into it, and
 * so are those whose widening waits for their first use (see `decode.ts`).
 *
 * @module
 */
import { readSync } from "node:fs";
import { createHash, type Hash } from "node:crypto";
import type { PayloadSource } from "./decode.ts";
import { SnapshotFormatError } from "./format.ts";

/** The largest piece read at once: small enough to stay in the processor's cache. */
const PIECE = 1 << 16;

/** The payload of a dump in an open file, read in order from `start` (see the module comment). */
export class FileSource implements PayloadSource {
  readonly stable = false;
  readonly piece = PIECE;
  #buffer: Uint8Array = new Uint8Array(PIECE);
  #pos: number;
  readonly #end: number;
  readonly #hash: Hash = createHash("sha256");

  /**
   * @param fd the open file
   * @param start where the payload starts in it
   * @param length the payload's length
   * @param name the file's path, for error messages
   */
  constructor(readonly fd: number, start: number, readonly length: number, readonly name: string) {
    this.#pos = start;
    this.#end = start + length;
  }

  next(n: number): Uint8Array {
    if (n > this.#buffer.length) this.#buffer = new Uint8Array(n);
    const bytes = this.#buffer.subarray(0, n);
    this.#read(bytes);
    return bytes;
  }

  nextInto(into: Uint8Array): void {
    this.#read(into);
  }

  /**
   * Reads what is left of the payload, and returns its checksum: the first
   * four bytes of its SHA-256, as a little-endian u32 (see `checksum.ts`).
   */
  finish(): number {
    for (let left = this.#end - this.#pos; left > 0; left = this.#end - this.#pos) {
      this.#read(this.#buffer.subarray(0, Math.min(left, PIECE)));
    }
    const digest = this.#hash.digest();
    return (digest[0] | digest[1] << 8 | digest[2] << 16 | digest[3] << 24) >>> 0;
  }

  #read(into: Uint8Array): void {
    for (let at = 0; at < into.length;) {
      const n = readSync(this.fd, into, at, into.length - at, this.#pos);
      if (n === 0) throw new SnapshotFormatError(this.name, "truncated snapshot dump: the file got shorter while read");
      at += n;
      this.#pos += n;
    }
    this.#hash.update(into);
  }
}
