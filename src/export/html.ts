/**
 * The HTML report: one self-contained file to open in a browser. A flame
 * graph (an icicle: the oldest frames on top) of the snapshot, sized by
 * bytes, or of the growth since a base snapshot; a search box that
 * highlights matching frames and sums their bytes; the top lines beside it;
 * and, when the session has them, the totals of its snapshots over time and
 * the `leaks` ranking.
 *
 * The page makes no network request: its stylesheet, script and data are
 * inline, and its Content-Security-Policy (`default-src 'none'`, the script
 * and stylesheet allowed by their SHA-256 hashes) forbids any other. The
 * data travels as JSON in a `<script type="application/json">` element with
 * `<`, `>` and `&` escaped, and the script builds the page from it with
 * `textContent`, so file names from a dump cannot inject markup.
 *
 * @module
 */
import { createHash } from "node:crypto";
import type { Snapshot } from "../model/snapshot.ts";
import { formatSize } from "../model/format.ts";
import { escapeControl as visible } from "../text/escape.ts";
import { REPORT_CSS, REPORT_SCRIPT } from "./html-client.ts";
import { frameLabel, type Stack } from "./stacks.ts";
import { stackTree, type TreeNode } from "./tree.ts";

/**
 * One line of the top table: a `file:line` (and its function) with its
 * bytes and blocks, and their change in a comparison.
 *
 * @example
 * ```ts
 * const row: TopRow = { file: "/app/leak.ts", line: 16, fn: "handle", size: 2048000, count: 500 };
 * ```
 */
export interface TopRow {
  readonly file: string;
  readonly line: number;
  readonly fn?: string;
  readonly size: number;
  readonly count: number;
  readonly sizeDiff?: number;
  readonly countDiff?: number;
}

/**
 * One snapshot of the session, for the memory-over-time chart.
 *
 * @example
 * ```ts
 * const point: TimelinePoint = { label: "s2", time: new Date(), size: 1 << 20, traces: 42, current: true };
 * ```
 */
export interface TimelinePoint {
  readonly label: string;
  readonly time: Date;
  /** Total bytes of its traces. */
  readonly size: number;
  /** Number of its traces. */
  readonly traces: number;
  /** The snapshot the report is about. */
  readonly current?: boolean;
  /** The base of the report's comparison. */
  readonly base?: boolean;
}

/**
 * One place of the `leaks` ranking (steady growth over three or more
 * snapshots), as the report shows it.
 *
 * @example
 * ```ts
 * const leak: LeakRow = { file: "/app/leak.ts", line: 16, growth: 4096, grew: 3, intervals: 3, steadiness: 1, bars: "▁▃▅█" };
 * ```
 */
export interface LeakRow {
  readonly file: string;
  readonly line: number;
  readonly fn?: string;
  /** Bytes in the last snapshot minus the first. */
  readonly growth: number;
  /** Intervals it grew in. */
  readonly grew: number;
  /** Intervals between the snapshots ranked. */
  readonly intervals: number;
  /** 1.0 for growth in every interval and no shrinking. */
  readonly steadiness: number;
  /** Its sizes as bars, `▁▃▅█`. */
  readonly bars?: string;
}

/**
 * What the report shows.
 *
 * @example
 * ```ts
 * import { Snapshot } from "../model/snapshot.ts";
 * import { stacksOf } from "./stacks.ts";
 * const snapshot = new Snapshot([[1, 4096, [["/app/leak.ts", 16, 3, "handle"]], 1]], 5);
 * const input: HtmlReportInput = {
 *   label: "s1",
 *   time: new Date(),
 *   stacks: stacksOf(snapshot),
 *   top: topRows(snapshot),
 *   generator: "tracemalloc-js",
 * };
 * ```
 */
export interface HtmlReportInput {
  /** The snapshot's label. */
  readonly label: string;
  /** The base snapshot's label: the report shows the growth since it. */
  readonly base?: string;
  /** When the snapshot was taken (or loaded). */
  readonly time: Date;
  /** What it was taken from: a command, a file. */
  readonly source?: string;
  /** The stacks, from {@link stacksOf} (with the base for a comparison). */
  readonly stacks: readonly Stack[];
  /** The top lines, from {@link topRows}. */
  readonly top: readonly TopRow[];
  /** The filters applied, as the REPL prints them. */
  readonly filters?: readonly string[];
  /** The session's snapshots, oldest first: a chart when there are two or more. */
  readonly timeline?: readonly TimelinePoint[];
  /** The `leaks` ranking, when the session has one. */
  readonly leaks?: readonly LeakRow[];
  /** Who wrote the file, e.g. `tracemalloc-js 0.1.0`. */
  readonly generator: string;
}

/**
 * The first `limit` lines of `snapshot` by size (as `statistics("lineno")`),
 * or by change since `base` (as `compareTo(base, "lineno")`).
 *
 * @example
 * ```ts
 * import { Snapshot } from "../model/snapshot.ts";
 * const snapshot = new Snapshot([[1, 4096, [["/app/leak.ts", 16, 3, "handle"]], 1]], 5);
 * topRows(snapshot)[0]; // { file: "/app/leak.ts", line: 16, fn: "handle", size: 4096, count: 1 }
 * ```
 */
export function topRows(snapshot: Snapshot, base?: Snapshot, limit = 50): TopRow[] {
  const entries = base ? snapshot.compareTo(base, "lineno") : snapshot.statistics("lineno");
  return entries.slice(0, limit).map((entry) => {
    const frame = entry.traceback.at(-1)!;
    return {
      file: frame.filename,
      line: frame.lineno,
      ...(frame.functionName ? { fn: frame.functionName } : {}),
      size: entry.size,
      count: entry.count,
      ...("sizeDiff" in entry ? { sizeDiff: entry.sizeDiff, countDiff: entry.countDiff } : {}),
    };
  });
}

