/**
 * The allocated view's data: the target's allocations since tracing started
 * or was cleared, freed included, asked for about once a second while the
 * view is on screen (and at once after each command), never while paused.
 *
 * @module
 */
import { useEffect, useState } from "react";
import { messageOf } from "../../src/session/errors.ts";
import type { Session } from "../../src/session/session.ts";
import type { Allocated } from "../../src/tracer.ts";

/**
 * The last answer, or why there is none.
 *
 * @example
 * ```ts
 * const refused: AllocatedState = { allocated: null, error: "domain 0 here is V8's sampler", pending: false };
 * ```
 */
export interface AllocatedState {
  /** The target's last answer, or null. */
  readonly allocated: Allocated | null;
  /** Why the last request failed (the engine cannot count them, the program ended), or null. */
  readonly error: string | null;
  /** True until the first answer since the view opened. */
  readonly pending: boolean;
}

const IDLE: AllocatedState = { allocated: null, error: null, pending: true };

/**
 * Asks `session`'s target for its allocations every `interval` ms while `on`
 * and not `paused`.
 *
 * @example
 * ```tsx
 * import type { Session } from "../../src/session/session.ts";
 * declare const session: Session;
 * const { allocated, error } = useAllocated(session, true, false);
 * ```
 */
export function useAllocated(session: Session, on: boolean, paused: boolean, interval = 1000): AllocatedState {
  const [state, setState] = useState<AllocatedState>(IDLE);
  useEffect(() => {
    if (!on) {
      setState(IDLE);
      return;
    }
    if (paused) return;
    let cancelled = false;
    let running = false;
    let again = false;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const ask = async (): Promise<void> => {
      timer = null;
      running = true;
      let next: AllocatedState;
      try {
        next = { allocated: await session.target.allocated(), error: null, pending: false };
      } catch (error) {
        next = { allocated: null, error: messageOf(error), pending: false };
      }
      running = false;
      if (cancelled) return;
      setState(next);
      timer = setTimeout(() => void ask(), again ? 0 : interval);
      again = false;
    };
    const soon = () => {
      if (running) again = true;
      else if (timer !== null) {
        clearTimeout(timer);
        timer = setTimeout(() => void ask(), 0);
      }
    };
    // A command (clear, start, run, a filter) may change the answer: ask again at once.
    const off = session.onChange((change) => change.type === "command" && soon());
    void ask();
    return () => {
      cancelled = true;
      off();
      if (timer !== null) clearTimeout(timer);
    };
  }, [session, on, paused, interval]);
  return state;
}
