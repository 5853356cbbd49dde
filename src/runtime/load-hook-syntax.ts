/**
 * What of the module systems' syntax a JavaScript program uses, read from
 * its ESTree AST (oxc-parser's): import and export declarations,
 * `import.meta`, top-level `await`, top-level `return`, `with`, and which
 * of a few names it uses without declaring them (`module`, `exports`,
 * ...). Bun decides a file's module system from exactly these
 * (`bun-load-hook-kind.ts`).
 *
 * Free names need scopes: a name is bound when a scope around the use
 * declares it (`var` and parameters in the enclosing function, `let`,
 * `const`, `class` and function declarations in the enclosing block,
 * `catch` parameters, imports, the own name of a function or class
 * expression), else it is free. One walk does it: declarations of the
 * names asked about are recorded per scope as they come, and each use is
 * resolved once the walk is over (`var` and functions are hoisted). Direct
 * `eval` is not modelled: a name only an `eval`ed string would declare
 * counts as free, as it does for Bun.
 *
 * @module
 */

/** An ESTree node as oxc-parser gives it. */
export interface SyntaxNode {
  readonly type: string;
  readonly [key: string]: unknown;
}

/**
 * What {@link programSyntax} found.
 *
 * @example
 * ```ts
 * const found: ProgramSyntax = { imports: false, exports: false, importMeta: false, topLevelAwait: false, topLevelReturn: true, with: false, free: new Set(["module"]) };
 * ```
 */
export interface ProgramSyntax {
  /** An import declaration (`import x from "y"`, `import "y"`). */
  readonly imports: boolean;
  /** An export declaration of any form. */
  readonly exports: boolean;
  /** `import.meta` anywhere. */
  readonly importMeta: boolean;
  /** `await` (or `for await`, `await using`) outside any function. */
  readonly topLevelAwait: boolean;
  /** `return` outside any function. */
  readonly topLevelReturn: boolean;
  /** A `with` statement anywhere. */
  readonly with: boolean;
  /** Those of the names asked about that are used somewhere without being declared there. */
  readonly free: ReadonlySet<string>;
}

type VisitorKeys = Readonly<Record<string, readonly string[] | undefined>>;

const FUNCTIONS = new Set(["FunctionDeclaration", "FunctionExpression", "ArrowFunctionExpression"]);
/** Nodes whose extent is a scope of their own. */
const SCOPES = new Set([
  "Program",
  ...FUNCTIONS,
  "StaticBlock",
  "BlockStatement",
  "SwitchStatement",
  "ForStatement",
  "ForInStatement",
  "ForOfStatement",
  "CatchClause",
  "ClassExpression",
]);
/** Scopes that `var` declarations belong to. */
const VAR_SCOPES = new Set(["Program", ...FUNCTIONS, "StaticBlock"]);
const EXPORTS = new Set(["ExportNamedDeclaration", "ExportDefaultDeclaration", "ExportAllDeclaration"]);

function isNode(value: unknown): value is SyntaxNode {
  return typeof value === "object" && value !== null && typeof (value as { type?: unknown }).type === "string";
}

/** True when the identifier under `key` of `parent` names a property, a label or an export, not a variable. */
function isNameOnly(parent: SyntaxNode, key: string): boolean {
  switch (parent.type) {
    case "MemberExpression":
      return key === "property" && !parent.computed;
    case "Property":
    case "MethodDefinition":
    case "PropertyDefinition":
    case "AccessorProperty":
      return key === "key" && !parent.computed;
    case "LabeledStatement":
    case "BreakStatement":
    case "ContinueStatement":
      return key === "label";
    case "ImportSpecifier":
      return key === "imported";
    case "ExportSpecifier":
    case "ExportAllDeclaration":
      return key === "exported";
    case "MetaProperty":
    case "ImportAttribute":
      return true;
    default:
      return false;
  }
}

/** The walk: what was found, the declarations of the names asked about, and their uses. */
class SyntaxWalk implements ProgramSyntax {
  imports = false;
  exports = false;
  importMeta = false;
  topLevelAwait = false;
  topLevelReturn = false;
  with = false;
  readonly free = new Set<string>();
  /** The scope nodes around the node being walked, outermost first. */
  readonly #scopes: SyntaxNode[] = [];
  readonly #declared = new Map<SyntaxNode, Set<string>>();
  readonly #uses: { name: string; scopes: SyntaxNode[] }[] = [];

  constructor(readonly keys: VisitorKeys, readonly names: ReadonlySet<string>) {}

