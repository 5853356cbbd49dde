/**
 * What keeps the probe's objects alive, from the program's report and its
 * heap snapshot: the snapshot read in its engine's format, the probe found,
 * the Map and Set entries the program reported added as edges, one search
 * from the roots, then each object's shortest path named and merged with
 * the paths of the same shape.
 *
 * @module
 */
import { EdgeKind, type HeapGraph, type HeapSnapshotFormat } from "./graph.ts";
import { readJscSnapshot } from "./jsc-snapshot.ts";
import { namePath, type NamingOptions, type Segment } from "./naming.ts";
import { type ExtraEdge, pathTo, searchFromRoots } from "./paths.ts";
import type { ProbeSite, RetainerProbe } from "./probe.ts";
import { findProbe, type ProbeNodes } from "./probe-nodes.ts";
import { Scopes } from "./scopes.ts";
import { readV8Snapshot } from "./v8-snapshot.ts";

/**
 * One shape of path and how many of the objects have it.
 *
 * @example
 * ```ts
 * const path: RetainerPath = {
 *   shape: "module app.ts -> const cache (Map) -> entry * -> value (Session)",
 *   example: "module app.ts -> const cache (Map) -> entry 4123 -> value (Session)",
 *   count: 18,
 *   anchored: true,
 * };
 * ```
 */
export interface RetainerPath {
  /** The path with what varies from object to object (indexes, keys) as `*`. */
  readonly shape: string;
  /** The path of the first object of that shape, as it is. */
  readonly example: string;
  /** Objects whose path has this shape. */
  readonly count: number;
  /** True when it starts at a module's variable or a global, false at one of the engine's roots. */
  readonly anchored: boolean;
}

/**
 * What keeps the objects alive.
 *
 * @example
 * ```ts
 * declare const report: RetainerReport;
 * for (const path of report.paths) console.log(`${path.count} x ${path.shape}`);
 * ```
 */
export interface RetainerReport {
  readonly format: HeapSnapshotFormat;
  /** Nodes and edges in the snapshot. */
  readonly nodes: number;
  readonly edges: number;
  /** Distinct shapes, most objects first. */
  readonly paths: readonly RetainerPath[];
  /** Objects no path reaches from a root except through the tracer: garbage not collected yet. */
  readonly unreachable: number;
  /** Objects the probe held that the snapshot did not (none, unless the engine left some out). */
  readonly missing: number;
  /** Milliseconds reading the snapshot and searching it (naming included). */
  readonly readMs: number;
  readonly searchMs: number;
}

/**
 * Options of {@link analyseRetainers}.
 *
 * @example
 * ```ts
 * const options: AnalyseOptions = { depth: 10, phase: (_text, work) => work() };
 * ```
 */
export interface AnalyseOptions extends NamingOptions {
  /** Most segments a path shows: the first (its root), `…`, then the nearest the object. Default 12. */
  readonly depth?: number;
  /** Runs each long phase; a front end shows `text` while it runs. */
  readonly phase?: <T>(text: string, work: () => Promise<T>) => Promise<T>;
}

/**
 * Analyses the program's answer to a `retainers` request.
 *
 * @throws {SyntaxError} when the snapshot cannot be read, {@link Error} when it holds no probe
 *
 * @example
 * ```ts
 * import type { RetainerSnapshot } from "./probe.ts";
 * declare const answer: RetainerSnapshot;
 * const report = await analyseRetainers(answer, answer.bytes);
 * console.log(report.paths[0]?.example);
 * ```
 */
