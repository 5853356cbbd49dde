/**
 * The snapshots the session holds: label, when, traces, size and origin,
 * with the pair picked for comparison marked.
 *
 * @module
 */
// @jsxRuntime automatic
// @jsxImportSource react
import { Box } from "ink";
import type { ReactElement } from "react";
import type { SnapshotEntry } from "../../src/session/session.ts";
import { bytes, left, right, shortPath } from "../format.ts";
import { textWidth } from "../../src/text/width.ts";
import { Line, type Part } from "./line.tsx";

/**
 * Props of {@link SnapshotList}.
 *
 * @example
 * ```ts
 * import type { SnapshotEntry } from "../../src/session/session.ts";
 * declare const entries: SnapshotEntry[];
 * const props: SnapshotListProps = { entries, position: 0, newLabel: "s2", oldLabel: "s1", height: 20, width: 120 };
 * ```
 */
export interface SnapshotListProps {
  /** The snapshots held, oldest first. */
  readonly entries: readonly SnapshotEntry[];
  /** The selected entry's index. */
  readonly position: number;
  /** Labels picked as the new and the old side of a comparison. */
  readonly newLabel: string | null;
  /** The snapshot marked as base (`b`), if any. */
  readonly oldLabel: string | null;
  /** Rows for the list (one more is taken). */
  readonly height: number;
  /** Columns of each line. */
  readonly width: number;
}

function totals(entry: SnapshotEntry): { traces: number; size: number } {
  const { size, length } = entry.snapshot.columns;
  let sum = 0;
  for (let i = 0; i < length; i++) sum += size[i];
  return { traces: length, size: sum };
}

/**
 * One line per snapshot, oldest first.
 *
 * @example
 * ```tsx
 * import type { Session } from "../../src/session/session.ts";
 * declare const session: Session;
 * <SnapshotList entries={[...session.snapshots.values()]} position={0} newLabel={null} oldLabel={null}
 *   height={20} width={120} />
 * ```
 */
export function SnapshotList(props: SnapshotListProps): ReactElement {
  const { entries, position, height, width } = props;
  if (!entries.length) {
    return (
      <Box height={height + 1}>
        <Line width={width} parts={[{ text: " no snapshots yet: press s to take one", dim: true }]} />
      </Box>
    );
  }
  const labelWidth = Math.max(6, ...entries.map((e) => textWidth(e.label)));
  const top = Math.max(0, Math.min(position - height + 1, entries.length - height));
  const shown = entries.slice(Math.max(0, top), Math.max(0, top) + height);
  const title: Part[] = [{
    text: `    ${left("label", labelWidth)}  ${left("time", 8)}  ${right("traces", 8)}  ${right("size", 10)}  from`,
    bold: true,
  }];
  return (
    <Box flexDirection="column" height={height + 1}>
      <Line width={width} parts={title} />
      {shown.map((entry, i) => {
        const index = Math.max(0, top) + i;
        const { traces, size } = totals(entry);
        const mark = entry.label === props.newLabel ? "N" : entry.label === props.oldLabel ? "B" : " ";
        const origin = entry.origin === "loaded" ? `loaded from ${shortPath(entry.source)}` : entry.source;
        const file = entry.file && entry.origin === "taken" ? `  → ${shortPath(entry.file)}` : "";
        return (
          <Line
            key={entry.label}
            width={width}
            inverse={index === position}
            fill={index === position}
            parts={[
              { text: ` ${mark}  `, color: "magenta", bold: true },
              { text: left(entry.label, labelWidth), bold: true },
              {
                text: `  ${entry.time.toTimeString().slice(0, 8)}  ${right(String(traces), 8)}  ${
                  right(bytes(size), 10)
                }  `,
              },
              { text: origin + file, dim: true },
            ]}
          />
        );
      })}
    </Box>
  );
}