/**
 * `text` safe inside HTML text and double-quoted attributes.
 *
 * @example
 * ```ts
 * escapeHtml('<img src="x">'); // "&#60;img src=&#34;x&#34;&#62;"
 * ```
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * JSON safe inside a `<script>` element: no `</script>`, `<!--`, nor line
 * separators that end it or a string (each escaped as `\u003c`...).
 *
 * @example
 * ```ts
 * scriptJson({ file: "</script>" }); // '{"file":"\\u003c/script\\u003e"}'
 * ```
 */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/** The tree as the page reads it: `[label, file, line, self, total, count, children]`, strings by index. */
function treeData(root: TreeNode, strings: string[]): unknown {
  const index = new Map<string, number>();
  const intern = (text: string): number => {
    let i = index.get(text);
    if (i === undefined) index.set(text, i = strings.push(text) - 1);
    return i;
  };
  const convert = (node: TreeNode): unknown[] => {
    const frame = node.frame;
    const label = frame ? frameLabel(frame) : "all";
    return [
      intern(label),
      frame ? intern(frame.filename) : -1,
      frame?.lineno ?? 0,
      node.self,
      node.total,
      node.count,
      node.children.map(convert),
    ];
  };
  return convert(root);
}

/** `growth +2000 KiB (2010 KiB grew, 10 KiB shrank), +500 blocks`. */
function growthFact(net: number, grew: number, shrank: number, blocks: number): string {
  const sizes = `${formatSize(grew, false)} grew, ${formatSize(shrank, false)} shrank`;
  return `growth ${formatSize(net, true)} (${sizes}), ${blocks >= 0 ? "+" : ""}${blocks} blocks`;
}

function sha256(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("base64");
}

/**
 * The report as one HTML document.
 *
 * @example
 * ```ts
 * import { writeFile } from "node:fs/promises";
 * import { Snapshot } from "../model/snapshot.ts";
 * import { stacksOf } from "./stacks.ts";
 * const snapshot = new Snapshot([[1, 4096, [["/app/leak.ts", 16, 3, "handle"]], 1]], 5);
 * const html = htmlReport({ label: "s1", time: new Date(), stacks: stacksOf(snapshot), top: topRows(snapshot), generator: "tracemalloc-js" });
 * await writeFile("s1.html", html);
 * ```
 */
export function htmlReport(input: HtmlReportInput): string {
  const diff = input.base !== undefined;
  const strings: string[] = [];
  const tree = stackTree(input.stacks, diff ? "growth" : "size");
  let size = 0, count = 0, shrank = 0;
  for (const stack of input.stacks) {
    size += diff ? stack.sizeDiff : stack.size;
    count += diff ? stack.countDiff : stack.count;
    if (diff && stack.sizeDiff < 0) shrank -= stack.sizeDiff;
  }
  const data = {
    diff,
    tree: treeData(tree, strings),
    strings,
    top: input.top,
    timeline: (input.timeline ?? []).map((p) => ({ ...p, time: p.time.toISOString() })),
    leaks: input.leaks ?? null,
  };
  const title = diff ? `${input.label} compared with ${input.base}` : input.label;
  const facts = [
    diff ? growthFact(size, tree.total, shrank, count) : `${formatSize(size, false)} in ${count} blocks`,
    `${input.stacks.length} distinct tracebacks`,
    input.time.toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC"),
    ...(input.source ? [`from ${input.source}`] : []),
    input.filters?.length ? `filters: ${input.filters.join("; ")}` : "no filters",
  ];
  const graphTitle = diff
    ? `Growth since ${input.base}: what grew, by traceback (oldest frame on top; width = bytes gained)`
    : "Memory by traceback (oldest frame on top; width = bytes)";
  const topTitle = diff ? `Top ${input.top.length} differences by line` : `Top ${input.top.length} lines`;
  const csp = `default-src 'none'; script-src 'sha256-${sha256(REPORT_SCRIPT)}'; ` +
    `style-src 'sha256-${sha256(REPORT_CSS)}'; img-src data:; base-uri 'none'; form-action 'none'`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="${escapeHtml(input.generator)}">
<title>tracemalloc: ${escapeHtml(visible(title))}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<header>
<h1>tracemalloc: ${escapeHtml(visible(title))}</h1>
<p class="meta">${escapeHtml(visible(facts.join(" · ")))}</p>
</header>
<section id="timeline"></section>
<section id="leaks"></section>
<div class="split">
<section id="flame">
<h2>${escapeHtml(visible(graphTitle))}</h2>
<div class="toolbar"><input id="search" type="search" placeholder="Search frames: function, file or file:line" aria-label="search frames"><span id="matches"></span><button id="reset" type="button">Reset zoom</button></div>
<div id="graph"></div>
<div id="details">Click a frame to zoom into it; hover for its bytes.</div>
</section>
<aside id="top">
<h2>${escapeHtml(visible(topTitle))}</h2>
<table id="top-table"></table>
</aside>
</div>
<footer>Written by ${escapeHtml(visible(input.generator))}. One file, no network requests.</footer>
<script type="application/json" id="report-data">${scriptJson(data)}</script>
<script>${REPORT_SCRIPT}</script>
</body>
</html>
`;
}

/**
 * {@link htmlReport} as UTF-8 bytes.
 *
 * @example
 * ```ts
 * declare const input: HtmlReportInput;
 * const bytes = encodeHtml(input);
 * ```
 */
export function encodeHtml(input: HtmlReportInput): Uint8Array {
  return new TextEncoder().encode(htmlReport(input));
}
