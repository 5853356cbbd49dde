/**
 * Which calls allocate: the built-ins whose result the line engine charges
 * to the line that calls them, and what their result must look like to
 * count (a user's own method named `map` that returns a number does not).
 *
 * @module
 */
import { SiteFlag } from "./plan.ts";
import { TYPED_ARRAYS } from "../typed-arrays.ts";

const ARRAY = SiteFlag.ExpectArray;
const STRING = SiteFlag.ExpectString;
const PROMISE = SiteFlag.ExpectPromise;
const FUNCTION = SiteFlag.ExpectFunction;
const OBJECT = SiteFlag.ExpectObject;

/** Methods that allocate whatever their receiver (checked by the result). */
const METHODS: Readonly<Record<string, number>> = {
  map: ARRAY,
  filter: ARRAY,
  flat: ARRAY,
  flatMap: ARRAY,
  splice: ARRAY,
  toSorted: ARRAY,
  toReversed: ARRAY,
  toSpliced: ARRAY,
  with: ARRAY,
  slice: ARRAY | STRING,
  concat: ARRAY | STRING,
  split: ARRAY | SiteFlag.Strings,
  match: ARRAY | SiteFlag.Strings,
  join: STRING,
  repeat: STRING,
  padStart: STRING,
  padEnd: STRING,
  replace: STRING,
  replaceAll: STRING,
  toUpperCase: STRING,
  toLowerCase: STRING,
  toLocaleUpperCase: STRING,
  toLocaleLowerCase: STRING,
  trim: STRING,
  trimStart: STRING,
  trimEnd: STRING,
  substring: STRING,
  substr: STRING,
  normalize: STRING,
  then: PROMISE,
  catch: PROMISE,
  finally: PROMISE,
  bind: FUNCTION,
  // JSX runtimes, as transpilers emit them (`_jsx(...)`, `React.createElement(...)`).
  jsx: OBJECT,
  jsxs: OBJECT,
  jsxDEV: OBJECT,
  createElement: OBJECT,
};

/** Functions of a global namespace (`JSON.parse`), only on that global's name. */
const STATICS: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  JSON: { parse: OBJECT | ARRAY | SiteFlag.Deep, stringify: STRING },
  Object: {
    keys: ARRAY,
    values: ARRAY,
    entries: ARRAY | SiteFlag.Pairs,
    fromEntries: OBJECT,
    create: OBJECT,
    getOwnPropertyNames: ARRAY,
    groupBy: OBJECT,
  },
  Array: { from: ARRAY, of: ARRAY },
  Promise: {
    all: PROMISE,
    allSettled: PROMISE,
    race: PROMISE,
    any: PROMISE,
    resolve: PROMISE,
    reject: PROMISE,
    withResolvers: OBJECT,
  },
  Map: { groupBy: OBJECT },
  Buffer: { from: OBJECT, alloc: OBJECT, allocUnsafe: OBJECT, concat: OBJECT },
};

/** Plain functions called by name. */
const FUNCTIONS: Readonly<Record<string, number>> = {
  structuredClone: OBJECT | ARRAY | SiteFlag.Deep,
  Array: ARRAY,
  _jsx: OBJECT,
  _jsxs: OBJECT,
  _jsxDEV: OBJECT,
  jsx: OBJECT,
  jsxs: OBJECT,
  jsxDEV: OBJECT,
};

const own = Object.prototype.hasOwnProperty;

/**
 * The flags of a call of `name` on `receiver` (an identifier's name, or
 * `null` for any other receiver), or 0 when the call does not allocate.
 *
 * @example
 * ```ts
 * callFlags("JSON", "parse"); // ExpectObject | ExpectArray | Deep
 * callFlags(null, "map"); // ExpectArray
 * callFlags(null, "push"); // 0
 * ```
 */
export function callFlags(receiver: string | null, name: string): number {
  if (receiver !== null && own.call(STATICS, receiver)) {
    const table = STATICS[receiver];
    if (own.call(table, name)) return table[name];
  }
  return own.call(METHODS, name) ? METHODS[name] : 0;
}

/**
 * The flags of a plain call `name(...)`, or 0 when it does not allocate.
 *
 * @example
 * ```ts
 * functionFlags("structuredClone"); // ExpectObject | ExpectArray | Deep
 * ```
 */
export function functionFlags(name: string): number {
  return own.call(FUNCTIONS, name) ? FUNCTIONS[name] : 0;
}

/** Constructors that make a buffer (`new X(n)`): their allocation hooks take the line from the site. */
const BUFFER_CONSTRUCTORS = new Set(["ArrayBuffer", "SharedArrayBuffer", ...TYPED_ARRAYS]);

/** Hooked functions that make a buffer, by receiver (`null`: any receiver). */
const BUFFER_CALLS: Readonly<Record<string, readonly string[]>> = {
  Buffer: ["alloc", "allocUnsafe", "allocUnsafeSlow", "from", "concat", "copyBytesFrom"],
  Uint8Array: ["fromBase64", "fromHex"],
};

/**
 * True when `new name(...)` makes a buffer that the allocation hooks trace
 * (a typed array, an `ArrayBuffer`...): the rewriter marks its last
 * argument so the hooks know the call's site.
 *
 * @example
 * ```ts
 * makesBufferNew("Uint8Array"); // true
 * makesBufferNew("Map"); // false
 * ```
 */
export function makesBufferNew(name: string): boolean {
  return BUFFER_CONSTRUCTORS.has(name);
}

/**
 * True when a call of `name` on `receiver` (an identifier's name, or
 * `null`) is a hooked function that makes a buffer: `Buffer.from`,
 * `Buffer.alloc`..., `Uint8Array.fromBase64`, and `encode` on any receiver
 * (`TextEncoder#encode`; the hooks check the call is theirs).
 *
 * @example
 * ```ts
 * makesBufferCall("Buffer", "from"); // true
 * makesBufferCall(null, "encode"); // true
 * makesBufferCall(null, "from"); // false
 * ```
 */
export function makesBufferCall(receiver: string | null, name: string): boolean {
  if (name === "encode") return true;
  return receiver !== null && own.call(BUFFER_CALLS, receiver) && BUFFER_CALLS[receiver].includes(name);
}
