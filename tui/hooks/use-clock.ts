/**
 * The time, ticking on its own, for the header's elapsed time.
 *
 * @module
 */
import { useEffect, useState } from "react";

/**
 * Milliseconds since the epoch, updated every `every` ms.
 *
 * @example
 * ```tsx
 * const now = useClock(1000);
 * ```
 */
export function useClock(every: number, now: () => number = Date.now): number {
  const [time, setTime] = useState(now);
  useEffect(() => {
    const timer = setInterval(() => setTime(now()), every);
    return () => clearInterval(timer);
  }, [every, now]);
  return time;
}
