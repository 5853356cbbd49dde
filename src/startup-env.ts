/**
 * Reading the startup-tracing settings from the environment, like CPython's
 * `PYTHONTRACEMALLOC`.
 *
 * @module
 */
import type { TracerOptions } from "./engines/engine.ts";

/**
 * What the environment asks of startup tracing.
 *
 * @example
 * ```ts
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
 * trace) and `TRACEMALLOC_SAMPLING_INTERVAL` (bytes, optional). Throws an
 * error naming the variable when a value is not a non-negative integer.
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
  const interval = readCount(env, "TRACEMALLOC_SAMPLING_INTERVAL");
  return { nframe, options: interval ? { samplingInterval: interval } : {} };
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
