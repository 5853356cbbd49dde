/**
 * Giving the sites of a runtime's transformation of a file the file's own
 * positions. Bun evaluates a CommonJS file as a function body it printed
 * itself (blank lines dropped, literals re-wrapped, declarations merged
 * onto one line) and maps stack positions back to the file through a
 * source map of its own, which a load hook cannot read. So the body is
 * planned (its insertions are what runs) and so is the file's text (its
 * positions are what the program's frames show), and each site of the body
 * takes the position of its partner among the file's sites.
 *
 * Partners are found by aligning the two sequences of sites (`align.ts`):
 * first by what each site makes, the allocating call's flags, the
 * function it is in and the name a statement reports it under, then by
 * what it makes alone; what is left between two partners is paired when
 * there are as many on each side, and sites moved elsewhere are found by
 * their keys. Bun folds constants, drops dead code and prints TypeScript's
 * enums and namespaces as code of its own, so some sites of either side
 * have no partner; one in the body is put on a line near its aligned
 * neighbours.
 *
 * @module
 */
import { align, type KeyLevel } from "./align.ts";
import { LineIndex } from "./lines.ts";
import { type Plan, type PlanSites, SiteFlag } from "./plan.ts";

/**
 * A body's plan with the file's positions.
 *
 * @example
 * ```ts
 * import type { Plan } from "./plan.ts";
 * declare const bodyPlan: Plan;
 * declare const filePlan: Plan | null;
 *
 * const { plan, unaligned } = realignPlan(bodyPlan, filePlan);
 * ```
 */
export interface Realigned {
  /** The body's plan (its insertions), its sites at the file's positions. */
  readonly plan: Plan;
  /** Sites of the body without a partner in the file, placed near their neighbours. */
  readonly unaligned: number;
}

/** The flags that tell an allocating call's callee (the others depend on where the site stands). */
const CALL_FLAGS = SiteFlag.Deep | SiteFlag.ExpectArray | SiteFlag.ExpectString | SiteFlag.ExpectPromise |
  SiteFlag.ExpectFunction | SiteFlag.ExpectObject | SiteFlag.Strings | SiteFlag.Pairs;

/**
 * The texts two plans were made from.
 *
 * @example
 * ```ts
 * declare const bunBody: string; // Bun's CommonJS body of a file
 * declare const fileText: string; // the file's own text
 *
 * const texts: PlanTexts = { body: bunBody, original: fileText };
 * ```
 */
export interface PlanTexts {
  readonly body: string;
  readonly original: string;
}

/**
 * The plan of `body` (a runtime's transformation of a file) with each site
 * at its partner's position in `original` (the plan of the file's own
 * text); `null` for `original` (the file did not parse) leaves every site
 * where it is, unaligned. With the `texts` the plans were made from, what
 * each site's text starts with tells apart sites that are otherwise alike
 * (Bun inlines a `const` into the `return` that reads it: an array
 * literal's sites then come in another order).
 *
 * @example
 * ```ts
 * import { planModule } from "./instrument.ts";
 * declare const bunBody: string; // Bun's CommonJS body of the file
 * declare const fileText: string; // the file's own text
 *
 * const path = "/app/a.cts";
 * const body = planModule(bunBody, { path, lang: "js", kind: "commonjs" })!;
 * const file = planModule(fileText, { path, lang: "ts", kind: "commonjs" });
 * const { plan } = realignPlan(body, file, { body: bunBody, original: fileText });
 * ```
 */
