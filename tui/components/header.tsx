/**
 * The header: what is traced and how, traced memory now, at its peak and
 * over time, and what this runtime cannot see.
 *
 * @module
 */
// @jsxRuntime automatic
// @jsxImportSource react
import { Box, Text } from "ink";
import type { ReactElement } from "react";
import { describeExit } from "../../src/session/child.ts";
import { shortEngine } from "../../src/session/present.ts";
import type { TargetStatus } from "../../src/session/target.ts";
import { bytes, duration, shortPath } from "../format.ts";
import { sparkline } from "../state/sparkline.ts";
import { cutRight, takeStart, textWidth } from "../../src/text/width.ts";
import { Line, type Part } from "./line.tsx";
import { tint } from "../color.ts";

/**
 * Props of {@link Header}.
 *
 * @example
 * ```ts
 * import type { TargetStatus } from "../../src/session/target.ts";
 * declare const status: TargetStatus;
 * const now = Date.now();
 * const props: HeaderProps = { status, samples: [], since: now, now, snapshots: 0, busy: null, error: null, width: 120 };
 * ```
 */
export interface HeaderProps {
  /** The target's last status, or null before the first. */
  readonly status: TargetStatus | null;
  /** Current traced memory at each refresh, oldest first. */
  readonly samples: readonly number[];
  /** When the target was first seen, and now (ms since the epoch). */
  readonly since: number;
  /** The time now (ms since the epoch), for the time traced. */
  readonly now: number;
  /** Number of snapshots held. */
  readonly snapshots: number;
  /** What is being done, e.g. "taking a snapshot". */
  readonly busy: string | null;
  /** The last refresh's failure. */
  readonly error: string | null;
  /** Columns of each line. */
  readonly width: number;
}

/**
 * Lines the header takes.
 *
 * @example
 * ```ts
 * import { layout } from "../layout.ts";
 * layout(120, 40).header === HEADER_HEIGHT; // true
 * ```
 */
export const HEADER_HEIGHT = 3;

const SEP: Part = { text: " │ ", dim: true };

function targetLine(props: HeaderProps): Part[] {
  const { status } = props;
  const head: Part[] = [{ text: " tracemalloc ", bold: true, inverse: true }, { text: " " }];
  if (!status) return [...head, { text: props.busy ? `${props.busy}…` : "connecting…", color: "yellow" }];
  const frames = `${status.tracebackLimit} frame${status.tracebackLimit === 1 ? "" : "s"}`;
  const state: Part = status.exit
    ? { text: `✖ ${describeExit(status.exit)}`, color: "red", bold: true }
    : status.tracing
    ? { text: `● tracing, ${frames}`, color: "green" }
    : { text: "○ not tracing (t starts)", color: "yellow" };
  // Fields in screen order with their rank: on a narrow terminal the highest ranks go first.
  const fields: [Part, number][] = [
    [{ text: status.command.split(" ").map((word) => shortPath(word)).join(" "), bold: true }, 0],
    [{ text: `pid ${status.pid}` }, 3],
    [{ text: status.runtime }, 4],
    [state, 0],
    ...(status.engine ? [[{ text: shortEngine(status.engine) }, 2] as [Part, number]] : []),
    [{ text: `elapsed ${duration(props.now - props.since)}` }, 2],
    [{ text: `${props.snapshots} snapshot${props.snapshots === 1 ? "" : "s"}` }, 1],
  ];
  const length = (kept: [Part, number][]) =>
    head.reduce((n, p) => n + textWidth(p.text), 0) +
    kept.reduce((n, [p], i) => n + textWidth(p.text) + (i ? textWidth(SEP.text) : 0), 0);
  let kept = fields;
  for (let rank = 4; rank > 0 && length(kept) > props.width; rank--) kept = kept.filter(([, r]) => r < rank);
  return [...head, ...kept.flatMap(([part], i) => i ? [SEP, part] : [part])];
}

/**
 * How old the figures are, when a costly engine (V8's sampler, Bun's
 * census) handed back an older read to stay within its time budget: ""
 * when under a second.
 */
function staleness(status: TargetStatus | null): string {
  const age = status?.age ?? 0;
  return age >= 1000 && !status?.exit ? `  (figures from ${Math.round(age / 1000)}s ago)` : "";
}

function Memory(props: HeaderProps): ReactElement {
  const { status, width } = props;
  const current = status?.memory.current ?? 0;
  const peak = status?.memory.peak ?? 0;
  const label = ` traced memory ${bytes(current)}  peak ${bytes(peak)}${staleness(status)}  `;
  const graphWidth = Math.max(0, width - textWidth(label) - 1);
  const graph = sparkline(props.samples, graphWidth, peak);
  const before = graph.text.slice(0, Math.max(0, graph.peakAt));
  const at = graph.peakAt >= 0 ? graph.text[graph.peakAt] : "";
  const after = graph.peakAt >= 0 ? graph.text.slice(graph.peakAt + 1) : "";
  return (
    <Text wrap="truncate-end">
      <Text>{takeStart(label, width)}</Text>
      <Text color={tint("cyan")}>{before}</Text>
      <Text color={tint("red")} bold>{at}</Text>
      <Text color={tint("cyan")}>{after}</Text>
    </Text>
  );
}

function limitsLine(props: HeaderProps): Part[] {
  if (props.error) return [{ text: ` refresh failed: ${props.error}`, color: "red" }];
  const limits = props.status?.limits ?? [];
  if (!limits.length) return [{ text: " this runtime sees every traced domain", dim: true }];
  const more = limits.length > 1 ? ` (+${limits.length - 1} more: ? lists them)` : "";
  const room = Math.max(10, props.width - textWidth(" cannot see: ") - textWidth(more));
  const first = cutRight(limits[0], room);
  return [{ text: " cannot see: ", color: "yellow" }, { text: first, dim: true }, { text: more, dim: true }];
}

/**
 * The three header lines.
 *
 * @example
 * ```tsx
 * import type { TargetStatus } from "../../src/session/target.ts";
 * declare const status: TargetStatus, samples: number[], since: number;
 * <Header status={status} samples={samples} since={since} now={Date.now()} snapshots={2}
 *   busy={null} error={null} width={120} />
 * ```
 */
export function Header(props: HeaderProps): ReactElement {
  return (
    <Box flexDirection="column" height={HEADER_HEIGHT}>
      <Line parts={targetLine(props)} width={props.width} />
      <Memory {...props} />
      <Line parts={limitsLine(props)} width={props.width} />
    </Box>
  );
}
