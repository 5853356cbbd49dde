/**
 * What the program's thread and the planning worker say to each other
 * (`plan-service.ts`, `plan-worker.ts`), and the signal that lets the
 * program's thread block until the worker has answered: a load hook is
 * synchronous, so the thread cannot wait on its event loop. Messages go
 * over a `MessagePort`; after each one the worker bumps a counter in a
 * `SharedArrayBuffer` and wakes the waiting thread (`Atomics.wait`), which
 * then takes the message with `receiveMessageOnPort`. Node, Deno and Bun
 * all allow `Atomics.wait` on the main thread.
 *
 * Plans travel packed ({@link packPlan}): their numbers in one transferred
 * `Int32Array`, their strings in arrays: typescript.js's plan (38,000
 * insertions) crosses in about 10 ms packed, 30 ms cloned as objects
 * (Node, Deno and Bun alike).
 *
 * @module
 */
import type { MessagePort } from "node:worker_threads";
import type { PlanOptions } from "./instrument.ts";
import type { Insertion, Plan, SiteKind } from "./plan.ts";

/**
 * What the worker is started with.
 *
 * @example
 * ```ts
 * import { MessageChannel } from "node:worker_threads";
 *
 * const { port1, port2 } = new MessageChannel();
 * const setup: PlanWorkerSetup = { signal: new SharedArrayBuffer(4), port: port2 };
 * ```
 */
export interface PlanWorkerSetup {
  /** The counter the worker bumps after each message (one `Int32`). */
  readonly signal: SharedArrayBuffer;
  /** The worker's end of the channel. */
  readonly port: MessagePort;
}

/**
 * One module to plan.
 *
 * @example
 * ```ts
 * const request: PlanRequest = { id: 1, source: "export const a = [];", options: { path: "/app/a.js", lang: "js", kind: "module" } };
 * ```
 */
export interface PlanRequest {
  /** Numbers requests from 1 (0 is the worker's greeting). */
  readonly id: number;
  readonly source: string;
  readonly options: PlanOptions;
}

/**
 * The worker's answer to request `id` (its plan, packed; `null` when the
 * module does not parse), or its greeting (`id` 0: `ready` once the planner is
 * loaded), or what went wrong (`error`).
 *
 * @example
 * ```ts
 * const reply: PlanReply = { id: 1, plan: null };
 * ```
 */
export type PlanReply =
  | { readonly id: number; readonly plan: PackedPlan | null }
  | { readonly id: 0; readonly ready: true }
  | { readonly id: number; readonly error: string };

/**
 * The counter that tells the program's thread a message is waiting.
 *
 * @example
 * ```ts
 * const signal = new PlanSignal(new SharedArrayBuffer(4));
 * const seen = signal.count();
 * // ... the other thread calls signal.bump() after posting
 * signal.waitPast(seen, 1000); // true: a message is there
 * ```
 */
export class PlanSignal {
  readonly #cell: Int32Array;

  constructor(buffer: SharedArrayBuffer) {
    this.#cell = new Int32Array(buffer, 0, 1);
  }

