/**
 * How many bytes a JS heap object of a given shape takes, per engine: the
 * line engine sizes each sampled object with these. Neither V8 nor
 * JavaScriptCore tells a JS program the size of an object (Bun's
 * `estimateShallowMemoryUsageOf` reports 16 B for any array and 32 B for any
 * Map), so the figures are models fitted to measured heap growth
 * (`scripts/bench-line.ts` prints estimate against measurement): 200k
 * objects of each shape, heap used after a full collection, on Node 24,
 * Deno 2.9 (V8, 8-byte pointers) and Bun 1.4 (JavaScriptCore).
 *
 * @module
 */
import process from "node:process";

/**
 * The sizes of one engine's objects, in bytes.
 *
 * @example
 * ```ts
 * const sizes: ObjectSizes = v8ObjectSizes(8);
 * sizes.object(2); // 40: `{ i, name }`
 * ```
 */
export interface ObjectSizes {
  /** An ordinary object (literal or class instance) with `keys` own properties. */
  object(keys: number): number;
  /** An object made by `JSON.parse` or `structuredClone` with `keys` properties. */
  parsedObject(keys: number): number;
  /** An array of `length` elements. */
  array(length: number): number;
  /** A Map of `entries` entries. */
  map(entries: number): number;
  /** A Set of `entries` entries. */
  set(entries: number): number;
  /** A string of `length` UTF-16 units; `wide` when it holds a unit above U+00FF. */
  string(length: number, wide: boolean): number;
  /** A number an object property holds that is not a small integer (V8 boxes it; JavaScriptCore does not). */
  readonly boxedNumber: number;
  /** A closure, with its context. */
  readonly function: number;
  /** A class (constructor, prototype and their shapes). */
  readonly class: number;
  /** Any other object of fixed size (Date, RegExp, Promise, Proxy, typed array view ...). */
  readonly fixed: number;
}

const align = (n: number, to: number) => Math.ceil(n / to) * to;

/** V8 hash tables hold a power of two of entries, at least 4. */
const capacity = (entries: number) => entries <= 4 ? 4 : 2 ** Math.ceil(Math.log2(entries));

/**
 * V8's object sizes for a pointer size of `word` bytes (8 on Node's and
 * Deno's builds, 4 with pointer compression). Measured: `{}` 56 B, `{ i,
 * name }` 40, five properties 64, ten 104, a class instance of two fields
 * 40; `[]` 32, three elements 72, twelve 144; a closure 96; `new Map()` 184,
 * ten entries 520; `new Set()` 152.
 *
 * @example
 * ```ts
 * v8ObjectSizes(8).array(12); // 144
 * ```
 */
export function v8ObjectSizes(word: number): ObjectSizes {
  const header = 3 * word; // map, properties, elements
  return {
    object: (keys) => header + word * (keys === 0 ? 4 : keys), // an empty literal reserves four slots
    parsedObject: (keys) => header + word * keys,
    array: (length) => length === 0 ? header + word : header + word + 2 * word + word * length,
    map: (entries) => header + word + 2 * word + word * (3 + capacity(entries) / 2 + 3 * capacity(entries)),
    set: (entries) => header + word + 2 * word + word * (3 + capacity(entries) / 2 + 2 * capacity(entries)),
    string: (length, wide) => align(2 * word + (wide ? 2 * length : length), word),
    boxedNumber: 2 * word,
    function: 12 * word,
    class: 40 * word,
    fixed: 7 * word,
  };
}

/**
 * JavaScriptCore's object sizes. Measured: `{}` 64 B (six inline slots),
 * `{ i, name }` 32, five properties 64, ten 112; `[]` 64, three elements
 * 40, twelve 128; a closure 80; `new Map()` 32 (its table comes with the
 * first entry); a Map's or Set's table grows fourfold: a Map of 1-4
 * entries 256 B, 5-16 912, 17-64 2704, then about 40 B per slot; a Set 256,
 * 640, 2704, then about 32 B per slot.
 *
 * @example
 * ```ts
 * jscObjectSizes().object(2); // 32
 * ```
 */
export function jscObjectSizes(): ObjectSizes {
  const cell = 16;
  return {
    object: (keys) => keys === 0 ? 64 : align(cell + 8 * keys, 16),
    // JSON.parse gives every object at least the six inline slots of `{}`: `{ a, b }` parsed takes 64 B.
    parsedObject: (keys) => Math.max(64, align(cell + 8 * keys, 16)),
    array: (length) => length === 0 ? 64 : align(cell + 8 + 8 * length, 16),
    map: (entries) => jscTable(entries, [256, 912, 2704], 40),
    set: (entries) => jscTable(entries, [256, 640, 2704], 32),
    string: (length, wide) => align(cell + 16 + (wide ? 2 * length : length), 16),
    boxedNumber: 0,
    function: 80,
    class: 256,
    fixed: 48,
  };
}

/**
 * A JavaScriptCore Map's or Set's size: its table holds a power of four of
 * slots, at least 4; `small` are the measured sizes for 4, 16 and 64 slots.
 */
function jscTable(entries: number, small: readonly number[], perSlot: number): number {
  if (entries === 0) return 32;
  const slots = 4 ** Math.max(1, Math.ceil(Math.log(entries) / Math.log(4)));
  const i = Math.log(slots) / Math.log(4) - 1;
  return i < small.length ? small[Math.round(i)] : perSlot * slots + 144;
}

/**
 * The pointer size of this V8 build: 4 when pointer compression is on.
 *
 * @example
 * ```ts
 * const sizes = v8ObjectSizes(v8WordSize());
 * ```
 */
export function v8WordSize(): number {
  const variables = (process.config as { variables?: Record<string, unknown> } | undefined)?.variables;
  return variables?.v8_enable_pointer_compression === 1 || variables?.v8_enable_pointer_compression === true ? 4 : 8;
}
