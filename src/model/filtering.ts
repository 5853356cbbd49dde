/**
 * Applies trace filters to columns with the rules of CPython's
 * `Snapshot.filter_traces`, without making an object per trace: a glob is
 * matched once per distinct file name, a filter's frame test runs once per
 * traceback id, and only the domain test runs per trace.
 *
 * @module
 */
import type { TraceColumns } from "./columns.ts";
import { DomainFilter, Filter } from "./filter.ts";
import { compileGlob } from "./fnmatch.ts";
import type { TraceTable } from "./table.ts";

// Memo cells: 0 = not decided yet; otherwise one of these.
const NO = 1;
const YES = 2;

// Bits of the per-traceback state for the filters without a domain.
const DECIDED = 1;
const INCLUDED = 2; // some inclusive filter matches
const NOT_EXCLUDED = 4; // no exclusive filter matches

/**
 * The traces of `columns` that `filters` keep, as new columns (the input is
 * not changed). As in CPython: an empty list keeps everything (a copy);
 * otherwise a trace is kept when some inclusive filter matches it (or there
 * are no inclusive filters) and no exclusive filter matches it.
 *
 * @param table the table `columns` refers to
 * @param columns the traces to filter
 * @param filters `Filter` and `DomainFilter` instances
 * @throws {TypeError} when an element is neither a `Filter` nor a `DomainFilter`
 *
 * @example
 * ```ts
 * import { Filter } from "./filter.ts";
 * import type { Snapshot } from "./snapshot.ts";
 * declare const snapshot: Snapshot;
 *
 * const kept = filterColumns(snapshot.table, snapshot.columns, [
 *   new Filter(false, "*node_modules*"),
 * ]);
 * ```
 */
export function filterColumns(
  table: TraceTable,
  columns: TraceColumns,
  filters: readonly (Filter | DomainFilter)[],
): TraceColumns {
  filters.forEach((filter, i) => {
    if (!(filter instanceof Filter) && !(filter instanceof DomainFilter)) {
      throw new TypeError(
        `filters[${i}] must be a Filter or DomainFilter, not ${describe(filter)}`,
      );
    }
  });
  if (filters.length === 0) return copyColumns(columns);

  const frames = new FrameMatcher(table);
  // Filters without a domain decide per traceback alone; they are folded into
  // one state byte per traceback id.
  const plainIncludes: FrameTest[] = [];
  const plainExcludes: FrameTest[] = [];
  // The rest match a trace when their frame test (if any) passes and the
  // trace's domain is theirs; they are checked per trace.
  const domainIncludes: DomainTest[] = [];
  const domainExcludes: DomainTest[] = [];
  for (const filter of filters) {
    if (filter instanceof DomainFilter) {
      (filter.inclusive ? domainIncludes : domainExcludes).push({
        frames: null,
        domain: filter.domain,
      });
    } else if (filter.domain === null) {
      (filter.inclusive ? plainIncludes : plainExcludes).push(
        frames.test(filter),
      );
    } else {
      const test = {
        frames: new MemoTest(frames.test(filter), table.tracebackCount),
        domain: filter.domain,
      };
      (filter.inclusive ? domainIncludes : domainExcludes).push(test);
    }
  }
  const noIncludes = plainIncludes.length === 0 && domainIncludes.length === 0;

  const state = new Uint8Array(table.tracebackCount);
  const stateOf = (tb: number): number => {
    let s = state[tb];
    if (s === 0) {
      s = DECIDED;
      if (plainIncludes.some((test) => test(tb))) s |= INCLUDED;
      if (!plainExcludes.some((test) => test(tb))) s |= NOT_EXCLUDED;
      state[tb] = s;
    }
    return s;
  };

  const { length, domain, traceback } = columns;
  const keep = new Uint8Array(length);
  let kept = 0;
  if (domainIncludes.length === 0 && domainExcludes.length === 0) {
    const wanted = noIncludes ? NOT_EXCLUDED : INCLUDED | NOT_EXCLUDED;
    for (let i = 0; i < length; i++) {
      if ((stateOf(traceback[i]) & wanted) === wanted) {
        keep[i] = 1;
        kept++;
      }
    }
  } else {
    for (let i = 0; i < length; i++) {
      const tb = traceback[i];
      const d = domain[i];
      const s = stateOf(tb);
      if ((s & NOT_EXCLUDED) === 0) continue;
      if (
        !noIncludes && (s & INCLUDED) === 0 &&
        !domainIncludes.some((t) => matchesTrace(t, tb, d))
      ) continue;
      if (domainExcludes.some((t) => matchesTrace(t, tb, d))) continue;
      keep[i] = 1;
      kept++;
    }
  }
  return pick(columns, keep, kept);
}

