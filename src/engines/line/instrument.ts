/**
 * Finding the allocation sites of a module and planning the text that
 * reports them (see `plan.ts` for the shape of a plan).
 *
 * What is wrapped, and why some places are not:
 *
 * - object and array literals, `new`, regular expression literals, JSX
 *   elements, template literals with substitutions, string concatenations
 *   (a `+` with a string literal on either side, the outermost of a chain)
 *   and `+=` of a string literal;
 * - calls of allocating built-ins (`JSON.parse`, `arr.map`, `str.split`,
 *   `Object.entries`, `structuredClone`, `p.then`, ... see `rules.ts`);
 * - functions and classes made at run time, where wrapping keeps their
 *   name: as call arguments, `return` values and arrow bodies; a function
 *   or class a declaration or an assignment names is reported by a
 *   statement after it (`;NAME(ID,f);`), a nested function declaration at
 *   the top of the body that makes it. Module-level ones are made once and
 *   are not reported.
 *
 * Never wrapped: a tagged template's literal (its identity is the tag's
 * cache key), the callee of `new`, a call inside an optional chain other
 * than the chain's last (short-circuiting must stay whole), anonymous
 * functions where the engine would infer a name from the context, the
 * parts of a string a concatenation or template builds (operands and
 * substitutions: the whole string is the site), an object or array literal
 * read right away by a constant key (Bun folds it away), anything in
 * TypeScript types and enums.
 *
 * @module
 */
import { parseSync, rawTransferSupported, visitorKeys } from "oxc-parser";
import { pathToFileURL } from "node:url";
import type { ModuleKind, SourceLang } from "../../runtime/load-hook.ts";
import { InputMap } from "./input-map.ts";
import { LineIndex } from "./lines.ts";
import { type Insertion, type Plan, SiteFlag, SiteKind } from "./plan.ts";
import { callFlags, functionFlags, makesBufferCall, makesBufferNew } from "./rules.ts";

/**
 * The module to plan.
 *
 * @example
 * ```ts
 * const options: PlanOptions = { path: "/app/main.js", lang: "js", kind: "module" };
 * ```
 */
export interface PlanOptions {
  /** Absolute path of the module's file (the sites' file when there is no input map). */
  readonly path: string;
  /** The language of the text. */
  readonly lang: SourceLang;
  /** How the runtime evaluates it. */
  readonly kind: ModuleKind;
}

/** An AST node as oxc-parser gives it (ESTree with TypeScript extensions). */
interface Node {
  readonly type: string;
  readonly start: number;
  readonly end: number;
  readonly [key: string]: unknown;
}

// Context bits passed down the walk.
/** The node is the value of a `return` or an arrow body. */
const TAIL = 1;
/** The node is on the callee/object path of an optional chain: calls there stay unwrapped. */
const CHAIN = 2;
/** An anonymous function here would take its name from the context: do not wrap it. */
const NAMED = 4;
/** An anonymous function here has no inferred name: it may be wrapped. */
const FN_OK = 8;
/**
 * A part of a string that an enclosing concatenation or template literal
 * builds (an operand, a substitution): only the whole string is a site.
 * Wrapping a part would also keep Bun's transpiler, which runs after the
 * rewrite, from folding `${a}` + "b" into one template as it does plain.
 */
const CONCAT = 16;
/** A JSX child: not an expression position. */
const JSX_CHILD = 32;
/**
 * An object or array literal read right away by a constant key and not
 * called (`[() => 0][0]`, `({ f: () => 0 }).f`): Bun's transpiler folds it
 * away (and the function then takes the variable's name), so it is left
 * as it is.
 */
const FOLDED = 64;
/** The callee of a call. */
const CALLEE = 128;

/** TypeScript nodes that hold a value expression in `expression`. */
const TS_VALUE_WRAPPERS = new Set([
  "TSAsExpression",
  "TSSatisfiesExpression",
  "TSNonNullExpression",
  "TSTypeAssertion",
  "TSInstantiationExpression",
]);
/** Keys that hold types only. */
const TYPE_KEYS = new Set([
  "typeAnnotation",
  "typeParameters",
  "typeArguments",
  "returnType",
  "superTypeArguments",
  "implements",
]);
const RANK_CLOSE = 0;
const RANK_STMT = 1;
const RANK_OPEN = 2;
/** Deepest left operand chain inspected to tell a string concatenation. */
const CONCAT_DEPTH = 64;

