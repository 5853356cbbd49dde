/**
 * The lines of a drill-in view, computed off the key path: Enter shows the
 * view at once, the tracebacks follow, found in slices.
 *
 * @module
 */
import { useEffect, useMemo, useState } from "react";
import type { Statistic } from "../../src/model/statistic.ts";
import { messageOf } from "../../src/session/errors.ts";
import { type DrillLine, drillLines, type DrillRequest } from "../state/drill.ts";
import { breathe, runSliced } from "../state/pace.ts";
import { rowTracebackSteps } from "../state/row-tracebacks.ts";

/** Lines of source shown either side of each frame's line. */
const RADIUS = 2;
/** Tracebacks shown before the rest are summed up. */
const LIMIT = 50;

/**
 * The drill-in lines of `request` (null while they are being computed).
 *
 * @example
 * ```tsx
 * import type { View } from "../state/ui.ts";
 * declare const view: Extract<View, { kind: "traceback" }>;
 * const lines = useDrill(view.request, view.newestFirst);
 * ```
 */
export function useDrill(request: DrillRequest | null, newestFirst: boolean): readonly DrillLine[] | null {
  const [stats, setStats] = useState<{ request: DrillRequest; stats: Statistic[] | string } | null>(null);
  useEffect(() => {
    if (!request) return;
    let cancelled = false;
    void (async () => {
      // Let the frame that acknowledges the key reach the screen first.
      await breathe(20);
      const found = await runSliced(rowTracebackSteps(request.snapshot, request.key, request.grouping), {
        cancelled: () => cancelled,
      });
      if (found && !cancelled) setStats({ request, stats: found });
    })().catch((error) => {
      if (!cancelled) setStats({ request, stats: messageOf(error) });
    });
    return () => {
      cancelled = true;
    };
  }, [request]);
  return useMemo(() => {
    if (!request || stats?.request !== request) return null;
    if (typeof stats.stats === "string") return [{ text: `cannot show the tracebacks: ${stats.stats}`, tone: "note" }];
    return drillLines(stats.stats, {
      newestFirst,
      radius: RADIUS,
      limit: LIMIT,
      tracebackLimit: request.snapshot.tracebackLimit,
    });
  }, [request, stats, newestFirst]);
}
