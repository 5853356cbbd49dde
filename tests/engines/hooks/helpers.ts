/**
 * Shared helpers of the allocation-hook tests.
 *
 * @module
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { TracerOptions } from "../../../src/engines/engine.ts";
import { HookEngine } from "../../../src/engines/hooks.ts";
import type { RawTrace } from "../../../src/model/snapshot.ts";
import { runtime } from "../../../src/runtime/index.ts";

/**
 * Every typed-array constructor the buffer hooks must trace (the
 * specification, written out apart from the list the hooks use).
 */
export const TYPED_ARRAYS = [
  "Int8Array",
  "Uint8Array",
  "Uint8ClampedArray",
  "Int16Array",
  "Uint16Array",
  "Int32Array",
  "Uint32Array",
  "Float16Array",
  "Float32Array",
  "Float64Array",
  "BigInt64Array",
  "BigUint64Array",
] as const;

/** Every `Buffer` factory the buffer hooks must trace. */
export const BUFFER_FACTORIES = [
  "alloc",
  "allocUnsafe",
  "allocUnsafeSlow",
  "from",
  "concat",
  "copyBytesFrom",
] as const;

/** The path of a test module, from its `import.meta.url`. */
export function pathOf(url: string): string {
  return fileURLToPath(url);
}

const sources = new Map<string, string[]>();

/**
 * The 1-based line of `file` ending with `marker` (a comment such as
 * `// @u8`), read from the source itself so that expected lines never
 * depend on the stack machinery under test.
 */
export function lineOf(file: string, marker: string): number {
  let lines = sources.get(file);
  if (!lines) sources.set(file, lines = readFileSync(file, "utf8").split("\n"));
  const found = lines.flatMap((text, i) => text.trimEnd().endsWith(marker) ? [i + 1] : []);
  assert.equal(found.length, 1, `marker ${marker} must be on exactly one line`);
  return found[0];
}

/** Runs `body` with a started engine, always stopping it. */
export async function hooked<T>(
  body: (engine: HookEngine) => T | Promise<T>,
  nframe = 1,
  options: TracerOptions = {},
): Promise<T> {
  const engine = new HookEngine();
  await engine.start(nframe, options);
  try {
    return await body(engine);
  } finally {
    await engine.stop();
  }
}

/** Traces whose most recent frame is in `file` (other code, such as the test runner's, may allocate too). */
export function tracesIn(traces: readonly RawTrace[], file: string): RawTrace[] {
  return traces.filter(([, , frames]) => frames[0]?.[0] === file);
}

/** Traces whose most recent frame is line `line` of `file`. */
export function tracesAt(
  traces: readonly RawTrace[],
  file: string,
  line: number,
): RawTrace[] {
  return tracesIn(traces, file).filter(([, , frames]) => frames[0][1] === line);
}

/** The one trace allocated at `file:line`; fails unless there is exactly one. */
export function traceAt(
  traces: readonly RawTrace[],
  file: string,
  line: number,
): RawTrace {
  const found = tracesAt(traces, file, line);
  assert.equal(found.length, 1, `one trace at ${file}:${line}, got ${found.length}`);
  return found[0];
}

/**
 * Traced bytes whose most recent frame is in `file`, the sum of all
 * traces, and traced memory, read together (other code in the process, such as the test
 * runner's reporter, may allocate between two awaits).
 */
export async function tracedBytes(
  engine: HookEngine,
  file: string,
): Promise<{ mine: number; all: number; current: number; peak: number }> {
  // Both calls do their work before returning: no other code runs between them.
  const [memory, traces] = await Promise.all([engine.memory(), engine.collect()]);
  const sum = (list: readonly RawTrace[]) => list.reduce((total, [, size]) => total + size, 0);
  return {
    mine: sum(tracesIn(traces, file)),
    all: sum(traces),
    current: memory.current,
    peak: memory.peak,
  };
}

/**
 * Collects garbage and lets finalizers run, until `done()` holds or a
 * bounded number of rounds passed (JavaScriptCore scans the stack
 * conservatively, so an object may survive a round or two).
 */
export async function collectUntil(
  done: () => boolean | Promise<boolean>,
  rounds = 20,
): Promise<boolean> {
  const rt = runtime();
  assert.ok(rt.capabilities.gc, "this runtime can force a garbage collection");
  for (let i = 0; i < rounds; i++) {
    // JavaScriptCore scans the stack conservatively: a stale slot still pointing at the dropped object keeps it.
    clobberStack(64);
    assert.ok(await rt.gc(), "garbage collection ran");
    await new Promise((resolve) => setTimeout(resolve, i));
    if (await done()) return true;
  }
  return false;
}

/** Overwrites stack slots below the caller with numbers, `depth` frames deep. */
function clobberStack(depth: number): number {
  const slots = [depth, depth + 1, depth + 2, depth + 3];
  return depth === 0 ? 0 : clobberStack(depth - 1) + slots.length;
}

/** Makes a value unreachable from the caller's frame by building it in a separate call. */
export function inFrame<T>(make: () => T): void {
  make();
}

const sink = new Set<unknown>();

/**
 * Keeps `values` alive up to this call. (`void value` is not enough: Bun's
 * transpiler drops the statement, and a collector may then reclaim the value
 * early.)
 */
export function keep(...values: unknown[]): void {
  for (const value of values) {
    sink.add(value);
    sink.delete(value);
  }
}
