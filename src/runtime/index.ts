/**
 * The runtime this process runs on, behind one interface of capabilities
 * ({@link RuntimeAdapter}). This is the only place that asks which runtime
 * it is.
 *
 * @module
 */
import type { RuntimeAdapter } from "./adapter.ts";
import { bunAdapter } from "./bun.ts";
import { denoAdapter } from "./deno.ts";
import { nodeAdapter } from "./node.ts";

export type {
  HeapCensus,
  HeapStatistics,
  InspectorSession,
  RuntimeAdapter,
  RuntimeCapabilities,
  RuntimeName,
  SourcePosition,
} from "./adapter.ts";

let current: RuntimeAdapter | null = null;

/**
 * The adapter of the running runtime (created once).
 *
 * @example
 * ```ts
 * const rt = runtime();
 * if (rt.capabilities.heapSampler) await rt.openInspector();
 * ```
 */
export function runtime(): RuntimeAdapter {
  if (current) return current;
  // Bun and Deno both define Node's `process`, so look for their own globals first.
  const g = globalThis as { Bun?: unknown; Deno?: unknown };
  current = g.Bun !== undefined ? bunAdapter() : g.Deno !== undefined ? denoAdapter() : nodeAdapter();
  return current;
}

/**
 * Maps a position in the code the engine runs to the original source, on
 * the running runtime (see {@link RuntimeAdapter.originalPosition}).
 *
 * @example
 * ```ts
 * const { file, line } = originalPosition("file:///app/main.ts", 1, 218);
 * ```
 */
export function originalPosition(
  file: string,
  line: number,
  column?: number,
): ReturnType<RuntimeAdapter["originalPosition"]> {
  return runtime().originalPosition(file, line, column);
}
