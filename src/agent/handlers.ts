/**
 * What the agent does with each request of its controller: looks it up in
 * the request table, runs it in the traced program, and sends its result
 * the way the result travels (snapshots as dump bytes).
 *
 * @module
 */
import type { AgentTracer } from "./tracer.ts";
import type { Request } from "./protocol.ts";
import type { RequestHandler } from "./server.ts";
import { isMethod, REQUESTS } from "./request-table.ts";
import type { Answerer } from "./request-table.ts";
import type { Method, RequestParams } from "./requests.ts";
import { type Answer, encodeResult } from "./results.ts";

/**
 * Answers requests with `tracer`.
 *
 * @example
 * ```ts
 * import { requestHandler } from "./handlers.ts";
 * import { tracerForAgent } from "./tracer.ts";
 * const handle = requestHandler(tracerForAgent());
 * const { body } = await handle({ method: "takeSnapshot" }); // dump bytes
 * ```
 */
export function requestHandler(tracer: AgentTracer): RequestHandler {
  return async (request: Request): Promise<Answer> => {
    if (request.method === "hello") throw new Error("already connected");
    if (!isMethod(request.method)) {
      throw new Error(`unknown request ${JSON.stringify((request as { method?: unknown }).method)}`);
    }
    return await answer(tracer, request.method, request.params as RequestParams[typeof request.method]);
  };
}

async function answer<M extends Method>(tracer: AgentTracer, method: M, params: RequestParams[M]): Promise<Answer> {
  const run = REQUESTS[method] as Answerer<M>;
  return encodeResult(method, await run(tracer, params));
}