/** An insertion with what sorts it among others at the same offset. */
interface Pending {
  readonly insertion: Insertion;
  readonly rank: number;
  /** Length of the wrapped span (0 for statements). */
  readonly span: number;
  readonly order: number;
}

const parserOptions = { experimentalRawTransfer: rawTransferSupported(), preserveParens: true };

/**
 * Plans the rewriting of one module (a plan without insertions when it
 * holds no site), or returns `null` when it cannot be parsed (the runtime
 * then reports its own error on the unchanged text).
 *
 * @example
 * ```ts
 * const plan = planModule("export const make = () => ({ a: 1 });", { path: "/app/a.js", lang: "js", kind: "module" });
 * plan?.sites.line; // [1]
 * ```
 */
export function planModule(source: string, options: PlanOptions): Plan | null {
  const result = parseSync(options.path, source, {
    ...parserOptions,
    lang: options.lang,
    sourceType: options.kind === "unambiguous" ? "unambiguous" : options.kind,
  });
  if (result.errors.some((e) => e.severity === "Error")) return null;
  const program = result.program as unknown as Node;
  const map = InputMap.find(source, pathToFileURL(options.path).href);
  const planner = new Planner(source, options.path, map, result.module.hasModuleSyntax || options.kind === "module");
  try {
    planner.program(program);
  } catch (err) {
    if (err instanceof RangeError) return null; // nesting too deep for a recursive walk
    throw err;
  }
  return planner.plan();
}

/**
 * Plans a few small modules, so that every lazily loaded part of the parser
 * (raw transfer, TypeScript and JSX support, source maps) is loaded before
 * a load hook exists: a module the parser loaded from inside the hook would
 * go through the hook (Deno cannot even resolve it there).
 *
 * @example
 * ```ts
 * import { runtime } from "../../runtime/index.ts";
 * import { ModuleRewriter } from "./rewriter.ts";
 * declare const rewriter: ModuleRewriter;
 *
 * warmUpPlanner();
 * runtime().installLoadHook(rewriter.transform);
 * ```
 */
export function warmUpPlanner(): void {
  const map = "eyJ2ZXJzaW9uIjozLCJzb3VyY2VzIjpbIncudHMiXSwibmFtZXMiOltdLCJtYXBwaW5ncyI6IkFBQUEifQ==";
  planModule(`const a = [{ b: \`\${1}\` }];\n//# sourceMappingURL=data:application/json;base64,${map}`, {
    path: "/warm-up.js",
    lang: "js",
    kind: "module",
  });
  planModule("const a: number[] = [new Date().getTime()];", { path: "/warm-up.ts", lang: "ts", kind: "module" });
  planModule("const a = <div b={[1]} />;", { path: "/warm-up.tsx", lang: "tsx", kind: "module" });
}

/** The walk over one module's AST. */
class Planner {
  readonly #source: string;
  readonly #path: string;
  readonly #map: InputMap | null;
  readonly #lines: LineIndex;
  readonly #module: boolean;
  readonly #files: string[] = [];
  readonly #fileIds = new Map<string, number>();
  readonly #site = { file: [] as number[], line: [] as number[], column: [] as number[] };
  readonly #fn: (string | null)[] = [];
  readonly #kind: SiteKind[] = [];
  readonly #flags: number[] = [];
  readonly #pending: Pending[] = [];
  /** Name of each enclosing function, innermost last (an anonymous one has its parent's; `null`: module level). */
  readonly #names: (string | null)[] = [null];
  /** Strictness of each enclosing function or class. */
  readonly #strict: boolean[] = [];
  /** Loops the walk is inside (in the current function). */
  #loops = 0;

  constructor(source: string, path: string, map: InputMap | null, module: boolean) {
    this.#source = source;
    this.#path = path;
    this.#map = map;
    this.#lines = new LineIndex(source);
    this.#module = module;
  }

  program(node: Node): void {
    const body = node.body as Node[];
    this.#strict.push(this.#module || hasUseStrict(body));
    this.#statements(body, node.start, "program");
  }

