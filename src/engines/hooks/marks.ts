/**
 * Sites of buffer-making calls, known statically: code the line engine
 * rewrote marks the last argument of `new Uint8Array(n)`, `Buffer.from(s)`,
 * `encoder.encode(s)`... with its site (the global's `p` method, see
 * `line/global.ts`), which runs after every argument, right before the
 * call. The hook that the call reaches takes the mark, checks that its own
 * last argument is the marked value, and records the buffer at the site's
 * line without capturing a stack.
 *
 * @module
 */
import type { RawFrame } from "../../model/frame.ts";

/**
 * The last mark, taken (reset to -1) by the next hook that runs.
 *
 * @example
 * ```ts
 * marks.site = 12; // what `NAME.p(12, n)` does before `new Uint8Array(n)`
 * ```
 */
export const marks: {
  /** The site of the call about to run, or -1. */
  site: number;
  /** The marked argument's value. */
  arg: unknown;
  /** The frame of a site (the line engine's table), `null` before the line engine is installed. */
  frame: ((site: number) => RawFrame) | null;
} = { site: -1, arg: undefined, frame: null };

/**
 * Marks the call about to run as being at `site`; returns `value`, the
 * call's last argument. Installed as the site global's `p` method.
 *
 * @example
 * ```ts
 * const bytes = new Uint8Array(markBuffer(12, 64)); // as rewritten code does
 * ```
 */
export function markBuffer<T>(site: number, value: T): T {
  marks.site = site;
  marks.arg = value;
  return value;
}

/**
 * The site marked for a hooked call with arguments `args`, or -1; the mark
 * is taken either way (a call that consumed no mark leaves none behind).
 *
 * @example
 * ```ts
 * const site = takeMark([64]); // 12 after markBuffer(12, 64)
 * ```
 */
export function takeMark(args: readonly unknown[]): number {
  const site = marks.site;
  if (site < 0) return -1;
  marks.site = -1;
  const arg = marks.arg;
  marks.arg = undefined;
  return args.length > 0 && args[args.length - 1] === arg && marks.frame !== null ? site : -1;
}
