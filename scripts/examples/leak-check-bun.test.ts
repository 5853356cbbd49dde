/**
 * Leak checks under `bun test`: one passes, one fails naming the line
 * that keeps what it makes, one bounds a function's peak memory.
 *
 * @example
 * ```sh
 * bun test --preload ./src/testing/preload.ts scripts/examples/leak-check-bun.test.ts
 * ```
 * @module
 */
import { test } from "bun:test";
import { assertNoLeak, limitMemory } from "../../mod.ts";
import { login, render } from "./session-cache.ts";

test("render keeps nothing", async () => {
  await assertNoLeak(() => render("ada"));
});

test("login keeps nothing", async () => {
  await assertNoLeak(() => login("ada")); // fails: every session stays in the Map
});

test("render holds under 1 MiB at once", async () => {
  await limitMemory(1024 * 1024, () => render("ada"));
});
