/**
 * Bytes in: a bounds-checked reader and the varints of format version 1
 * (unsigned LEB128 of at most 8 bytes, zigzag for signed numbers), and the
 * machine's byte order.
 *
 * @module
 */
import { MAX_UINT, SnapshotFormatError } from "./format.ts";

/** Values from this on are past 32-bit integer arithmetic. */
export const TWO_32 = 0x1_0000_0000;
/** Float64 columns and checksummed words are read in place when the machine's byte order is the file's. */
export const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * The integer whose zigzag form is `v` (small magnitudes, negative or not,
 * have small zigzag forms: 0, -1, 1, -2 are 0, 1, 2, 3).
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
