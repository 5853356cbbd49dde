/**
 * The planning worker (started by `plan-service.ts`): plans the modules the
 * program's thread sends it with `planModule`, so that the parser,
 * its buffers (oxc-parser's raw transfer keeps a 6 GiB `ArrayBuffer`) and
 * the ASTs live in this isolate and never in the traced program's.
 *
 * It greets first (`ready`, or the `error` that kept the planner from
 * loading: the planner is imported dynamically so that this is reported
 * instead of failing silently), then answers each request in turn, the
 * plan packed (`plan-protocol.ts`). It never ends itself: the service
 * terminates it when idle, which no request can then race.
 *
 * @example
 * ```ts
 * import { MessageChannel, Worker } from "node:worker_threads";
 * import type { PlanWorkerSetup } from "./plan-protocol.ts";
 *
 * const { port2 } = new MessageChannel();
 * const setup: PlanWorkerSetup = { signal: new SharedArrayBuffer(4), port: port2 };
 * new Worker(new URL("./plan-worker.ts", import.meta.url), { workerData: setup, transferList: [setup.port] });
 * ```
 * @module
 */
import { workerData } from "node:worker_threads";
import { packPlan, type PlanReply, type PlanRequest, PlanSignal, type PlanWorkerSetup } from "./plan-protocol.ts";

const { signal: buffer, port } = workerData as PlanWorkerSetup;
const signal = new PlanSignal(buffer);
const describe = (err: unknown) => err instanceof Error ? `${err.name}: ${err.message}` : String(err);

function send(reply: PlanReply, transfer: ArrayBuffer[] = []): void {
  port.postMessage(reply, transfer);
  signal.bump();
}

try {
  const { planModule } = await import("./instrument.ts");
  port.on("message", (request: PlanRequest) => {
    try {
      const plan = planModule(request.source, request.options);
      if (!plan) send({ id: request.id, plan: null });
      else {
        const { packed, transfer } = packPlan(plan);
        send({ id: request.id, plan: packed }, transfer);
      }
    } catch (err) {
      send({ id: request.id, error: describe(err) });
    }
  });
  send({ id: 0, ready: true });
} catch (err) {
  send({ id: 0, error: `cannot load the planner: ${describe(err)}` });
}
