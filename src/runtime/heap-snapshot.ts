/**
 * A heap snapshot of this process, as bytes to send elsewhere: V8's
 * (`HeapProfiler.takeHeapSnapshot` through the inspector, Node and Deno)
 * or JavaScriptCore's (`generateHeapSnapshotForDebugging()` of `bun:jsc`,
 * Bun). Both are JSON; the bytes are read by `src/retainers/`.
 *
 * @module
 */
import { connectInspector } from "./inspector.ts";
import type { RuntimeName } from "./adapter.ts";
import type { HeapSnapshotFormat } from "../retainers/graph.ts";

/**
 * A heap snapshot taken: its format and its JSON text as UTF-8 bytes.
 *
 * @example
 * ```ts
 * const { format, bytes } = await takeHeapSnapshot("node");
 * console.log(`${format}: ${bytes.byteLength} bytes`);
 * ```
 */
export interface HeapSnapshotBytes {
  readonly format: HeapSnapshotFormat;
  readonly bytes: Uint8Array;
}

/** The part of `bun:jsc` used here. */
interface BunJscSnapshots {
  generateHeapSnapshotForDebugging(): unknown;
}

/**
 * Takes a heap snapshot of this process (the runtime runs a full garbage
 * collection first: only reachable objects are in it).
 *
 * @example
 * ```ts
 * import { runtime } from "./index.ts";
 * const snapshot = await takeHeapSnapshot(runtime().name);
 * ```
 */
export function takeHeapSnapshot(runtime: RuntimeName): Promise<HeapSnapshotBytes> {
  return runtime === "bun" ? jscSnapshot() : v8Snapshot();
}

/** V8's snapshot through an inspector session of its own, its chunks encoded as they come. */
async function v8Snapshot(): Promise<HeapSnapshotBytes> {
  const session = await connectInspector();
  const encoder = new TextEncoder();
  const chunks: Uint8Array[] = [];
  let length = 0;
  const onChunk = (params: Record<string, unknown>) => {
    const bytes = encoder.encode(String(params.chunk));
    chunks.push(bytes);
    length += bytes.byteLength;
  };
  session.on("HeapProfiler.addHeapSnapshotChunk", onChunk);
  try {
    await session.post("HeapProfiler.takeHeapSnapshot", { reportProgress: false });
  } finally {
    session.off("HeapProfiler.addHeapSnapshotChunk", onChunk);
    session.close();
  }
  return { format: "v8", bytes: concat(chunks, length) };
}

/** JavaScriptCore's snapshot, with the function names and root kinds of its debugging form. */
async function jscSnapshot(): Promise<HeapSnapshotBytes> {
  // A computed specifier keeps other runtimes' module graphs (and `deno check`) away from it.
  const specifier = ["bun", "jsc"].join(":");
  const jsc = await import(specifier) as BunJscSnapshots;
  const text = JSON.stringify(jsc.generateHeapSnapshotForDebugging());
  return { format: "jsc", bytes: new TextEncoder().encode(text) };
}

function concat(chunks: readonly Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}
