/**
 * The lines of the retainers view (Enter in a drill-in): what keeps the
 * objects of the drilled row alive, as `retainers` prints it, asked for
 * once when the view opens (the program takes a heap snapshot, this
 * process analyses it).
 *
 * @module
 */
import { useEffect, useState } from "react";
import { messageOf } from "../../src/session/errors.ts";
import { retainersOfRow } from "../../src/session/commands/retainers.ts";
import type { Session } from "../../src/session/session.ts";
import type { DrillRequest } from "../state/drill.ts";

/**
 * What the view shows: the lines, or why there are none.
 *
 * @example
 * ```ts
 * const refused: RetainersLines = { lines: [], error: "no live sampled object allocated at app.ts:12 now" };
 * ```
 */
export interface RetainersLines {
  readonly lines: readonly string[];
  /** Why there are no lines (nothing to look at, no program), or null. */
  readonly error: string | null;
}

/**
 * The retainers of `request`'s row (null while the program and the
 * analysis work, and when there is no request).
 *
 * @example
 * ```tsx
 * import type { Session } from "../../src/session/session.ts";
 * import type { DrillRequest } from "../state/drill.ts";
 * declare const session: Session, request: DrillRequest;
 * const found = useRetainers(session, request);
 * ```
 */
export function useRetainers(session: Session | undefined, request: DrillRequest | null): RetainersLines | null {
  const [found, setFound] = useState<{ request: DrillRequest; lines: RetainersLines } | null>(null);
  useEffect(() => {
    if (!session || !request) return;
    let cancelled = false;
    const row = {
      title: request.title,
      label: request.title,
      key: request.key,
      grouping: request.grouping,
      snapshot: request.snapshot,
    };
    retainersOfRow(session, row, { paths: 10, depth: 12, objects: 20 }).then(
      ({ lines }) => !cancelled && setFound({ request, lines: { lines, error: null } }),
      (error) => !cancelled && setFound({ request, lines: { lines: [], error: messageOf(error) } }),
    );
    return () => {
      cancelled = true;
    };
  }, [session, request]);
  return request && found?.request === request ? found.lines : null;
}
