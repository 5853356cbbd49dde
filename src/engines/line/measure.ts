/**
 * Sizing a sampled value without running any of the program's code (no
 * getters, no Proxy traps, no `Symbol.species`): brand checks from
 * `node:util` and own-key counts only.
 *
 * Containers that grow after they are made (arrays, Maps, Sets) are sized
 * again when traces are read (arrays when their length changed, see
 * `SampleStore`), so a growing array is charged its current size at the
 * line that made it; other objects keep the size they had when sampled.
 *
 * Strings are primitives: no weak reference can follow one, so a string is
 * never a live trace of its own. A long string (at least
 * {@link HELD_STRING_LENGTH} characters: shorter ones are often shared or
 * interned) that an object or array holds in one of its own data
 * properties is charged to that object, as part of its size: the memory of
 * `{ body: html }` is mostly `html`.
 *
 * @module
 */
import { types } from "node:util";
import type { ObjectSizes } from "../../runtime/object-sizes.ts";
import { SiteFlag, SiteKind } from "./plan.ts";

/**
 * How a sample's size is read again: fixed, or from its current length.
 *
 * @example
 * ```ts
 * const shape: Shape = Shape.Array;
 * ```
 */
export const Shape = { Fixed: 0, Array: 1, Map: 2, Set: 3 } as const;

/**
 * One of the {@link Shape} values.
 *
 * @example
 * ```ts
 * const shape: Shape = Shape.Fixed;
 * ```
 */
export type Shape = typeof Shape[keyof typeof Shape];

/**
 * Strings at least this long that an object holds count in its size.
 *
 * @example
 * ```ts
 * import { v8ObjectSizes } from "../../runtime/object-sizes.ts";
 * declare const text: string;
 *
 * const sizes = v8ObjectSizes(8);
 * let size = 0;
 * if (text.length >= HELD_STRING_LENGTH) size += stringSize(text, sizes);
 * ```
 */
export const HELD_STRING_LENGTH = 64;
/** Elements of an array looked at to estimate the strings it holds. */
const ARRAY_PROBES = 16;
/**
 * Strings of a parsed tree at most this long are shared: V8 internalizes
 * them while parsing (JSON keys and short values), so they cost the tree
 * nothing.
 */
const SHARED_PARSED_STRING = 10;
/** Nodes visited at most when sizing a fresh tree (a large `JSON.parse` result). */
const DEEP_LIMIT = 100_000;
// A UTF-16 unit above U+00FF makes V8 and JSC store the string two bytes a character.
// deno-lint-ignore no-control-regex
const WIDE = /[^\x00-\xff]/;
const mapSize = Object.getOwnPropertyDescriptor(Map.prototype, "size")!.get!;
const setSize = Object.getOwnPropertyDescriptor(Set.prototype, "size")!.get!;
const { isArray } = Array;
const { keys, getOwnPropertyDescriptor } = Object;
// Taken before the buffer hooks replace `ArrayBuffer` (a Proxy then: every property read would run its trap).
const { isView } = ArrayBuffer;
const { isDate, isMap, isPromise, isProxy, isRegExp, isSet } = types;

/**
 * The size of one string.
 *
 * @example
 * ```ts
 * import { v8ObjectSizes } from "../../runtime/object-sizes.ts";
 *
 * stringSize("hello", v8ObjectSizes(8)); // 24 (V8, 64-bit pointers)
 * ```
 */
export function stringSize(value: string, sizes: ObjectSizes): number {
  return sizes.string(value.length, WIDE.test(value));
}

/**
 * A sampled object's size and how to read it again.
 *
 * @example
 * ```ts
 * import { v8ObjectSizes } from "../../runtime/object-sizes.ts";
 * import { SiteKind } from "./plan.ts";
 *
 * const { size, shape } = measureObject({ a: 1 }, SiteKind.Object, 0, v8ObjectSizes(8)); // 32, Shape.Fixed
 * ```
 */
