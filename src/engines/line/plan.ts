/**
 * What the line engine decides about one module: the allocation sites it
 * found and where text goes in to report them. A plan depends only on the
 * module's text (and the engine's version), so it is what the disk cache
 * keeps; {@link applyPlan} turns it into code with process-wide site ids.
 *
 * Three kinds of insertion, all on existing lines (a rewritten module keeps
 * every line where it was):
 *
 * - `open` + `close` wrap an expression `E` as `NAME(ID,E,"NAME")`
 *   (`/*NAME*\/NAME(ID,E,"NAME")` right after a keyword such as `return`).
 *   The closing `"NAME"` is an argument, not a comment: Bun transpiles the
 *   ES modules it is handed back, dropping comments and reprinting the code,
 *   and the end of each wrapper must still be found there;
 * - `stmt` reports a function or class that a declaration just made,
 *   `;NAME(ID,ident);`, where wrapping would change its inferred name.
 *
 * `NAME` is the sampler's global, chosen per process, so that user code
 * cannot name it and the insertions can be found again
 * ({@link stripInsertions}).
 *
 * @module
 */

/**
 * What an allocation site makes, which tells the sampler how to size its
 * value and what to expect of it.
 *
 * @example
 * ```ts
 * const kind: SiteKind = SiteKind.Object;
 * ```
 */
export const SiteKind = {
  /** An object literal `{...}`. */
  Object: 0,
  /** An array literal `[...]`. */
  Array: 1,
  /** `new C(...)`. */
  New: 2,
  /** A function or arrow function made at run time. */
  Function: 3,
  /** A class made at run time. */
  Class: 4,
  /** A template literal with substitutions, or a string concatenation. */
  String: 5,
  /** A regular expression literal (a new RegExp object each time). */
  RegExp: 6,
  /** A call of an allocating built-in; its result is checked against the site's `Expect*` flags. */
  Call: 7,
  /** A JSX element. */
  Jsx: 8,
  /**
   * The last argument of a call that makes a buffer (`new Uint8Array(n)`,
   * `Buffer.from(s)`, `encoder.encode(s)`), wrapped as `NAME.p(ID,E,"NAME=")`:
   * the global's `p` method tells the allocation hooks, just before the
   * call, which site it is at, so a buffer's line needs no stack. Its frame
   * is the call's line; the sampler never sees it.
   */
  Buffer: 9,
} as const;

/**
 * One of the {@link SiteKind} values.
 *
 * @example
 * ```ts
 * const kind: SiteKind = SiteKind.Array;
 * ```
 */
export type SiteKind = typeof SiteKind[keyof typeof SiteKind];

/**
 * Bit flags of a site.
 *
 * @example
 * ```ts
 * const flags = SiteFlag.Deep | SiteFlag.ExpectObject;
 * const deep = (flags & SiteFlag.Deep) !== 0; // true
 * ```
 */
export const SiteFlag = {
  /**
   * The wrapped call is in tail position of strict code (`return NAME(..)`):
   * an engine with proper tail calls removes the frame of the function that
   * holds the site before the sampler sees the stack.
   */
  Tail: 1,
  /** The value is a fresh tree made by the call (`JSON.parse`): its size is the whole tree's. */
  Deep: 2,
  /** The call's result counts only when it is an array. */
  ExpectArray: 4,
  /** ... or a string. */
  ExpectString: 8,
  /** ... or a promise (any object with a `then` method). */
  ExpectPromise: 16,
  /** ... or a function. */
  ExpectFunction: 32,
  /** ... or any object. */
  ExpectObject: 64,
  /** The result is an array of strings the call made (`split`): they count with it. */
  Strings: 128,
  /** The result is an array of pairs the call made (`Object.entries`): they count with it. */
  Pairs: 256,
  /**
   * The wrapped expression is additive (`a + "b"`): where Bun prints the
   * rewritten code again without the parentheses around it, the original
   * text may need them back (see {@link stripInsertions}).
   */
  Additive: 512,
  /** ... or an assignment or an arrow function (`s += "b"`, `() => 0`). */
  Assignment: 1024,
  /**
   * The site runs once per evaluation of its module (module level, outside
   * any loop): every allocation there is traced, each standing for itself,
   * through the global's `o` method (`NAME.o(ID,E,"NAME")`).
   */
  Once: 2048,
} as const;

/**
 * One insertion: an `open` of site `site`, a `close`, or a `stmt` that
 * reports `ident` for site `site`.
 *
 * @example
 * ```ts
 * const edit: Insertion = { at: 12, op: "open", site: 0 };
 * ```
 */
