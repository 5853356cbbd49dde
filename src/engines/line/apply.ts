/**
 * Turning a plan into code: the insertions go in with process-wide site
 * ids, on the lines where they belong (lines never move), and the input's
 * source map, when the runtime reads it, is moved along.
 *
 * @module
 */
import { InputMap } from "./input-map.ts";
import { LineIndex } from "./lines.ts";
import { closeMark, insertionText, type Plan, SiteFlag, SiteKind } from "./plan.ts";

/** Where text went in on each line of a rewritten module, to move its source map's columns. */
class Shifts {
  /** Per 1-based line with insertions: 0-based original columns and lengths, in order. */
  readonly #lines = new Map<number, number[]>();

  add(line: number, column: number, length: number): void {
    let list = this.#lines.get(line);
    if (!list) this.#lines.set(line, list = []);
    list.push(column, length);
  }

  /** Characters inserted on 0-based `line` at or before 0-based original `column`. */
  at(line: number, column: number): number {
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
 * import type { Plan } from "./plan.ts";
 * declare const source: string;
 * declare const plan: Plan;
 *
 * const { code } = applyPlan(source, plan, { name: "$tm", base: 0, url: "file:///app/a.js", remap: true });
 * ```
 */
export interface Applied {
  readonly code: string;
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
 * import { planModule } from "./instrument.ts";
 *
 * const source = "export const make = () => ({ a: 1 });";
 * const plan = planModule(source, { path: "/app/a.js", lang: "js", kind: "module" })!;
 * const { code } = applyPlan(source, plan, { name: "$tm", base: 0, url: "file:///app/a.js", remap: false });
 * // code: 'export const make = () => ($tm(0,{ a: 1 },"$tm"));'
 * ```
 */
export function applyPlan(source: string, plan: Plan, options: ApplyOptions): Applied {
  const remap = plan.inputMap !== null && options.remap;
  const lines = remap ? new LineIndex(source) : null;
  const shifts = new Shifts();
  const parts: string[] = [];
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
    const opened = insertion.op === "open" ? insertion.site : -1;
    const method = opened < 0
      ? ""
      : plan.sites.kind[opened] === SiteKind.Buffer
      ? "p"
      : (plan.sites.flags[opened] & SiteFlag.Once) !== 0
      ? "o"
      : "";
    let text = insertionText(insertion, options.name, options.base, mark, false, method);
    // `return{...}` in minified code: keep the keyword a keyword (a comment
    // separates the tokens and is stripped with the insertion).
    if (insertion.op === "open" && IDENT_PART.test(last)) text = `/*${options.name}*/` + text;
    parts.push(text);
    last = text[text.length - 1];
    if (lines) {
      const line = lines.lineOf(at);
      shifts.add(line, lines.columnOf(at, line) - 1, text.length);
    }
  }
  const map = plan.inputMap;
  if (map && remap) {
    parts.push(source.slice(from, map.start));
    parts.push(InputMap.find(source, options.url)?.shifted((l, c) => shifts.at(l, c)) ?? "");
    parts.push(source.slice(map.end));
  } else {
    parts.push(source.slice(from));
  }
  return { code: parts.join("") };
}