  /** Messages posted so far (wraps around; only compared for equality). */
  count(): number {
    return Atomics.load(this.#cell, 0);
  }

  /** Says one more message was posted (call it after `postMessage`). */
  bump(): void {
    Atomics.add(this.#cell, 0, 1);
    Atomics.notify(this.#cell, 0);
  }

  /** Blocks until the count differs from `seen` (true) or `ms` have passed (false). */
  waitPast(seen: number, ms: number): boolean {
    const until = performance.now() + ms;
    for (;;) {
      if (Atomics.load(this.#cell, 0) !== seen) return true;
      const left = until - performance.now();
      if (left <= 0) return false;
      Atomics.wait(this.#cell, 0, seen, left);
    }
  }
}

/**
 * A plan as it crosses threads. `numbers` holds, in order: the count of
 * sites `n` and of insertions `m`, the input map's start and end (-1: no
 * map), then the sites' `file`, `line`, `column`, `kind` and `flags`
 * columns (`n` each), then each insertion's offset (`m`) and op (`m`: the
 * site of an `open`, -1 for a `close`, -2 - site for a `stmt`, whose
 * identifier is next in `idents`).
 *
 * @example
 * ```ts
 * import type { MessagePort } from "node:worker_threads";
 * import type { Plan } from "./plan.ts";
 * declare const plan: Plan;
 * declare const port: MessagePort;
 *
 * const { packed, transfer } = packPlan(plan);
 * port.postMessage({ id: 1, plan: packed }, transfer);
 * ```
 */
export interface PackedPlan {
  readonly numbers: Int32Array;
  readonly files: readonly string[];
  readonly fn: readonly (string | null)[];
  readonly idents: readonly string[];
}

const HEAD = 4;

/**
 * Packs `plan` to be posted, with the buffer to transfer rather than copy.
 *
 * @example
 * ```ts
 * import { planModule } from "./instrument.ts";
 *
 * const plan = planModule("export const a = [1];", { path: "/app/a.js", lang: "js", kind: "module" })!;
 * const { packed, transfer } = packPlan(plan);
 * unpackPlan(packed); // deep-equal to plan
 * ```
 */
export function packPlan(plan: Plan): { packed: PackedPlan; transfer: ArrayBuffer[] } {
  const { sites, insertions } = plan;
  const n = sites.file.length;
  const m = insertions.length;
  const numbers = new Int32Array(HEAD + 5 * n + 2 * m);
  numbers[0] = n;
  numbers[1] = m;
  numbers[2] = plan.inputMap?.start ?? -1;
  numbers[3] = plan.inputMap?.end ?? -1;
  [sites.file, sites.line, sites.column, sites.kind, sites.flags].forEach((column, k) =>
    numbers.set(column, HEAD + k * n)
  );
  const idents: string[] = [];
  const at = HEAD + 5 * n;
  for (let i = 0; i < m; i++) {
    const ins = insertions[i];
    numbers[at + i] = ins.at;
    if (ins.op === "open") numbers[at + m + i] = ins.site;
    else if (ins.op === "close") numbers[at + m + i] = -1;
    else {
      numbers[at + m + i] = -2 - ins.site;
      idents.push(ins.ident);
    }
  }
  return { packed: { numbers, files: sites.files, fn: sites.fn, idents }, transfer: [numbers.buffer as ArrayBuffer] };
}

/**
 * The plan `packed` holds; throws a `TypeError` when it is not a packed
 * plan (a worker that answers wrongly).
 *
 * @example
 * ```ts
 * declare const reply: { id: number; plan: PackedPlan };
 *
 * const plan = unpackPlan(reply.plan);
 * ```
 */
export function unpackPlan(packed: PackedPlan): Plan {
  const { numbers, files, fn, idents } = packed;
  if (!(numbers instanceof Int32Array) || numbers.length < HEAD || !Array.isArray(files) || !Array.isArray(fn)) {
    throw new TypeError("not a packed plan");
  }
  const [n, m, start, end] = numbers;
  if (n < 0 || m < 0 || numbers.length !== HEAD + 5 * n + 2 * m || fn.length !== n || !Array.isArray(idents)) {
    throw new TypeError("a packed plan of the wrong size");
  }
  const column = (k: number) => Array.from(numbers.subarray(HEAD + k * n, HEAD + (k + 1) * n));
  const insertions: Insertion[] = new Array(m);
  const at = HEAD + 5 * n;
  let stmt = 0;
  for (let i = 0; i < m; i++) {
    const offset = numbers[at + i];
    const op = numbers[at + m + i];
    if (op >= 0) insertions[i] = { at: offset, op: "open", site: op };
    else if (op === -1) insertions[i] = { at: offset, op: "close" };
    else if (stmt < idents.length) insertions[i] = { at: offset, op: "stmt", site: -2 - op, ident: idents[stmt++] };
    else throw new TypeError("a packed plan without an identifier for a statement");
  }
  return {
    sites: {
      files,
      file: column(0),
      line: column(1),
      column: column(2),
      fn,
      kind: column(3) as SiteKind[],
      flags: column(4),
    },
    insertions,
    inputMap: start >= 0 ? { start, end } : null,
  };
}
