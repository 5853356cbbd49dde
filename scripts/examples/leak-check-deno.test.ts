/**
 * Leak checks under `deno test`: one passes, one fails naming the line
 * that keeps what it makes, one bounds a function's peak memory.
 *
 * @example
 * ```sh
 * deno test -A --preload ./src/testing/preload.ts scripts/examples/leak-check-deno.test.ts
 * ```
 * @module
 */
import { assertNoLeak, limitMemory } from "../../mod.ts";
import { login, render } from "./session-cache.ts";

Deno.test("render keeps nothing", async () => {
  await assertNoLeak(() => render("ada"));
});

Deno.test("login keeps nothing", async () => {
  await assertNoLeak(() => login("ada")); // fails: every session stays in the Map
});

Deno.test("render holds under 1 MiB at once", async () => {
  await limitMemory(1024 * 1024, () => render("ada"));
});
