/**
 * A path from a root as a developer reads it: variables, property keys,
 * array slots, Map and Set entries and class names, e.g.
 * `module leaky.ts -> const cache (Map) -> entry 4123 -> value (Session)`.
 *
 * Each step becomes a segment with its text and its shape (the text with
 * what varies from object to object, an index or a key, as `*`): paths of
 * one shape are merged. The path is shown from its last anchor, a module's
 * variable or a global, which is as good as a root (modules and globals
 * live as long as the program); before that, the way the engine reached the
 * module is of no use. Steps into scopes and into a V8 Map's table are not
 * segments of their own: the variable or the entry that follows names them.
 *
 * @module
 */
import { EdgeKind, edgeName, type HeapGraph, NodeKind, nodeName } from "./graph.ts";
import type { PathStep } from "./paths.ts";
import type { Scopes } from "./scopes.ts";

/**
 * One step of a path as shown, and its shape.
 *
 * @example
 * ```ts
 * const segment: Segment = { text: "[4] (Session)", shape: "[*] (Session)" };
 * ```
 */
export interface Segment {
  readonly text: string;
  readonly shape: string;
}

/**
 * A path as shown: its segments, and whether it starts at an anchor (a
 * module's variable or a global) or at an engine's root.
 *
 * @example
 * ```ts
 * declare const named: NamedPath;
 * console.log(named.segments.map((s) => s.text).join(" -> "));
 * ```
 */
export interface NamedPath {
  readonly segments: readonly Segment[];
  readonly anchored: boolean;
}

/**
 * What naming needs beyond the snapshot.
 *
 * @example
 * ```ts
 * const options: NamingOptions = { declaration: () => "const", showFile: (file) => file.split("/").at(-1)! };
 * ```
 */
export interface NamingOptions {
  /** How module `file` declares top-level `name` (`const`, `let`...), null when unknown. */
  readonly declaration?: (file: string, name: string) => string | null;
  /** How a file is shown (a path relative to the working directory, say). */
  readonly showFile?: (file: string) => string;
}

/** Class names longer than this are cut. */
const NAME_WIDTH = 60;

/**
 * Names the path `steps` from the root to an object.
 *
 * @example
 * ```ts
 * import type { HeapGraph } from "./graph.ts";
 * import type { PathStep } from "./paths.ts";
 * import type { Scopes } from "./scopes.ts";
 * declare const graph: HeapGraph;
 * declare const scopes: Scopes;
 * declare const steps: PathStep[];
 * const { segments } = namePath(graph, scopes, steps);
 * segments.map((s) => s.text).join(" -> "); // "module app.ts -> const cache (Map) -> entry 4123 -> value (Session)"
 * ```
 */
export function namePath(
  graph: HeapGraph,
  scopes: Scopes,
  steps: readonly PathStep[],
  options: NamingOptions = {},
): NamedPath {
  const segments: Segment[] = [];
  let anchor = -1;
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i];
    if (step.kind === EdgeKind.Shortcut) continue;
    const entering = step.kind !== EdgeKind.Context && step.kind !== EdgeKind.Property &&
      step.kind !== EdgeKind.Element;
    if (entering && scopes.kind(step.to) !== null) continue;
    if (isTableStep(graph, step)) continue;
    const named = nameStep(graph, scopes, step, i > 0 ? steps[i - 1] : null, options);
    if (named.anchor) anchor = segments.length;
    segments.push(named.segment);
  }
  return { segments: anchor > 0 ? segments.slice(anchor) : segments, anchored: anchor >= 0 };
}

/** One step's segment, and whether it is an anchor. */
function nameStep(
  graph: HeapGraph,
  scopes: Scopes,
  step: PathStep,
  previous: PathStep | null,
  options: NamingOptions,
): { segment: Segment; anchor: boolean } {
  const what = ` (${describe(graph, step.to)})`;
  const same = (text: string) => ({ segment: { text, shape: text }, anchor: false });
  switch (step.kind) {
    case EdgeKind.Context: {
      const kind = scopes.kind(step.from);
      if (kind === "module") return moduleVariable(scopes, step, step.from, what, options, false)!;
      if (kind === "script") return { ...same(`global ${step.name}${what}`), anchor: true };
      const module = scopes.enclosingModule(step.from);
      const nested = module < 0 ? null : moduleVariable(scopes, step, module, what, options, true);
      return nested ?? same(`captured ${step.name}${what}`);
    }
    case EdgeKind.Property:
      if (scopes.isGlobal(step.from)) return { ...same(`global ${step.name}${what}`), anchor: true };
      return same(`${step.name}${what}`);
    case EdgeKind.Element:
      return { segment: { text: `[${step.name}]${what}`, shape: `[*]${what}` }, anchor: false };
    case EdgeKind.MapValue:
    case EdgeKind.MapKey: {
      const role = step.kind === EdgeKind.MapValue ? "value" : "key";
      return {
        segment: { text: `entry ${step.name} -> ${role}${what}`, shape: `entry * -> ${role}${what}` },
        anchor: false,
      };
    }
    case EdgeKind.SetMember:
      return same(`entry${what}`);
    default: {
      if (previous && isTableStep(graph, previous)) {
        return { segment: tableEntry(graph, previous, step), anchor: false };
      }
      const fromRoot = graph.nodeKind[step.from] === NodeKind.Synthetic;
      if (fromRoot && graph.nodeKind[step.to] === NodeKind.Synthetic) return same(nodeName(graph, step.to));
      const label = step.kind === EdgeKind.Hidden ? "hidden" : "internal";
      const name = step.name === "" ? "" : ` ${step.name}`;
      const shape = /^\d+$/.test(step.name) ? " *" : name;
      return { segment: { text: `${label}${name}${what}`, shape: `${label}${shape}${what}` }, anchor: false };
    }
  }
}

