/**
 * When the user last pressed a key, so work that can wait (sorting orders
 * nobody asked for yet) waits until the keyboard is quiet and never delays
 * the next key.
 *
 * @module
 */

let lastInput = 0;

/**
 * Notes that a key was just pressed.
 *
 * @example
 * ```ts
 * import { type Key, useInput } from "ink";
 * declare function handle(input: string, key: Key): void;
 * useInput((input, key) => {
 *   noteInput();
 *   handle(input, key);
 * });
 * ```
 */
export function noteInput(now: number = Date.now()): void {
  lastInput = now;
}

/**
 * Resolves once no key has been pressed for `quietMs`, or false when
 * `cancelled()` turns true first.
 *
 * @example
 * ```ts
 * import type { TableData } from "./table.ts";
 * declare const table: TableData;
 * let cancelled = false;
 * if (await whenIdle(300, () => cancelled)) await table.prepare("count", { cancelled: () => cancelled });
 * ```
 */
export async function whenIdle(quietMs: number, cancelled: () => boolean): Promise<boolean> {
  for (;;) {
    if (cancelled()) return false;
    const wait = lastInput + quietMs - Date.now();
    if (wait <= 0) return true;
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
}