  plan(): Plan {
    const pending = this.#pending.sort((a, b) =>
      a.insertion.at - b.insertion.at || a.rank - b.rank ||
      (a.rank === RANK_OPEN ? b.span - a.span : a.rank === RANK_CLOSE ? a.span - b.span : 0) || a.order - b.order
    );
    return {
      sites: {
        files: this.#files,
        file: this.#site.file,
        line: this.#site.line,
        column: this.#site.column,
        fn: this.#fn,
        kind: this.#kind,
        flags: this.#flags,
      },
      insertions: pending.map((p) => p.insertion),
      inputMap: this.#map ? { start: this.#map.start, end: this.#map.end } : null,
    };
  }

  // --- sites and insertions

  /** Adds a site at `offset`; -1 when the position maps to no source (a transpiler's own code). */
  #addSite(offset: number, kind: SiteKind, flags: number): number {
    const line = this.#lines.lineOf(offset);
    const column = this.#lines.columnOf(offset, line);
    let file = this.#path;
    let at = { line, column };
    if (this.#map) {
      const original = this.#map.original(line, column - 1);
      if (!original) return -1;
      file = original.file;
      at = original;
    }
    let fileId = this.#fileIds.get(file);
    if (fileId === undefined) {
      fileId = this.#files.push(file) - 1;
      this.#fileIds.set(file, fileId);
    }
    this.#site.file.push(fileId);
    this.#site.line.push(at.line);
    this.#site.column.push(at.column);
    this.#fn.push(this.#names[this.#names.length - 1]);
    this.#kind.push(kind);
    const once = this.#names.length === 1 && this.#loops === 0 ? SiteFlag.Once : 0;
    return this.#flags.push(flags | once) - 1;
  }

  #wrap(node: Node, kind: SiteKind, flags: number, ctx: number): void {
    const tail = ctx & TAIL && this.#strict[this.#strict.length - 1] ? SiteFlag.Tail : 0;
    const site = this.#addSite(node.start, kind, flags | tail);
    if (site < 0) return;
    const span = node.end - node.start;
    this.#push({ at: node.start, op: "open", site }, RANK_OPEN, span);
    this.#push({ at: node.end, op: "close" }, RANK_CLOSE, span);
  }

  /**
   * Marks a call that makes a buffer: its last argument is wrapped as a
   * {@link SiteKind.Buffer} site at the call's position, so the global's
   * `p` method runs after every argument, right before the call. A call
   * without arguments (an empty buffer, untraced) or ending in a spread is
   * left alone: its hook then captures a stack.
   */
  #markBuffer(call: Node): void {
    const last = (call.arguments as Node[]).at(-1);
    if (!last || last.type === "SpreadElement") return;
    const site = this.#addSite(call.start, SiteKind.Buffer, 0);
    if (site < 0) return;
    const span = last.end - last.start;
    this.#push({ at: last.start, op: "open", site }, RANK_OPEN, span);
    this.#push({ at: last.end, op: "close" }, RANK_CLOSE, span);
  }

  #statement(at: number, siteOffset: number, kind: SiteKind, ident: string): void {
    const site = this.#addSite(siteOffset, kind, 0);
    if (site >= 0) this.#push({ at, op: "stmt", site, ident }, RANK_STMT, 0);
  }

  #push(insertion: Insertion, rank: number, span: number): void {
    this.#pending.push({ insertion, rank, span, order: this.#pending.length });
  }

  // --- the walk

  #visit(node: Node | null | undefined, ctx: number, name: string | null = null): void {
    if (!node) return;
    switch (node.type) {
      case "ParenthesizedExpression":
        return this.#visit(node.expression as Node, ctx & (TAIL | NAMED | FN_OK | CONCAT | FOLDED), name);
      case "ObjectExpression":
        if (!(ctx & FOLDED)) this.#wrap(node, SiteKind.Object, 0, ctx);
        for (const prop of node.properties as Node[]) this.#property(prop);
        return;
      case "ArrayExpression":
        if (!(ctx & FOLDED)) this.#wrap(node, SiteKind.Array, 0, ctx);
        for (const element of node.elements as (Node | null)[]) this.#visit(element, 0);
        return;
      case "NewExpression": {
        this.#wrap(node, SiteKind.New, 0, ctx);
        const callee = unwrap(node.callee as Node);
        if (callee.type === "Identifier" && makesBufferNew(callee.name as string)) this.#markBuffer(node);
        this.#visit(node.callee as Node, 0);
        for (const arg of node.arguments as Node[]) this.#visit(arg, FN_OK);
        return;
      }
      case "CallExpression":
        return this.#call(node, ctx);
      case "ChainExpression":
        return this.#chain(node, ctx);
      case "MemberExpression":
        this.#visit(node.object as Node, (ctx & CHAIN) | (!(ctx & CALLEE) && hasConstantKey(node) ? FOLDED : 0));
        if (node.computed) this.#visit(node.property as Node, 0);
        return;
      case "TemplateLiteral":
        if ((node.expressions as Node[]).length > 0 && !(ctx & CONCAT)) this.#wrap(node, SiteKind.String, 0, ctx);
        for (const expr of node.expressions as Node[]) this.#visit(expr, CONCAT);
        return;
      case "TaggedTemplateExpression":
        this.#visit(node.tag as Node, 0);
        for (const expr of (node.quasi as Node).expressions as Node[]) this.#visit(expr, 0);
        return;
      case "BinaryExpression":
        return this.#binary(node, ctx);
      case "AssignmentExpression":
        return this.#assignment(node, ctx);
      case "VariableDeclaration":
        if (node.declare) return;
        for (const decl of node.declarations as Node[]) {
          const id = decl.id as Node;
          this.#visit(id, 0);
          this.#visit(decl.init as Node, id.type === "Identifier" ? NAMED : 0, identName(id));
        }
        return;
      case "AssignmentPattern": {
        const left = node.left as Node;
        this.#visit(left, 0);
        return this.#visit(node.right as Node, left.type === "Identifier" ? NAMED : 0, identName(left));
      }
      case "FunctionDeclaration":
        return this.#function(node, identName(node.id as Node));
      case "FunctionExpression":
      case "ArrowFunctionExpression": {
        const flags = node.type === "ArrowFunctionExpression" ? SiteFlag.Assignment : 0;
        if (node.id || ctx & FN_OK) this.#wrap(node, SiteKind.Function, flags, ctx);
        return this.#function(node, identName(node.id as Node) ?? name);
      }
      case "ClassExpression":
        if (node.id || ctx & FN_OK) this.#wrap(node, SiteKind.Class, 0, ctx);
        return this.#class(node, identName(node.id as Node) ?? name);
      case "ClassDeclaration":
        if (node.declare) return;
        return this.#class(node, identName(node.id as Node));
      case "ReturnStatement":
        return this.#visit(node.argument as Node, TAIL | FN_OK);
      case "ConditionalExpression":
        this.#visit(node.test as Node, 0);
        this.#visit(node.consequent as Node, ctx & (TAIL | NAMED | FN_OK), name);
        return this.#visit(node.alternate as Node, ctx & (TAIL | NAMED | FN_OK), name);
      case "LogicalExpression":
        this.#visit(node.left as Node, 0);
        return this.#visit(node.right as Node, ctx & (TAIL | NAMED), name);
      case "SequenceExpression": {
        const exprs = node.expressions as Node[];
        for (let i = 0; i < exprs.length - 1; i++) this.#visit(exprs[i], 0);
        return this.#visit(exprs[exprs.length - 1], ctx & (TAIL | NAMED), name);
      }
      case "ExportDefaultDeclaration": {
        const decl = node.declaration as Node;
        if (decl.type === "FunctionDeclaration" || decl.type === "FunctionExpression") {
          return this.#function(decl, identName(decl.id as Node) ?? "default");
        }
        if (decl.type === "ClassDeclaration" || decl.type === "ClassExpression") {
          return this.#class(decl, identName(decl.id as Node) ?? "default");
        }
        return this.#visit(decl, NAMED, "default");
      }
      case "BlockStatement":
        return this.#statements(node.body as Node[], node.start + 1, "block");
      case "StaticBlock":
        return this.#statements(node.body as Node[], node.start, "block");
      case "SwitchCase":
        this.#visit(node.test as Node, 0);
        return this.#statements(node.consequent as Node[], node.start, "case");
      case "TSModuleBlock":
        return this.#statements(node.body as Node[], node.start + 1, "case");
      case "Literal":
        if (node.regex) this.#wrap(node, SiteKind.RegExp, 0, ctx);
        return;
      case "JSXElement":
      case "JSXFragment":
        return this.#jsx(node, ctx);
      case "JSXExpressionContainer":
        return this.#visit(node.expression as Node, 0);
      case "TSModuleDeclaration":
        if (!node.declare) this.#visit(node.body as Node, 0);
        return;
      case "TSExportAssignment":
        return this.#visit(node.expression as Node, 0);
      case "TSParameterProperty":
        return this.#visit(node.parameter as Node, 0);
      case "ForStatement":
      case "ForInStatement":
      case "ForOfStatement":
      case "WhileStatement":
      case "DoWhileStatement":
        this.#loops++;
        this.#children(node);
        this.#loops--;
        return;
      case "Identifier":
      case "ThisExpression":
      case "Super":
        return;
    }
    if (TS_VALUE_WRAPPERS.has(node.type)) return this.#visit(node.expression as Node, ctx, name);
    if (node.type.startsWith("TS")) return; // types, interfaces, enums, declarations
    this.#children(node);
  }

  #children(node: Node): void {
    const keys = valueKeys(node.type);
    for (let i = 0; i < keys.length; i++) {
      const child = node[keys[i]];
      if (Array.isArray(child)) {
        for (const item of child as (Node | null)[]) this.#visit(item, 0);
      } else if (child && typeof child === "object") {
        this.#visit(child as Node, 0);
      }
    }
  }

  #property(prop: Node): void {
    if (prop.type !== "Property") return this.#visit(prop, 0); // SpreadElement
    if (prop.computed) this.#visit(prop.key as Node, 0);
    const name = keyName(prop.key as Node);
    if (prop.method || prop.kind !== "init") return this.#function(prop.value as Node, name);
    this.#visit(prop.value as Node, NAMED, name);
  }

  #call(node: Node, ctx: number): void {
    const flags = node.optional || ctx & CHAIN ? 0 : calleeFlags(node.callee as Node);
    if (flags) this.#wrap(node, SiteKind.Call, flags, ctx);
    if (!node.optional && !(ctx & CHAIN) && makesBuffer(node.callee as Node)) this.#markBuffer(node);
    this.#visit(node.callee as Node, (ctx & CHAIN) | CALLEE);
    for (const arg of node.arguments as Node[]) this.#visit(arg, FN_OK);
  }

  #chain(node: Node, ctx: number): void {
    const inner = node.expression as Node;
    if (inner.type === "CallExpression") {
      const flags = calleeFlags(inner.callee as Node);
      if (flags) this.#wrap(node, SiteKind.Call, flags, ctx);
    }
    this.#visit(inner, CHAIN);
  }

  #binary(node: Node, ctx: number): void {
    const concat = node.operator === "+" && isConcat(node, 0);
    if (concat && !(ctx & CONCAT)) this.#wrap(node, SiteKind.String, SiteFlag.Additive, ctx);
    this.#visit(node.left as Node, concat ? CONCAT : 0);
    this.#visit(node.right as Node, concat ? CONCAT : 0);
  }

  #assignment(node: Node, ctx: number): void {
    const left = node.left as Node;
    const right = node.right as Node;
    const op = node.operator as string;
    const appends = op === "+=" && isStringLiteral(unwrap(right));
    if (appends) this.#wrap(node, SiteKind.String, SiteFlag.Assignment, ctx);
    this.#visit(left, 0);
    const naming = op === "=" || op === "||=" || op === "&&=" || op === "??=";
    if (naming && (left.type === "Identifier" || left.type === "MemberExpression")) {
      return this.#visit(right, NAMED, assignedName(left));
    }
    this.#visit(right, appends ? CONCAT : 0);
  }

  #function(node: Node, name: string | null): void {
    const body = node.body as Node | null;
    const statements = body && body.type !== "FunctionBody" && body.type !== "BlockStatement" ? null : body;
    const strict = this.#strict[this.#strict.length - 1] ||
      (statements !== null && hasUseStrict(statements.body as Node[]));
    // An anonymous function's sites are shown in the function around it, so a line is one key.
    this.#names.push(name ?? this.#names[this.#names.length - 1]);
    this.#strict.push(strict);
    for (const param of node.params as Node[]) this.#visit(param, 0);
    if (statements) this.#statements(statements.body as Node[], statements.start + 1, "function");
    else this.#visit(body, TAIL | FN_OK);
    this.#strict.pop();
    this.#names.pop();
  }

  #class(node: Node, name: string | null): void {
    for (const decorator of (node.decorators as Node[] | undefined) ?? []) this.#visit(decorator, 0);
    this.#visit(node.superClass as Node, 0);
    this.#strict.push(true);
    this.#names.push(name);
    for (const member of (node.body as Node).body as Node[]) {
      for (const decorator of (member.decorators as Node[] | undefined) ?? []) this.#visit(decorator, 0);
      if (member.computed) this.#visit(member.key as Node, 0);
      const key = keyName(member.key as Node);
      if (member.type === "MethodDefinition") {
        this.#function(member.value as Node, member.kind === "constructor" ? name : key);
      } else if (member.type === "PropertyDefinition" || member.type === "AccessorProperty") {
        if (!member.declare) this.#visit(member.value as Node, NAMED, key);
      } else {
        this.#visit(member, 0); // StaticBlock
      }
    }
    this.#names.pop();
    this.#strict.pop();
  }

  #jsx(node: Node, ctx: number): void {
    if (!(ctx & JSX_CHILD)) this.#wrap(node, SiteKind.Jsx, 0, ctx);
    const opening = node.openingElement as Node | undefined;
    for (const attr of (opening?.attributes as Node[] | undefined) ?? []) {
      const value = (attr.type === "JSXSpreadAttribute" ? attr.argument : attr.value) as Node | null;
      if (value) this.#visit(value, value.type === "JSXElement" || value.type === "JSXFragment" ? JSX_CHILD : 0);
    }
    for (const child of node.children as Node[]) this.#visit(child, JSX_CHILD);
  }

  /**
   * A list of statements. Outside module level, functions and classes that
   * declarations make are reported by statements: nested function
   * declarations at the top of the list (they exist from its start), the
   * others after the statement that makes them.
   */
  #statements(body: Node[], start: number, where: "program" | "function" | "block" | "case"): void {
    let top = start;
    if (where === "function" || where === "program") {
      for (const stmt of body) {
        if (stmt.type !== "ExpressionStatement" || typeof stmt.directive !== "string") break;
        top = stmt.end;
      }
    }
    const report = where !== "program";
    if (report && where !== "case") {
      for (const stmt of body) {
        if (stmt.type === "FunctionDeclaration" && stmt.id && stmt.body) {
          this.#statement(top, stmt.start, SiteKind.Function, (stmt.id as Node).name as string);
        }
      }
    }
    for (const stmt of body) {
      this.#visit(stmt, 0);
      if (report) this.#reportDeclared(stmt);
    }
  }

  /** Reports the functions and classes that `stmt` names, after it. */
  #reportDeclared(stmt: Node): void {
    switch (stmt.type) {
      case "VariableDeclaration":
        if (stmt.declare) return;
        for (const decl of stmt.declarations as Node[]) {
          const kind = madeKind(decl.init as Node | null);
          const id = decl.id as Node;
          if (kind !== null && id.type === "Identifier") {
            this.#statement(stmt.end, unwrap(decl.init as Node).start, kind, id.name as string);
          }
        }
        return;
      case "ClassDeclaration":
        if (!stmt.declare && stmt.id) {
          this.#statement(stmt.end, stmt.start, SiteKind.Class, (stmt.id as Node).name as string);
        }
        return;
      case "ExpressionStatement": {
        const expr = stmt.expression as Node;
        if (expr.type !== "AssignmentExpression" || expr.operator !== "=") return;
        const left = expr.left as Node;
        const kind = madeKind(expr.right as Node);
        if (kind !== null && left.type === "Identifier") {
          this.#statement(stmt.end, unwrap(expr.right as Node).start, kind, left.name as string);
        }
      }
    }
  }
}

