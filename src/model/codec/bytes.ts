/**
 * Bytes in and out: a growable writer, a bounds-checked reader and the
 * varints of the dump format (unsigned LEB128 of at most 8 bytes, zigzag for
 * signed numbers).
 *
 * Writers of a run of varints store at `buf[p]` and return the position
 * after, so that hot loops keep the position in a local.
 *
 * @module
 */
import { MAX_UINT, SnapshotFormatError } from "./format.ts";

/** Values below this take at most four varint bytes, the ones {@link putUint28} writes. */
export const TWO_28 = 0x1000_0000;
/** Values from this on are past 32-bit integer arithmetic. */
export const TWO_32 = 0x1_0000_0000;
/** Float64 columns and checksummed words are read in place when the machine's byte order is the file's. */
export const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * The zigzag form of an integer: small magnitudes, negative or not, give
 * small unsigned numbers.
 *
 * @example
 * ```ts
 * [zigzag(0), zigzag(-1), zigzag(1), zigzag(-2)]; // [0, 1, 2, 3]
 * ```
 */
export function zigzag(v: number): number {
  return v < 0 ? -2 * v - 1 : 2 * v;
}

/**
 * The integer whose {@link zigzag} form is `v`.
 *
 * @example
 * ```ts
 * unzigzag(3); // -2
 * ```
 */
export function unzigzag(v: number): number {
  return v % 2 ? -(v + 1) / 2 : v / 2;
}

/**
 * Stores `v`, an integer up to 2^53, as a varint at `buf[p]` and returns the
 * position after it; quickest for small values.
 *
 * @example
 * ```ts
 * const buf = new Uint8Array(8);
 * putUint(buf, 0, 300); // 2: buf starts 0xac 0x02
 * ```
 */
export function putUint(buf: Uint8Array, p: number, v: number): number {
  if (v >= TWO_32) return putLongUint(buf, p, v);
  while (v >= 0x80) {
    buf[p++] = v & 0x7f | 0x80;
    v >>>= 7;
  }
  buf[p] = v;
  return p + 1;
}

/**
 * As {@link putUint}, in floating-point arithmetic, for values of 2^32 and up.
 *
 * @example
 * ```ts
 * putLongUint(new Uint8Array(8), 0, 2 ** 53); // 8
 * ```
 */
export function putLongUint(buf: Uint8Array, p: number, v: number): number {
  while (v >= 0x80) {
    buf[p++] = v % 0x80 | 0x80;
    v = Math.floor(v / 0x80);
  }
  buf[p] = v;
  return p + 1;
}

/**
 * As {@link putUint} for `v` below 2^28, storing four bytes whatever its
 * length and branching on none: when lengths vary at random, mispredicted
 * branches cost more than the stores. Needs three bytes of slack after the
 * varint.
 *
 * @example
 * ```ts
 * putUint28(new Uint8Array(4), 0, 300); // 2
 * ```
 */
export function putUint28(buf: Uint8Array, p: number, v: number): number {
  // (limit - v) >> 31 is -1 when v > limit, else 0: the continuation bits.
  const c1 = (0x7f - v) >> 31;
  const c2 = (0x3fff - v) >> 31;
  const c3 = (0x1fffff - v) >> 31;
  buf[p] = v & 0x7f | c1 & 0x80;
  buf[p + 1] = v >>> 7 & 0x7f | c2 & 0x80;
  buf[p + 2] = v >>> 14 & 0x7f | c3 & 0x80;
  buf[p + 3] = v >>> 21;
  return p + 1 - c1 - c2 - c3;
}

/**
 * A growable byte buffer; loops write to `buf` directly after `reserve`.
 *
 * @example
 * ```ts
 * const w = new Writer(16);
 * w.uint(300);
 * w.buf.subarray(0, w.pos); // 0xac 0x02
 * ```
 */
export class Writer {
  buf: Uint8Array;
  pos = 0;

  constructor(capacity: number) {
    this.buf = new Uint8Array(Math.max(capacity, 64));
  }

