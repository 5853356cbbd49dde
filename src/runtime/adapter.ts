/**
 * The one interface of runtime capabilities. Engines and the tracer ask an
 * adapter for what they need (an inspector session, heap statistics, a
 * census of heap objects, a forced gc, source mapping); only the adapters in
 * `src/runtime/` know which runtime they run on.
 *
 * @module
 */
import type { LoadHook, LoadHookOptions, ModuleTransform } from "./load-hook.ts";
import type { ObjectSizes } from "./object-sizes.ts";

/**
 * The runtimes this package supports.
 *
 * @example
 * ```ts
 * import { runtime } from "./index.ts";
 *
 * const name: RuntimeName = runtime().name; // "node", "deno" or "bun"
 * ```
 */
export type RuntimeName = "node" | "deno" | "bun";

/**
 * An in-process Chrome DevTools Protocol session (`node:inspector`), wrapped
 * so that Node's synchronous answers and Deno's asynchronous ones look alike.
 *
 * @example
 * ```ts
 * import { runtime } from "./index.ts";
 *
 * const session = await runtime().openInspector();
 * await session?.post("HeapProfiler.enable");
 * ```
 */
export interface InspectorSession {
  /** Sends one protocol command and resolves with its result. */
  post<T = unknown>(
    method: string,
    params?: Record<string, unknown>,
  ): Promise<T>;
  /** Listens to a protocol notification such as `Debugger.scriptParsed`. */
  on(event: string, listener: (params: Record<string, unknown>) => void): void;
  /** Removes a listener added with {@link InspectorSession.on}. */
  off(event: string, listener: (params: Record<string, unknown>) => void): void;
  /** Ends the session; later posts reject. */
  close(): void;
}

/**
 * Heap figures in bytes, from `node:v8`, `process.memoryUsage()` or
 * `bun:jsc`; a figure the runtime does not give is 0.
 *
 * @example
 * ```ts
 * import { runtime } from "./index.ts";
 *
 * const { heapUsed } = runtime().heapStatistics();
 * ```
 */
export interface HeapStatistics {
  /** Bytes of live and not yet collected JS objects. */
  heapUsed: number;
  /** Bytes the JS heap has reserved. */
  heapTotal: number;
  /** Bytes held outside the JS heap by JS objects (buffers included). */
  external: number;
  /** Bytes of ArrayBuffer backing stores, 0 when not known. */
  arrayBuffers: number;
}

/**
 * JS heap objects counted by type (Bun's `bun:jsc` `heapStats()`): the only
 * view of domain 0 on a runtime without an allocation profiler.
 *
 * @example
 * ```ts
 * import { runtime } from "./index.ts";
 *
 * const census = await runtime().heapCensus();
 * census?.counts.get("Object"); // e.g. 5321
 * ```
 */
export interface HeapCensus {
  /** Live (not yet swept) objects per type name. */
  counts: Map<string, number>;
  /** Total objects counted. */
  objectCount: number;
  /**
   * Bytes of the JS heap (live objects and not yet swept ones); JSC updates
   * it at collections, so it is freshest right after a gc.
   */
  heapSize: number;
  /** Shallow size of one object in bytes, or `null` when the runtime cannot tell. */
  shallowSize(obj: object): number | null;
}

/**
 * A position in a source file: a path for local files (never a `file://`
 * URL), a 1-based line and, when known, a 1-based column.
 *
 * @example
 * ```ts
 * const pos: SourcePosition = { file: "/app/src/main.ts", line: 12, column: 5 };
 * ```
 */
export interface SourcePosition {
  file: string;
  line: number;
  column?: number;
}

/**
 * What an adapter can do on its runtime, so engines pick themselves by capability.
 *
 * @example
 * ```ts
 * import { JscHeapEngine } from "../engines/jsc.ts";
 * import { SamplerEngine } from "../engines/sampler.ts";
 * import { runtime } from "./index.ts";
 *
 * const engine = runtime().capabilities.heapSampler ? new SamplerEngine() : new JscHeapEngine();
 * ```
 */
