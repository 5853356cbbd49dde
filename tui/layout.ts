/**
 * How the screen's rows are shared out: header, filter bar, view title,
 * the view's body, the output pane and the footer.
 *
 * @module
 */
import { HEADER_HEIGHT } from "./components/header.tsx";

/**
 * Rows given to each part of the screen.
 *
 * @example
 * ```ts
 * const { body, pane }: Layout = layout(120, 40); // 28 and 5
 * ```
 */
export interface Layout {
  /** Rows of the header. */
  readonly header: number;
  /** Rows of the view's body, its column titles included. */
  readonly body: number;
  /** Lines of the output pane (its rule not included); 0 hides it. */
  readonly pane: number;
  /** Columns of every line. */
  readonly width: number;
}

/**
 * The layout of a `columns` × `rows` terminal: the output pane shrinks and
 * then goes away on short terminals, the body takes what is left.
 *
 * @example
 * ```ts
 * layout(120, 40); // { header: 3, body: 28, pane: 5, width: 120 }
 * ```
 */
export function layout(columns: number, rows: number): Layout {
  const pane = rows >= 36 ? 5 : rows >= 28 ? 3 : rows >= 20 ? 2 : 0;
  // Filter bar, view title and footer take one row each; the pane's rule one more.
  const fixed = HEADER_HEIGHT + 3 + (pane ? pane + 1 : 0);
  return { header: HEADER_HEIGHT, body: Math.max(2, rows - fixed), pane, width: Math.max(20, columns) };
}
