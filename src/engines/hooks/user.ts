/**
 * Checking the arguments of `track()` / `untrack()` (user domains).
 *
 * @module
 */

/**
 * Domains traced by engines, which `track()` refuses: 0 (JS heap), 1
 * (buffers), 2 (WebAssembly).
 *
 * @example
 * ```ts
 * RESERVED_DOMAINS.includes(1); // true
 * ```
 */
export const RESERVED_DOMAINS: readonly number[] = [0, 1, 2];

/**
 * Throws unless `domain` is a user domain: an integer that fits the
 * snapshot's 32-bit domain column, other than the engines' 0, 1 and 2.
 *
 * @example
 * ```ts
 * checkUserDomain(100); // ok
 * checkUserDomain(1); // RangeError: domain 1 is reserved for ArrayBuffer backing stores; ...
 * ```
 */
export function checkUserDomain(domain: unknown): number {
  if (typeof domain !== "number") {
    throw new TypeError(`domain must be an integer, not ${describe(domain)}`);
  }
  if (!Number.isInteger(domain) || domain < -(2 ** 31) || domain >= 2 ** 31) {
    throw new RangeError(
      `domain must be an integer in range [-2147483648; 2147483647], not ${domain}`,
    );
  }
  if (RESERVED_DOMAINS.includes(domain)) {
    const owner = domain === 0 ? "the JS heap" : domain === 1 ? "ArrayBuffer backing stores" : "WebAssembly memories";
    throw new RangeError(
      `domain ${domain} is reserved for ${owner}; user domains are the other integers`,
    );
  }
  return domain;
}

/**
 * Throws unless `key` can identify a trace: an object (held weakly) or a
 * primitive other than `null` and `undefined` (a number, as a native
 * address, a string, a bigint, a symbol).
 *
 * @example
 * ```ts
 * checkKey(0x7f001000); // ok
 * checkKey(undefined); // TypeError
 * ```
 */
export function checkKey(key: unknown): unknown {
  if (key === null || key === undefined) {
    throw new TypeError(
      `key must be an object or a number (any value but null and undefined), not ${key}`,
    );
  }
  if (typeof key === "number" && Number.isNaN(key)) {
    throw new TypeError("key must not be NaN");
  }
  return key;
}

/**
 * Throws unless `size` is a byte count: a non-negative safe integer.
 *
 * @example
 * ```ts
 * checkSize(4096); // ok
 * checkSize(-1); // RangeError
 * ```
 */
export function checkSize(size: unknown): number {
  if (typeof size !== "number") {
    throw new TypeError(
      `size must be a number of bytes, not ${describe(size)}`,
    );
  }
  if (!Number.isSafeInteger(size) || size < 0) {
    throw new RangeError(
      `size must be a non-negative integer number of bytes, not ${size}`,
    );
  }
  return size;
}

function describe(value: unknown): string {
  return value === null ? "null" : typeof value;
}
