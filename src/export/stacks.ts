/**
 * The stacks every export format is made from: one entry per distinct
 * traceback and domain of a snapshot (or of the change between two), with
 * its bytes and blocks, and the names formats give a frame.
 *
 * @module
 */
import { DomainFilter } from "../model/filter.ts";
import type { Frame } from "../model/frame.ts";
import type { Snapshot } from "../model/snapshot.ts";

/**
 * One distinct traceback of one domain: its frames, oldest first (as a
 * `Traceback`), the bytes and blocks of its traces, and, for a comparison,
 * their change since the base snapshot.
 *
 * @example
 * ```ts
 * import { Frame } from "../model/frame.ts";
 * const stack: Stack = { frames: [new Frame("app.ts", 3)], domain: 1, size: 4096, count: 1, sizeDiff: 4096, countDiff: 1 };
 * ```
 */
export interface Stack {
  /** Oldest first; the last frame is where the memory was allocated. */
  readonly frames: readonly Frame[];
  /** 0 JS heap, 1 ArrayBuffer backing stores, 2 WebAssembly memory, others user domains. */
  readonly domain: number;
  /** Bytes of its traces (in the newer snapshot of a comparison). */
  readonly size: number;
  /** Blocks its traces stand for. */
  readonly count: number;
  /** `size` minus the base's (equal to `size` without a base). */
  readonly sizeDiff: number;
  /** `count` minus the base's (equal to `count` without a base). */
  readonly countDiff: number;
}

/** Domains present in a snapshot, in increasing order. */
function domainsOf(snapshot: Snapshot): number[] {
  const { domain, length } = snapshot.columns;
  const seen = new Set<number>();
  for (let i = 0; i < length; i++) seen.add(domain[i]);
  return [...seen].sort((a, b) => a - b);
}

/**
 * The stacks of `snapshot`, biggest first within each domain, domains in
 * increasing order. Without `base`, `sizeDiff` and `countDiff` equal `size`
 * and `count`; with it, they are the change since `base`, and stacks only
 * `base` has come with a size of 0 and a negative change. Stacks that did
 * not change are left out of a comparison.
 *
 * @example
 * ```ts
 * import { Snapshot } from "../model/snapshot.ts";
 * const before = new Snapshot([[1, 4096, [["app.ts", 3]], 1]], 5);
 * const after = new Snapshot([[1, 8192, [["app.ts", 3]], 1, 2]], 5);
 * stacksOf(after)[0].size; // 8192
 * stacksOf(after, before)[0].sizeDiff; // 4096
 * ```
 */
export function stacksOf(snapshot: Snapshot, base?: Snapshot): Stack[] {
  const domains = new Set(domainsOf(snapshot));
  if (base) { for (const d of domainsOf(base)) domains.add(d); }
  const stacks: Stack[] = [];
  for (const domain of [...domains].sort((a, b) => a - b)) {
    const only = [new DomainFilter(true, domain)];
    const now = snapshot.filterTraces(only);
    if (!base) {
      for (const stat of now.statistics("traceback")) {
        const frames = [...stat.traceback];
        stacks.push({ frames, domain, size: stat.size, count: stat.count, sizeDiff: stat.size, countDiff: stat.count });
      }
      continue;
    }
    for (const diff of now.compareTo(base.filterTraces(only), "traceback")) {
      if (!diff.sizeDiff && !diff.countDiff) continue;
      stacks.push({
        frames: [...diff.traceback],
        domain,
        size: diff.size,
        count: diff.count,
        sizeDiff: diff.sizeDiff,
        countDiff: diff.countDiff,
      });
    }
  }
  return stacks;
}

/**
 * The last path segment of a file name (`/a/b/app.ts` → `app.ts`,
 * `node:internal/timers` → `timers`), for short labels.
 *
 * @example
 * ```ts
 * shortFile("/home/me/app/leak.ts"); // "leak.ts"
 * ```
 */
export function shortFile(filename: string): string {
  const cut = Math.max(filename.lastIndexOf("/"), filename.lastIndexOf("\\"));
  return cut >= 0 && cut < filename.length - 1 ? filename.slice(cut + 1) : filename;
}

/**
 * A frame as a flame graph labels it: `function file:line`, or `file:line`
 * for code outside any function, the file shortened to its last segment.
 *
 * @example
 * ```ts
 * import { Frame } from "../model/frame.ts";
 * frameLabel(new Frame("/app/leak.ts", 16, 3, "handle")); // "handle leak.ts:16"
 * frameLabel(new Frame("/app/leak.ts", 23)); // "leak.ts:23"
 * ```
 */
export function frameLabel(frame: Frame): string {
  const place = `${shortFile(frame.filename)}:${frame.lineno}`;
  return frame.functionName ? `${frame.functionName} ${place}` : place;
}

/**
 * A key equal for equal frames (every field counts, as in the model).
 *
 * @example
 * ```ts
 * import { Frame } from "../model/frame.ts";
 * frameKey(new Frame("a.ts", 1)) === frameKey(new Frame("a.ts", 1, 5)); // false
 * ```
 */
export function frameKey(frame: Frame): string {
  return `${frame.filename}\0${frame.lineno}\0${frame.column ?? ""}\0${frame.functionName ?? ""}`;
}
