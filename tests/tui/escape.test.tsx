/**
 * File names, function names and source lines from a snapshot, the
 * program's command line and its output never reach the terminal with raw
 * control characters: the screen shows them escaped (`\x1b`), and its
 * columns stay in place.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { render } from "ink-testing-library";
import type { RawTrace } from "../../src/model/snapshot.ts";
import { Line } from "../../tui/components/line.tsx";
import { FakeTarget, KEYS, tempDir, withApp } from "./helpers.tsx";

/** Sets the terminal's title. */
const TITLE = "\x1b]0;pwned\x07";

/**
 * What must not be on screen. The frames the tests read have Ink's own colour
 * sequences (ESC [ ... letter) taken out, so any ESC left came from the data;
 * a raw `\x1b[2J` would be taken out too, so the tests also look for it escaped.
 */
// deno-lint-ignore no-control-regex
const RAW = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;

function assertClean(frame: string, what: string): void {
  const found = RAW.exec(frame);
  assert.equal(found, null, `${what} holds a raw control character at ${found?.index}:\n${JSON.stringify(frame)}`);
}

test("the table, the header, the output pane and a drill-in show control characters escaped", async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const evil = join(dir, `evil${TITLE}.ts`);
    await writeFile(evil, `const banner = "${TITLE}\x1b[2J\x9b31m";\n`);
    const traces: RawTrace[] = [
      [0, 50_000, [[evil, 1, 1, `fn${TITLE}`]], 1, 5],
      [0, 2_000, [["nul\x00.ts", 2, 1, "f"]], 1],
      [0, 1_000, [["bidi\u202etxt.ts", 3, 1, "g"]], 1],
    ];
    const target = new FakeTarget({ traces, command: `node evil${TITLE}.ts` });
    await withApp(target, async (app) => {
      target.write("stdout", `hello${TITLE}\x1b[2J world\n`);
      const live = await app.waitFor((f) => f.includes("hello\\x1b") && f.includes("nul\\x00.ts"), "the rows");
      assertClean(live, "the live view");
      assert.ok(live.includes(`evil\\x1b]0;pwned\\x07.ts:1 fn\\x1b]0;pwned\\x07`), live);
      assert.ok(live.includes("bidi\\u202etxt.ts:3"), live);
      assert.ok(live.includes("node evil\\x1b]0;pwned\\x07.ts"), "the header's command");
      assert.ok(live.includes("hello\\x1b]0;pwned\\x07\\x1b[2J world"), "the program's output");
      // Escaped names are measured as shown: the rows' columns end where the others' do.
      const rows = live.split("\n").filter((l) => /evil\\x1b|nul\\x00|bidi\\u202e/.test(l) && / B\s*$/.test(l));
      assert.equal(rows.length, 3, live);
      assert.deepEqual(rows.map((l) => l.trimEnd().length), rows.map(() => rows[0].trimEnd().length), live);
      await app.press(KEYS.enter);
      const drill = await app.waitFor((f) => f.includes("5 memory blocks"), "the drill-in");
      assertClean(drill, "the drill-in");
      assert.ok(drill.includes(`const banner = "\\x1b]0;pwned\\x07\\x1b[2J\\x9b31m";`), drill);
    }, { size: { columns: 160, rows: 30 } });
  } finally {
    await cleanup();
  }
});

test("a line escapes what it draws and cuts it where the escaped text ends", () => {
  const app = render(<Line width={20} parts={[{ text: "a\x1b[2Jb\x00" }, { text: "\tc" }]} />);
  const frame = app.lastFrame() ?? "";
  app.unmount();
  assert.equal(frame, "a\\x1b[2Jb\\x00 c");
  const cut = render(<Line width={8} parts={[{ text: "\x1b]0;title\x07" }]} />);
  assert.equal(cut.lastFrame(), "\\x1b]0;…");
  cut.unmount();
});