const keysByType = new Map<string, readonly string[]>();

/** The keys of a node type that may hold value expressions (type annotations left out). */
function valueKeys(type: string): readonly string[] {
  let keys = keysByType.get(type);
  if (!keys) {
    keys = (visitorKeys[type] ?? []).filter((key) => !TYPE_KEYS.has(key));
    keysByType.set(type, keys);
  }
  return keys;
}

/** `node` without parentheses and TypeScript's value wrappers (`as`, `!`, `satisfies`). */
function unwrap(node: Node): Node {
  let n = node;
  while (n.type === "ParenthesizedExpression" || TS_VALUE_WRAPPERS.has(n.type)) n = n.expression as Node;
  return n;
}

/** The kind of an anonymous function or class `init` makes, or `null`. */
function madeKind(init: Node | null): SiteKind | null {
  if (!init) return null;
  const n = unwrap(init);
  if (n.id) return null; // a named function expression is wrapped where it stands
  if (n.type === "FunctionExpression" || n.type === "ArrowFunctionExpression") return SiteKind.Function;
  if (n.type === "ClassExpression") return SiteKind.Class;
  return null;
}

function identName(node: Node | null | undefined): string | null {
  return node && node.type === "Identifier" ? node.name as string : null;
}

function keyName(key: Node | null | undefined): string | null {
  if (!key) return null;
  if (key.type === "Identifier" || key.type === "PrivateIdentifier") return key.name as string;
  if (key.type === "Literal") return String(key.value);
  return null;
}

