/**
 * Aligning two sequences of keys: which item of one is which item of the
 * other, where the two mostly agree but items were added, dropped or moved
 * here and there (the sites of Bun's CommonJS body against those of the
 * file it was made from). The result is a matching of equal keys that
 * keeps both orders (but for what moved), as long as can be found at a
 * bounded cost:
 *
 * - equal heads and tails are matched first (all of it, when nothing moved);
 * - in what is left, keys found exactly once on each side are anchors, and
 *   the longest run of anchors in the same order on both sides is matched
 *   (patience diff), then each stretch between two anchors is aligned the
 *   same way;
 * - a stretch without anchors is diffed (Myers' O(ND) algorithm, exact up
 *   to some hundred edits in a row);
 * - coarser keys (the site's kind alone, say) then align what finer keys
 *   left unmatched between two matches;
 * - a stretch between two matches with as many items left on each side is
 *   paired in order: items changed in place (Bun prints `new Array(n)` as
 *   `Array(n)`, a `new` site become a call);
 * - last, items that moved (Bun hoists a TypeScript class with parameter
 *   properties to the top of the body, inlines a `const` into the `return`
 *   that reads it): level by level, finest first, a key that the items
 *   still unmatched on each side have as many times is matched in order,
 *   out of the sequences' order.
 *
 * The work is bounded by a budget proportional to the input's length: a
 * pathological input leaves items unmatched rather than taking quadratic
 * time.
 *
 * @module
 */

/**
 * The keys of the two sequences at one level of detail: `a[i]` and `b[j]`
 * may be matched when they are equal.
 *
 * @example
 * ```ts
 * const level: KeyLevel = { a: [1, 2, 3], b: [1, 3] };
 * ```
 */
export interface KeyLevel {
  readonly a: ArrayLike<number>;
  readonly b: ArrayLike<number>;
}

/** Steps of work allowed per item of the input, and in all besides. */
const BUDGET_PER_ITEM = 64;
const BUDGET_BASE = 100_000;
/** Edits one round of a diff looks for: its trace takes (D + 1)² numbers. */
const ROUND_EDITS = 256;

/**
 * Aligns `a` with `b`: for each item of `a`, the index of its partner in
 * `b`, or -1. Partners have equal keys at some level, or were changed in
 * place, and but for moved items they increase with the index in `a`.
 * `levels` go from the finest keys to the coarsest; each level only aligns
 * what the ones before it left between two matches, and all levels have
 * the sequences' lengths.
 *
 * @example
 * ```ts
 * align([{ a: [1, 2, 3], b: [1, 3, 4] }]); // Int32Array [0, -1, 1]
 * align([{ a: [1, 2, 3], b: [1, 9, 3] }]); // Int32Array [0, 1, 2]: 2 was changed into 9
 * ```
 */
export function align(levels: readonly KeyLevel[]): Int32Array {
  const n = levels[0]?.a.length ?? 0;
  const m = levels[0]?.b.length ?? 0;
  const partner = new Int32Array(n).fill(-1);
  const budget = { left: BUDGET_PER_ITEM * (n + m) + BUDGET_BASE };
  for (const level of levels) {
    if (level.a.length !== n || level.b.length !== m) throw new RangeError("levels of different lengths");
    // The stretches between two matches (and before the first, after the last) where both sides have items left.
    let i = 0;
    let j = 0;
    for (let k = 0; k <= n; k++) {
      if (k < n && partner[k] < 0) continue;
      const next = k < n ? partner[k] : m;
      if (k > i && next > j) alignStretch(level, partner, budget, i, k, j, next);
      i = k + 1;
      j = next + 1;
    }
  }
  pairChanged(partner, m);
  for (const level of levels) matchMoved(level, partner);
  return partner;
}

/** Pairs in order the items of each stretch between two matches that has as many unmatched items on each side. */
function pairChanged(partner: Int32Array, m: number): void {
  let i = 0;
  let j = 0;
  for (let k = 0; k <= partner.length; k++) {
    if (k < partner.length && partner[k] < 0) continue;
    const next = k < partner.length ? partner[k] : m;
    if (next - j === k - i) { for (let at = i; at < k; at++) partner[at] = j + at - i; }
    i = k + 1;
    j = next + 1;
  }
}