/**
 * A variable of module scope `module` (or, `nested`, of a scope in it that
 * the module's source declares at its top level; null when it does not).
 */
function moduleVariable(
  scopes: Scopes,
  step: PathStep,
  module: number,
  what: string,
  options: NamingOptions,
  nested: boolean,
): { segment: Segment; anchor: boolean } | null {
  const file = scopes.file(module) ?? (nested ? scopes.file(step.from) : null);
  const path = file === null ? null : filePath(file);
  const declared = path === null ? null : options.declaration?.(path, step.name) ?? null;
  if (nested && !declared) return null;
  const shown = path === null ? " (file unknown)" : ` ${options.showFile?.(path) ?? path}`;
  const text = `module${shown} -> ${declared ? `${declared} ` : ""}${step.name}${what}`;
  return { segment: { text, shape: text }, anchor: true };
}

/** Whether `step` goes from a V8 Map or Set to its hash table (the entry that follows names both). */
function isTableStep(graph: HeapGraph, step: PathStep): boolean {
  if (graph.format !== "v8" || step.kind !== EdgeKind.Internal || step.name !== "table") return false;
  const name = nodeName(graph, step.from);
  return graph.nodeKind[step.from] === NodeKind.Object && (name === "Map" || name === "Set");
}

/**
 * The entry of a V8 Map or Set that slot `step.name` of its table holds.
 * The table is an `OrderedHashMap` (or `OrderedHashSet`): 3 header slots,
 * `capacity / 2` buckets, then `capacity` entries of 3 slots (key, value,
 * chain; a Set's of 2); its length comes from its size (8-byte slots and a
 * 16-byte header, or 4-byte slots and an 8-byte header with pointer
 * compression), which only one capacity fits.
 */
function tableEntry(graph: HeapGraph, table: PathStep, step: PathStep): Segment {
  const what = ` (${describe(graph, step.to)})`;
  const isMap = nodeName(graph, table.from) === "Map";
  const slots = isMap ? 3 : 2;
  const size = graph.nodeSize[table.to];
  const slot = Number(step.name);
  for (const [header, width] of [[16, 8], [8, 4]]) {
    const length = (size - header) / width;
    const capacity = (length - 3) / (slots + 0.5);
    if (!Number.isInteger(capacity) || capacity < 2 || (capacity & (capacity - 1)) !== 0) continue;
    const offset = slot - 3 - capacity / 2;
    if (!Number.isInteger(offset) || offset < 0) break;
    const entry = Math.floor(offset / slots);
    if (!isMap) return { text: `entry${what}`, shape: `entry${what}` };
    const role = offset % slots === 0 ? "key" : "value";
    const key = role === "value" ? stringKey(graph, table.to, slot - 1) : null;
    return { text: `entry ${key ?? `#${entry}`} -> ${role}${what}`, shape: `entry * -> ${role}${what}` };
  }
  return { text: `entry${what}`, shape: `entry${what}` };
}

/** The string key in slot `slot` of a V8 Map's table, quoted; null when it holds no string (small integers are not in snapshots). */
function stringKey(graph: HeapGraph, table: number, slot: number): string | null {
  const name = String(slot);
  for (let e = graph.firstEdge[table]; e < graph.firstEdge[table + 1]; e++) {
    if (edgeName(graph, e) !== name) continue;
    const kind = graph.nodeKind[graph.edgeTo[e]];
    if (kind !== NodeKind.String && kind !== NodeKind.ConsString && kind !== NodeKind.SlicedString) return null;
    const text = JSON.stringify(nodeName(graph, graph.edgeTo[e]));
    return text.length > 42 ? `${text.slice(0, 40)}…"` : text;
  }
  return null;
}

/**
 * What node `node` is, in a few words: its class (`Session`, `Map`,
 * `Array`), `function NAME` for a function, or the engine's name for its
 * own structures.
 *
 * @example
 * ```ts
 * import type { HeapGraph } from "./graph.ts";
 * declare const graph: HeapGraph;
 * describe(graph, 42); // "Session"
 * ```
 */
export function describe(graph: HeapGraph, node: number): string {
  const name = nodeName(graph, node);
  switch (graph.nodeKind[node]) {
    case NodeKind.Closure:
      return name ? `function ${cut(name)}` : "function";
    case NodeKind.String:
    case NodeKind.ConsString:
    case NodeKind.SlicedString:
      return "string";
    case NodeKind.Number:
      return "number";
    default:
      return cut(name.replace(/^system \/ /, "")) || "object";
  }
}

/** A script name as a path: `file:` URLs are turned into paths. */
function filePath(file: string): string {
  if (!file.startsWith("file://")) return file;
  try {
    return decodeURIComponent(new URL(file).pathname);
  } catch {
    return file;
  }
}

function cut(text: string): string {
  return text.length > NAME_WIDTH ? `${text.slice(0, NAME_WIDTH - 1)}…` : text;
}
