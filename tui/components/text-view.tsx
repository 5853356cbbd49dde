/**
 * A scrolled page of styled lines: drill-in tracebacks, help, the log.
 *
 * @module
 */
// @jsxRuntime automatic
// @jsxImportSource react
import { Box } from "ink";
import type { ReactElement } from "react";
import { Line, type Part } from "./line.tsx";

/**
 * A line and how it looks.
 *
 * @example
 * ```ts
 * const heading: StyledLine = { text: "HELP", style: { bold: true } };
 * ```
 */
export interface StyledLine {
  /** The text, without newlines. */
  readonly text: string;
  /** Its style; default: plain. */
  readonly style?: Omit<Part, "text">;
}

/**
 * Props of {@link TextView}.
 *
 * @example
 * ```ts
 * const props: TextViewProps = { lines: [{ text: "hello" }], scroll: 0, height: 10, width: 80 };
 * ```
 */
export interface TextViewProps {
  /** Every line, shown or not. */
  readonly lines: readonly StyledLine[];
  /** The first line shown. */
  readonly scroll: number;
  /** Rows shown. */
  readonly height: number;
  /** Columns of each line. */
  readonly width: number;
}

/**
 * `height` lines from `scroll` on, each cut to the width.
 *
 * @example
 * ```tsx
 * <TextView lines={[{ text: "hello", style: { bold: true } }]} scroll={0} height={10} width={80} />
 * ```
 */
export function TextView({ lines, scroll, height, width }: TextViewProps): ReactElement {
  const shown = lines.slice(scroll, scroll + height);
  return (
    <Box flexDirection="column" height={height}>
      {shown.map((line, i) => <Line key={scroll + i} width={width} parts={[{ text: line.text, ...line.style }]} />)}
    </Box>
  );
}
