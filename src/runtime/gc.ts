/**
 * Forcing a full garbage collection on V8 runtimes without `--expose-gc`.
 *
 * @module
 */
import type { InspectorSession } from "./adapter.ts";
import { connectInspector } from "./inspector.ts";

let shared: Promise<InspectorSession> | null = null;
/** V8's `gc()`, once looked for; `null` when it could not be had (then the inspector collects). */
let collect: Promise<(() => void) | null> | null = null;

/**
 * V8's own `gc()` without the flag on the command line: `--expose-gc` is set
 * for as long as a fresh context takes to be made, which then holds `gc`;
 * the flag is cleared again, so neither the program's global nor the
 * contexts it makes later see it. One major collection, as `node
 * --expose-gc` gives. The inspector's `HeapProfiler.collectGarbage` costs
 * Node 24 more: on a 200 MB heap it stalled the program 184-227 ms against
 * 76-83 ms, and the program ran 10-40% slower for the seconds after it
 * (Deno: 180-290 ms either way). The modules are loaded at the first
 * collection, so that a program that never collects does not load them.
 */
async function exposedGc(): Promise<(() => void) | null> {
  const [{ setFlagsFromString }, { runInNewContext }] = await Promise.all([import("node:v8"), import("node:vm")]);
  const fresh = (): unknown => runInNewContext("typeof gc === 'function' ? gc : null");
  // A process started with the flag (and a global `gc` deleted since) keeps it.
  let gc = fresh();
  if (typeof gc !== "function") {
    setFlagsFromString("--expose-gc");
    try {
      gc = fresh();
    } finally {
      setFlagsFromString("--no-expose-gc");
    }
  }
  return typeof gc === "function" ? gc as () => void : null;
}

/**
 * Runs a full V8 collection: `globalThis.gc` when the runtime exposes it,
 * else V8's `gc()` taken from a fresh context (see {@link exposedGc}), else
 * the inspector's `HeapProfiler.collectGarbage`, which needs no flag;
 * always in a later task than the call. Resolves `false` when none works.
 *
 * @example
 * ```ts
 * await v8Gc(); // true
 * ```
 */
export async function v8Gc(): Promise<boolean> {
  const exposed = (globalThis as { gc?: unknown }).gc;
  const gc = typeof exposed === "function" ? exposed as () => void : await (collect ??= exposedGc().catch(() => null));
  if (gc) {
    // In a later task, as the inspector's collection runs: V8 keeps every WeakRef target made or read in the
    // current job alive until the job ends, so a collection right after a `deref()` would not free it.
    await new Promise((resolve) => setTimeout(resolve, 0));
    gc();
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
