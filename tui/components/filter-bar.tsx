/**
 * The active filters, always in sight under the header.
 *
 * @module
 */
// @jsxRuntime automatic
// @jsxImportSource react
import type { ReactElement } from "react";
import { Line, type Part } from "./line.tsx";

/**
 * Props of {@link FilterBar}.
 *
 * @example
 * ```ts
 * const props: FilterBarProps = { filters: [], width: 80 }; // " filters: none (/ adds a glob filter, d a domain filter)"
 * ```
 */
export interface FilterBarProps {
  /** The filters as text, in order. */
  readonly filters: readonly string[];
  /** Columns of the line. */
  readonly width: number;
}

/**
 * ` filters: 1 include "*demo.ts" · 2 exclude domain 1  (F removes)`, or how to add one.
 *
 * @example
 * ```tsx
 * import type { Session } from "../../src/session/session.ts";
 * declare const session: Session;
 * <FilterBar filters={session.filters.map(String)} width={120} />
 * ```
 */
export function FilterBar({ filters, width }: FilterBarProps): ReactElement {
  const parts: Part[] = [{ text: " filters: ", bold: true }];
  if (!filters.length) parts.push({ text: "none (/ adds a glob filter, d a domain filter)", dim: true });
  filters.forEach((text, i) => {
    if (i) parts.push({ text: " · ", dim: true });
    parts.push({ text: `${i + 1} `, dim: true }, { text, color: text.startsWith("include") ? "green" : "red" });
  });
  if (filters.length) parts.push({ text: "   (F lists and removes them)", dim: true });
  return <Line width={width} parts={parts} />;
}
