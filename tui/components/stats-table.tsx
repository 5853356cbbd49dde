/**
 * A table of statistics: only the rows on screen are drawn, whatever the
 * number of rows, so scrolling and paging cost the same at 10 rows and at
 * 100k.
 *
 * @module
 */
// @jsxRuntime automatic
// @jsxImportSource react
import { Box } from "ink";
import type { ReactElement } from "react";
import type { Traceback } from "../../src/model/traceback.ts";
import { bytes, count, cutLeft, cutRight, left, right, shortPath } from "../format.ts";
import type { SortKey, TableData } from "../state/table.ts";
import { escapeControl } from "../../src/text/escape.ts";
import { textWidth } from "../../src/text/width.ts";
import { perSecond } from "../../src/session/commands/allocated.ts";
import { Line, type Part } from "./line.tsx";

/**
 * Props of {@link StatsTable}.
 *
 * @example
 * ```ts
 * const props: StatsTableProps = {
 *   data: null, sort: "size", order: null, position: 0, top: 0, height: 20, width: 120, empty: "no traces yet",
 * }; // one line: " no traces yet"
 * ```
 */
export interface StatsTableProps {
  /** The rows, or null while there is no table. */
  readonly data: TableData | null;
  /** The order the rows are shown in (its column is marked). */
  readonly sort: SortKey;
  /** The rows in that order, or null while there is none. */
  readonly order: Uint32Array | null;
  /** The selected row's position in sort order, and the first row shown. */
  readonly position: number;
  /** The position in sort order of the first row shown. */
  readonly top: number;
  /** Rows of the body (the column titles take one more line). */
  readonly height: number;
  /** Columns of each line. */
  readonly width: number;
  /** Shown instead of rows when there is no table or it is empty. */
  readonly empty: string;
  /** The span of an allocated table, in seconds: its rates are per second of it. */
  readonly seconds?: number;
}

interface Column {
  readonly title: string;
  readonly width: number;
  readonly sort?: SortKey;
  readonly cell: (data: TableData, row: number) => Part;
}

const signed = (n: number): Part => ({
  text: bytes(n, true),
  color: n > 0 ? "red" : n < 0 ? "green" : undefined,
  dim: n === 0,
  bold: n > 0,
});

const signedCount = (n: number): Part => ({
  text: count(n, true),
  color: n > 0 ? "red" : n < 0 ? "green" : undefined,
  dim: n === 0,
});

function columns(data: TableData, seconds = 0): Column[] {
  const size: Column = { title: "size", width: 10, sort: "size", cell: (d, i) => ({ text: bytes(d.size[i]) }) };
  const blocks: Column = { title: "count", width: 8, sort: "count", cell: (d, i) => ({ text: count(d.count[i]) }) };
  const average: Column = {
    title: "average",
    width: 10,
    sort: "average",
    cell: (d, i) => d.count[i] ? { text: bytes(d.average(i)) } : { text: "-", dim: true },
  };
  if (data.kind === "allocated") {
    const rate = (n: number) => seconds > 0 ? n / seconds : 0;
    return [
      { title: "bytes/s", width: 10, sort: "size", cell: (d, i) => ({ text: bytes(rate(d.size[i])) }) },
      { title: "allocs/s", width: 9, sort: "count", cell: (d, i) => ({ text: perSecond(rate(d.count[i])) }) },
      { title: "allocated", width: 10, cell: (d, i) => ({ text: bytes(d.size[i]), dim: true }) },
      { ...blocks, title: "allocs", sort: undefined },
      average,
    ];
  }
  if (data.kind === "compare") {
    return [
      size,
      { title: "Δ size", width: 11, sort: "growth", cell: (d, i) => signed(d.sizeDiff[i]) },
      blocks,
      { title: "Δ count", width: 8, cell: (d, i) => signedCount(d.countDiff[i]) },
      average,
    ];
  }
  const growth: Column = {
    title: "growth",
    width: 11,
    sort: "growth",
    cell: (d, i) => d.hasDiff ? signed(d.sizeDiff[i]) : { text: "", dim: true },
  };
  return data.kind === "live" ? [size, blocks, average, growth] : [size, blocks, average];
}

