/**
 * The tracing API of `src/tracer.ts` and the runtime adapter, gathered into
 * what the agent's request handlers use.
 *
 * @module
 */
import * as tracer from "../tracer.ts";
import { runtime } from "../runtime/index.ts";
import type { AgentTracer } from "./handlers.ts";

/**
 * The tracer of this process, as the agent drives it.
 *
 * @example
 * ```ts
 * const t = tracerForAgent();
 * await t.start(5);
 * ```
 */
export function tracerForAgent(): AgentTracer {
  const rt = runtime();
  return {
    prepare: (options) => {
      tracer.prepare(options);
    },
    start: tracer.start,
    stop: tracer.stop,
    isTracing: tracer.isTracing,
    getTracebackLimit: tracer.getTracebackLimit,
    clearTraces: tracer.clearTraces,
    getTracedMemory: tracer.getTracedMemory,
    resetPeak: tracer.resetPeak,
    getTracemallocMemory: tracer.getTracemallocMemory,
    takeSnapshot: tracer.takeSnapshot,
    gc: () => rt.gc(),
    runtime: () => `${rt.name} ${rt.version}`,
    limits: () => tracer.status().limits,
    engine: () => tracer.status().engine,
  };
}
