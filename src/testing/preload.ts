/**
 * The preload for test runners: installs the line engine's module hook
 * before the first test file loads, so that the tests and the code they
 * import are rewritten as they load and `assertNoLeak` / `limitMemory` see
 * JS objects at their lines; tracing itself starts only for those checks
 * (and stops after them), so the rest of the suite runs at nearly full
 * speed (rewritten code that is not traced: 0.98x-1.02x).
 *
 * - Node: `node --import tsx --import ./src/testing/preload.ts --test`
 * - Deno: `deno test -A --preload ./src/testing/preload.ts`
 * - Bun: `bun test --preload ./src/testing/preload.ts`
 *
 * `TRACEMALLOC_EXCLUDE=GLOB:GLOB` leaves module paths alone, as with the
 * startup preload.
 *
 * @example
 * ```ts
 * // bun test --preload ./src/testing/preload.ts
 * import { lineInstallation } from "../engines/line/install.ts";
 * lineInstallation() !== null; // true in every test file
 * ```
 * @module
 */
import { delimiter } from "node:path";
import { runtime } from "../runtime/index.ts";
import { prepare } from "../tracer.ts";

const exclude = runtime().env("TRACEMALLOC_EXCLUDE")?.split(delimiter).filter((glob) => glob !== "");
prepare(exclude?.length ? { exclude } : {});
