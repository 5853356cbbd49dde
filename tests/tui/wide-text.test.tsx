/**
 * File names, function names and labels with CJK characters, emoji and
 * combining accents: every rendered line keeps the width of its columns.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { render } from "ink-testing-library";
import type { ReactElement } from "react";
import stringWidth from "string-width";
import { type RawTrace, Snapshot } from "../../src/model/snapshot.ts";
import type { SnapshotEntry } from "../../src/session/session.ts";
import { fit, Line } from "../../tui/components/line.tsx";
import { OutputPane } from "../../tui/components/output-pane.tsx";
import { SnapshotList } from "../../tui/components/snapshot-list.tsx";
import { StatsTable } from "../../tui/components/stats-table.tsx";
import { TableData } from "../../tui/state/table.ts";
import { FakeTarget, KEYS, withApp } from "./helpers.tsx";

// deno-lint-ignore no-control-regex
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;

const WIDE_TRACES: readonly RawTrace[] = [
  [0, 40960, [["/srv/アプリ/データ.ts", 12, 1, "読み込む"]], 1, 4],
  [0, 20480, [["/srv/app/📦.ts", 3, 1, "pack📦"]], 1, 2],
  [0, 10240, [["/srv/app/cafe\u0301.ts", 7, 1, "brew"]], 1, 1],
  [0, 5120, [["/srv/app/plain.ts", 1, 1, "main"]], 1, 1],
  [0, 2560, [["/srv/한국어/👨‍👩‍👧/ファイル名がとても長いモジュール.ts", 99, 1, "とても長い関数の名前"]], 1, 1],
];

const wide = TableData.ofSnapshot("snapshot", { keyType: "lineno", cumulative: false }, new Snapshot(WIDE_TRACES, 1));

/** The lines of an element rendered by Ink, without colours. */
function lines(element: ReactElement): string[] {
  const app = render(element);
  try {
    return (app.lastFrame() ?? "").replace(ANSI, "").split("\n");
  } finally {
    app.unmount();
    app.cleanup();
  }
}

/** The terminal column at which `needle` ends in `line`. */
function endColumn(line: string, needle: string): number {
  const at = line.indexOf(needle);
  assert.ok(at >= 0, `${JSON.stringify(needle)} in ${JSON.stringify(line)}`);
  return stringWidth(line.slice(0, at + needle.length));
}

