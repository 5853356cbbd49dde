/**
 * The help screen's text: every key, and what this runtime cannot see.
 *
 * @module
 */
import { padEnd, textWidth } from "../../src/text/width.ts";
import type { StyledLine } from "./text-view.tsx";

/**
 * Every key and what it does, as `?` lists them.
 *
 * @example
 * ```ts
 * KEYS[0]; // ["?", "help (this screen)"]
 * ```
 */
export const KEYS: readonly (readonly [string, string])[] = [
  ["?", "help (this screen)"],
  ["q, Ctrl-C", "quit (the traced program is ended)"],
  ["t", "start or stop tracing (stopping forgets the traces; snapshots stay)"],
  ["s", "take a snapshot; type a label or press Enter for the next default (s1, s2, ...)"],
  ["c", "compare the last two snapshots (or the pair marked in the snapshot list)"],
  ["/", "add a glob filter: GLOB, !GLOB excludes, GLOB:LINE for one line, -a for any frame"],
  ["d", "add a domain filter: N includes, !N excludes (0 JS heap, 1 ArrayBuffer stores, 2 wasm)"],
  ["g", "group by line, file or whole traceback (cycles)"],
  ["C", "cumulative: count every frame of a traceback, not only the most recent"],
  ["o", "sort by size, count, average or growth (cycles)"],
  ["a", "allocated: allocations and bytes per line per second, freed included, since start or X (again: back)"],
  ["l", "leaks: the places that grew steadily over every snapshot held (3 or more), steadiest first (again: back)"],
  ["Enter", "drill into the selected row: its tracebacks with source lines; there, what keeps its objects alive"],
  ["Esc", "back to the previous view"],
  ["↑ ↓, j k", "move; PgUp PgDn page; Home End first and last row"],
  ["space", "pause or resume the live refresh"],
  [":", "command line: any REPL command (stats, top, traceback, dump, load, gc, eval, run, ...)"],
  ["S", "snapshot list: open, mark new (n) and base (b) for c, dump to a file (w), export (e), delete (x)"],
  ["F", "filter list: remove filters (x)"],
  ["L", "the whole log: program output, command results, messages"],
  ["R", "reset the peak of traced memory to its current size"],
  ["X", "clear the traces (tracing goes on)"],
  ["r", "in a traceback: newest frame first or oldest first"],
  ["[ ] { }", "in compare: step the base (old) or the new snapshot"],
];

/**
 * The help screen: keys, what the columns mean, and the limits of the runtime.
 *
 * @example
 * ```ts
 * helpLines(["domain 0 frames are functions, not lines"]).length;
 * ```
 */
export function helpLines(limits: readonly string[]): StyledLine[] {
  const width = Math.max(...KEYS.map(([key]) => textWidth(key)));
  const lines: StyledLine[] = [{ text: " Keys", style: { bold: true } }];
  for (const [key, what] of KEYS) {
    lines.push({ text: `   ${padEnd(key, width)}  ${what}` });
  }
  lines.push(
    { text: "" },
    { text: " Columns", style: { bold: true } },
    { text: "   size, count   memory of the group's live traces and how many blocks (estimates for sampled domains)" },
    { text: "   average       size / count" },
    { text: "   growth        change of size since the last refresh (live) · Δ: from the base snapshot (compare)" },
    { text: "   bytes/s       allocated: bytes allocated per second, freed included (allocs/s: allocations)" },
    {
      text:
        "   steadiness    leaks: (intervals it grew in / intervals) × (net growth / total change); 1.00: every time",
    },
    { text: "" },
    { text: " What this runtime cannot see", style: { bold: true } },
  );
  if (!limits.length) lines.push({ text: "   nothing: every domain is traced", style: { dim: true } });
  for (const limit of limits) lines.push({ text: `   - ${limit}`, style: { dim: true } });
  return lines;
}
