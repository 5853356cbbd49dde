/**
 * Running a test body while the public API traces.
 *
 * @module
 */
import * as tracemalloc from "../../src/tracer.ts";

/** Runs `body` while tracing with `start(nframe, options)`, and always stops. */
export async function tracing<T>(
  body: () => Promise<T>,
  nframe = 1,
  options?: tracemalloc.TracerOptions,
): Promise<T> {
  await tracemalloc.start(nframe, options);
  try {
    return await body();
  } finally {
    await tracemalloc.stop();
  }
}
