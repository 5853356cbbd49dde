/**
 * The live terminal UI: watch allocations, take labelled snapshots,
 * compare, filter and drill into tracebacks. The screen's modules are
 * loaded when first needed, with React's production build (see
 * `production.ts`). Each `.tsx` file names its JSX runtime in pragmas
 * (`@jsxRuntime automatic`, `@jsxImportSource react`): tsx compiles the
 * checkout with the tsconfig of the working directory, so from another
 * folder it fell back to `React.createElement` ("React is not defined").
 *
 * @example
 * ```ts
 * import process from "node:process";
 * import { runTui } from "./mod.ts";
 * process.exitCode = await runTui({ script: "app.ts" });
 * ```
 * @module
 */
import type { AppProps } from "./app.tsx";
import { withProductionReact } from "./production.ts";
import type { TuiOptions } from "./run.tsx";

export type { AppProps, TuiOptions };
/** The settings the TUI traces a program with unless told otherwise: the same as `run`'s and the REPL's. */
export { DEFAULT_SAMPLE_EVERY, DEFAULT_SAMPLING_INTERVAL, DEFAULT_TRACEBACK_LIMIT } from "../src/defaults.ts";
export { Controller } from "./session/controller.ts";
export { LiveFeed } from "./session/feed.ts";

/**
 * Runs the TUI until it is quit; resolves with the exit status.
 *
 * @example
 * ```ts
 * import process from "node:process";
 * process.exitCode = await runTui({ script: "server.ts", args: ["--port", "8080"] });
 * ```
 */
export async function runTui(options: TuiOptions = {}): Promise<number> {
  const run = await withProductionReact(() => import("./run.tsx"));
  return await run.runTui(options);
}

/**
 * The screen, to render with Ink elsewhere (another terminal, a
 * benchmark): the app and the render options the TUI uses.
 *
 * @example
 * ```ts
 * import { render } from "ink";
 * import { createElement } from "react";
 * import type { Session } from "../src/session/session.ts";
 * declare const session: Session;
 * const { App, INK_OPTIONS } = await loadApp();
 * const controller = new Controller(session);
 * const feed = new LiveFeed(session);
 * render(createElement(App, { controller, feed, startLine: "start 5" }), INK_OPTIONS);
 * ```
 */
export async function loadApp(): Promise<
  { readonly App: typeof import("./app.tsx").App; readonly INK_OPTIONS: typeof import("./run.tsx").INK_OPTIONS }
> {
  const [app, run] = await withProductionReact(() => Promise.all([import("./app.tsx"), import("./run.tsx")]));
  return { App: app.App, INK_OPTIONS: run.INK_OPTIONS };
}
