/**
 * The runtime's own frames at the ends of a traceback. A buffer made inside
 * `node:internal/streams/...` on behalf of the user's line, or the module
 * loader's frames (`node:internal/modules/run_main`, `ext:deno_node/...`)
 * under the program's first line, are noise in a traceback: by default they
 * are dropped from both of its ends, so that frame 0 is the user's line and
 * the traceback limit counts the user's frames. They are never dropped from
 * the middle: a user callback called by a runtime function keeps the
 * runtime's frames between the two user frames. (The runtime's job runner
 * under a resumed async function ends its synchronous stack: the stack
 * capture drops it too, before the async callers.) One function,
 * {@link userFacing}, decides for every engine; {@link internalFramesShown}
 * whether they are shown after all.
 *
 * @module
 */
import { runtime } from "./index.ts";

/**
 * Files of the runtime itself: Node's built-in modules (`node:fs`,
 * `node:internal/...`), Deno's extensions (`ext:core/...`,
 * `ext:deno_node/...`), Bun's built-in modules (`node:...`, `bun:...`,
 * `internal:...`) and native frames; and tsx's loader, through which Node
 * runs TypeScript.
 */
const INTERNAL = /^(?:node:|ext:|bun:|internal:|deno:|\[native code\]|native$)|[\\/]node_modules[\\/]tsx[\\/]dist[\\/]/;

/**
 * True for a frame of the runtime itself (its file name as a frame holds
 * it: a path, a `file://` URL or a built-in module's specifier).
 *
 * @example
 * ```ts
 * isInternalFile("node:internal/streams/readable"); // true
 * isInternalFile("ext:deno_node/internal/timers.mjs"); // true
 * isInternalFile("/home/me/app/main.ts"); // false
 * ```
 */
export function isInternalFile(file: string): boolean {
  return INTERNAL.test(file);
}

/**
 * The frames of a stack to keep, `[start, end)`, most recent first.
 *
 * @example
 * ```ts
 * const range: UserFacing = { start: 2, end: 4, settled: true, total: 2 };
 * ```
 */
export interface UserFacing {
  /** The first frame kept: the most recent frame that is not the runtime's (0 when none is). */
  readonly start: number;
  /** After the last frame kept: at most `limit` frames from `start`. */
  readonly end: number;
  /**
   * False when the stack goes on beyond the frames given and the frames kept
   * end in runtime frames: more of the stack could show whether they lie
   * between user frames (kept) or at its outer end (dropped).
   */
  readonly settled: boolean;
  /** Frames of the whole user-facing traceback, when the stack was given whole; else `null`. */
  readonly total: number | null;
}

/**
 * Which of `count` frames (most recent first) a traceback keeps: runtime
 * frames at either end are left out, those between two user frames kept;
 * a stack with no user frame at all is kept whole. `complete` says whether
 * the last frame given is the outermost of the stack; when it is not,
 * runtime frames after the last user frame are kept (they may lie in the
 * middle) and the answer is not `settled`. `limit` is the traceback limit.
 *
 * @example
 * ```ts
 * const files = ["node:fs", "node:fs", "/app/a.ts", "/app/b.ts", "node:internal/modules/run_main"];
 * userFacing(files.length, (i) => isInternalFile(files[i]), true, 5);
 * // { start: 2, end: 4, settled: true, total: 2 }: /app/a.ts, /app/b.ts
 * ```
 */
export function userFacing(
  count: number,
  internal: (index: number) => boolean,
  complete: boolean,
  limit: number,
): UserFacing {
  let start = 0;
  while (start < count && internal(start)) start++;
  if (start === count) {
    return { start: 0, end: Math.min(count, limit), settled: complete, total: complete ? count : null };
  }
  let last = count - 1;
  while (internal(last)) last--;
  const end = Math.min(complete ? last + 1 : count, start + limit);
  return { start, end, settled: complete || end <= last + 1, total: complete ? last + 1 - start : null };
}

/**
 * Whether tracebacks keep the runtime's frames at their ends: `option` when
 * given (`start()`'s `internalFrames`), else `TRACEMALLOC_INTERNAL_FRAMES`
 * (`1` shows them; unset, empty or `0` does not).
 *
 * @throws {RangeError} naming the variable, for another value
 *
 * @example
 * ```ts
 * internalFramesShown(true); // true
 * internalFramesShown(undefined); // false unless TRACEMALLOC_INTERNAL_FRAMES=1
 * ```
 */
export function internalFramesShown(option: boolean | undefined): boolean {
  if (option !== undefined) return option;
  const raw = runtime().env("TRACEMALLOC_INTERNAL_FRAMES")?.trim() ?? "";
  if (raw === "" || raw === "0") return false;
  if (raw === "1") return true;
  throw new RangeError(`TRACEMALLOC_INTERNAL_FRAMES: invalid value ${JSON.stringify(raw)} (1 or 0 is expected)`);
}
