/**
 * Number formatting as CPython's tracemalloc prints it: `%.Nf` rounding,
 * sizes in B, KiB, MiB... and counts with an optional sign.
 *
 * @module
 */
/**
 * Python's `%.Nf` on a double: correctly rounded, ties to even (JavaScript's
 * `toFixed` rounds ties up).
 *
 * @example
 * ```ts
 * pyFixed(2.5, 0);        // "2"
 * pyFixed(1.25, 1, true); // "+1.2"
 * ```
 */
export function pyFixed(x: number, digits: 0 | 1, sign = false): string {
  const negative = x < 0 || Object.is(x, -0);
  const abs = Math.abs(x);
  // A tie is exactly representable: abs * 2^(digits + 1) is an odd integer.
  const twice = abs * (digits === 0 ? 2 : 4);
  let text: string;
  if (Number.isInteger(twice) && twice % 2 === 1 && twice < 2 ** 53) {
    const scaled = digits === 0 ? abs : abs * 10; // exact: abs is a quarter or half
    let n = Math.floor(scaled);
    if (n % 2 === 1) n += 1;
    text = digits === 0 ? String(n) : `${Math.floor(n / 10)}.${n % 10}`;
  } else {
    text = abs.toFixed(digits);
  }
  return (negative ? "-" : sign ? "+" : "") + text;
}

const UNITS = ["B", "KiB", "MiB", "GiB", "TiB"] as const;

/**
 * A byte count as CPython's `tracemalloc._format_size`: `5002 B`, `88.7 KiB`,
 * `+4428 KiB`; three or four significant digits, units up to TiB.
 *
 * @example
 * ```ts
 * formatSize(10 * 1024, false); // "10.0 KiB"
 * formatSize(-5000, true);      // "-5000 B"
 * ```
 */
export function formatSize(size: number, sign: boolean): string {
  for (const unit of UNITS) {
    if (Math.abs(size) < 100 && unit !== "B") return `${pyFixed(size, 1, sign)} ${unit}`;
    if (Math.abs(size) < 10 * 1024 || unit === "TiB") return `${pyFixed(size, 0, sign)} ${unit}`;
    size /= 1024;
  }
  throw new Error("unreachable");
}

/** Python's `%i` / `%+i` of a count (truncates toward zero). */
export function formatCount(n: number, sign = false): string {
  const i = Math.trunc(n);
  return (sign && i >= 0 ? "+" : "") + String(i === 0 ? 0 : i);
}
