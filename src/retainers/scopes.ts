/**
 * What a node of a heap snapshot is to a developer when it holds
 * variables or global properties: a module's scope (and its file), the
 * global lexical scope of scripts, a function's scope (what its closures
 * capture), a global object.
 *
 * V8: scopes are `system / Context` nodes (Deno adds ` / scope @id`); a
 * module's is the one whose `previous` is the native context (ES modules
 * also link their `SourceTextModule` as `extension`; a CommonJS module's
 * scope is its wrapper function's, whose `previous` is the native context
 * too); its file is the `script` of a function made in it (`closure ->
 * shared -> script -> name`); global objects are what the root's shortcut
 * edges point to. JavaScriptCore: `JSModuleEnvironment`,
 * `JSGlobalLexicalEnvironment` and `JSLexicalEnvironment` cells, and
 * `GlobalObject`; a module environment's file is not in the snapshot, so
 * it is learnt from an object the tracer knows was allocated in that
 * module and that one of its variables holds (code elsewhere cannot assign
 * a module's variables).
 *
 * @module
 */
import { EdgeKind, edgeName, findEdge, type HeapGraph, NodeKind, nodeName } from "./graph.ts";

/**
 * What kind of scope a node is: a module's, the scripts' global lexical
 * scope, a function's (or a block's), or none.
 *
 * @example
 * ```ts
 * const kind: ScopeKind = "module";
 * ```
 */
export type ScopeKind = "module" | "script" | "function" | null;

/**
 * Answers what the scopes and globals of one graph are, caching what it
 * works out.
 *
 * @example
 * ```ts
 * import type { HeapGraph } from "./graph.ts";
 * declare const graph: HeapGraph;
 * declare const node: number;
 * const scopes = new Scopes(graph, new Map());
 * if (scopes.kind(node) === "module") console.log(scopes.file(node));
 * ```
 */
export class Scopes {
  readonly #graph: HeapGraph;
  /** Objects the tracer knows, by node: the file that allocated each. */
  readonly #moduleObjects: ReadonlyMap<number, string>;
  #globals: Set<number> | null = null;
  #files: Map<number, string> | null = null;
  readonly #kinds = new Map<number, ScopeKind>();

  /**
   * @param graph the snapshot's graph
   * @param moduleObjects objects the tracer knows, by node, with the file that allocated each
   */
  constructor(graph: HeapGraph, moduleObjects: ReadonlyMap<number, string>) {
    this.#graph = graph;
    this.#moduleObjects = moduleObjects;
  }

  /** The kind of scope `node` is, null when it is none. */
  kind(node: number): ScopeKind {
    let kind = this.#kinds.get(node);
    if (kind === undefined) this.#kinds.set(node, kind = this.#classify(node));
    return kind;
  }

  /** Whether `node` is a global object (its properties are globals). */
  isGlobal(node: number): boolean {
    if (!this.#globals) this.#globals = this.#findGlobals();
    return this.#globals.has(node);
  }

  /** The file of module scope `node`, null when the snapshot does not say. */
  file(node: number): string | null {
    if (this.#graph.format === "jsc") return this.#jscFile(node);
    if (!this.#files) this.#files = this.#v8Files();
    return this.#files.get(node) ?? null;
  }

  /**
   * The module scope that scope `node` is nested in (following V8's
   * `previous` links), -1 when none. A block of a module's top level may
   * have a scope of its own (V8 puts the top-level `const`s of some
   * transpiled CommonJS modules in one): its variables are the module's
   * when the module's source declares them at its top level.
   */
  enclosingModule(node: number): number {
    const graph = this.#graph;
    for (let at = node, hops = 0; at >= 0 && hops < 32; hops++) {
      if (this.kind(at) === "module") return at;
      const previous = findEdge(graph, at, EdgeKind.Internal, "previous");
      at = previous < 0 ? -1 : graph.edgeTo[previous];
    }
    return -1;
  }

  #classify(node: number): ScopeKind {
    const graph = this.#graph;
    const name = nodeName(graph, node);
    if (graph.format === "jsc") {
      if (name === "JSModuleEnvironment") return "module";
      if (name === "JSGlobalLexicalEnvironment") return "script";
      if (name === "JSLexicalEnvironment" || name === "StrictEvalActivation") return "function";
      return null;
    }
    if (name === "system / ScriptContext") return "script";
    if (name !== "system / Context" && !name.startsWith("system / Context / ")) return null;
    const extension = findEdge(graph, node, EdgeKind.Internal, "extension");
    if (extension >= 0 && nodeName(graph, graph.edgeTo[extension]).includes("SourceTextModule")) return "module";
    const previous = findEdge(graph, node, EdgeKind.Internal, "previous");
    if (previous >= 0 && nodeName(graph, graph.edgeTo[previous]).startsWith("system / NativeContext")) return "module";
    return "function";
  }

  #findGlobals(): Set<number> {
    const graph = this.#graph;
    const globals = new Set<number>();
    const root = graph.root;
    for (let e = graph.firstEdge[root]; e < graph.firstEdge[root + 1]; e++) {
      if (graph.edgeKind[e] === EdgeKind.Shortcut) globals.add(graph.edgeTo[e]);
    }
    if (graph.format === "jsc") {
      for (let n = 0; n < graph.nodeCount; n++) {
        const name = nodeName(graph, n);
        if (name === "GlobalObject" || name === "JSGlobalObject") globals.add(n);
      }
    }
    return globals;
  }

  /** V8: each context's file, from the script of a function made in it. */
  #v8Files(): Map<number, string> {
    const graph = this.#graph;
    const files = new Map<number, string>();
    for (let n = 0; n < graph.nodeCount; n++) {
      if (graph.nodeKind[n] !== NodeKind.Closure) continue;
      const context = target(graph, n, "context");
      if (context < 0 || files.has(context)) continue;
      const script = target(graph, target(graph, n, "shared"), "script");
      const name = target(graph, script, "name");
      const file = name >= 0 ? nodeName(graph, name) : "";
      if (file) files.set(context, file);
    }
    return files;
  }

  /** JavaScriptCore: the file of a module-level object that one of the environment's variables holds. */
  #jscFile(node: number): string | null {
    const graph = this.#graph;
    for (let e = graph.firstEdge[node]; e < graph.firstEdge[node + 1]; e++) {
      if (graph.edgeKind[e] !== EdgeKind.Context) continue;
      const file = this.#moduleObjects.get(graph.edgeTo[e]);
      if (file !== undefined) return file;
    }
    return null;
  }
}

/** The target of `node`'s internal edge `name`, -1 when there is none. */
function target(graph: HeapGraph, node: number, name: string): number {
  if (node < 0) return -1;
  for (let e = graph.firstEdge[node]; e < graph.firstEdge[node + 1]; e++) {
    if (graph.edgeKind[e] === EdgeKind.Internal && edgeName(graph, e) === name) return graph.edgeTo[e];
  }
  return -1;
}