  /** Records that `scope` declares the names of binding pattern `pattern` (those asked about). */
  #declare(pattern: unknown, scope: SyntaxNode): void {
    if (!isNode(pattern)) return;
    switch (pattern.type) {
      case "Identifier":
        if (this.names.has(pattern.name as string)) {
          let names = this.#declared.get(scope);
          if (!names) this.#declared.set(scope, names = new Set());
          names.add(pattern.name as string);
        }
        break;
      case "ObjectPattern":
        for (const prop of pattern.properties as SyntaxNode[]) {
          this.#declare(prop.type === "RestElement" ? prop.argument : prop.value, scope);
        }
        break;
      case "ArrayPattern":
        for (const element of pattern.elements as unknown[]) this.#declare(element, scope);
        break;
      case "RestElement":
        this.#declare(pattern.argument, scope);
        break;
      case "AssignmentPattern":
        this.#declare(pattern.left, scope);
        break;
    }
  }

  /** The innermost scope `var` declarations go to. */
  #varScope(): SyntaxNode {
    for (let i = this.#scopes.length - 1; i > 0; i--) if (VAR_SCOPES.has(this.#scopes[i].type)) return this.#scopes[i];
    return this.#scopes[0];
  }

  /** Records what `node` declares, before its scope (if it makes one) is entered. */
  #declarations(node: SyntaxNode): void {
    const inner = this.#scopes[this.#scopes.length - 1];
    switch (node.type) {
      case "VariableDeclaration":
        for (const decl of node.declarations as SyntaxNode[]) {
          this.#declare(decl.id, node.kind === "var" ? this.#varScope() : inner);
        }
        break;
      case "FunctionDeclaration":
      case "ClassDeclaration":
        this.#declare(node.id, inner);
        break;
      case "ImportDeclaration":
        for (const spec of node.specifiers as SyntaxNode[]) this.#declare(spec.local, this.#scopes[0]);
        break;
    }
  }

  /** Records what scope node `node` declares for its own extent, once entered. */
  #ownDeclarations(node: SyntaxNode): void {
    switch (node.type) {
      case "FunctionExpression":
      case "ClassExpression":
        this.#declare(node.id, node);
        break;
      case "CatchClause":
        this.#declare(node.param, node);
        break;
    }
    if (FUNCTIONS.has(node.type)) { for (const param of node.params as SyntaxNode[]) this.#declare(param, node); }
  }

  /** Notes the facts `node` itself gives. */
  #facts(node: SyntaxNode, depth: number): void {
    switch (node.type) {
      case "MetaProperty":
        if ((node.meta as SyntaxNode).name === "import") this.importMeta = true;
        break;
      case "ImportDeclaration":
        this.imports = true;
        break;
      case "WithStatement":
        this.with = true;
        break;
      case "ReturnStatement":
        if (depth === 0) this.topLevelReturn = true;
        break;
      case "AwaitExpression":
        if (depth === 0) this.topLevelAwait = true;
        break;
      case "ForOfStatement":
        if (depth === 0 && node.await) this.topLevelAwait = true;
        break;
      case "VariableDeclaration":
        if (depth === 0 && node.kind === "await using") this.topLevelAwait = true;
        break;
      default:
        if (EXPORTS.has(node.type)) this.exports = true;
    }
  }

  /** Walks `node`, reached from `parent` under `key`, `depth` functions deep. */
  visit(node: SyntaxNode, parent: SyntaxNode | null, key: string, depth: number): void {
    if (node.type === "Identifier") {
      const name = node.name as string;
      if (this.names.has(name) && !(parent && isNameOnly(parent, key))) {
        this.#uses.push({ name, scopes: this.#scopes.slice() });
      }
      return;
    }
    this.#facts(node, depth);
    this.#declarations(node);
    const scope = SCOPES.has(node.type);
    if (scope) {
      this.#scopes.push(node);
      this.#ownDeclarations(node);
    }
    const inner = FUNCTIONS.has(node.type) ? depth + 1 : depth;
    for (const childKey of this.keys[node.type] ?? []) {
      const value = node[childKey];
      if (Array.isArray(value)) {
        for (const item of value) if (isNode(item)) this.visit(item, node, childKey, inner);
      } else if (isNode(value)) this.visit(value, node, childKey, inner);
    }
    if (scope) this.#scopes.pop();
  }

  /** Resolves every use recorded: free when no scope around it declares the name. */
  resolve(): void {
    for (const { name, scopes } of this.#uses) {
      if (!scopes.some((scope) => this.#declared.get(scope)?.has(name))) this.free.add(name);
    }
  }
}

/**
 * What `program` (an ESTree `Program` of oxc-parser, with its
 * `visitorKeys`) uses of module syntax, and which of `names` it uses free.
 *
 * @example
 * ```ts
 * import { parseSync, visitorKeys } from "oxc-parser";
 *
 * const { program } = parseSync("a.js", "function f(module) { return module; }\nexports.f = f;");
 * programSyntax(program as unknown as SyntaxNode, visitorKeys, new Set(["module", "exports"])).free; // Set { "exports" }
 * ```
 */
export function programSyntax(program: SyntaxNode, keys: VisitorKeys, names: ReadonlySet<string>): ProgramSyntax {
  const walk = new SyntaxWalk(keys, names);
  walk.visit(program, null, "", 0);
  walk.resolve();
  return walk;
}
