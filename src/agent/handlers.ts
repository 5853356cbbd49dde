/**
 * What the agent does for each request: the tracer's API, run in the traced
 * program; snapshots leave it as dump bytes, to be analysed by the controller.
 *
 * @module
 */
import process from "node:process";
import type { HeapEngineInfo, TracedMemory, TracerOptions } from "../engines/engine.ts";
import type { Snapshot } from "../model/snapshot.ts";
import { encodeSnapshot } from "../model/codec.ts";
import type { AgentStatus, Request } from "./protocol.ts";
import type { Answer, RequestHandler } from "./server.ts";
import { evaluate } from "./evaluate.ts";

/**
 * The tracer as the agent uses it (the module-level API of `src/tracer.ts`,
 * plus what `status` reports about the runtime).
 *
 * @example
 * ```ts
 * const handle = requestHandler(tracer);
 * await handle({ method: "start", params: { nframe: 5 } });
 * ```
 */
export interface AgentTracer {
  /** Installs before the program's first line what `start` with these options needs (the line engine's hook). */
  prepare(options?: TracerOptions): void;
  start(nframe: number, options?: TracerOptions): Promise<void>;
  stop(): Promise<void>;
  isTracing(): boolean;
  getTracebackLimit(): number;
  clearTraces(): Promise<void>;
  getTracedMemory(): Promise<TracedMemory>;
  resetPeak(): Promise<void>;
  getTracemallocMemory(): Promise<number>;
  takeSnapshot(): Promise<Snapshot>;
  /** Forces a garbage collection; false when the runtime cannot. */
  gc(): Promise<boolean>;
  /** "node 24.21.0", "deno 2.9.6", ... */
  runtime(): string;
  /** What this runtime cannot see, in words. */
  limits(): readonly string[];
  /** The domain-0 engine that runs (or would run), `null` when there is none. */
  engine(): HeapEngineInfo | null;
}

/**
 * Answers requests with `tracer`.
 *
 * @example
 * ```ts
 * const handle = requestHandler(tracer);
 * const { body } = await handle({ method: "takeSnapshot" }); // dump bytes
 * ```
 */
export function requestHandler(tracer: AgentTracer): RequestHandler {
  return async (request: Request): Promise<Answer> => {
    switch (request.method) {
      case "start":
        await tracer.start(request.params.nframe, request.params.options);
        return {};
      case "stop":
        await tracer.stop();
        return {};
      case "status":
        return { result: await status(tracer) };
      case "clearTraces":
        await tracer.clearTraces();
        return {};
      case "resetPeak":
        await tracer.resetPeak();
        return {};
      case "takeSnapshot":
        return { body: encodeSnapshot(await tracer.takeSnapshot()) };
      case "gc":
        return { result: await tracer.gc() };
      case "eval":
        return { result: await evaluate(request.params.code) };
      case "hello":
        throw new Error("already connected");
      default:
        throw new Error(`unknown request ${JSON.stringify((request as { method?: unknown }).method)}`);
    }
  };
}

async function status(tracer: AgentTracer): Promise<AgentStatus> {
  return {
    pid: process.pid,
    runtime: tracer.runtime(),
    tracing: tracer.isTracing(),
    tracebackLimit: tracer.getTracebackLimit(),
    memory: await tracer.getTracedMemory(),
    tracerMemory: await tracer.getTracemallocMemory(),
    limits: tracer.limits(),
    engine: tracer.engine(),
  };
}
