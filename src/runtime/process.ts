/**
 * Capabilities every supported runtime offers through `node:process` the same
 * way: heap figures and environment variables.
 *
 * @module
 */
import process from "node:process";
import type { HeapStatistics } from "./adapter.ts";

/**
 * Heap figures from `process.memoryUsage()` (V8's on Node and Deno, JSC's on
 * Bun).
 *
 * @example
 * ```ts
 * processHeapStatistics().heapUsed; // e.g. 8491257
 * ```
 */
export function processHeapStatistics(): HeapStatistics {
  const usage = process.memoryUsage();
  return {
    heapUsed: usage.heapUsed,
    heapTotal: usage.heapTotal,
    external: usage.external,
    arrayBuffers: usage.arrayBuffers ?? 0,
  };
}

/**
 * An environment variable, or `undefined` when unset or when the runtime may
 * not read it (Deno without `--allow-env`).
 *
 * @example
 * ```ts
 * processEnv("TRACEMALLOC"); // "5" under TRACEMALLOC=5
 * ```
 */
export function processEnv(name: string): string | undefined {
  try {
    return process.env[name];
  } catch {
    return undefined;
  }
}