  /** Makes room for `n` more bytes. */
  reserve(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.pos + n, this.buf.length * 2));
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }

  byte(b: number): void {
    this.reserve(1);
    this.buf[this.pos++] = b;
  }

  /** A non-negative integer up to 2^53. */
  uint(v: number): void {
    this.reserve(8);
    this.pos = putUint(this.buf, this.pos, v);
  }

  bytes(b: Uint8Array): void {
    this.reserve(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }
}

/**
 * Reads bytes; every read checks its bounds and fails with a
 * {@link SnapshotFormatError} naming the file.
 *
 * @example
 * ```ts
 * const r = new Reader(new Uint8Array([0xac, 0x02]), "dump.tmjs");
 * r.uint(); // 300
 * ```
 */
export class Reader {
  pos = 0;

  constructor(readonly bytes: Uint8Array, readonly name: string) {}

  fail(problem: string): never {
    throw new SnapshotFormatError(this.name, problem);
  }

  get left(): number {
    return this.bytes.length - this.pos;
  }

  byte(): number {
    if (this.pos >= this.bytes.length) this.fail("truncated data (damaged file)");
    return this.bytes[this.pos++];
  }

  /** A varint; those of up to 3 bytes (all ids below 2^21) are read in line. */
  uint(): number {
    const { bytes } = this;
    const p = this.pos;
    // An index past the end reads undefined, which fails `< 0x80` and so takes the checked path.
    const b0 = bytes[p];
    if (b0 < 0x80) {
      this.pos = p + 1;
      return b0;
    }
    const b1 = bytes[p + 1];
    if (b1 < 0x80) {
      this.pos = p + 2;
      return b0 & 0x7f | b1 << 7;
    }
    const b2 = bytes[p + 2];
    if (b2 < 0x80) {
      this.pos = p + 3;
      return b0 & 0x7f | (b1 & 0x7f) << 7 | b2 << 14;
    }
    return this.longUint();
  }

  /** A varint of any length at `pos`, bounds checked. */
  longUint(): number {
    const { bytes } = this;
    let p = this.pos;
    let v = 0;
    let scale = 1;
    for (let k = 0; k < 8; k++) {
      if (p >= bytes.length) this.fail("truncated data (damaged file)");
      const b = bytes[p++];
      v += (b & 0x7f) * scale;
      if (b < 0x80) {
        if (v > MAX_UINT) this.fail(`number too large at byte ${p} (damaged file)`);
        this.pos = p;
        return v;
      }
      scale *= 0x80;
    }
    return this.fail(`number too long at byte ${p} (damaged file)`);
  }

  /** A count of items of at least `minBytes` bytes each, checked against the bytes left. */
  count(what: string, minBytes: number): number {
    const n = this.uint();
    if (n * minBytes > this.left) this.fail(`${what} count ${n} exceeds the file's size (damaged file)`);
    return n;
  }
}

/**
 * Fills `out` with varints read from `r`, each clamped to `max` (so that a
 * damaged id too large for a Uint32Array fails its range check rather than
 * wrapping round). Those of up to three bytes are decoded without a branch on
 * their length, which varies at random from value to value; the last few,
 * near the end of the bytes, take the checked path.
 *
 * @example
 * ```ts
 * const sizes = new Float64Array(2);
 * readUints(new Reader(new Uint8Array([1, 0xac, 0x02]), "dump.tmjs"), sizes, 2 ** 53); // sizes: 1, 300
 * ```
 */
export function readUints(r: Reader, out: Float64Array | Uint32Array, max: number): void {
  const { bytes } = r;
  const last = bytes.length - 3;
  let p = r.pos;
  let i = 0;
  for (; i < out.length && p <= last; i++) {
    const b0 = bytes[p], b1 = bytes[p + 1], b2 = bytes[p + 2];
    // c0, c1: whether the 2nd and 3rd bytes belong to this varint.
    const c0 = b0 >> 7, c1 = c0 & b1 >> 7;
    if (c1 & b2 >> 7) {
      r.pos = p;
      out[i] = Math.min(r.longUint(), max);
      p = r.pos;
      continue;
    }
    out[i] = b0 & 0x7f | (b1 & 0x7f) << 7 & -c0 | (b2 & 0x7f) << 14 & -c1;
    p += 1 + c0 + c1;
  }
  r.pos = p;
  for (; i < out.length; i++) out[i] = Math.min(r.uint(), max);
}
