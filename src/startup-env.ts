/**
 * Reading the startup-tracing settings from the environment, like CPython's
 * `PYTHONTRACEMALLOC`.
 *
 * @module
 */
import { delimiter } from "node:path";
import { HEAP_ENGINE_NAMES, type HeapEngineName, type TracerOptions } from "./engines/engine.ts";

/**
 * What the environment asks of startup tracing.
 *
 * @example
 * ```ts
 * import { start } from "./tracer.ts";
 *
 * const settings: StartupSettings = { nframe: 5, options: { samplingInterval: 65536 } };
 * await start(settings.nframe, settings.options);
 * ```
 */
export interface StartupSettings {
  /** Frames per traceback. */
  nframe: number;
  /** Options for `start()`. */
  options: TracerOptions;
}

/**
 * Reads `TRACEMALLOC` (frames per traceback: unset, empty or `0` means do not
 * trace), and optionally `TRACEMALLOC_ENGINE` (`line`, `sampler` or
 * `census`), `TRACEMALLOC_SAMPLE_EVERY` (allocations),
 * `TRACEMALLOC_SAMPLING_INTERVAL` (bytes) and `TRACEMALLOC_EXCLUDE` (globs
 * separated by the path delimiter, `:` on POSIX). Throws an error naming the
 * variable when a value is not valid. What is not set keeps the defaults
 * `run`, the REPL and the TUI use (`src/defaults.ts`: the line engine
 * samples one JS allocation in `DEFAULT_SAMPLE_EVERY`, V8's sampler one
 * every `DEFAULT_SAMPLING_INTERVAL` bytes); `TRACEMALLOC` itself is the
 * number of frames, as `PYTHONTRACEMALLOC` is (`TRACEMALLOC=5` gives the
 * default `DEFAULT_TRACEBACK_LIMIT`).
 *
 * @example
 * ```ts
 * startupSettings((name) => ({ TRACEMALLOC: "5" })[name]); // { nframe: 5, options: {} }
 * startupSettings(() => undefined); // null
 * ```
 */
export function startupSettings(
  env: (name: string) => string | undefined,
): StartupSettings | null {
  const nframe = readCount(env, "TRACEMALLOC");
  if (!nframe) return null;
  const options: TracerOptions = {};
  const interval = readCount(env, "TRACEMALLOC_SAMPLING_INTERVAL");
  if (interval) options.samplingInterval = interval;
  const every = readCount(env, "TRACEMALLOC_SAMPLE_EVERY");
  if (every) options.sampleEvery = every;
  const engine = env("TRACEMALLOC_ENGINE")?.trim();
  if (engine) {
    if (!(HEAP_ENGINE_NAMES as readonly string[]).includes(engine)) {
      throw new RangeError(
        `TRACEMALLOC_ENGINE: unknown engine ${JSON.stringify(engine)} (${HEAP_ENGINE_NAMES.join(", ")})`,
      );
    }
    options.engine = engine as HeapEngineName;
  }
  const exclude = env("TRACEMALLOC_EXCLUDE")?.split(delimiter).filter((glob) => glob !== "");
  if (exclude?.length) options.exclude = exclude;
  return { nframe, options };
}

function readCount(
  env: (name: string) => string | undefined,
  name: string,
): number | null {
  const raw = env(name)?.trim();
  if (!raw) return null;
  if (!/^\d+$/.test(raw)) {
    throw new RangeError(
      `${name}: invalid number ${JSON.stringify(raw)} (a non-negative integer is expected)`,
    );
  }
  return Number(raw);
}
