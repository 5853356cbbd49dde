/**
 * Turning a plan into code: the insertions go in with process-wide site
 * ids, and what moved is recorded so that positions in the rewritten code
 * can be taken back to the original columns (lines never move).
 *
 * @module
 */
import { InputMap } from "./input-map.ts";
import { LineIndex } from "./lines.ts";
import { closeMark, insertionText, type Plan, SiteFlag } from "./plan.ts";

/**
 * Where text went in on each line of a rewritten module, to map a column
 * of the rewritten code back to the original one.
 *
 * @example
 * ```ts
 * const moved = new ColumnShifts([[3, 10, 8]]); // 8 characters went in before column 10 of line 3
 * moved.original(3, 20); // 12
 * ```
 */
export class ColumnShifts {
  /** Per line with insertions: 0-based original columns and lengths, in order. */
  readonly #lines = new Map<number, number[]>();

  /** @param inserted `[line (1-based), column (0-based, original), length]`, in text order */
  constructor(inserted: Iterable<readonly [number, number, number]>) {
    for (const [line, column, length] of inserted) {
      let list = this.#lines.get(line);
      if (!list) this.#lines.set(line, list = []);
      list.push(column, length);
    }
  }

  /** The 1-based original column of 1-based `column` of the rewritten `line`. */
  original(line: number, column: number): number {
    const list = this.#lines.get(line);
    if (!list) return column;
    const at = column - 1;
    let moved = 0;
    for (let i = 0; i < list.length; i += 2) {
      const start = list[i] + moved;
      if (at < start) break;
      if (at < start + list[i + 1]) return list[i] + 1; // inside inserted text: its insertion point
      moved += list[i + 1];
    }
    return at - moved + 1;
  }

  /** Characters inserted on 0-based `line` at or before 0-based original `column`. */
  shiftAt(line: number, column: number): number {
    const list = this.#lines.get(line + 1);
    if (!list) return 0;
    let moved = 0;
    for (let i = 0; i < list.length && list[i] <= column; i += 2) moved += list[i + 1];
    return moved;
  }
}

/**
 * A rewritten module.
 *
 * @example
 * ```ts
 * const { code } = applyPlan(source, plan, { name: "$tm", base: 0, url: "file:///app/a.js", remap: true });
 * ```
 */
export interface Applied {
  readonly code: string;
  /** What moved on each line. */
  readonly shifts: ColumnShifts;
}

/**
 * How to apply a plan.
 *
 * @example
 * ```ts
 * const options: ApplyOptions = { name: "$tm_k3f9", base: 1200, url: "file:///app/a.js", remap: true };
 * ```
 */
export interface ApplyOptions {
  /** The sampler's global name. */
  readonly name: string;
  /** Process-wide id of the plan's site 0. */
  readonly base: number;
  /** The module's URL (to resolve the input map's sources). */
  readonly url: string;
  /**
   * Rewrite the input's inline source map to follow the insertions (Node
   * maps stacks through it); otherwise it is left as it was.
   */
  readonly remap: boolean;
}

const IDENT_PART = /[\p{ID_Continue}$\u200c\u200d]/u;

/**
 * Puts a plan's insertions into `source` (the text it was made from).
 *
 * @example
 * ```ts
 * const plan = planModule(source, { path: "/app/a.js", lang: "js", kind: "module" })!;
 * const { code } = applyPlan(source, plan, { name: "$tm", base: 0, url: "file:///app/a.js", remap: false });
 * ```
 */
export function applyPlan(source: string, plan: Plan, options: ApplyOptions): Applied {
  const lines = new LineIndex(source);
  const parts: string[] = [];
  const inserted: [number, number, number][] = [];
  let from = 0;
  let last = "";
  /** Sites of the wrappers open at this point (a close ends the last one). */
  const open: number[] = [];
  for (const insertion of plan.insertions) {
    const at = insertion.at;
    if (at > from) {
      parts.push(source.slice(from, at));
      last = source[at - 1];
      from = at;
    }
    if (insertion.op === "open") open.push(insertion.site);
    const closed = insertion.op === "close" ? open.pop() : undefined;
    const mark = closed === undefined ? "" : closeMark(plan.sites.kind[closed], plan.sites.flags[closed]);
    const once = insertion.op === "open" && (plan.sites.flags[insertion.site] & SiteFlag.Once) !== 0;
    let text = insertionText(insertion, options.name, options.base, mark, once);
    // `return{...}` in minified code: keep the keyword a keyword (a comment
    // separates the tokens and is stripped with the insertion).
    if (insertion.op === "open" && IDENT_PART.test(last)) text = `/*${options.name}*/` + text;
    parts.push(text);
    last = text[text.length - 1];
    const line = lines.lineOf(at);
    inserted.push([line, lines.columnOf(at, line) - 1, text.length]);
  }
  const shifts = new ColumnShifts(inserted);
  const map = plan.inputMap;
  if (map && options.remap) {
    parts.push(source.slice(from, map.start));
    parts.push(InputMap.find(source, options.url)?.shifted((l, c) => shifts.shiftAt(l, c)) ?? "");
    parts.push(source.slice(map.end));
  } else {
    parts.push(source.slice(from));
  }
  return { code: parts.join(""), shifts };
}