export function realignPlan(body: Plan, original: Plan | null, texts?: PlanTexts): Realigned {
  const mine = body.sites;
  const count = mine.line.length;
  if (count === 0) return { plan: body, unaligned: 0 };
  if (!original || original.sites.line.length === 0) return { plan: body, unaligned: count };
  const theirs = original.sites;
  const keys = new Map<string, number>();
  const id = (key: string) => {
    let found = keys.get(key);
    if (found === undefined) keys.set(key, found = keys.size);
    return found;
  };
  const fine = (plan: Plan) => {
    const { kind, flags, fn } = plan.sites;
    const ident = reportedNames(plan);
    return kind.map((k, i) => `${k}\0${flags[i] & CALL_FLAGS}\0${fn[i]}\0${ident[i] ?? ""}`);
  };
  const fineMine = fine(body);
  const fineTheirs = fine(original);
  const levels: KeyLevel[] = [{ a: fineMine.map(id), b: fineTheirs.map(id) }, { a: mine.kind, b: theirs.kind }];
  // An input map puts the file's sites in other texts: their starts cannot be read in the file's.
  if (texts && original.inputMap === null) {
    const headMine = heads(body, texts.body);
    const headTheirs = heads(original, texts.original);
    levels.unshift({
      a: fineMine.map((key, i) => id(`${key}\0${headMine[i]}`)),
      b: fineTheirs.map((key, i) => id(`${key}\0${headTheirs[i]}`)),
    });
  }
  const partner = align(levels);
  if (!partner.some((j) => j >= 0)) return { plan: body, unaligned: count };
  const file: number[] = [];
  const line: number[] = [];
  const column: number[] = [];
  const fn: (string | null)[] = [];
  let unaligned = 0;
  let previous = -1; // the last site before this one with a partner
  let next = 0; // the first site after it with one (`count`: none)
  for (let i = 0; i < count; i++) {
    const j = partner[i];
    if (j >= 0) {
      file.push(theirs.file[j]);
      line.push(theirs.line[j]);
      column.push(theirs.column[j]);
      fn.push(theirs.fn[j]);
      previous = i;
      continue;
    }
    unaligned++;
    if (next <= i) {
      next = i + 1;
      while (next < count && partner[next] < 0) next++;
    }
    const near = nearLine(mine, theirs, partner, i, previous, next < count ? next : -1);
    file.push(near.file);
    line.push(near.line);
    column.push(mine.column[i]);
    fn.push(mine.fn[i]);
  }
  const sites: PlanSites = { ...mine, files: theirs.files, file, line, column, fn };
  return { plan: { ...body, sites }, unaligned };
}

/**
 * Per site, the name a statement reports it under (`;NAME(ID,f);` after
 * `const f = () => ...`). Bun merges consecutive declarations, which puts
 * their reports after the last of them: out of the file's order, and the
 * names tell them apart.
 */
function reportedNames(plan: Plan): (string | undefined)[] {
  const names: (string | undefined)[] = new Array(plan.sites.line.length);
  for (const insertion of plan.insertions) if (insertion.op === "stmt") names[insertion.site] = insertion.ident;
  return names;
}

/** Tokens of a site's text in its head: words, brackets and quotes (what Bun prints alike, spaces and parentheses aside). */
const HEAD_TOKEN = /[\p{ID_Continue}$]+|[[\]{}"'`]/gu;
const HEAD_TOKENS = 4;
/** Characters of a site's text read for its head. */
const HEAD_CHARS = 80;

/** Per site of `plan`, the first tokens of its text in `source` (up to its end, when it is wrapped). */
function heads(plan: Plan, source: string): string[] {
  const { line, column } = plan.sites;
  const ends = new Int32Array(line.length).fill(-1);
  const open: number[] = [];
  for (const insertion of plan.insertions) {
    if (insertion.op === "open") open.push(insertion.site);
    else if (insertion.op === "close") ends[open.pop()!] = insertion.at;
  }
  const lines = new LineIndex(source);
  return line.map((l, i) => {
    const start = lines.startOf(l) + column[i] - 1;
    const end = Math.min(start + HEAD_CHARS, ends[i] < 0 ? source.length : ends[i]);
    const tokens = source.slice(start, end).match(HEAD_TOKEN)?.slice(0, HEAD_TOKENS) ?? [];
    return tokens.join(" ").replaceAll("'", '"');
  });
}

/**
 * Where an unaligned site `i` of the body goes: as far below its previous
 * aligned neighbour as it is in the body, but not below the next one (or
 * as far above the next one, when it has no previous one). One of them
 * exists.
 */
function nearLine(
  mine: PlanSites,
  theirs: PlanSites,
  partner: Int32Array,
  i: number,
  previous: number,
  next: number,
): { file: number; line: number } {
  if (previous >= 0) {
    const from = partner[previous];
    let at = theirs.line[from] + Math.max(0, mine.line[i] - mine.line[previous]);
    if (next >= 0 && theirs.file[partner[next]] === theirs.file[from]) {
      at = Math.max(theirs.line[from], Math.min(at, theirs.line[partner[next]]));
    }
    return { file: theirs.file[from], line: at };
  }
  const to = partner[next];
  const at = theirs.line[to] - Math.max(0, mine.line[next] - mine.line[i]);
  return { file: theirs.file[to], line: Math.max(1, at) };
}