export type Insertion =
  | { readonly at: number; readonly op: "open"; readonly site: number }
  | { readonly at: number; readonly op: "close" }
  | { readonly at: number; readonly op: "stmt"; readonly site: number; readonly ident: string };

/**
 * The sites of a module, in columns (index = site number within the
 * module). Lines and columns are 1-based, in the original source (through
 * the input's source map when it had one).
 *
 * @example
 * ```ts
 * const sites: PlanSites = { files: ["/app/a.ts"], file: [0], line: [3], column: [14], fn: ["load"], kind: [0], flags: [0] };
 * ```
 */
export interface PlanSites {
  /** Distinct file paths (a bundle's map may name several). */
  readonly files: readonly string[];
  /** Index into {@link PlanSites.files} per site. */
  readonly file: readonly number[];
  readonly line: readonly number[];
  readonly column: readonly number[];
  /** The enclosing function's name, `null` at module level or for anonymous functions. */
  readonly fn: readonly (string | null)[];
  readonly kind: readonly SiteKind[];
  /** {@link SiteFlag} bits. */
  readonly flags: readonly number[];
}

/**
 * A module's plan: its sites and its insertions, sorted by offset in the
 * order they go in.
 *
 * @example
 * ```ts
 * import { planModule } from "./instrument.ts";
 *
 * const plan = planModule("export const a = [1];", { path: "/app/a.js", lang: "js", kind: "module" });
 * if (plan) console.log(plan.sites.line.length, "sites");
 * ```
 */
export interface Plan {
  readonly sites: PlanSites;
  readonly insertions: readonly Insertion[];
  /**
   * The input's `sourceMappingURL` comment (start and end offsets), when it
   * carried an inline map; `null` otherwise.
   */
  readonly inputMap: { readonly start: number; readonly end: number } | null;
}

/**
 * The text of one insertion with process-wide site id `base + site`; a
 * `close` carries the {@link closeMark} of the site it closes.
 *
 * @example
 * ```ts
 * insertionText({ at: 0, op: "open", site: 2 }, "$tm", 100); // "$tm(102,"
 * insertionText({ at: 9, op: "close" }, "$tm", 100, "+"); // ',"$tm+")'
 * ```
 */
export function insertionText(
  insertion: Insertion,
  name: string,
  base: number,
  mark = "",
  once = false,
  method = once ? "o" : "",
): string {
  switch (insertion.op) {
    case "open":
      return `${name}${method ? "." + method : ""}(${base + insertion.site},`;
    case "close":
      return `,"${name}${mark}")`;
    case "stmt":
      return `;${name}(${base + insertion.site},${insertion.ident});`;
  }
}

/**
 * What the close of a site tells {@link stripInsertions} about the wrapped
 * expression: additive (`+`), assignment-level (`=`), a `new` (`n`: Bun
 * prints `new C()` as `new C` where nothing follows), or nothing special.
 *
 * @example
 * ```ts
 * closeMark(SiteKind.String, SiteFlag.Additive); // "+"
 * ```
 */
export function closeMark(kind: SiteKind, flags: number): string {
  if (flags & SiteFlag.Additive) return "+";
  if (flags & SiteFlag.Assignment || kind === SiteKind.Buffer) return "=";
  return kind === SiteKind.New ? "n" : "";
}

/**
 * Removes every insertion made with sampler name `name` from `text`: the
 * original text of a rewritten function (for `Function.prototype.toString`).
 *
 * The text may also be the rewritten code as Bun prints it again after its
 * transpiler ran (ES modules and TypeScript): comments gone, a space after
 * each comma, each `stmt` report a line of its own, and no parentheses
 * around a wrapper, which the expression inside may need once unwrapped
 * (`($tm(1,a + "b","$tm+")).length` is printed `$tm(1, a + "b", "$tm+").length`).
 * There they are put back where the expression's precedence needs them.
 *
 * @example
 * ```ts
 * stripInsertions('() => ($tm(3,{a: 1},"$tm"))', "$tm"); // "() => ({a: 1})"
 * stripInsertions('() => $tm(3, { a: 1 }, "$tm")', "$tm"); // "() => ({ a: 1 })"
 * ```
 */
