/**
 * The size the screen is drawn at: the terminal's, following resizes, or a
 * fixed one (component tests, where there is no terminal).
 *
 * @module
 */
import { useWindowSize } from "ink";

/**
 * Columns and rows.
 *
 * @example
 * ```ts
 * const fixed: Size = { columns: 120, rows: 40 };
 * useTerminalSize(fixed); // always 120 × 40, whatever the terminal
 * ```
 */
export interface Size {
  /** Columns of the terminal. */
  readonly columns: number;
  /** Rows of the terminal. */
  readonly rows: number;
}

/**
 * `fixed` when given, else the terminal's size, re-rendering on resize.
 *
 * @example
 * ```tsx
 * declare const props: { size?: Size };
 * const { columns, rows } = useTerminalSize(props.size);
 * ```
 */
export function useTerminalSize(fixed?: Size): Size {
  const window = useWindowSize();
  return fixed ?? window;
}
