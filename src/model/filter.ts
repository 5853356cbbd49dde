/**
 * Trace filters, as CPython's `tracemalloc.Filter` and `DomainFilter`. They
 * hold settings only; `filterColumns` in `filtering.ts` applies them to
 * a snapshot's columns with CPython's `_match` rules.
 *
 * @module
 */

/**
 * Keeps (inclusive) or drops (exclusive) traces by file name glob, and
 * optionally by line number and domain, as CPython's `tracemalloc.Filter`:
 *
 * - the glob has `fnmatch` semantics (see `compileGlob`); `*` crosses
 *   `/`;
 * - without `allFrames`, only the most recent frame of a traceback is
 *   looked at; with it, the filter matches when any frame matches;
 * - `lineno`, when set, must equal the frame's line as well;
 * - `domain`, when set, narrows an inclusive filter to that domain and makes
 *   an exclusive filter drop only matching traces of that domain.
 *
 * Unlike CPython, a pattern or file name ending in `.pyc` is not rewritten to
 * `.py`: compiled Python files mean nothing to JavaScript, so patterns are
 * matched exactly as given.
 *
 * @example
 * ```ts
 * import type { Snapshot } from "./snapshot.ts";
 * declare const snapshot: Snapshot;
 *
 * const filters = [
 *   new Filter(false, "*node_modules*"),
 *   new Filter(true, "src/*", null, true),
 * ];
 * const mine = snapshot.filterTraces(filters);
 * String(filters[1]); // 'include "src/*" all-frames'
 * ```
 */
export class Filter {
  /** True to keep matching traces, false to drop them. */
  readonly inclusive: boolean;
  /** The glob file names are matched against. */
  readonly filenamePattern: string;
  /** The line number a frame must have, or `null` for any line. */
  readonly lineno: number | null;
  /** Whether any frame may match, rather than only the most recent one. */
  readonly allFrames: boolean;
  /** The domain a trace must be in, or `null` for any domain. */
  readonly domain: number | null;

  /**
   * @param inclusive true to keep matching traces, false to drop them
   * @param filenamePattern an `fnmatch` glob for file names
   * @param lineno the line to match, `null` or omitted for any line
   * @param allFrames match any frame of the traceback, not only the most recent
   * @param domain the domain to match, `null` or omitted for any domain
   * @throws {TypeError} when an argument has the wrong type
   */
  constructor(
    inclusive: boolean,
    filenamePattern: string,
    lineno?: number | null,
    allFrames?: boolean,
    domain?: number | null,
  ) {
    this.inclusive = checkBoolean("inclusive", inclusive);
    if (typeof filenamePattern !== "string") {
      throw new TypeError(
        `filenamePattern must be a string, not ${describe(filenamePattern)}`,
      );
    }
    this.filenamePattern = filenamePattern;
    this.lineno = checkOptionalInteger("lineno", lineno);
    this.allFrames = allFrames === undefined ? false : checkBoolean("allFrames", allFrames);
    this.domain = checkOptionalInteger("domain", domain);
  }

  /** A readable description, e.g. `include "src/*" line 12 all-frames domain 1`. */
  toString(): string {
    let text = `${this.inclusive ? "include" : "exclude"} ${JSON.stringify(this.filenamePattern)}`;
    if (this.lineno !== null) text += ` line ${this.lineno}`;
    if (this.allFrames) text += " all-frames";
    if (this.domain !== null) text += ` domain ${this.domain}`;
    return text;
  }
}

/**
 * Keeps (inclusive) or drops (exclusive) the traces of one domain, as
 * CPython's `tracemalloc.DomainFilter`.
 *
 * @example
 * ```ts
 * import type { Snapshot } from "./snapshot.ts";
 * declare const snapshot: Snapshot;
 *
 * // Everything but ArrayBuffer backing stores (domain 1).
 * const heapOnly = snapshot.filterTraces([new DomainFilter(false, 1)]);
 * String(new DomainFilter(false, 1)); // "exclude domain 1"
 * ```
 */
export class DomainFilter {
  /** True to keep the domain's traces, false to drop them. */
  readonly inclusive: boolean;
  /** The domain this filter is about. */
  readonly domain: number;

  /**
   * @param inclusive true to keep the domain's traces, false to drop them
   * @param domain the domain (an integer)
   * @throws {TypeError} when an argument has the wrong type
   */
  constructor(inclusive: boolean, domain: number) {
    this.inclusive = checkBoolean("inclusive", inclusive);
    if (!Number.isInteger(domain)) {
      throw new TypeError(`domain must be an integer, not ${describe(domain)}`);
    }
    this.domain = domain;
  }

  /** A readable description, e.g. `exclude domain 1`. */
  toString(): string {
    return `${this.inclusive ? "include" : "exclude"} domain ${this.domain}`;
  }
}

function checkBoolean(name: string, value: unknown): boolean {
  if (typeof value !== "boolean") {
    throw new TypeError(`${name} must be a boolean, not ${describe(value)}`);
  }
  return value;
}

function checkOptionalInteger(name: string, value: unknown): number | null {
  if (value === undefined || value === null) return null;
  if (!Number.isInteger(value)) {
    throw new TypeError(
      `${name} must be an integer or null, not ${describe(value)}`,
    );
  }
  return value as number;
}

function describe(value: unknown): string {
  if (typeof value === "number") return String(value);
  if (typeof value === "string") return JSON.stringify(value);
  if (value === null) return "null";
  if (typeof value === "object") return value.constructor?.name ?? "object";
  return typeof value;
}
