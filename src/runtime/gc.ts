/**
 * Forcing a full garbage collection on V8 runtimes without `--expose-gc`.
 *
 * @module
 */
import type { InspectorSession } from "./adapter.ts";
import { connectInspector } from "./inspector.ts";

let shared: Promise<InspectorSession> | null = null;

/**
 * Runs a full V8 collection: `globalThis.gc` when the runtime exposes it,
 * else the inspector's `HeapProfiler.collectGarbage`, which needs no flag.
 * Resolves `false` when neither works.
 *
 * @example
 * ```ts
 * await inspectorGc(); // true
 * ```
 */
export async function inspectorGc(): Promise<boolean> {
  const exposed = (globalThis as { gc?: unknown }).gc;
  if (typeof exposed === "function") {
    exposed();
    return true;
  }
  try {
    shared ??= connectInspector();
    await (await shared).post("HeapProfiler.collectGarbage");
    return true;
  } catch {
    shared = null;
    return false;
  }
}