export async function analyseRetainers(
  probe: RetainerProbe,
  bytes: Uint8Array,
  options: AnalyseOptions = {},
): Promise<RetainerReport> {
  const phase = options.phase ?? ((_text, work) => work());
  const mb = (bytes.byteLength / 1e6).toFixed(bytes.byteLength < 1e7 ? 1 : 0);
  const started = performance.now();
  const graph = await phase(
    `reading the heap snapshot (${mb} MB)`,
    () => probe.format === "jsc" ? readJscSnapshot(bytes) : readV8Snapshot(bytes),
  );
  const read = performance.now();
  const nodes = findProbe(graph);
  const extra = entryEdges(probe, nodes);
  const reached = await phase(
    `searching paths from the roots (${graph.nodeCount.toLocaleString("en-US")} objects)`,
    () => searchFromRoots(graph, { blocked: nodes.blocked, extra }),
  );
  const scopes = new Scopes(graph, moduleObjects(probe, nodes));
  const depth = Math.max(2, options.depth ?? 12);
  const shapes = new Map<string, { example: string; count: number; anchored: boolean }>();
  let unreachable = 0;
  let missing = 0;
  for (const target of nodes.targets) {
    if (target < 0) {
      missing++;
      continue;
    }
    const steps = pathTo(graph, reached, extra, target);
    if (!steps) {
      unreachable++;
      continue;
    }
    const named = namePath(graph, scopes, steps, options);
    const segments = limited(named.segments, depth);
    const shape = segments.map((s) => s.shape).join(" -> ");
    const seen = shapes.get(shape);
    if (seen) seen.count++;
    else shapes.set(shape, { example: segments.map((s) => s.text).join(" -> "), count: 1, anchored: named.anchored });
  }
  const paths = [...shapes].map(([shape, { example, count, anchored }]) => ({ shape, example, count, anchored }))
    .sort((a, b) => b.count - a.count || Number(b.anchored) - Number(a.anchored));
  return {
    format: graph.format,
    nodes: graph.nodeCount,
    edges: graph.edgeTo.length,
    paths,
    unreachable,
    missing,
    readMs: read - started,
    searchMs: performance.now() - read,
  };
}

/** The entries the program reported, as edges from their container to what they hold. */
function entryEdges(probe: RetainerProbe, nodes: ProbeNodes): ExtraEdge[] {
  const { container, role, key } = probe.entries;
  const edges: ExtraEdge[] = [];
  for (let i = 0; i < container.length; i++) {
    const from = nodes.containers[container[i]] ?? -1;
    const to = nodes.held[i] ?? -1;
    if (from < 0 || to < 0) continue;
    const kind = role[i] === "member" ? EdgeKind.SetMember : role[i] === "key" ? EdgeKind.MapKey : EdgeKind.MapValue;
    edges.push({ from, to, kind, name: key[i] ?? "" });
  }
  return edges;
}

/**
 * The probe's objects by node, with the file that allocated each: an
 * object a module's variable holds was allocated in that module (code
 * elsewhere cannot assign another module's variables).
 */
function moduleObjects(probe: RetainerProbe, nodes: ProbeNodes): Map<number, string> {
  const files = new Map<number, string>();
  const add = (node: number | undefined, site: ProbeSite | undefined) => {
    if (node !== undefined && node >= 0 && site) files.set(node, site[0]);
  };
  probe.containerSites.forEach((site, i) => add(nodes.containers[i], site));
  probe.targetSites.forEach((site, i) => add(nodes.targets[i], site));
  const { files: names, file } = probe.landmarks ?? { files: [], file: [] };
  file.forEach((f, i) => add(nodes.landmarks[i], [names[f], 0, null]));
  return files;
}

/** At most `depth` segments: the first, `…`, then those nearest the object. */
function limited(segments: readonly Segment[], depth: number): readonly Segment[] {
  if (segments.length <= depth) return segments;
  return [segments[0], { text: "…", shape: "…" }, ...segments.slice(segments.length - (depth - 1))];
}

/**
 * Reads a heap snapshot in `format` (for tools and benchmarks that only read).
 *
 * @example
 * ```ts
 * import { readFileSync } from "node:fs";
 * const graph = await readHeapSnapshot("v8", readFileSync("app.heapsnapshot"));
 * ```
 */
export function readHeapSnapshot(format: HeapSnapshotFormat, bytes: Uint8Array): Promise<HeapGraph> {
  return format === "jsc" ? readJscSnapshot(bytes) : readV8Snapshot(bytes);
}
