/**
 * The small-buffer workload of `scripts/bench-buffers.ts`: per item a
 * `Uint8Array` of 16 to 31 bytes, a `Buffer` made from a short string and
 * a `TextEncoder` output, each written to and read; one item in ten kept
 * until the end. Under a preloaded tracer this module is rewritten as it
 * loads (it is under `scripts/`), so each allocation is a rewritten site.
 *
 * @module
 */
import { Buffer } from "node:buffer";

/**
 * Runs `count` items; returns a checksum (so that nothing is optimised
 * away) plus the number of buffers kept.
 *
 * @example
 * ```ts
 * run(1000) > 0; // true
 * ```
 */
export function run(count: number): number {
  const encoder = new TextEncoder();
  const keep: Uint8Array[] = [];
  let check = 0;
  for (let i = 0; i < count; i++) {
    const bytes = new Uint8Array(16 + (i & 15));
    bytes[i & 15] = i;
    const buf = Buffer.from("item-" + i);
    const text = encoder.encode("key:" + i);
    check += bytes.length + buf[0] + text.length + bytes[i & 15];
    if (i % 10 === 0) keep.push(bytes, buf, text);
  }
  return check + keep.length;
}