/** The name an engine infers for a function assigned to `left`: `a`, or `a.b.c`. */
function assignedName(left: Node): string | null {
  if (left.type === "Identifier") return left.name as string;
  const parts: string[] = [];
  let n: Node = left;
  while (n.type === "MemberExpression" && !n.computed) {
    parts.unshift((n.property as Node).name as string);
    n = n.object as Node;
  }
  if (n.type === "Identifier") parts.unshift(n.name as string);
  else if (n.type === "ThisExpression") parts.unshift("this");
  else return parts.length ? parts[parts.length - 1] : null;
  return parts.join(".");
}

/** The flags of a call's callee, or 0 when the call is not an allocating built-in. */
function calleeFlags(callee: Node): number {
  let n = unwrap(callee);
  // `(0, ns.fn)(...)`, as transpilers call imported functions.
  if (n.type === "SequenceExpression") n = unwrap((n.expressions as Node[]).at(-1)!);
  if (n.type === "Identifier") return functionFlags(n.name as string);
  if (n.type !== "MemberExpression") return 0;
  const property = n.property as Node;
  let name: string | null = null;
  if (!n.computed && property.type === "Identifier") name = property.name as string;
  else if (n.computed && property.type === "Literal" && typeof property.value === "string") name = property.value;
  if (name === null) return 0;
  const object = unwrap(n.object as Node);
  return callFlags(object.type === "Identifier" ? object.name as string : null, name);
}

