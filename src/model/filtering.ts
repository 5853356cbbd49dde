/**
 * Applies trace filters to columns with the rules of CPython's
 * `Snapshot.filter_traces`, without making an object per trace: a glob is
 * matched once per distinct file name, a filter's frame test runs once per
 * traceback id, and only the domain test runs per trace.
 *
 * @module
 */
import { allocateColumns, type TraceColumns } from "./columns.ts";
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
  // State of each traceback id, decided the first time one of its traces comes.
  const state = new Uint8Array(table.tracebackCount);
  const decide = (tb: number): number => {
    let s = DECIDED;
    if (plainIncludes.some((test) => test(tb))) s |= INCLUDED;
    if (!plainExcludes.some((test) => test(tb))) s |= NOT_EXCLUDED;
    return state[tb] = s;
  };
  const out = allocateColumns(columns.length, columns.count !== null);
  const kept = domainIncludes.length === 0 && domainExcludes.length === 0
    ? pickByTraceback(columns, state, decide, noIncludes ? NOT_EXCLUDED : INCLUDED | NOT_EXCLUDED, out)
    : pickByTrace(columns, state, decide, { noIncludes, domainIncludes, domainExcludes }, out);
  return shrink(out, kept);
}

/**
 * Copies the traces whose traceback's state has the `wanted` bits to `out`;
 * returns how many. One pass, the state decided once per traceback.
 */
function pickByTraceback(
  columns: TraceColumns,
  state: Uint8Array,
  decide: (tb: number) => number,
  wanted: number,
  out: TraceColumns,
): number {
  const { length, domain, size, traceback, count } = columns;
  const { domain: keptDomain, size: keptSize, traceback: keptTraceback, count: keptCount } = out;
  let kept = 0;
  for (let i = 0; i < length; i++) {
    const tb = traceback[i];
    let s = state[tb];
    if (s === 0) s = decide(tb);
    if ((s & wanted) !== wanted) continue;
    keptDomain[kept] = domain[i];
    keptSize[kept] = size[i];
    keptTraceback[kept] = tb;
    if (count !== null) keptCount![kept] = count[i];
    kept++;
  }
  return kept;
}

/** As {@link pickByTraceback}, with filters that look at each trace's domain too. */
function pickByTrace(
  columns: TraceColumns,
  state: Uint8Array,
  decide: (tb: number) => number,
  filters: { noIncludes: boolean; domainIncludes: DomainTest[]; domainExcludes: DomainTest[] },
  out: TraceColumns,
): number {
  const { noIncludes, domainIncludes, domainExcludes } = filters;
  const { length, domain, size, traceback, count } = columns;
  let kept = 0;
  for (let i = 0; i < length; i++) {
    const tb = traceback[i];
    const d = domain[i];
    let s = state[tb];
    if (s === 0) s = decide(tb);
    if ((s & NOT_EXCLUDED) === 0) continue;
    if (
      !noIncludes && (s & INCLUDED) === 0 &&
      !domainIncludes.some((t) => matchesTrace(t, tb, d))
    ) continue;
    if (domainExcludes.some((t) => matchesTrace(t, tb, d))) continue;
    out.domain[kept] = d;
    out.size[kept] = size[i];
    out.traceback[kept] = tb;
    if (count !== null) out.count![kept] = count[i];
    kept++;
  }
  return kept;
}

/**
 * The first `kept` traces of `columns`, which were made for all of them: views
 * when most are kept (the pages past the end were never touched, so they
 * cost nothing), copies when few are, so that a small snapshot does not hold
 * a large one's memory.
 */
function shrink(columns: TraceColumns, kept: number): TraceColumns {
  const take = <T extends Int32Array | Uint32Array | Float64Array>(a: T): T =>
    (2 * kept >= columns.length ? a.subarray(0, kept) : a.slice(0, kept)) as T;
  return {
    length: kept,
    domain: take(columns.domain),
    size: take(columns.size),
    traceback: take(columns.traceback),
    count: columns.count ? take(columns.count) : null,
  };
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