export interface RuntimeCapabilities {
  /** V8's sampling heap profiler is reachable through {@link RuntimeAdapter.openInspector}. */
  heapSampler: boolean;
  /** {@link RuntimeAdapter.heapCensus} counts heap objects by type. */
  heapCensus: boolean;
  /** {@link RuntimeAdapter.gc} can force a full collection. */
  gc: boolean;
  /**
   * Call sites (`Error.prepareStackTrace`'s structured stack) already carry
   * original source positions, so a stack capture needs no mapping. True on
   * Deno and Bun; false on Node, where only the `Error.stack` string is
   * mapped (when source maps are enabled, as tsx does) and call sites give
   * positions in the emitted JavaScript: map them with
   * {@link RuntimeAdapter.originalPosition}.
   */
  mappedCallSites: boolean;
  /**
   * {@link RuntimeAdapter.installLoadHook} can hand every module's source to
   * a transform as it loads (Node: `registerHooks` and `Module._compile`;
   * Deno: `registerHooks`; Bun: `Bun.plugin` and its CommonJS loader).
   */
  loadHooks: boolean;
  /**
   * Stack positions of a module whose source a load hook replaced are
   * mapped through the inline source map at the end of that source (Node,
   * with source maps on, as tsx turns them on); otherwise the runtime maps
   * them its own way (Deno: its emit's map; Bun: to the replaced text).
   */
  remapsStacks: boolean;
}

/**
 * One runtime behind one interface.
 *
 * @example
 * ```ts
 * import { runtime } from "./index.ts";
 * const rt = runtime();
 * console.log(rt.name, rt.version, rt.capabilities.heapSampler);
 * ```
 */
export interface RuntimeAdapter {
  /** Which runtime this is. */
  readonly name: RuntimeName;
  /** The runtime's version, e.g. `"24.21.0"`. */
  readonly version: string;
  /** What this runtime can do. */
  readonly capabilities: RuntimeCapabilities;
  /**
   * A new in-process inspector session, connected, or `null` when the
   * runtime has no inspector with a heap profiler (Bun).
   */
  openInspector(): Promise<InspectorSession | null>;
  /** Heap figures now. */
  heapStatistics(): HeapStatistics;
  /** Heap objects by type, or `null` when the runtime has no census. */
  heapCensus(): Promise<HeapCensus | null>;
  /**
   * Forces a full garbage collection where the runtime allows it; resolves
   * `false` when it could not.
   */
  gc(): Promise<boolean>;
  /**
   * Maps a position in the code the engine runs (emitted JavaScript) to the
   * original source (TypeScript), synchronously. `file` may be a path or a
   * URL; the result's `file` is a path for local files. Positions without a
   * source map come back unchanged (URLs turned into paths).
   */
  originalPosition(file: string, line: number, column?: number): SourcePosition;
  /**
   * True for frames of the runtime's inspector plumbing (`node:inspector`,
   * Deno's `ext:deno_node/inspector`), which run only on the tracer's behalf.
   */
  isInspectorFrame(file: string): boolean;
  /** `file:///a/b.ts` → `/a/b.ts`; anything that is not a file URL unchanged. */
  toPath(fileOrUrl: string): string;
  /** An environment variable, or `undefined` (also when the runtime may not read it). */
  env(name: string): string | undefined;
  /** The sizes of this engine's JS heap objects, by shape (neither V8 nor JavaScriptCore tells them). */
  readonly objectSizes: ObjectSizes;
  /**
   * Hands the source of every JavaScript and TypeScript module evaluated
   * from now on (entry point, `import`, `import()`, `require()`, packages)
   * to `transform`, synchronously, and evaluates what it returns instead,
   * under the module's own file name. Install it from a preload, before the
   * program's first line. JSON, addons, wasm and built-ins are not handed
   * over; a module loaded while `transform` runs is not either; a transform
   * that throws or returns `null` leaves the module unchanged. `null` when
   * the runtime has no such hook.
   *
   * @example
   * ```ts
   * import { runtime } from "./index.ts";
   * declare function rewrite(source: string): string;
   *
   * const hook = runtime().installLoadHook((mod) => mod.path.endsWith("/app.ts") ? rewrite(mod.source) : null);
   * hook?.uninstall();
   * ```
   */
  installLoadHook(transform: ModuleTransform, options?: LoadHookOptions): LoadHook | null;
}
