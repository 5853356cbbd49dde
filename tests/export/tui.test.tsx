import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { APP_TRACES, FakeTarget, KEYS, withApp } from "../tui/helpers.tsx";
import { withTemp } from "./helpers.ts";

test("e in the snapshot list exports the selected snapshot, the format from the file's name", () =>
  withTemp((dir) =>
    withApp(new FakeTarget({ traces: APP_TRACES }), async (app) => {
      await app.press("s", KEYS.enter);
      await app.waitFor((f) => /│ 1 snapshot$/m.test(f));
      await app.press("S", "e");
      await app.waitFor((f) => f.includes("export s1 to file:") && f.includes("s1.html"));
      const file = join(dir, "s1.speedscope.json");
      await app.press(file, KEYS.enter);
      await app.waitFor((f) => f.includes(`s1 written to ${file} as speedscope`));
      assert.equal(JSON.parse(await readFile(file, "utf8")).profiles[0].type, "sampled");
    })
  ));

test("e with a base marked by b exports the comparison since that base", () =>
  withTemp((dir) =>
    withApp(new FakeTarget({ traces: APP_TRACES }), async (app) => {
      await app.press("s", KEYS.enter);
      await app.waitFor((f) => /│ 1 snapshot$/m.test(f));
      await app.press("s", KEYS.enter);
      await app.waitFor((f) => /│ 2 snapshots$/m.test(f));
      await app.press("S", "k", "b", "j", "e");
      await app.waitFor((f) => f.includes("export s2 compared with s1 to file:") && f.includes("s2-vs-s1.html"));
      const file = join(dir, "growth.html");
      await app.press(file, KEYS.enter);
      await app.waitFor((f) => f.includes(`s2 compared with s1 written to ${file} as html`));
      assert.ok((await readFile(file, "utf8")).includes("<title>tracemalloc: s2 compared with s1</title>"));
    })
  ));

test("the help screen lists the snapshot list's export key", () =>
  withApp(new FakeTarget({ traces: APP_TRACES }), async (app) => {
    await app.press("?");
    await app.waitFor((f) => f.includes("export (e)"));
  }));
