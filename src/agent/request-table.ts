/**
 * How each request is answered, once: the table this process's target
 * calls directly and the agent serves to a controller over its channel.
 * A new request is one entry here (and its types in `requests.ts`).
 *
 * @module
 */
import process from "node:process";
import type { AgentTracer } from "./tracer.ts";
import type { LiveRefresh, Method, ProgramStatus, RequestParams, Result } from "./requests.ts";
import { getAllocated, type LiveReading } from "../tracer.ts";
import { evaluate, showResult } from "./evaluate.ts";
import { retainerSnapshot } from "./retainer-probe.ts";

/**
 * Answers one request with the tracer of the program it runs in.
 *
 * @example
 * ```ts
 * import type { Answerer } from "./request-table.ts";
 * const gc: Answerer<"gc"> = (tracer) => tracer.gc();
 * ```
 */
export type Answerer<M extends Method> = (tracer: AgentTracer, params: RequestParams[M]) => Promise<Result<M>>;

/**
 * Every request's implementation, by name.
 *
 * @example
 * ```ts
 * import { REQUESTS } from "./request-table.ts";
 * import { tracerForAgent } from "./tracer.ts";
 * const status = await REQUESTS.status(tracerForAgent(), undefined);
 * ```
 */
export const REQUESTS: { readonly [M in Method]: Answerer<M> } = {
  start: (tracer, { nframe, options }) => tracer.start(nframe, options),
  stop: (tracer) => tracer.stop(),
  status,
  clearTraces: (tracer) => tracer.clearTraces(),
  resetPeak: (tracer) => tracer.resetPeak(),
  takeSnapshot: (tracer, options) => tracer.takeSnapshot(options?.gc ? { gc: true } : undefined),
  refresh,
  gc: (tracer) => tracer.gc(),
  eval: async (_tracer, { code }) => showResult(await evaluate(code)),
  allocated: () => getAllocated(),
  retainerSnapshot: (tracer, { query }) => retainerSnapshot(tracer, query),
};

/**
 * Whether `method` names a request (a controller of another version may
 * send one this agent does not know).
 *
 * @example
 * ```ts
 * import { isMethod } from "./request-table.ts";
 * isMethod("status"); // true
 * isMethod("hello"); // false: the channel's own
 * ```
 */
export function isMethod(method: unknown): method is Method {
  return typeof method === "string" && Object.hasOwn(REQUESTS, method);
}

/** The status, its figures read on the engines' budget (a status never runs a collection of its own). */
async function status(tracer: AgentTracer): Promise<ProgramStatus> {
  return statusOf(tracer, await tracer.readLive({ snapshot: false }));
}

/** Status and snapshot from one read. */
async function refresh(tracer: AgentTracer): Promise<LiveRefresh> {
  const reading = await tracer.readLive();
  return { status: statusOf(tracer, reading), snapshot: reading.snapshot };
}

function statusOf(tracer: AgentTracer, reading: LiveReading): ProgramStatus {
  return {
    pid: process.pid,
    runtime: tracer.runtime(),
    tracing: tracer.isTracing(),
    tracebackLimit: tracer.getTracebackLimit(),
    memory: reading.memory,
    tracerMemory: reading.tracerMemory,
    limits: tracer.limits(),
    engine: tracer.engine(),
    ...(reading.age > 0 ? { age: reading.age } : {}),
  };
}