for (const width of [96, 72, 50]) {
  test(`at ${width} columns every table row is as wide as the column titles, CJK, emoji and accents included`, () => {
    const shown = lines(
      <StatsTable
        data={wide}
        sort="size"
        order={wide.order("size")}
        position={1}
        top={0}
        height={WIDE_TRACES.length}
        width={width}
        empty=""
      />,
    );
    assert.equal(shown.length, WIDE_TRACES.length + 1);
    assert.match(shown[0], /# location +size▼ +count +average$/);
    for (const line of shown) assert.equal(stringWidth(line), width, JSON.stringify(line));
  });

  test(`at ${width} columns the size, count and average cells end under their titles`, () => {
    const shown = lines(
      <StatsTable
        data={wide}
        sort="size"
        order={wide.order("size")}
        position={0}
        top={0}
        height={WIDE_TRACES.length}
        width={width}
        empty=""
      />,
    );
    const [titles, ...rows] = shown;
    const sizes = ["40.0 KiB", "20.0 KiB", "10.0 KiB", "5120 B", "2560 B"];
    rows.forEach((row, i) => {
      assert.equal(endColumn(row, ` ${sizes[i]} `), endColumn(titles, "size▼") + 1, row);
      assert.equal(stringWidth(row) - stringWidth(row.trimEnd()), 0, row);
    });
  });
}

test("a location too long for its column keeps its file name's end and line, cut between whole characters", () => {
  const [, , , , , last] = lines(
    <StatsTable
      data={wide}
      sort="size"
      order={wide.order("size")}
      position={-1}
      top={0}
      height={10}
      width={60}
      empty=""
    />,
  );
  assert.match(last, / …\S*ール\.ts:99 /);
  assert.ok(!last.includes("\ufffd"), "no half of a surrogate pair");
  assert.equal(stringWidth(last), 60);
});

test("a line of styled parts is cut to the width in columns, never wider", () => {
  for (let width = 1; width <= 24; width++) {
    const parts = fit([{ text: "/srv/アプリ/" }, { text: "データ📦.ts", bold: true }], width);
    const used = parts.reduce((n, p) => n + stringWidth(p.text), 0);
    assert.ok(used <= width && used >= width - 1, `${JSON.stringify(parts)} in ${width}`);
  }
  const [line] = lines(<Line width={12} fill inverse parts={[{ text: "アプリ/データ.ts" }]} />);
  assert.equal(stringWidth(line), 12, JSON.stringify(line));
});

test("the output pane's rule spans the width and wide log lines do not wrap", () => {
  const log = [{
    id: 1,
    text: "読み込み中: /srv/アプリ/データ.ts 📦📦📦📦📦📦📦📦📦📦📦📦📦📦📦📦",
    tone: "stdout" as const,
  }];
  const [rule, line, ...rest] = lines(<OutputPane log={log} height={1} width={40} />);
  assert.equal(stringWidth(rule), 40);
  assert.ok(stringWidth(line) <= 40, JSON.stringify(line));
  assert.deepEqual(rest, []);
});

test("snapshot labels with CJK characters keep the time, traces and size columns aligned", () => {
  const snapshot = new Snapshot(WIDE_TRACES, 1);
  const time = new Date(2025, 0, 1, 12, 0, 0);
  const entry = (label: string): SnapshotEntry => ({ label, snapshot, time, origin: "taken", source: "node app.ts" });
  const shown = lines(
    <SnapshotList
      entries={[entry("前"), entry("s2"), entry("後のスナップ"), entry("📦")]}
      position={-1}
      newLabel={null}
      oldLabel={null}
      height={4}
      width={90}
    />,
  );
  const [titles, ...rows] = shown;
  assert.equal(rows.length, 4);
  for (const row of rows) {
    assert.equal(endColumn(row, "12:00:00"), endColumn(titles, "time") + 4, row);
    assert.equal(endColumn(row, "77.5 KiB"), endColumn(titles, "size"), row);
  }
});

test("the live table of a program whose files have CJK names lines up under its titles", () =>
  withApp(new FakeTarget({ traces: WIDE_TRACES, command: "node /srv/アプリ/main.ts" }), async (app) => {
    const frame = await app.waitFor((f) => f.includes("データ.ts:12"), "the CJK row");
    const shown = frame.split("\n");
    for (const line of shown) assert.ok(stringWidth(line) <= 100, JSON.stringify(line));
    const titles = shown.find((l) => /# location/.test(l))!;
    const rows = shown.filter((l) => /^ +\d+ [/…]/.test(l));
    assert.equal(rows.length, WIDE_TRACES.length, frame);
    for (const row of rows) {
      assert.match(row, / \d+(\.\d)? (B|KiB) +\d+ +\d+(\.\d)? (B|KiB)/);
      assert.equal(endColumn(row, row.match(/ \d+(\.\d)? (B|KiB) /)![0]), endColumn(titles, "size▼") + 1, row);
    }
  }));

test("a CJK filter longer than the prompt line keeps its end and the caret in view", () =>
  withApp(new FakeTarget({ traces: WIDE_TRACES }), async (app) => {
    // 70 characters, 136 columns: more than the line holds.
    const glob = "*/アプリ/" + "とても長いディレクトリの名前/".repeat(4) + "最後のパターン*";
    await app.press("/", glob);
    const frame = await app.waitFor((f) => f.includes("最後の"), "the typed glob");
    const footer = frame.split("\n").at(-1)!;
    assert.ok(stringWidth(footer) <= 100, JSON.stringify(footer));
    assert.match(footer, /最後のパターン\* ?$/, "the end of the text and the caret stay in view");
    await app.press(KEYS.escape);
    await app.waitFor((f) => !f.includes("パターン"), "the prompt gone");
  }));
