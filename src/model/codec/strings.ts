/**
 * The string table of a dump, read: one blob of text, UTF-8 or UTF-16LE
 * (see `format.ts`), cut into strings by their lengths in UTF-16 units.
 *
 * @module
 */
import { UTF8 } from "./format.ts";

/** What reports a problem with the file (a reader). */
export interface Failing {
  fail(problem: string): never;
}

/**
 * Appends to `out` the strings of `blob` in `encoding`, of `lengths` UTF-16
 * units each, checking that the lengths cover the text exactly and (with
 * `unique`) that no string repeats an earlier one.
 *
 * @example
 * ```ts
 * const strings: string[] = [];
 * const failing = { fail: (problem: string): never => { throw new Error(problem); } };
 * decodeStrings(failing, new TextEncoder().encode("ab"), 0, [1, 1], strings, true); // strings: ["a", "b"]
 * ```
 */
export function decodeStrings(
  r: Failing,
  blob: Uint8Array,
  encoding: number,
  lengths: ArrayLike<number>,
  out: string[],
  unique: boolean,
): void {
  const joined = encoding === UTF8 ? decodeUtf8(r, blob) : decodeUtf16(r, blob);
  const seen = unique ? new Set<string>() : null;
  let at = 0;
  for (let i = 0; i < lengths.length; i++) {
    const end = at + lengths[i];
    if (end > joined.length) break;
    const s = joined.slice(at, at = end);
    if (seen) {
      if (seen.has(s)) r.fail(`string ${i} repeats an earlier one (damaged file)`);
      seen.add(s);
    }
    out.push(s);
  }
  if (out.length !== lengths.length || at !== joined.length) {
    r.fail("string lengths do not match the string table (damaged file)");
  }
}

function decodeUtf8(r: Failing, blob: Uint8Array): string {
  try {
    // ignoreBOM: a leading U+FEFF is part of the first string, not a mark to drop.
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(blob);
  } catch {
    return r.fail("invalid UTF-8 in the string table (damaged file)");
  }
}

/** Decoded by hand: TextDecoder would replace the lone surrogates this form exists for. */
function decodeUtf16(r: Failing, blob: Uint8Array): string {
  if (blob.length % 2) r.fail("odd UTF-16 string table length (damaged file)");
  const codes = new Uint16Array(blob.length / 2);
  for (let i = 0; i < codes.length; i++) codes[i] = blob[2 * i] | blob[2 * i + 1] << 8;
  let joined = "";
  for (let i = 0; i < codes.length; i += 8192) joined += String.fromCharCode(...codes.subarray(i, i + 8192));
  return joined;
}
