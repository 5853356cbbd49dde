/**
 * The bottom pane: the last lines of the target's standard output and
 * error, command results and events, under a rule naming it.
 *
 * @module
 */
// @jsxRuntime automatic
// @jsxImportSource react
import { Box } from "ink";
import type { ReactElement } from "react";
import type { LogLine, LogTone } from "../session/controller.ts";
import { textWidth } from "../../src/text/width.ts";
import { Line, type Part } from "./line.tsx";
import type { StyledLine } from "./text-view.tsx";

const TONES: Record<LogTone, Omit<Part, "text">> = {
  stdout: {},
  stderr: { color: "yellow" },
  command: { color: "cyan", bold: true },
  result: {},
  error: { color: "red" },
  event: { color: "magenta", bold: true },
};

/**
 * A log line as the screen shows it.
 *
 * @example
 * ```ts
 * styleLog({ id: 1, text: "oops", tone: "stderr" }); // { text: "oops", style: { color: "yellow" } }
 * ```
 */
export function styleLog(line: LogLine): StyledLine {
  return { text: line.text, style: TONES[line.tone] };
}

/**
 * Props of {@link OutputPane}.
 *
 * @example
 * ```ts
 * const props: OutputPaneProps = { log: [{ id: 1, text: "> snapshot", tone: "command" }], height: 4, width: 120 };
 * ```
 */
export interface OutputPaneProps {
  /** The log, oldest line first. */
  readonly log: readonly LogLine[];
  /** Lines of text (the rule takes one more). */
  readonly height: number;
  /** Columns of each line. */
  readonly width: number;
}

/**
 * The rule and the last `height` log lines.
 *
 * @example
 * ```tsx
 * import type { Controller } from "../session/controller.ts";
 * declare const controller: Controller;
 * <OutputPane log={controller.state.log} height={4} width={120} />
 * ```
 */
export function OutputPane({ log, height, width }: OutputPaneProps): ReactElement {
  const title = "─ output and messages (L: whole log) ";
  const shown = log.slice(-height);
  return (
    <Box flexDirection="column" height={height + 1}>
      <Line width={width} parts={[{ text: title + "─".repeat(Math.max(0, width - textWidth(title))), dim: true }]} />
      {shown.map((line) => <Line key={line.id} width={width} parts={[{ text: line.text, ...TONES[line.tone] }]} />)}
    </Box>
  );
}
