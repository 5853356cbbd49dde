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
 * const deep = (flags & SiteFlag.Deep) !== 0;
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
 * const plan = planModule(source, { path: "/app/a.js", lang: "js", kind: "module" });
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
 * The text of one insertion with process-wide site id `base + site`.
 *
 * @example
 * ```ts
 * insertionText({ at: 0, op: "open", site: 2 }, "$tm", 100); // "$tm(102,"
 * ```
 */
export function insertionText(insertion: Insertion, name: string, base: number): string {
  switch (insertion.op) {
    case "open":
      return `${name}(${base + insertion.site},`;
    case "close":
      return `,"${name}")`;
    case "stmt":
      return `;${name}(${base + insertion.site},${insertion.ident});`;
  }
}

/**
 * Removes every insertion made with sampler name `name` from `text`: the
 * original text of a rewritten function (for `Function.prototype.toString`).
 * The text may also be the rewritten code as Bun prints it again after its
 * transpiler ran (ES modules and TypeScript): comments gone, a space after
 * each comma, and each `stmt` report a line of its own.
 *
 * @example
 * ```ts
 * stripInsertions('() => $tm(3,{a: 1},"$tm")', "$tm"); // "() => {a: 1}"
 * stripInsertions('() => $tm(3, {a: 1}, "$tm")', "$tm"); // "() => {a: 1}"
 * ```
 */
export function stripInsertions(text: string, name: string): string {
  return text.indexOf(name) < 0 ? text : text.replace(insertionPattern(name), "");
}

const patterns = new Map<string, RegExp>();

function insertionPattern(name: string): RegExp {
  let re = patterns.get(name);
  if (!re) {
    const n = name.replace(/[$]/g, "\\$");
    re = new RegExp(
      [
        `;${n}\\(\\d+,[^;)]*\\);`, // a stmt report as inserted
        `\\n[ \\t]*${n}\\(\\d+, [^;),\\n]*\\);(?=\\n)`, // ... as Bun prints it
        `(?:/\\*${n}\\*/)?${n}\\(\\d+, ?`, // an open
        `, ?"${n}"\\)`, // a close
      ].join("|"),
      "g",
    );
    patterns.set(name, re);
  }
  return re;
}