/**
 * Where a row's memory was allocated, as the location column shows it:
 * `file:line` (relative to the current directory) and the function's name,
 * control characters escaped (so the columns are measured as shown).
 *
 * @example
 * ```ts
 * import { Traceback } from "../../src/model/traceback.ts";
 * const traceback = Traceback.fromRaw([["app.ts", 55, 3, "cacheResponse"]]);
 * locationOf(traceback, "lineno"); // [{ text: "app.ts:55" }, { text: " cacheResponse", color: "cyan" }]
 * ```
 */
export function locationOf(traceback: Traceback, keyType: string): Part[] {
  const frame = traceback.at(-1);
  if (!frame) return [{ text: "<no frame>", dim: true }];
  const file = shortPath(frame.filename);
  if (keyType === "filename") return [{ text: file }];
  const parts: Part[] = [{ text: `${file}:${frame.lineno}` }];
  if (frame.functionName) parts.push({ text: ` ${escapeControl(frame.functionName)}`, color: "cyan" });
  if (keyType === "traceback") {
    parts.push({ text: ` (${traceback.length} frame${traceback.length === 1 ? "" : "s"})`, dim: true });
  }
  return parts;
}

/**
 * The location parts in exactly `width` terminal columns, keeping the end
 * of the file name and the line.
 */
function location(parts: Part[], width: number): Part[] {
  const [where, ...rest] = parts;
  const whereLength = textWidth(where.text);
  const restLength = rest.reduce((n, p) => n + textWidth(p.text), 0);
  if (whereLength + restLength <= width) {
    return [...parts, { text: " ".repeat(width - whereLength - restLength) }];
  }
  const whereWidth = Math.min(whereLength, Math.max(Math.ceil(width * 0.6), width - restLength));
  const first = cutLeft(where.text, whereWidth);
  const out: Part[] = [{ ...where, text: first }];
  let room = width - textWidth(first);
  for (const part of rest) {
    if (room <= 0) break;
    const text = cutRight(part.text, room);
    out.push({ ...part, text });
    room -= textWidth(text);
  }
  if (room > 0) out.push({ text: " ".repeat(room) });
  return out;
}

/**
 * Column titles and the visible rows of `data` in `sort` order, the
 * selected row in inverse video.
 *
 * @example
 * ```tsx
 * import type { TableData } from "../state/table.ts";
 * declare const table: TableData;
 * <StatsTable data={table} sort="size" order={table.order("size")} position={0} top={0} height={20} width={120}
 *   empty="no traces yet" />
 * ```
 */
export function StatsTable(props: StatsTableProps): ReactElement {
  const { data, sort, order, position, top, height, width } = props;
  if (!data || !data.length || !order) {
    return (
      <Box flexDirection="column" height={height + 1}>
        <Line width={width} parts={[{ text: ` ${props.empty}`, dim: true }]} />
      </Box>
    );
  }
  const cols = columns(data, props.seconds);
  const rankWidth = Math.max(4, String(data.length).length + 1);
  const fixed = rankWidth + 1 + cols.reduce((n, c) => n + c.width + 1, 0);
  const locationWidth = Math.max(12, width - fixed);
  const titles: Part[] = [{ text: right("#", rankWidth) + " " }, { text: left("location", locationWidth) }];
  for (const col of cols) {
    const marked = col.sort === sort ? `${col.title}▼` : col.title;
    titles.push({
      text: " " + right(marked, col.width),
      bold: col.sort === sort,
      color: col.sort === sort ? "cyan" : undefined,
    });
  }
  const rows: ReactElement[] = [];
  const end = Math.min(data.length, top + height);
  for (let p = top; p < end; p++) {
    const row = order[p];
    const parts: Part[] = [{ text: right(String(p + 1), rankWidth) + " ", dim: true }];
    parts.push(...location(locationOf(data.traceback(row), data.grouping.keyType), locationWidth));
    for (const col of cols) {
      const cell = col.cell(data, row);
      parts.push({ text: " " }, { ...cell, text: right(cell.text, col.width) });
    }
    rows.push(<Line key={p} width={width} parts={parts} inverse={p === position} fill={p === position} />);
  }
  return (
    <Box flexDirection="column" height={height + 1}>
      <Line width={width} parts={titles} />
      {rows}
    </Box>
  );
}
