/**
 * Shell-style globs with exactly the meaning of Python 3.11's
 * `fnmatch.fnmatch` on POSIX, which tracemalloc's `Filter` uses for file
 * names. Ready-made glob packages differ on purpose (their `*` stops at `/`);
 * Python's does not, and users paste patterns from Python's documentation.
 *
 * A pattern is read as a sequence of code points, so an astral character is
 * one character for `?` and inside sets, as in Python's `str`.
 *
 * @module
 */

/** One piece of a compiled pattern: a star, or a regex matching one code point. */
type Piece = typeof STAR | string;

const STAR = Symbol("star");
const ANY = ".";
const NEVER = "(?!)";
const BANG = 0x21;
const HYPHEN = 0x2d;
/** Marks a range between the members around it (not a code point). */
const RANGE = -1;

const CACHE_LIMIT = 4096;
const cache = new Map<string, (name: string) => boolean>();

/**
 * Compiles `pattern` into a predicate with the semantics of Python's
 * `fnmatch.fnmatch` on POSIX: `*` matches any run of characters (`/` and
 * newlines included), `?` one character, `[seq]` / `[!seq]` one character in
 * (or not in) a set with ranges, an unclosed `[` is literal, and matching is
 * case-sensitive. Compiled patterns are cached.
 *
 * @example
 * ```ts
 * const inSrc = compileGlob("src/*.ts");
 * inSrc("src/model/frame.ts"); // true: `*` crosses `/`
 * inSrc("lib/x.ts"); // false
 * ```
 */
export function compileGlob(pattern: string): (name: string) => boolean {
  if (typeof pattern !== "string") {
    throw new TypeError(`glob pattern must be a string, not ${typeof pattern}`);
  }
  let match = cache.get(pattern);
  if (match === undefined) {
    const regex = new RegExp(toRegExpSource(pattern), "su");
    match = (name: string) => regex.test(name);
    // Programs build patterns from user input; keep the cache bounded.
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(pattern, match);
  }
  return match;
}

/**
 * The JavaScript regular expression source (for the `s` and `u` flags) that
 * accepts exactly the names `pattern` matches.
 *
 * @example
 * ```ts
 * new RegExp(toRegExpSource("*.ts"), "su").test("a.ts"); // true
 * ```
 */
export function toRegExpSource(pattern: string): string {
  return assemble(parse(Array.from(pattern, (c) => c.codePointAt(0)!)));
}

function parse(pat: readonly number[]): Piece[] {
  const pieces: Piece[] = [];
  const n = pat.length;
  let i = 0;
  while (i < n) {
    const c = pat[i++];
    if (c === 0x2a /* * */) {
      // Runs of stars mean the same as one; merging them keeps the regex small.
      if (pieces[pieces.length - 1] !== STAR) pieces.push(STAR);
    } else if (c === 0x3f /* ? */) {
      pieces.push(ANY);
    } else if (c === 0x5b /* [ */) {
      let j = i;
      if (j < n && pat[j] === BANG) j++;
      if (j < n && pat[j] === 0x5d) j++; // `]` first in a set is a member
      while (j < n && pat[j] !== 0x5d) j++;
      if (j >= n) {
        pieces.push(escape(c)); // no closing `]`: the `[` stands for itself
      } else {
        pieces.push(setSource(pat, i, j));
        i = j + 1;
      }
    } else {
      pieces.push(escape(c));
    }
  }
  return pieces;
}

/**
 * Regex for the set `pat[start..end)` (between `[` and `]`), following the
 * steps of Python's `fnmatch.translate` so its quirks carry over: a hyphen
 * first in the set (after `!`) or right after a range is a member, and a
 * range whose ends are out of order is removed together with its ends,
 * which can even leave a `!` at the front that then negates the set (and a
 * range hyphen right after that `!` is then a member).
 */
function setSource(pat: readonly number[], start: number, end: number): string {
  let chunks: number[][];
  if (!pat.slice(start, end).includes(HYPHEN)) {
    chunks = [pat.slice(start, end)];
  } else {
    // Split at the hyphens that make ranges: chunk k-1 ends with a range's
    // low end and chunk k starts with its high end.
    chunks = [];
    let from = start;
    let k = pat[start] === BANG ? start + 2 : start + 1;
    for (;;) {
      while (k < end && pat[k] !== HYPHEN) k++;
      if (k >= end) break;
      chunks.push(pat.slice(from, k));
      from = k + 1;
      k += 3;
    }
    const last = pat.slice(from, end);
    if (last.length) chunks.push(last);
    else chunks[chunks.length - 1].push(HYPHEN); // trailing hyphen is a member
    for (let k = chunks.length - 1; k > 0; k--) {
      const prev = chunks[k - 1];
      if (prev[prev.length - 1] > chunks[k][0]) {
        chunks[k - 1] = prev.slice(0, -1).concat(chunks[k].slice(1));
        chunks.splice(k, 1);
      }
    }
  }
  const first = chunks[0];
  if (chunks.length === 1 && first.length === 0) return NEVER;
  if (chunks.length === 1 && first.length === 1 && first[0] === BANG) {
    return ANY;
  }
  // The set as Python's re module reads translate's output: members, with
  // RANGE where translate left a hyphen unescaped.
  const negated = first[0] === BANG;
  const tokens: number[] = [];
  chunks.forEach((chunk, k) => {
    if (k > 0) tokens.push(RANGE);
    tokens.push(...chunk);
  });
  if (negated) tokens.shift();
  let body = "";
  for (let t = 0; t < tokens.length;) {
    // A RANGE with nothing before it (the `!` took that place) is a member.
    const lo = tokens[t] === RANGE ? HYPHEN : tokens[t];
    t++;
    if (tokens[t] === RANGE) {
      body += `${escape(lo)}-${escape(tokens[t + 1])}`;
      t += 2;
    } else {
      body += escape(lo);
    }
  }
  return `[${negated ? "^" : ""}${body}]`;
}

function assemble(pieces: readonly Piece[]): string {
  let [source, i] = fixedRun(pieces, 0);
  source = `^${source}`;
  let group = 0;
  while (i < pieces.length) {
    const [fixed, next] = fixedRun(pieces, i + 1); // i is a star
    i = next;
    if (i === pieces.length) {
      source += `.*${fixed}`;
    } else {
      // An inner star takes the shortest run before the first place its
      // fixed part fits, never backtracking (Python's atomic group): a
      // lookahead is atomic in JavaScript, and the back-reference consumes
      // what it matched. Any match would still fit there, since a star
      // follows; this only prevents exponential backtracking.
      group++;
      source += `(?=(.*?${fixed}))\\${group}`;
    }
  }
  return `${source}$`;
}

/** The pieces from `start` up to the next star, joined, and where they end. */
function fixedRun(pieces: readonly Piece[], start: number): [string, number] {
  let run = "";
  let i = start;
  for (; i < pieces.length; i++) {
    const piece = pieces[i];
    if (piece === STAR) break;
    run += piece;
  }
  return [run, i];
}

function escape(codePoint: number): string {
  return `\\u{${codePoint.toString(16)}}`;
}