export function measureObject(
  value: object,
  kind: SiteKind,
  flags: number,
  sizes: ObjectSizes,
): { size: number; shape: Shape } {
  if (typeof value === "function") {
    return { size: kind === SiteKind.Class ? sizes.class : sizes.function, shape: Shape.Fixed };
  }
  if (isProxy(value)) return { size: sizes.fixed, shape: Shape.Fixed };
  if (flags & SiteFlag.Deep) return { size: deepSize(value, sizes), shape: Shape.Fixed };
  // A value fresh from a literal has only data properties: it can be read directly.
  const fresh = kind === SiteKind.Object || kind === SiteKind.Array;
  if (isArray(value)) {
    if (flags & (SiteFlag.Strings | SiteFlag.Pairs)) {
      return { size: sizes.array(value.length) + elementsSize(value, flags, sizes), shape: Shape.Fixed };
    }
    return { size: sizes.array(value.length) + arrayStrings(value, sizes, fresh), shape: Shape.Array };
  }
  if (isMap(value)) return { size: sizes.map(mapSize.call(value)), shape: Shape.Map };
  if (isSet(value)) return { size: sizes.set(setSize.call(value)), shape: Shape.Set };
  if (isPromise(value) || isDate(value) || isRegExp(value) || isView(value)) {
    return { size: sizes.fixed, shape: Shape.Fixed };
  }
  const own = keys(value);
  return { size: sizes.object(own.length) + objectStrings(value, own, sizes, fresh), shape: Shape.Fixed };
}

/** A value's own data property `key`, without running a getter; `undefined` for an accessor. */
function dataValue(value: object, key: string | number): unknown {
  const descriptor = getOwnPropertyDescriptor(value, key);
  return descriptor && "value" in descriptor ? descriptor.value : undefined;
}

function heldString(value: unknown, sizes: ObjectSizes): number {
  return typeof value === "string" && value.length >= HELD_STRING_LENGTH ? stringSize(value, sizes) : 0;
}

/** The long strings an object holds in its own data properties (`fresh`: it has no accessor). */
function objectStrings(value: object, own: readonly string[], sizes: ObjectSizes, fresh: boolean): number {
  let total = 0;
  for (const key of own) {
    total += heldString(fresh ? (value as Record<string, unknown>)[key] : dataValue(value, key), sizes);
  }
  return total;
}

/** The long strings an array holds, estimated from a few evenly spaced elements (`fresh`: it has no accessor). */
function arrayStrings(array: unknown[], sizes: ObjectSizes, fresh = false): number {
  const n = array.length;
  if (n === 0) return 0;
  const probes = Math.min(n, ARRAY_PROBES);
  let total = 0;
  for (let p = 0; p < probes; p++) {
    const at = Math.floor(p * n / probes);
    total += heldString(fresh ? array[at] : dataValue(array, at), sizes);
  }
  return Math.round(total * n / probes);
}

/**
 * The current size of a container sampled with `shape`.
 *
 * @example
 * ```ts
 * import { v8ObjectSizes } from "../../runtime/object-sizes.ts";
 *
 * const sizes = v8ObjectSizes(8);
 * const list = [1, 2, 3];
 * remeasure(list, Shape.Array, sizes); // 72
 * list.push(4);
 * remeasure(list, Shape.Array, sizes); // 80: grows with list.length
 * ```
 */
export function remeasure(value: object, shape: Shape, sizes: ObjectSizes): number {
  switch (shape) {
    case Shape.Array:
      return sizes.array((value as unknown[]).length) + arrayStrings(value as unknown[], sizes);
    case Shape.Map:
      return sizes.map(mapSize.call(value));
    default:
      return sizes.set(setSize.call(value));
  }
}

function elementsSize(array: unknown[], flags: number, sizes: ObjectSizes): number {
  let total = 0;
  for (const element of array) {
    if (typeof element === "string" && flags & SiteFlag.Strings) total += stringSize(element, sizes);
    else if (isArray(element) && flags & SiteFlag.Pairs) total += sizes.array(element.length);
  }
  return total;
}

/** True for a number V8 keeps in a pointer-sized slot (31-bit signed integers are safe on every build). */
function isSmallInteger(n: number): boolean {
  return (n | 0) === n && n >= -(2 ** 30) && n < 2 ** 30 && !Object.is(n, -0);
}

/** The size of a fresh tree of plain objects, arrays and strings (a `JSON.parse` or `structuredClone` result). */
function deepSize(root: object, sizes: ObjectSizes): number {
  let total = 0;
  let visited = 0;
  const stack: unknown[] = [root];
  while (stack.length && visited < DEEP_LIMIT) {
    const value = stack.pop();
    visited++;
    if (typeof value === "string") {
      if (value.length > SHARED_PARSED_STRING) total += stringSize(value, sizes);
    } else if (isArray(value)) {
      total += sizes.array(value.length);
      for (const element of value) if (typeof element === "object" || typeof element === "string") stack.push(element);
    } else if (value !== null && typeof value === "object") {
      if (isProxy(value)) continue;
      const own = keys(value);
      total += sizes.parsedObject(own.length);
      for (const key of own) {
        const element = (value as Record<string, unknown>)[key];
        if (typeof element === "object" || typeof element === "string") stack.push(element);
        else if (typeof element === "number" && !isSmallInteger(element)) total += sizes.boxedNumber;
      }
    }
  }
  return total;
}