/** True for a callee that the allocation hooks trace as making a buffer (`Buffer.from`, `x.encode`). */
function makesBuffer(callee: Node): boolean {
  const n = unwrap(callee);
  if (n.type !== "MemberExpression" || n.computed) return false;
  const property = n.property as Node;
  if (property.type !== "Identifier") return false;
  const object = unwrap(n.object as Node);
  return makesBufferCall(object.type === "Identifier" ? object.name as string : null, property.name as string);
}

/** True for `o.k`, `o[0]` and `o["k"]`: a key known without running anything. */
function hasConstantKey(member: Node): boolean {
  const key = member.property as Node;
  if (!member.computed) return key.type === "Identifier";
  return key.type === "Literal" && (typeof key.value === "string" || typeof key.value === "number");
}

function isStringLiteral(node: Node): boolean {
  return (node.type === "Literal" && typeof node.value === "string") || node.type === "TemplateLiteral";
}

/** True for a `+` that builds a string: a string literal on either side, or a concatenation on the left. */
function isConcat(node: Node, depth: number): boolean {
  if (node.type !== "BinaryExpression" || node.operator !== "+" || depth > CONCAT_DEPTH) return false;
  const left = unwrap(node.left as Node);
  const right = unwrap(node.right as Node);
  const l = isStringLiteral(left);
  const r = isStringLiteral(right);
  if (l && r) return hasSubstitutions(left) || hasSubstitutions(right); // "a" + "b" is a constant
  return l || r || isConcat(left, depth + 1);
}

function hasSubstitutions(node: Node): boolean {
  return node.type === "TemplateLiteral" && (node.expressions as Node[]).length > 0;
}

function hasUseStrict(body: Node[]): boolean {
  for (const stmt of body) {
    if (stmt.type !== "ExpressionStatement" || typeof stmt.directive !== "string") return false;
    if (stmt.directive === "use strict") return true;
  }
  return false;
}