/** Matches, in order, the unmatched items of a key that both sides have as many times unmatched. */
function matchMoved(level: KeyLevel, partner: Int32Array): void {
  const taken = new Uint8Array(level.b.length);
  for (const j of partner) if (j >= 0) taken[j] = 1;
  /** Per key: the unmatched items of `a`, then those of `b`, in order. */
  const left = new Map<number, [number[], number[]]>();
  for (let i = 0; i < partner.length; i++) {
    if (partner[i] >= 0) continue;
    const key = level.a[i];
    const entry = left.get(key);
    if (entry) entry[0].push(i);
    else left.set(key, [[i], []]);
  }
  for (let j = 0; j < taken.length; j++) if (!taken[j]) left.get(level.b[j])?.[1].push(j);
  for (const [inA, inB] of left.values()) {
    if (inA.length === inB.length) { for (let k = 0; k < inA.length; k++) partner[inA[k]] = inB[k]; }
  }
}

/** Work left, shared by every stretch of one {@link align}. */
interface Budget {
  left: number;
}

/** Aligns `a[aLo, aHi)` with `b[bLo, bHi)` (no item there matched yet), stretch by stretch. */
function alignStretch(
  level: KeyLevel,
  partner: Int32Array,
  budget: Budget,
  aLo: number,
  aHi: number,
  bLo: number,
  bHi: number,
): void {
  const { a, b } = level;
  const stack = [aLo, aHi, bLo, bHi];
  while (stack.length > 0) {
    let bEnd = stack.pop()!;
    let bStart = stack.pop()!;
    let aEnd = stack.pop()!;
    let aStart = stack.pop()!;
    while (aStart < aEnd && bStart < bEnd && a[aStart] === b[bStart]) partner[aStart++] = bStart++;
    while (aStart < aEnd && bStart < bEnd && a[aEnd - 1] === b[bEnd - 1]) partner[--aEnd] = --bEnd;
    if (aStart === aEnd || bStart === bEnd) continue;
    budget.left -= aEnd - aStart + bEnd - bStart;
    if (budget.left < 0) return;
    const anchors = uniqueAnchors(a, b, aStart, aEnd, bStart, bEnd);
    if (anchors.length === 0) {
      diff(a, b, partner, budget, aStart, aEnd, bStart, bEnd);
      continue;
    }
    // The stretches between anchors, pushed last first so they are aligned in order.
    let nextA = aEnd;
    let nextB = bEnd;
    for (let k = anchors.length - 2; k >= -2; k -= 2) {
      const ai = k >= 0 ? anchors[k] : aStart - 1;
      const bj = k >= 0 ? anchors[k + 1] : bStart - 1;
      if (k >= 0) partner[ai] = bj;
      if (nextA > ai + 1 && nextB > bj + 1) stack.push(ai + 1, nextA, bj + 1, nextB);
      nextA = ai;
      nextB = bj;
    }
  }
}

/**
 * The keys found once in `a[aLo, aHi)` and once in `b[bLo, bHi)`, as flat
 * `[i, j, i, j, ...]` pairs: the longest run of them in the same order on
 * both sides (patience sorting), by increasing `i`.
 */
function uniqueAnchors(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  aLo: number,
  aHi: number,
  bLo: number,
  bHi: number,
): number[] {
  /** Per key: its index in `a` (-2 once seen twice), then in `b` (-1 not seen, -2 twice). */
  const seen = new Map<number, [number, number]>();
  for (let i = aLo; i < aHi; i++) {
    const entry = seen.get(a[i]);
    if (entry) entry[0] = -2;
    else seen.set(a[i], [i, -1]);
  }
  const inB: number[] = []; // indices in `a` of the keys once in both, in the order of `b`
  for (let j = bLo; j < bHi; j++) {
    const entry = seen.get(b[j]);
    if (!entry || entry[0] < 0) continue;
    entry[1] = entry[1] === -1 ? j : -2;
  }
  for (let j = bLo; j < bHi; j++) {
    const entry = seen.get(b[j]);
    if (entry && entry[0] >= 0 && entry[1] === j) inB.push(entry[0]);
  }
  if (inB.length === 0) return [];
  // Longest increasing run of `a` indices, taken in `b`'s order.
  const tails: number[] = []; // per run length, the index in `inB` of the smallest last item
  const previous = new Int32Array(inB.length);
  for (let k = 0; k < inB.length; k++) {
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (inB[tails[mid]] < inB[k]) lo = mid + 1;
      else hi = mid;
    }
    previous[k] = lo > 0 ? tails[lo - 1] : -1;
    tails[lo] = k;
  }
  const run: number[] = [];
  for (let k = tails[tails.length - 1]; k >= 0; k = previous[k]) run.push(inB[k], seen.get(a[inB[k]])![1]);
  const pairs: number[] = [];
  for (let k = run.length - 2; k >= 0; k -= 2) pairs.push(run[k], run[k + 1]);
  return pairs;
}

