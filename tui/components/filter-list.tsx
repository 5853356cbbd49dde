/**
 * The active filters, one per line, numbered as `filter remove N` counts.
 *
 * @module
 */
// @jsxRuntime automatic
// @jsxImportSource react
import { Box } from "ink";
import type { ReactElement } from "react";
import { Line } from "./line.tsx";

/**
 * Props of {@link FilterList}.
 *
 * @example
 * ```ts
 * const props: FilterListProps = { filters: ["exclude domain 1"], position: 0, height: 10, width: 80 };
 * ```
 */
export interface FilterListProps {
  /** The filters as text (`include "*demo.ts"`, `exclude domain 1`). */
  readonly filters: readonly string[];
  /** The selected filter's index. */
  readonly position: number;
  /** Rows for the list (one more is taken). */
  readonly height: number;
  /** Columns of each line. */
  readonly width: number;
}

/**
 * The filter list; the selected one can be removed.
 *
 * @example
 * ```tsx
 * import type { Session } from "../../src/session/session.ts";
 * declare const session: Session;
 * <FilterList filters={session.filters.map(String)} position={0} height={10} width={80} />
 * ```
 */
export function FilterList({ filters, position, height, width }: FilterListProps): ReactElement {
  if (!filters.length) {
    return (
      <Box height={height + 1}>
        <Line
          width={width}
          parts={[{ text: " no filters: every trace is shown (/ adds a glob filter, d a domain filter)", dim: true }]}
        />
      </Box>
    );
  }
  const top = Math.max(0, position - height + 1);
  return (
    <Box flexDirection="column" height={height + 1}>
      <Line
        width={width}
        parts={[{
          text: " a trace is shown when any include filter matches it (or there is none) and no exclude filter does",
          dim: true,
        }]}
      />
      {filters.slice(top, top + height).map((text, i) => (
        <Line
          key={`${top + i}:${text}`}
          width={width}
          inverse={top + i === position}
          fill={top + i === position}
          parts={[
            { text: ` ${String(top + i + 1).padStart(3)}  ` },
            { text, color: text.startsWith("include") ? "green" : "red" },
          ]}
        />
      ))}
    </Box>
  );
}
