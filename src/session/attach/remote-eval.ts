/**
 * Code run in an attached program through its inspector's
 * `Runtime.evaluate`: which program it is, and the REPL's `eval`. V8
 * (Node, Deno) awaits a promise in the same command; WebKit's protocol (Bun)
 * hands the promise back to be awaited with `Runtime.awaitPromise`.
 *
 * @module
 */
import type { InspectorSession } from "../../runtime/adapter.ts";
import type { AttachRuntime } from "./find.ts";

/**
 * Which program answers at the other end of an inspector.
 *
 * @example
 * ```ts
 * import type { ProgramIdentity } from "./remote-eval.ts";
 * const program: ProgramIdentity = { runtime: "node", version: "24.21.0", pid: 4242 };
 * ```
 */
export interface ProgramIdentity {
  readonly runtime: AttachRuntime;
  readonly version: string;
  readonly pid: number;
}

interface RemoteObject {
  type?: string;
  value?: unknown;
  objectId?: string;
  description?: string;
}

interface EvaluateAnswer {
  result?: RemoteObject;
  /** V8's sign of a thrown exception. */
  exceptionDetails?: { exception?: RemoteObject; text?: string };
  /** WebKit's. */
  wasThrown?: boolean;
}

const IDENTIFY = `(() => {
  const g = globalThis;
  if (g.Bun) return ["bun", String(g.Bun.version), g.process.pid];
  if (g.Deno) return ["deno", String(g.Deno.version.deno), g.Deno.pid];
  return ["node", String(g.process.versions.node), g.process.pid];
})()`;

/** Each runtime's own way to show a value, as its REPL does. */
const INSPECT: Readonly<Record<AttachRuntime, string>> = {
  node: `(v) => globalThis.process.getBuiltinModule("node:util").inspect(v, { depth: 4, breakLength: 100 })`,
  deno: `(v) => typeof v === "string" ? JSON.stringify(v) : globalThis.Deno.inspect(v, { depth: 4 })`,
  bun: `(v) => typeof v === "string" ? JSON.stringify(v) : globalThis.Bun.inspect(v, { depth: 4 })`,
};

let evaluations = 0;

/**
 * The runtime, its version and the pid of the program at the other end.
 *
 * @throws when the inspector does not run JavaScript of a known runtime
 * @example
 * ```ts
 * import { identify } from "./remote-eval.ts";
 * import type { InspectorSession } from "../../runtime/adapter.ts";
 * declare const inspector: InspectorSession;
 * const { runtime, pid } = await identify(inspector);
 * ```
 */
export async function identify(inspector: InspectorSession): Promise<ProgramIdentity> {
  const value = await valueOf(inspector, IDENTIFY, null);
  if (!Array.isArray(value) || value.length !== 3 || !["node", "deno", "bun"].includes(value[0])) {
    throw new Error("it is not a Node, Deno or Bun program");
  }
  return { runtime: value[0] as AttachRuntime, version: String(value[1]), pid: Number(value[2]) };
}

/**
 * Evaluates `code` as a script in the program's global scope (named
 * `<eval-N>` in tracebacks), awaits a promise it gives, and resolves to the
 * result shown as the runtime shows values; a thrown error rejects with
 * `Name: message`.
 *
 * @example
 * ```ts
 * import { evaluateRemotely } from "./remote-eval.ts";
 * import type { InspectorSession } from "../../runtime/adapter.ts";
 * declare const inspector: InspectorSession;
 * await evaluateRemotely(inspector, "node", "[1, 2].length"); // "2"
 * ```
 */
export async function evaluateRemotely(
  inspector: InspectorSession,
  runtime: AttachRuntime,
  code: string,
): Promise<string> {
  const named = `${code}\n//# sourceURL=<eval-${++evaluations}>`;
  const expression = `(async () => {
  const inspect = ${INSPECT[runtime]};
  try {
    return { ok: true, text: inspect(await (0, eval)(${JSON.stringify(named)})) };
  } catch (e) {
    return { ok: false, text: e instanceof Error ? e.name + ": " + e.message : "Uncaught " + inspect(e) };
  }
})()`;
  const answer = await valueOf(inspector, expression, runtime === "bun" ? "webkit" : "v8") as {
    ok?: boolean;
    text?: unknown;
  } | null;
  const text = String(answer?.text ?? "");
  if (!answer?.ok) throw new Error(text);
  return text;
}

/**
 * The value `expression` gives, copied out of the program; a promise's when
 * `awaiting` says whose protocol awaits it (V8's evaluate can; WebKit's
 * hands the promise back to be awaited).
 */
async function valueOf(
  inspector: InspectorSession,
  expression: string,
  awaiting: "v8" | "webkit" | null,
): Promise<unknown> {
  let answer = await inspector.post<EvaluateAnswer>("Runtime.evaluate", {
    expression,
    returnByValue: awaiting !== "webkit",
    awaitPromise: awaiting === "v8",
  });
  if (awaiting === "webkit" && answer.result?.objectId && !answer.wasThrown) {
    answer = await inspector.post<EvaluateAnswer>("Runtime.awaitPromise", {
      promiseObjectId: answer.result.objectId,
      returnByValue: true,
    });
  }
  if (answer.exceptionDetails || answer.wasThrown) {
    const thrown = answer.exceptionDetails?.exception ?? answer.result;
    throw new Error(thrown?.description ?? answer.exceptionDetails?.text ?? "the program threw");
  }
  return answer.result?.value;
}
