/**
 * The leaks view: the places that grew steadily over the snapshots held,
 * steadiest first, one row each with its steadiness, the intervals it grew
 * in, its growth, its first and last size and its sizes as bars, then how
 * to read them.
 *
 * @module
 */
// @jsxRuntime automatic
// @jsxImportSource react
import { Box } from "ink";
import type { ReactElement } from "react";
import { MIN_SNAPSHOTS, sizeBars } from "../../src/model/leaks.ts";
import { leaksLegend } from "../../src/session/commands/leaks.ts";
import { textWidth } from "../../src/text/width.ts";
import { bytes, cutLeft, cutRight, left, right } from "../format.ts";
import type { LeakRanking } from "../state/leaks.ts";
import { Line, type Part } from "./line.tsx";
import { locationOf } from "./stats-table.tsx";

/**
 * Lines of the view that are not rows: the column titles and the legend.
 *
 * @example
 * ```ts
 * const rowsShown = 30 - LEAKS_CHROME; // in a body of 30 lines
 * ```
 */
export const LEAKS_CHROME = 4;

/** The most bars a row shows: the last snapshots' when more are held. */
const MAX_BARS = 32;

/**
 * Props of {@link LeaksView}.
 *
 * @example
 * ```ts
 * const props: LeaksViewProps = { ranking: null, held: 2, pending: false, error: null, position: 0, height: 20, width: 120 };
 * ```
 */
export interface LeaksViewProps {
  /** The ranking, or null while there is none. */
  readonly ranking: LeakRanking | null;
  /** Number of snapshots held. */
  readonly held: number;
  /** Whether a ranking is being made. */
  readonly pending: boolean;
  /** Why the ranking failed, or null. */
  readonly error: string | null;
  /** The selected row. */
  readonly position: number;
  /** Lines of the body. */
  readonly height: number;
  /** Columns of each line. */
  readonly width: number;
}

/** Why there is no row to show. */
function emptyText(props: LeaksViewProps): string {
  const { ranking, held } = props;
  if (props.error) return `the ranking failed: ${props.error}`;
  if (held < MIN_SNAPSHOTS) {
    return `leaks need at least ${MIN_SNAPSHOTS} snapshots, and ${held} ${held === 1 ? "is" : "are"} held: ` +
      "press s to take one (Esc goes back)";
  }
  if (!ranking || props.pending) return "ranking the places that grew…";
  return `no place is bigger in ${ranking.labels.at(-1)} than in ${ranking.labels[0]} (or none left after the filters)`;
}

/**
 * Column titles, the rows that fit with the selected one in inverse video,
 * and the legend.
 *
 * @example
 * ```tsx
 * import type { LeakRanking } from "../state/leaks.ts";
 * declare const ranking: LeakRanking;
 * <LeaksView ranking={ranking} held={4} pending={false} error={null} position={0} height={20} width={120} />
 * ```
 */
export function LeaksView(props: LeaksViewProps): ReactElement {
  const { ranking, position, height, width } = props;
  if (!ranking || !ranking.leaks.length || props.error || props.held < MIN_SNAPSHOTS) {
    return (
      <Box flexDirection="column" height={height}>
        <Line width={width} parts={[{ text: ` ${emptyText(props)}`, dim: true }]} />
      </Box>
    );
  }
  const { leaks, labels, keyType } = ranking;
  const first = labels[0], last = labels.at(-1)!;
  const rows = Math.max(1, height - LEAKS_CHROME);
  const selected = Math.min(position, leaks.length - 1);
  const top = Math.max(0, Math.min(selected - rows + 1, leaks.length - rows));
  const rankWidth = Math.max(4, String(leaks.length).length + 1);
  const bars = Math.max(5, Math.min(labels.length, MAX_BARS));
  const span = `${first} → ${last}`;
  const spanWidth = Math.max(21, textWidth(span));
  const fixed = rankWidth + 11 + 6 + 11 + 1 + spanWidth + 2 + bars + 2;
  const locationWidth = Math.max(12, width - fixed);
  const titles: Part[] = [{
    text: `${right("#", rankWidth)} ${right("steadiness", 10)} ${right("grew", 5)} ${right("growth", 10)} ` +
      `${right(span, spanWidth)}  ${left("sizes", bars)}  location`,
    bold: true,
  }];
  const shown = leaks.slice(top, top + rows);
  return (
    <Box flexDirection="column" height={height}>
      <Line width={width} parts={titles} />
      {shown.map((leak, i) => {
        const at = top + i;
        const where = locationOf(leak.traceback, keyType);
        return (
          <Line
            key={at}
            width={width}
            inverse={at === selected}
            fill={at === selected}
            parts={[
              { text: right(String(at + 1), rankWidth) + " ", dim: true },
              { text: right(leak.steadiness.toFixed(2), 10) + " ", bold: leak.steadiness === 1 },
              { text: right(`${leak.grew}/${leak.intervals}`, 5) + " " },
              { text: right(bytes(leak.growth, true), 10), color: "red", bold: true },
              { text: " " + right(`${bytes(leak.first)} → ${bytes(leak.last)}`, spanWidth) + "  " },
              { text: left(cutLeft(sizeBars(leak.sizes), bars), bars) + "  ", color: "yellow" },
              ...where.map((part, k) => k === 0 ? { ...part, text: cutRight(part.text, locationWidth) } : part),
            ]}
          />
        );
      })}
      {Array.from({ length: rows - shown.length }, (_, i) => <Line key={`blank${i}`} width={width} parts={[]} />)}
      {leaksLegend(first, last).map((text) => (
        <Line key={text} width={width} parts={[{ text: ` ${text}`, dim: true }]} />
      ))}
    </Box>
  );
}
