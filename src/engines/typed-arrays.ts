/**
 * The typed-array constructors of the language, by name: what the buffer
 * hooks patch and what the line engine's planner marks as making a buffer.
 *
 * @example
 * ```ts
 * import { TYPED_ARRAYS } from "./typed-arrays.ts";
 * TYPED_ARRAYS.includes("Uint8Array"); // true
 * ```
 *
 * @module
 */

/**
 * Every typed-array constructor's global name (`Float16Array` where the
 * runtime has it).
 *
 * @example
 * ```ts
 * import { TYPED_ARRAYS } from "./typed-arrays.ts";
 * const present = TYPED_ARRAYS.filter((name) => name in globalThis);
 * ```
 */
export const TYPED_ARRAYS: readonly string[] = [
  "Int8Array",
  "Uint8Array",
  "Uint8ClampedArray",
  "Int16Array",
  "Uint16Array",
  "Int32Array",
  "Uint32Array",
  "Float16Array",
  "Float32Array",
  "Float64Array",
  "BigInt64Array",
  "BigUint64Array",
];
