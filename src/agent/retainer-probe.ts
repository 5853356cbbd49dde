/**
 * The traced program's side of `retainers`: picks live objects allocated at
 * one row of a listing (the line engine's sampled objects, the buffers the
 * hooks hold weakly), puts them in a probe object of a class of its own
 * with the Maps and Sets the tracer holds and what their entries hold,
 * takes a heap snapshot, and sends it to the controller, which analyses it
 * (`src/retainers/`). The program only collects; it never parses.
 *
 * @module
 */
import type { RawFrame } from "../model/frame.ts";
import {
  type EntryRole,
  PROBE_CLASS,
  type ProbeSite,
  type RetainerQuery,
  type RetainerSnapshot,
} from "../retainers/probe.ts";
import { takeHeapSnapshot } from "../runtime/heap-snapshot.ts";
import { runtime } from "../runtime/index.ts";
import { MAX_FRAME } from "./protocol.ts";
import type { AgentTracer } from "./tracer.ts";

/**
 * Entries of Maps and Sets looked through at most: past that, the rest are
 * not (a program holding a hundred million entries would wait too long).
 */
const MAX_ENTRIES_VISITED = 20_000_000;

/**
 * Entries whose objects are put in the probe on JavaScriptCore, whose heap
 * snapshot does not show what a Map or a Set holds: past that, only the
 * entries that hold an object asked about.
 */
const MAX_ENTRIES_HELD = 200_000;

/** Room a reply's header may take besides the snapshot's bytes (the entries reported). */
const FRAME_ROOM = 64 * 1024 * 1024;

/** Objects allocated once at a module's top level the probe holds at most, on JavaScriptCore. */
const MAX_LANDMARKS = 50_000;

/** Maps and Sets the probe holds at most. */
const MAX_CONTAINERS = 20_000;

/**
 * The probe: its class name is how the analysis finds it in the snapshot
 * ({@link PROBE_CLASS}), its fields are the arrays it walks from there.
 */
class TracemallocRetainerProbe {
  /** The objects asked about. */
  readonly targets: object[];
  /** Maps and Sets the tracer holds. */
  readonly containers: object[];
  /** What the reported entries of those hold, one per entry. */
  readonly held: object[];
  /** Objects allocated once at a known file's top level (JavaScriptCore: they tell a module's scope's file). */
  readonly landmarks: object[];
  /** The tracer's own structures, which no path may go through. */
  readonly own: readonly object[];

  constructor(targets: object[], containers: object[], held: object[], landmarks: object[], own: readonly object[]) {
    this.targets = targets;
    this.containers = containers;
    this.held = held;
    this.landmarks = landmarks;
    this.own = own;
  }
}

/** The probe and what the program reports with it. */
interface Built {
  readonly probe: TracemallocRetainerProbe;
  readonly found: number;
  readonly targetSites: ProbeSite[];
  readonly containerSites: ProbeSite[];
  readonly entries: { container: number[]; role: EntryRole[]; key: (string | null)[] };
  readonly landmarks: { files: string[]; file: number[] };
  readonly entriesComplete: boolean;
}

/**
 * Answers a `retainers` request: the probe's report and a heap snapshot
 * taken with the probe in it (no snapshot when no live object matches).
 *
 * @example
 * ```ts
 * import { tracerForAgent } from "./tracer.ts";
 * const answer = await retainerSnapshot(tracerForAgent(), {
 *   key: [["/app/leaky.ts", 12]], keyType: "lineno", cumulative: false, objects: 20,
 * });
 * console.log(answer.found, answer.bytes.byteLength);
 * ```
 */
export async function retainerSnapshot(tracer: AgentTracer, query: RetainerQuery): Promise<RetainerSnapshot> {
  if (TracemallocRetainerProbe.name !== PROBE_CLASS) {
    // A bundler that renamed the class would leave the analysis nothing to find.
    throw new Error(`the probe's class is named ${TracemallocRetainerProbe.name}, not ${PROBE_CLASS}`);
  }
  const rt = runtime().name;
  const format = rt === "bun" ? "jsc" : "v8";
  const built = await buildProbe(tracer, query, format === "jsc");
  const engine = tracer.engine()?.name ?? null;
  const report = {
    found: built.found,
    taken: built.probe.targets.length,
    engine,
    targetSites: built.targetSites,
    containerSites: built.containerSites,
    entries: built.entries,
    landmarks: built.landmarks,
    entriesComplete: built.entriesComplete,
  };
  if (!built.probe.targets.length) return { ...report, format: null, snapshotMs: 0, bytes: new Uint8Array(0) };
  // V8 keeps each object read through a weak reference alive until the
  // current job ends: the snapshot comes in a later task, or every object
  // would seem held by a root.
  await new Promise((resolve) => setTimeout(resolve, 0));
  const started = performance.now();
  const snapshot = await takeHeapSnapshot(rt);
  const snapshotMs = performance.now() - started;
  keep(built.probe);
  if (snapshot.bytes.byteLength > MAX_FRAME - FRAME_ROOM) {
    const gb = (snapshot.bytes.byteLength / 2 ** 30).toFixed(1);
    throw new Error(`the heap snapshot takes ${gb} GiB, more than the channel carries in one reply (4 GiB)`);
  }
  return { ...report, format: snapshot.format, snapshotMs, bytes: snapshot.bytes };
}

