/**
 * `eval CODE` in the traced program: global (indirect) evaluation, named
 * `<eval-N>` in tracebacks, the result shown as the Node REPL shows it.
 * This process and a child's agent both evaluate through here.
 *
 * @module
 */
import { inspect } from "node:util";

let evaluations = 0;

/**
 * Runs code and reports its result through callbacks, a Promise's result
 * through `then` callbacks of its own rather than by resolving with it: V8
 * follows awaits in async stack traces, and the tool awaiting the result
 * would otherwise be on the stack of every allocation of the awaited code.
 */
const WRAPPER = `(function (code, resolve, reject) {
  try {
    const value = (0, eval)(code);
    if (value !== null && (typeof value === "object" || typeof value === "function") && typeof value.then === "function") {
      value.then((result) => resolve(result), (error) => reject(error));
    } else resolve(value);
  } catch (error) {
    reject(error);
  }
})
//# sourceURL=<eval>`; // named: Bun would name it after the file calling eval, one of the tracer's, whose frames are dropped

/**
 * Evaluates `code` as a script in the program's global scope (no access to
 * the tool's locals), from a microtask, and resolves to its value (a
 * returned promise's value). The tracer leaves out every allocation with
 * one of its own frames on the stack; run from a microtask through a
 * function that eval made, the code's stack holds none of them, so what it
 * allocates is traced like any other code of the program. A `sourceURL`
 * names the code `<eval-N>` in tracebacks (engines drop frames of nameless
 * scripts). A thrown error rejects with an `Error` whose message is
 * `Name: message` (or the thrown value, inspected, when it is no error).
 *
 * @example
 * ```ts
 * import { evaluate } from "./evaluate.ts";
 * await evaluate("1 + 1"); // 2
 * await evaluate("Promise.resolve('done')"); // "done"
 * ```
 */
export function evaluate(code: string): Promise<unknown> {
  const named = `${code}\n//# sourceURL=<eval-${++evaluations}>`;
  // deno-lint-ignore no-eval
  const run = (0, eval)(WRAPPER) as (
    code: string,
    resolve: (value: unknown) => void,
    reject: (error: unknown) => void,
  ) => void;
  return new Promise((resolve, reject) => {
    queueMicrotask(run.bind(null, named, resolve, (e: unknown) => reject(describeThrown(e))));
  });
}

/**
 * A value as text, as the Node REPL shows it (`util.inspect`: a string
 * quoted, so `'1'` and `1` differ).
 *
 * @example
 * ```ts
 * import { showResult } from "./evaluate.ts";
 * showResult({ a: [1, 2] }); // "{ a: [ 1, 2 ] }"
 * showResult("done"); // "'done'"
 * ```
 */
export function showResult(value: unknown): string {
  return inspect(value, { depth: 4, breakLength: 100 });
}

function describeThrown(e: unknown): Error {
  return new Error(e instanceof Error ? `${e.name}: ${e.message}` : `Uncaught ${inspect(e)}`);
}
