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
import type { SiteStack } from "./store.ts";

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
 * A marked site as the hooks keep it, one object per site for the life of
 * the process: the hooks pass it around instead of the site's id, a number
 * beyond 2^31 that V8 boxes at every call it crosses.
 *
 * @example
 * ```ts
 * const site: MarkedSite = { id: 12, owner: null, stack: null };
 * ```
 */
export interface MarkedSite {
  /** The line engine's id of the site. */
  readonly id: number;
  /** The tracing session that made {@link stack}, `null` before any did. */
  owner: object | null;
  /** The traceback the site's allocations take in that session (see `allocationStack` in `context.ts`). */
  stack: SiteStack | null;
}

/** Every site marked so far, by id. */
const sites = new Map<number, MarkedSite>();
/** The sites marked last, by a hash of their ids: a loop's few sites are found without a map lookup. */
const recent: (MarkedSite | undefined)[] = new Array(64).fill(undefined);

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
 * The site marked for a hooked call of `argc` arguments whose last is
 * `last`, or `null`; the mark is taken either way (a call that consumed no
 * mark leaves none behind).
 *
 * @example
 * ```ts
 * const site = takeMark(1, 64); // site 12 after markBuffer(12, 64)
 * ```
 */
export function takeMark(argc: number, last: unknown): MarkedSite | null {
  const id = marks.site;
  if (id < 0) return null;
  marks.site = -1;
  const arg = marks.arg;
  marks.arg = undefined;
  if (argc === 0 || last !== arg || marks.frame === null) return null;
  // Ids are a module's key times 2^20 plus the site's index in the module: both parts hashed.
  const slot = ((id / 1048576) ^ (id * 7)) & 63;
  const found = recent[slot];
  if (found !== undefined && found.id === id) return found;
  return recent[slot] = markedSite(id);
}

function markedSite(id: number): MarkedSite {
  let site = sites.get(id);
  if (site === undefined) sites.set(id, site = { id, owner: null, stack: null });
  return site;
}