/** Whether a filter's frame test passes for a traceback id. */
type FrameTest = (tb: number) => boolean;

/** A filter with a domain: it matches traces of `domain` whose frames pass. */
interface DomainTest {
  frames: MemoTest | null;
  domain: number;
}

function matchesTrace(test: DomainTest, tb: number, domain: number): boolean {
  return domain === test.domain &&
    (test.frames === null || test.frames.has(tb));
}

/** A frame test memoized per traceback id, for the per-trace loop. */
class MemoTest {
  readonly #memo: Uint8Array;
  readonly #test: FrameTest;

  constructor(test: FrameTest, tracebackCount: number) {
    this.#test = test;
    this.#memo = new Uint8Array(tracebackCount);
  }

  has(tb: number): boolean {
    let m = this.#memo[tb];
    if (m === 0) this.#memo[tb] = m = this.#test(tb) ? YES : NO;
    return m === YES;
  }
}

/** Frame tests of filters on one table, with globs matched once per file name id. */
class FrameMatcher {
  readonly #table: TraceTable;
  readonly #globs = new Map<string, Uint8Array>();

  constructor(table: TraceTable) {
    this.#table = table;
  }

  /**
   * CPython's `Filter._match_traceback` before the inclusive/exclusive flip:
   * does the most recent frame (or, with `allFrames`, any frame) have a
   * matching file name and, when the filter has one, the same line?
   */
  test(filter: Filter): FrameTest {
    const { frameFile, frameLine, stackStart, stackFrames, tracebackStack } = this.#table;
    const fileMatches = this.#fileTest(filter.filenamePattern);
    const { lineno, allFrames } = filter;
    return (tb) => {
      const stack = tracebackStack[tb];
      const start = stackStart[stack];
      const end = allFrames ? stackStart[stack + 1] : Math.min(start + 1, stackStart[stack + 1]);
      for (let k = start; k < end; k++) {
        const frame = stackFrames[k];
        if (
          (lineno === null || frameLine[frame] === lineno) &&
          fileMatches(frameFile[frame])
        ) return true;
      }
      return false;
    };
  }

  #fileTest(pattern: string): (file: number) => boolean {
    const strings = this.#table.strings;
    let memo = this.#globs.get(pattern);
    if (memo === undefined) {
      memo = new Uint8Array(strings.length);
      this.#globs.set(pattern, memo);
    }
    const cells = memo;
    const glob = compileGlob(pattern);
    return (file) => {
      let m = cells[file];
      if (m === 0) cells[file] = m = glob(strings[file]) ? YES : NO;
      return m === YES;
    };
  }
}

function pick(
  columns: TraceColumns,
  keep: Uint8Array,
  kept: number,
): TraceColumns {
  const domain = new Int32Array(kept);
  const size = new Float64Array(kept);
  const traceback = new Uint32Array(kept);
  const count = columns.count ? new Float64Array(kept) : null;
  for (let i = 0, j = 0; j < kept; i++) {
    if (keep[i] === 0) continue;
    domain[j] = columns.domain[i];
    size[j] = columns.size[i];
    traceback[j] = columns.traceback[i];
    if (count) count[j] = columns.count![i];
    j++;
  }
  return { length: kept, domain, size, traceback, count };
}

function copyColumns(columns: TraceColumns): TraceColumns {
  return {
    length: columns.length,
    domain: columns.domain.slice(0, columns.length),
    size: columns.size.slice(0, columns.length),
    traceback: columns.traceback.slice(0, columns.length),
    count: columns.count ? columns.count.slice(0, columns.length) : null,
  };
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "object") return value.constructor?.name ?? "object";
  return typeof value;
}