export function stripInsertions(text: string, name: string): string {
  if (text.indexOf(name) < 0) return text;
  const re = insertionPattern(name);
  const out: string[] = [];
  /** Per open wrapper: its part in `out`, whether Bun printed it, and the text before it. */
  const opens: { part: number; printed: boolean; before: string }[] = [];
  let tail = "";
  let from = 0;
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const kept = text.slice(from, m.index);
    out.push(kept);
    tail = (tail + kept).slice(-TAIL_CHARS);
    from = m.index + m[0].length;
    if (m[1] !== undefined) {
      opens.push({ part: out.push("") - 1, printed: m[1] === " ", before: tail });
    } else if (m[2] !== undefined) {
      const open = opens.pop();
      if (open?.printed) {
        const after = text.slice(from, from + TAIL_CHARS);
        if (m[2] === "n" && ACCESS_AFTER.test(after) && !hasArguments(out.slice(open.part + 1).join(""))) {
          out.push("()");
          tail += "()";
        } else if (needsParentheses(m[2], open, out, after)) {
          out[open.part] = "(";
          out.push(")");
          tail += ")";
        }
      }
    }
  }
  out.push(text.slice(from));
  return out.join("");
}

/** Characters before a wrapper kept to judge its context. */
const TAIL_CHARS = 24;
/** Text ending where a statement starts... */
const STATEMENT_BEFORE = /(?:^|[;{})]|\b(?:else|do))\s*$/;
/** ... and what must not start one: an object literal would be a block, a function or class a declaration. */
const STATEMENT_HEAD = /^(?:\{|(?:async\s+)?function\b|class\b)/;
/** Text ending where an expression of any precedence may stand. */
const ANY_BEFORE = /(?:^|[(,[{};:?)]|\$\{|=>|[^=!<>]=|\.\.\.|\b(?:return|throw|yield|case|else|do))\s*$/;
/** Text starting where an expression of any precedence may end. */
const ANY_AFTER = /^\s*(?:$|[),\]};:])/;
/** Operators of lower precedence than `+` before an additive expression. */
const ADDITIVE_BEFORE = /(?:&&|\|\||\?\?|[=!]==?|[<>]=?|<<|>>>?|[&|^]|\b(?:in|instanceof))\s*$/;
/** ... after it (`+` and `-` too: they associate to the left). */
const ADDITIVE_AFTER = /^\s*(?:\?(?!\.)|&&|\|\||[=!]==?|[<>]|\b(?:in|instanceof)\b|[+-](?![+=-])|[&|^](?!=))/;

/** Text starting with an access that binds tighter than `new C` without arguments. */
const ACCESS_AFTER = /^(?:\??\.|\[|\(|`)/;

/** True when a `new` expression as Bun prints it has arguments (`new C` and `new (f())` have none). */
function hasArguments(expression: string): boolean {
  return expression.endsWith(")") && !/^new \((?:[^()'"`]|\([^()'"`]*\))*\)$/.test(expression);
}

/** True when the expression a printed wrapper held needs parentheses where the wrapper stood. */
function needsParentheses(
  precedence: string,
  open: { part: number; before: string },
  out: readonly string[],
  after: string,
): boolean {
  let head = "";
  for (let i = open.part + 1; i < out.length && head.length < TAIL_CHARS; i++) head += out[i];
  if (STATEMENT_HEAD.test(head) && STATEMENT_BEFORE.test(open.before)) return true;
  if (head[0] === "{" && /=>\s*$/.test(open.before)) return true; // an arrow's body
  if (precedence === "=") return !ANY_BEFORE.test(open.before) || !ANY_AFTER.test(after);
  if (precedence === "+") {
    return !(ANY_BEFORE.test(open.before) || ADDITIVE_BEFORE.test(open.before)) ||
      !(ANY_AFTER.test(after) || ADDITIVE_AFTER.test(after));
  }
  return false;
}

const patterns = new Map<string, RegExp>();

/** Insertions: a stmt report (as inserted, as Bun prints it), an open (group 1: its space), a close (group 2: its mark). */
function insertionPattern(name: string): RegExp {
  let re = patterns.get(name);
  if (!re) {
    const n = name.replace(/[$]/g, "\\$");
    const ident = "[\\p{ID_Start}$_][\\p{ID_Continue}$\\u200c\\u200d]*";
    re = new RegExp(
      [
        `;${n}\\(\\d+,${ident}\\);`,
        `\\n[ \\t]*${n}\\(\\d+, ${ident}\\);`,
        `(?:/\\*${n}\\*/)?${n}(?:\\.[op])?\\(\\d+,( ?)`,
        `, ?"${n}([+=n]?)"\\)`,
      ].join("|"),
      "gu",
    );
    patterns.set(name, re);
  }
  return re;
}
