/**
 * How a program ends, seen from inside it, on each runtime: the last
 * synchronous moment of a program that calls `process.exit()`, throws an
 * uncaught exception or gets a termination signal it does not handle. No
 * task runs after these moments, so whoever listens must work synchronously.
 *
 * @module
 */
import process from "node:process";

/** The termination signals a program may handle (graceful shutdown) or die of. */
export const TERMINATION_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

/** One of {@link TERMINATION_SIGNALS}. */
export type TerminationSignal = typeof TERMINATION_SIGNALS[number];

/**
 * How a program is ending: its event loop ran empty (`end`, seen by whoever
 * listens to `beforeExit`), it exits at once (`process.exit()`,
 * `Deno.exit()`), it stops on an uncaught exception or rejection, or it is
 * about to die of a signal it does not handle. `after` is the signal the
 * program handled itself before it ended, if any.
 *
 * @example
 * ```ts
 * const ending: Ending = { how: "end", code: 0, after: "SIGTERM" };
 * ```
 */
export type Ending =
  | { readonly how: "end" | "exit"; readonly code: number; readonly after?: TerminationSignal }
  | { readonly how: "exception"; readonly error: string }
  | { readonly how: "signal"; readonly signal: TerminationSignal };

type Listener = (ending: Ending) => void;

/** What {@link onEnding} knows while the program runs. */
export interface EndingWatch {
  /** The termination signal the program handled itself, if one came (its shutdown is under way). */
  readonly after: TerminationSignal | undefined;
}

interface DenoSignals {
  addSignalListener(signal: string, handler: () => void): void;
  removeSignalListener(signal: string, handler: () => void): void;
}

/**
 * Calls `listener` synchronously, once, as the program ends in any way but
 * being killed outright. A termination signal the program handles itself
 * (a listener of its own) is left to it: its own exit follows, reported with
 * `after` set. A signal it does not handle is reported, then raised again,
 * so the program still dies of it with the usual status.
 *
 * @example
 * ```ts
 * const watch = onEnding((ending) => console.error(`ending: ${ending.how}`));
 * if (watch.after) console.error(`shutting down after ${watch.after}`);
 * ```
 */
export function onEnding(listener: Listener): EndingWatch {
  let done = false;
  let after: TerminationSignal | undefined;
  let exception: string | undefined;
  const watch = {
    get after() {
      return after;
    },
  };
  const end = (ending: Ending, final = true) => {
    if (done) return;
    done = final;
    listener(ending);
  };
  const deno = (globalThis as { Deno?: DenoSignals }).Deno;
  const { handled, add, remove } = deno ? denoSignals(deno) : nodeSignals();
  for (const signal of TERMINATION_SIGNALS) {
    const onSignal = () => {
      if (handled(signal)) {
        after = signal;
        return;
      }
      end({ how: "signal", signal });
      // With no listener left the runtime's default action returns: the program dies of the signal.
      remove(signal, onSignal);
      process.kill(process.pid, signal);
    };
    try {
      add(signal, onSignal);
    } catch {
      // A signal this platform lacks (SIGHUP on Windows) cannot arrive either.
    }
  }
  if (deno) {
    // Deno ends at once after an uncaught error, with no exit event.
    // Listeners of the program run after this one and may still prevent the end: then a later ending reports again.
    const onError = (event: Event) => {
      const reason = (event as ErrorEvent).error ?? (event as PromiseRejectionEvent).reason;
      end({ how: "exception", error: describeError(reason) }, false);
    };
    globalThis.addEventListener("error", onError);
    globalThis.addEventListener("unhandledrejection", onError);
    globalThis.addEventListener("unload", () => end({ how: "exit", code: exitCode(), after }));
    return watch;
  }
  // Node and Bun emit "exit" after an uncaught exception too; the monitor says which one it was.
  process.on("uncaughtExceptionMonitor", (error: unknown) => {
    exception = describeError(error);
  });
  process.on("exit", (code: number) => {
    if (exception !== undefined && code !== 0) end({ how: "exception", error: exception });
    else end({ how: "exit", code, after });
  });
  return watch;
}

/** How to listen to a signal, and whether the program listens too (beside the one listener added here). */
interface Signals {
  handled(signal: string): boolean;
  add(signal: string, handler: () => void): void;
  remove(signal: string, handler: () => void): void;
}

function nodeSignals(): Signals {
  return {
    handled: (signal) => process.listenerCount(signal) > 1,
    add: (signal, handler) => process.on(signal, handler),
    remove: (signal, handler) => process.off(signal, handler),
  };
}

/**
 * On Deno, `process.on("SIGINT")` and `Deno.addSignalListener` both end in
 * the latter: counting what passes through it tells whether the program
 * listens itself (our own listener is added through the original).
 */
function denoSignals(deno: DenoSignals): Signals {
  const counts = new Map<string, number>();
  const add = deno.addSignalListener.bind(deno);
  const remove = deno.removeSignalListener.bind(deno);
  deno.addSignalListener = (signal, handler) => {
    add(signal, handler);
    counts.set(signal, (counts.get(signal) ?? 0) + 1);
  };
  deno.removeSignalListener = (signal, handler) => {
    remove(signal, handler);
    counts.set(signal, Math.max(0, (counts.get(signal) ?? 0) - 1));
  };
  return { handled: (signal) => (counts.get(signal) ?? 0) > 0, add, remove };
}

function exitCode(): number {
  const code = Number(process.exitCode ?? 0);
  return Number.isInteger(code) ? code : 0;
}

/** The first line of an error's message, as a stack trace's first line says it ("TypeError: x is not a function"). */
function describeError(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.split("\n", 1)[0].slice(0, 200);
}