/**
 * Myers' greedy diff of `a[aLo, aHi)` and `b[bLo, bHi)`: matches the items
 * of a shortest edit script, found {@link ROUND_EDITS} edits at a time
 * (past that, the path to the point furthest along is kept and the rest
 * diffed anew), until the budget runs out.
 */
function diff(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  partner: Int32Array,
  budget: Budget,
  aLo: number,
  aHi: number,
  bLo: number,
  bHi: number,
): void {
  let x = aLo;
  let y = bLo;
  while (x < aHi && y < bHi) {
    const reached = diffRound(a, b, partner, budget, x, aHi, y, bHi);
    if (reached === null) return;
    x += reached[0];
    y += reached[1];
  }
}

/**
 * One round of {@link diff} from `(aLo, bLo)`: matches the items of the
 * shortest path to the end, or to the point furthest along after
 * {@link ROUND_EDITS} edits, and returns how far along each sequence that
 * point is; `null` when the budget ran out first.
 */
function diffRound(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  partner: Int32Array,
  budget: Budget,
  aLo: number,
  aHi: number,
  bLo: number,
  bHi: number,
): [number, number] | null {
  const n = aHi - aLo;
  const m = bHi - bLo;
  const limit = Math.min(n + m, ROUND_EDITS);
  // `v[limit + k]`: the furthest x reached on diagonal k = x - y; `trace[d]`: v before step d, diagonals -d..d.
  const v = new Int32Array(2 * limit + 3);
  const trace: Int32Array[] = [];
  let end: [number, number, number] | null = null; // x, y and d of the point the path goes to
  for (let d = 0; d <= limit && end === null; d++) {
    budget.left -= 2 * d + 1;
    if (budget.left < 0) return null;
    trace.push(v.slice(limit - d, limit + d + 1));
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[limit + k - 1] < v[limit + k + 1]) ? v[limit + k + 1] : v[limit + k - 1] + 1;
      let y = x - k;
      const from = x;
      while (x < n && y < m && a[aLo + x] === b[bLo + y]) {
        x++;
        y++;
      }
      budget.left -= x - from;
      v[limit + k] = x;
      if (x >= n && y >= m) {
        end = [x, y, d];
        break;
      }
    }
  }
  if (end === null) {
    // No path to the end within `limit` edits: go to the point furthest along (inside the grid) after them.
    let best = -1;
    for (let k = -limit; k <= limit; k += 2) {
      const x = v[limit + k];
      const y = x - k;
      if (x <= n && y >= 0 && y <= m && x + y > best) {
        best = x + y;
        end = [x, y, limit];
      }
    }
    if (end === null) return null;
  }
  let [x, y] = end;
  // Walk back: each step d came from diagonal k ± 1 of step d - 1, then slid down a snake of matches.
  for (let d = end[2]; d > 0; d--) {
    const prev = trace[d]; // v before step d, diagonal i at prev[d + i]
    const k = x - y;
    const down = k === -d || (k !== d && prev[d + k - 1] < prev[d + k + 1]);
    const prevK = down ? k + 1 : k - 1;
    const prevX = prev[d + prevK];
    const startX = down ? prevX : prevX + 1;
    while (x > startX) partner[aLo + --x] = bLo + --y;
    x = prevX;
    y = prevX - prevK;
  }
  while (x > 0 && y > 0) partner[aLo + --x] = bLo + --y; // the snake of step 0
  return [end[0], end[1]];
}
