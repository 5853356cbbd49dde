/**
 * `eval CODE` in the traced program: global (indirect) evaluation, the
 * result shown as the Node REPL shows it.
 *
 * @module
 */
import { inspect } from "node:util";

/**
 * Evaluates `code` in the program's global scope (indirect eval: no access
 * to the agent's locals), waits for a returned promise, and gives the value
 * as text. A thrown error rejects with an `Error` whose message is
 * `Name: message` (or the thrown value, inspected, when it is no error).
 *
 * @example
 * ```ts
 * await evaluate("1 + 1"); // "2"
 * await evaluate("({ a: [1, 2] })"); // "{ a: [ 1, 2 ] }"
 * ```
 */
export function evaluate(code: string): Promise<string> {
  // `eval` runs as a promise reaction and its result is taken by plain
  // callbacks, never awaited: so no frame of the agent is below the code,
  // neither on the stack nor as an async frame (V8 follows `await` chains).
  // The tracer drops allocations made under its own frames, and what the
  // user's code allocates here must stay visible. A returned promise is
  // adopted, so its value is the result.
  return new Promise<string>((resolve, reject) => {
    Promise.resolve(code).then(globalThis.eval).then(
      (value: unknown) => resolve(inspect(value, { depth: 4, breakLength: 100 })),
      (e: unknown) => reject(new Error(e instanceof Error ? `${e.name}: ${e.message}` : `Uncaught ${inspect(e)}`)),
    );
  });
}
