/**
 * The checksums of a dump's payload.
 *
 * Version 2: the first four bytes of its SHA-256, hashed natively (with the
 * processor's SHA instructions where it has them) by `node:crypto`, which
 * Node, Deno and Bun all carry and which the package loads anyway: 0.6 ms
 * per MB here on a first call, where xxHash32 in JavaScript took 2 ms per MB
 * until the JIT had compiled it (`node:zlib`'s native CRC-32 is faster still,
 * but loading that module took 1-5 ms more than the package's own loading on
 * every runtime, 20-40 ms on Deno alone).
 *
 * Version 1: xxHash32 with seed 0. Every step is a bijection of the running
 * state, so any change confined to one 4-byte word, hence any single damaged
 * byte, always changes the sum.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { LITTLE_ENDIAN } from "./bytes.ts";

/**
 * The first four bytes of the SHA-256 of `bytes`, as a little-endian u32:
 * the checksum of a version 2 payload.
 *
 * @example
 * ```ts
 * sha256Prefix(new TextEncoder().encode("abc")); // 0xbf1678ba: the digest starts ba 78 16 bf
 * ```
 */
export function sha256Prefix(bytes: Uint8Array): number {
  const digest = createHash("sha256").update(bytes).digest();
  return (digest[0] | digest[1] << 8 | digest[2] << 16 | digest[3] << 24) >>> 0;
}

const P1 = 0x9e3779b1 | 0;
const P2 = 0x85ebca77 | 0;
const P3 = 0xc2b2ae3d | 0;
const P4 = 0x27d4eb2f | 0;
const P5 = 0x165667b1 | 0;

/**
 * xxHash32 of `bytes` with seed 0, the checksum of a dump's payload.
 *
 * @example
 * ```ts
 * xxhash32(new TextEncoder().encode("abc")); // 0x32d153ff
 * ```
 */
export function xxhash32(bytes: Uint8Array): number {
  const n = bytes.length;
  const stripes = n >>> 4;
  let h = stripes ? mixStripes(stripeWords(bytes, 4 * stripes)) : P5;
  h = (h + n) | 0;
  let i = 16 * stripes;
  for (; i + 4 <= n; i += 4) {
    h = h + Math.imul(bytes[i] | bytes[i + 1] << 8 | bytes[i + 2] << 16 | bytes[i + 3] << 24, P3);
    h = Math.imul(h << 17 | h >>> 15, P4);
  }
  for (; i < n; i++) {
    h = h + Math.imul(bytes[i], P5);
    h = Math.imul(h << 11 | h >>> 21, P1);
  }
  h ^= h >>> 15;
  h = Math.imul(h, P2);
  h ^= h >>> 13;
  h = Math.imul(h, P3);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * The first `count` little-endian words of `bytes`: a view when the machine
 * can read them in place, else a copy (unaligned input, big-endian machines).
 */
function stripeWords(bytes: Uint8Array, count: number): Int32Array {
  if (LITTLE_ENDIAN && bytes.byteOffset % 4 === 0) return new Int32Array(bytes.buffer, bytes.byteOffset, count);
  const view = new DataView(bytes.buffer, bytes.byteOffset, 4 * count);
  const words = new Int32Array(count);
  for (let j = 0; j < count; j++) words[j] = view.getInt32(4 * j, true);
  return words;
}

/** The four xxHash32 lanes over whole 16-byte stripes, merged into one state. */
function mixStripes(words: Int32Array): number {
  let v1 = (P1 + P2) | 0, v2 = P2, v3 = 0, v4 = -P1 | 0;
  for (let j = 0; j < words.length; j += 4) {
    v1 = v1 + Math.imul(words[j], P2);
    v1 = Math.imul(v1 << 13 | v1 >>> 19, P1);
    v2 = v2 + Math.imul(words[j + 1], P2);
    v2 = Math.imul(v2 << 13 | v2 >>> 19, P1);
    v3 = v3 + Math.imul(words[j + 2], P2);
    v3 = Math.imul(v3 << 13 | v3 >>> 19, P1);
    v4 = v4 + Math.imul(words[j + 3], P2);
    v4 = Math.imul(v4 << 13 | v4 >>> 19, P1);
  }
  return (v1 << 1 | v1 >>> 31) + (v2 << 7 | v2 >>> 25) + (v3 << 12 | v3 >>> 20) + (v4 << 18 | v4 >>> 14);
}
