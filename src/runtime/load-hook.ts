/**
 * The contract between a runtime's module loader and an engine that
 * rewrites modules as they load (the line engine). Each adapter implements
 * {@link RuntimeAdapter.installLoadHook} with its runtime's own hook; the
 * engine only sees {@link LoadedModule}s and returns new source text.
 *
 * @module
 */

/**
 * The language of a module's source text as the hook hands it over.
 *
 * @example
 * ```ts
 * const lang: SourceLang = "ts";
 * ```
 */
export type SourceLang = "js" | "jsx" | "ts" | "tsx";

/**
 * How the runtime will evaluate the module: an ES module, a CommonJS module
 * (a function body: top-level `return` is allowed and `require`, `module`,
 * `exports`, `__filename`, `__dirname` are in scope), or not known from the
 * file's name and package (`"unambiguous"`: the runtime decides from the
 * syntax, an ES module when it has ES module syntax, else CommonJS).
 *
 * @example
 * ```ts
 * const kind: ModuleKind = "commonjs";
 * ```
 */
export type ModuleKind = "module" | "commonjs" | "unambiguous";

/**
 * A file's own text, next to a runtime's transformation of it.
 *
 * @example
 * ```ts
 * const original: OriginalSource = { source: "const a: number[] = [];\n", lang: "ts" };
 * ```
 */
export interface OriginalSource {
  /** The file's text as it is on disk. */
  readonly source: string;
  /** Its language. */
  readonly lang: SourceLang;
}

/**
 * One module about to be evaluated.
 *
 * @example
 * ```ts
 * const mod: LoadedModule = { path: "/app/main.ts", source: "export const a = {};", lang: "ts", kind: "module" };
 * ```
 */
export interface LoadedModule {
  /** Absolute path of the module's file. */
  readonly path: string;
  /**
   * The source text the runtime would evaluate: on Node the output of the
   * TypeScript loader when there is one (tsx, with its inline source map),
   * on Deno its emitted JavaScript (inline source map), on Bun the file's
   * own text for ES modules (Bun transpiles what the hook returns) and, for
   * CommonJS, the function body Bun transpiled (no inline map: Bun keeps
   * its own and maps stack positions through it, so keep lines in place;
   * {@link LoadedModule.original} has the file's text); CommonJS with JSX,
   * and a file `import` makes CommonJS while `require()` would not, come as
   * their own text (plain JavaScript) or as `Bun.Transpiler` prints them
   * (`bun-commonjs.ts`, with {@link LoadedModule.original} too).
   */
  readonly source: string;
  /** The language of {@link LoadedModule.source}. */
  readonly lang: SourceLang;
  /** How the runtime will evaluate it. */
  readonly kind: ModuleKind;
  /**
   * The file's own text, when {@link LoadedModule.source} is a runtime's
   * transformation of it whose lines differ and carries no inline source
   * map (Bun's CommonJS body, `Bun.Transpiler`'s output): positions found
   * in `source` are to be taken from here, the file's lines, which is
   * where Bun shows the body's stack frames (through a source map of its
   * own; `Bun.Transpiler`'s output has none, and its frames keep the
   * transpiled lines). What the transform returns is still a rewrite of
   * `source`.
   */
  readonly original?: OriginalSource;
}

/**
 * Rewrites one module: returns the new source text (same language and
 * kind), or `null` to leave the module as it is. Called synchronously, once
 * per module evaluation, while the module loads; an exception thrown here is
 * caught (and not reported) by the hook, which then loads the module
 * unchanged. A module the transform itself loads while it runs is not
 * handed to it.
 *
 * @example
 * ```ts
 * const mark: ModuleTransform = (mod) => mod.source.includes("MARK") ? mod.source.replace("MARK", "DONE") : null;
 * ```
 */
export type ModuleTransform = (module: LoadedModule) => string | null;

/**
 * An installed load hook.
 *
 * @example
 * ```ts
 * import { runtime } from "./index.ts";
 *
 * const hook = runtime().installLoadHook((mod) => null);
 * hook?.uninstall();
 * ```
 */
export interface LoadHook {
  /**
   * Stops rewriting modules loaded from now on (modules already loaded stay
   * rewritten). Node and Deno remove their hooks; Bun cannot remove a
   * plugin, so there the hook stays and loads modules unchanged.
   */
  uninstall(): void;
}

/**
 * How a load hook is installed.
 *
 * @example
 * ```ts
 * const options: LoadHookOptions = { skip: /^\/opt\/tracer\// };
 * ```
 */
export interface LoadHookOptions {
  /**
   * Paths never handed to the transform, which load by the runtime's own
   * path (on Bun the plugin does not even see them: its filter is a regular
   * expression, hence one here). Bun's hook takes the `skip` of its first
   * installation in a process.
   */
  readonly skip?: RegExp;
}
