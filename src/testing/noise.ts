/**
 * What a leak check leaves out: traces no line of the program's own is on
 * the stack of (the runtime's internals, a frame of unknown place, the
 * TypeScript loader the tests run under), which V8's sampler reports for
 * work going on beside the check (tsx's cache, the test runner's timers),
 * whatever the function under test does.
 *
 * @module
 */
import type { RawFrame } from "../model/frame.ts";
import { type RawTrace, Snapshot } from "../model/snapshot.ts";

/** Files of the runtime itself, and the frames of no place. */
const INTERNAL = /^(node:|ext:|internal:|bun:|native |\[native code\]$|<unknown>$|<anonymous>$)/;
/** tsx, which Node runs TypeScript tests through (`node --import tsx --test`): its frames are the loader's. */
const LOADER = /[\\/]node_modules[\\/]tsx[\\/]/;

/**
 * True for a file name that is the runtime's own or tsx's, or of no place.
 *
 * @example
 * ```ts
 * internalFile("node:internal/fs/dir"); // true
 * internalFile("/app/node_modules/tsx/dist/index.mjs"); // true
 * internalFile("/app/cache.ts"); // false
 * ```
 */
export function internalFile(file: string): boolean {
  return file === "" || INTERNAL.test(file) || LOADER.test(file);
}

/**
 * `snapshot` without the traces whose every frame is the runtime's own or
 * of unknown place.
 *
 * @example
 * ```ts
 * import { Snapshot } from "../model/snapshot.ts";
 * const snapshot = new Snapshot([[0, 64, [["node:internal/timers", 3]], 1], [1, 32, [["/app/a.ts", 2]], 1]], 1);
 * ownTraces(snapshot).traces.length; // 1
 * ```
 */
export function ownTraces(snapshot: Snapshot): Snapshot {
  const kept: RawTrace[] = [];
  let dropped = false;
  for (const trace of snapshot.traces) {
    const frames = [...trace.traceback];
    if (!frames.some((frame) => !internalFile(frame.filename))) {
      dropped = true;
      continue;
    }
    const raw: RawFrame[] = frames.reverse().map((
      f,
    ) => [f.filename, f.lineno, f.column ?? null, f.functionName ?? null]);
    kept.push([trace.domain, trace.size, raw, trace.traceback.totalNframe, trace.count]);
  }
  return dropped ? new Snapshot(kept, snapshot.tracebackLimit) : snapshot;
}
