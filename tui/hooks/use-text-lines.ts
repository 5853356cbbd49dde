/**
 * The lines of the text views: a drill-in's tracebacks, what keeps its
 * objects alive, the help, the log.
 *
 * @module
 */
import { useMemo } from "react";
import { helpLines } from "../components/help.ts";
import type { Part } from "../components/line.tsx";
import { styleLog } from "../components/output-pane.tsx";
import type { StyledLine } from "../components/text-view.tsx";
import type { LogLine } from "../session/controller.ts";
import type { DrillLine, LineTone } from "../state/drill.ts";
import type { View } from "../state/ui.ts";
import type { Session } from "../../src/session/session.ts";
import { useDrill } from "./use-drill.ts";
import { type RetainersLines, useRetainers } from "./use-retainers.ts";

const TONES: Record<LineTone, Omit<Part, "text">> = {
  heading: { bold: true, color: "yellow" },
  frame: { color: "cyan" },
  current: { bold: true },
  context: { dim: true },
  note: { dim: true },
};

const styleDrill = (line: DrillLine): StyledLine => ({ text: line.text, style: TONES[line.tone] });

const READING: readonly StyledLine[] = [{ text: "reading tracebacks…", style: TONES.note }];

/** The retainers view's lines: the heading, the shapes of path, the notes dimmed; a refusal as a note. */
function styleRetainers(found: RetainersLines | null): readonly StyledLine[] {
  if (!found) return [{ text: "taking a heap snapshot in the program, then searching it…", style: TONES.note }];
  if (found.error) return [{ text: found.error, style: TONES.note }];
  return found.lines.map((text, i): StyledLine => ({
    text,
    style: i === 0 ? TONES.heading : /^\s+\d+ x /.test(text) ? TONES.current : TONES.note,
  }));
}

/**
 * The lines of `view` when it is a text view, else none.
 *
 * @example
 * ```tsx
 * import type { TargetStatus } from "../../src/session/target.ts";
 * import type { Controller } from "../session/controller.ts";
 * import type { View } from "../state/ui.ts";
 * declare const view: View, controller: Controller, status: TargetStatus | null;
 * const lines = useTextLines(view, controller.state.log, status?.limits ?? []);
 * ```
 */
export function useTextLines(
  view: View,
  log: readonly LogLine[],
  limits: readonly string[],
  session?: Session,
): readonly StyledLine[] {
  const retainers = useRetainers(session, view.kind === "retainers" ? view.request : null);
  const retainerLines = useMemo(() => styleRetainers(retainers), [retainers]);
  const drill = useDrill(
    view.kind === "traceback" ? view.request : null,
    view.kind === "traceback" && view.newestFirst,
  );
  const drillLines = useMemo(() => drill?.map(styleDrill) ?? READING, [drill]);
  const help = useMemo(() => helpLines(limits), [limits]);
  const logLines = useMemo(() => view.kind === "log" ? log.map(styleLog) : [], [view.kind, log]);
  if (view.kind === "traceback") return drillLines;
  if (view.kind === "retainers") return retainerLines;
  if (view.kind === "help") return help;
  if (view.kind === "log") return logLines;
  return [];
}
