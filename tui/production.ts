/**
 * React's production build for the screen. React picks its build by
 * `NODE_ENV` when it is first loaded, and its development build checks and
 * records every render: a frame of the TUI took about twice as long.
 * {@link withProductionReact} loads the screen's modules with `NODE_ENV`
 * set to `production` when it is not set, and then takes it away again, so
 * that the traced program, started later, gets the environment it was
 * given. Loaded by a dynamic import, after the variable is set: Bun
 * evaluates the CommonJS modules of a static import graph before the
 * modules that import them.
 *
 * @module
 */
import { createRequire } from "node:module";
import process from "node:process";

const require = createRequire(import.meta.url);

/**
 * Lets code compiled for React's development JSX runtime run on its
 * production build. Bun compiles JSX for the development runtime
 * (`jsxDEV`) unless the tsconfig of the working directory says otherwise,
 * so the checkout's screen, started from another folder, calls `jsxDEV`,
 * which React's production build leaves undefined. There `jsx` and `jsxs`
 * are one function, taking `jsxDEV`'s first three arguments (type, props,
 * key) and nothing after them.
 */
function acceptDevelopmentJsx(): void {
  const dev = require("react/jsx-dev-runtime") as { jsxDEV?: unknown };
  if (dev.jsxDEV === undefined) dev.jsxDEV = (require("react/jsx-runtime") as { jsx: unknown }).jsx;
}

/**
 * `load()`'s result, React loaded by it in its production build unless
 * `NODE_ENV` says otherwise (or React was loaded before).
 *
 * @example
 * ```ts
 * const { render } = await withProductionReact(() => import("ink"));
 * ```
 */
export async function withProductionReact<T>(load: () => Promise<T>): Promise<T> {
  let set = false;
  try {
    if (process.env.NODE_ENV === undefined) {
      process.env.NODE_ENV = "production";
      set = true;
      acceptDevelopmentJsx();
    }
  } catch {
    // An environment that cannot be written (Deno without --allow-env): React's development build.
  }
  try {
    return await load();
  } finally {
    if (set) {
      try {
        delete process.env.NODE_ENV;
      } catch {
        // As above.
      }
    }
  }
}
