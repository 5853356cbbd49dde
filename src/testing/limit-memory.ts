/**
 * `limitMemory(bytes, fn)`: fails when the memory traced while `fn` runs
 * peaks more than `bytes` above where it began (pytest-memray's
 * `limit_memory`).
 *
 * @module
 */
import { AssertionError } from "node:assert";
import { formatCount, formatSize } from "../model/format.ts";
import type { Snapshot } from "../model/snapshot.ts";
import { getTracedMemory, resetPeak, takeSnapshot } from "../tracer.ts";
import { ownTraces } from "./noise.ts";
import { cut, heapNote, keyOf } from "./report.ts";
import { detached, type Traced, type TracingOptions, withTracing } from "./tracing.ts";

/**
 * Options of {@link limitMemory}.
 *
 * @example
 * ```ts
 * const options: LimitOptions = { lines: 3, nframe: 10 };
 * ```
 */
export interface LimitOptions extends TracingOptions {
  /** Lines named in the failure message (default 5). */
  readonly lines?: number;
}

/**
 * Runs `fn` once (a returned promise awaited) and throws an
 * `AssertionError` (node:assert's) when traced memory peaked more than
 * `bytes` above what was traced when `fn` began; the peak is reset first.
 * The message gives the peak and the limit, then the lines that held most
 * when `fn` ended (garbage not yet collected included), with their
 * tracebacks. Resolves to the peak, in bytes above the start.
 *
 * The peak is exact for buffers (domain 1), WebAssembly memories and user
 * domains: every allocation and free moves it. For JS objects (domain 0) it
 * is the highest estimate seen when the engine read its samples (the line
 * engine sweeps at least every time its samples doubled; V8's sampler only
 * when read): a lower bound. Tracing is started for the check when it is
 * off (and stopped after).
 *
 * @example
 * ```ts
 * await limitMemory(1024 * 1024, () => {
 *   const rows = new Float64Array(16 * 1024); // 128 KiB: within the limit
 *   return rows.length;
 * });
 * ```
 */
export async function limitMemory(bytes: number, fn: () => unknown, options: LimitOptions = {}): Promise<number> {
  if (typeof bytes !== "number" || !(bytes >= 0)) {
    throw new RangeError(`the limit must be a number of bytes, 0 or more, not ${bytes}`);
  }
  if (typeof fn !== "function") throw new TypeError("limitMemory needs a function to run");
  return await withTracing(options, async (traced) => {
    const before = await takeSnapshot({ gc: true });
    await resetPeak();
    const { current: base } = await getTracedMemory();
    await detached(fn);
    const { peak } = await getTracedMemory();
    const above = Math.max(0, peak - base);
    if (above <= bytes) return above;
    // What fn left, garbage included: no collection first.
    const after = await takeSnapshot({ gc: false });
    throw new AssertionError({
      message: limitMessage(above, bytes, after, before, options.lines ?? 5, traced),
      operator: "limitMemory",
    });
  });
}

/** The failure message: the peak, the limit, and the lines holding most at the end, each with its biggest traceback. */
function limitMessage(above: number, limit: number, after: Snapshot, before: Snapshot, shown: number, traced: Traced) {
  const now = ownTraces(after).filterTraces(traced.excluded);
  const then = ownTraces(before).filterTraces(traced.excluded);
  const grown = now.compareTo(then, "lineno").filter((d) => d.sizeDiff > 0).sort((a, b) => b.sizeDiff - a.sizeDiff);
  const tracebacks = now.compareTo(then, "traceback").filter((d) => d.sizeDiff > 0)
    .sort((a, b) => b.sizeDiff - a.sizeDiff);
  const lines = [
    `limitMemory: traced memory peaked at ${formatSize(above, false)} above where it began, over the limit of ` +
    `${formatSize(limit, false)}`,
  ];
  if (grown.length) lines.push("", `The lines holding most when the function ended (${heapNote(traced)}):`);
  for (const line of grown.slice(0, shown)) {
    const key = keyOf(line.traceback.at(0));
    const biggest = tracebacks.find((tb) => keyOf(tb.traceback.at(-1)) === key);
    lines.push(
      "",
      `${line.traceback}: ${formatSize(line.sizeDiff, true)} in ${formatCount(line.countDiff)} memory blocks`,
    );
    if (biggest) lines.push(...biggest.traceback.format().map((text) => `  ${cut(text)}`));
  }
  if (grown.length > shown) lines.push("", `... and ${grown.length - shown} more lines`);
  return lines.join("\n");
}