/** Builds the probe from the tracer's live objects (synchronously, once they are visited). */
async function buildProbe(tracer: AgentTracer, query: RetainerQuery, jsc: boolean): Promise<Built> {
  const matches = rowMatcher(query);
  const found: object[] = [];
  const foundSites: ProbeSite[] = [];
  const containers: object[] = [];
  const containerSites: ProbeSite[] = [];
  const landmarkObjects: object[] = [];
  const landmarks = { files: [] as string[], file: [] as number[] };
  const fileIndex = new Map<string, number>();
  const own = await tracer.forEachLiveObject((object, frames, weight) => {
    if (matches(frames)) {
      found.push(object);
      foundSites.push(siteOf(frames));
    }
    if ((object instanceof Map || object instanceof Set) && containers.length < MAX_CONTAINERS) {
      containers.push(object);
      containerSites.push(siteOf(frames));
    } else if (jsc && weight === 1 && frames.length && landmarkObjects.length < MAX_LANDMARKS) {
      const file = frames[0][0];
      let index = fileIndex.get(file);
      if (index === undefined) fileIndex.set(file, index = landmarks.files.push(file) - 1);
      landmarkObjects.push(object);
      landmarks.file.push(index);
    }
  });
  const count = found.length;
  const picked = spread(count, Math.max(0, query.objects));
  const targets = picked.map((i) => found[i]);
  const targetSites = picked.map((i) => foundSites[i]);
  const entries = { container: [] as number[], role: [] as EntryRole[], key: [] as (string | null)[] };
  const held: object[] = [];
  const wanted = new Set<unknown>(targets);
  let visited = 0;
  let heldRoom = jsc ? MAX_ENTRIES_HELD : 0;
  const add = (container: number, role: EntryRole, key: unknown, object: object) => {
    entries.container.push(container);
    entries.role.push(role);
    entries.key.push(role === "member" ? null : keyText(key));
    held.push(object);
  };
  containers.forEach((container, c) => {
    if (visited > MAX_ENTRIES_VISITED) return;
    visited += (container as Map<unknown, unknown>).size;
    const offer = (role: EntryRole, key: unknown, item: unknown) => {
      if (!isObject(item)) return;
      const asked = wanted.has(item);
      if (!asked && heldRoom <= 0) return;
      if (!asked) heldRoom--;
      add(c, role, key, item);
    };
    const visit = container instanceof Set
      ? (member: unknown) => offer("member", null, member)
      : (value: unknown, key: unknown) => {
        offer("value", key, value);
        offer("key", key, key);
      };
    (container as Map<unknown, unknown>).forEach(visit);
  });
  // Whatever still holds these working arrays (a closure's scope the engine
  // keeps for a while) must not hold the objects: the probe alone does.
  found.length = 0;
  wanted.clear();
  const probe = new TracemallocRetainerProbe(targets, containers, held, landmarkObjects, own);
  return {
    probe,
    found: count,
    targetSites,
    containerSites,
    entries,
    landmarks,
    entriesComplete: visited <= MAX_ENTRIES_VISITED,
  };
}

/**
 * A test telling whether a traceback (raw frames, most recent first)
 * belongs to the row of `query`, as the controller's listing grouped it:
 * the same traceback, or (by line or file) its most recent frame there, or
 * any frame there when cumulative.
 */
function rowMatcher(query: RetainerQuery): (frames: readonly RawFrame[]) => boolean {
  const key = query.key;
  if (query.keyType === "traceback") {
    return (frames) =>
      frames.length === key.length &&
      key.every(([file, line], i) => {
        const frame = frames[frames.length - 1 - i];
        return frame[0] === file && frame[1] === line;
      });
  }
  const wanted = key[0];
  if (!wanted) return () => false;
  const same = query.keyType === "filename"
    ? (frame: RawFrame) => frame[0] === wanted[0]
    : (frame: RawFrame) => frame[0] === wanted[0] && frame[1] === wanted[1];
  if (!query.cumulative) return (frames) => frames.length > 0 && same(frames[0]);
  return (frames) => frames.some(same);
}

/** `count` indexes spread evenly over `length` items (all of them when there are fewer). */
function spread(length: number, count: number): number[] {
  if (length <= count) return Array.from({ length }, (_, i) => i);
  return Array.from({ length: count }, (_, i) => Math.floor((i * length) / count));
}

/** Where an object was allocated: its traceback's most recent frame. */
function siteOf(frames: readonly RawFrame[]): ProbeSite {
  const frame = frames[0];
  return frame ? [frame[0], frame[1], frame[3] ?? null] : ["<unknown>", 0, null];
}

/** A Map key as text: a number as is, a string quoted (and cut), an object by its class. */
function keyText(key: unknown): string {
  switch (typeof key) {
    case "string": {
      const text = JSON.stringify(key);
      return text.length > 42 ? `${text.slice(0, 40)}…"` : text;
    }
    case "bigint":
      return `${key}n`;
    case "symbol":
      return key.toString();
    case "object":
    case "function": {
      if (key === null) return "null";
      const name = (key as { constructor?: { name?: unknown } }).constructor?.name;
      return `(${typeof name === "string" && name ? name : "object"})`;
    }
    default:
      return String(key);
  }
}

function isObject(value: unknown): value is object {
  return (typeof value === "object" && value !== null) || typeof value === "function";
}

/** Keeps `value` reachable up to here (the snapshot must see the probe). */
function keep(value: unknown): void {
  if (value === keep) throw new Error("unreachable");
}
