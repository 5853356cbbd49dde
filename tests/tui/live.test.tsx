import { test } from "node:test";
import assert from "node:assert/strict";
import { APP_TRACES, FakeTarget, KEYS, withApp } from "./helpers.tsx";

test("the header shows the target's command, pid, runtime and tracing state", () =>
  withApp(
    new FakeTarget({ traces: APP_TRACES, command: "deno app.ts", pid: 77, runtime: "deno 2.9.6" }),
    (app) => {
      const first = app.frame().split("\n")[0];
      assert.match(
        first,
        /deno app\.ts │ pid 77 │ deno 2\.9\.6 │ ● tracing, 5 frames │ elapsed \d+:\d\d │ 0 snapshots/,
      );
    },
  ));

test("the header shows current and peak traced memory with a graph of it", () =>
  withApp(new FakeTarget({ traces: APP_TRACES, memory: { current: 3072, peak: 10240 } }), async (app) => {
    const line = await app.waitFor((f) => /traced memory 3072 B {2}peak 10\.0 KiB {2}\S/.test(f), "the memory line");
    assert.match(line, /[▁▂▃▄▅▆▇█]/);
  }));

test("the header says what the runtime cannot see", () =>
  withApp(
    new FakeTarget({ traces: APP_TRACES, limits: ["frames are functions", "peak is a lower bound"] }),
    (app) => {
      assert.match(app.frame(), /cannot see: frames are functions \(\+1 more: \? lists them\)/);
    },
  ));

test("the live table lists location, function, size, count and average, biggest first", () =>
  withApp(new FakeTarget({ traces: APP_TRACES }), (app) => {
    const frame = app.frame();
    assert.match(frame, /# location +size▼ +count +average +growth/);
    const rows = frame.split("\n").filter((l) => /^ +\d+ \/srv/.test(l));
    assert.equal(rows.length, 3);
    assert.match(rows[0], /1 \/srv\/app\/pool\.ts:30 allocatePool +1024 KiB +4 +256 KiB/);
    assert.match(rows[1], /2 \/srv\/app\/cache\.ts:55 cacheResponse +200 KiB +100 +2048 B/);
  }));

test("the live table shows growth since the last refresh", async () => {
  let size = 1000;
  const target = new FakeTarget({ traces: () => [[0, size += 1000, [["/srv/a.ts", 1, 1, "grow"]], 1]] });
  await withApp(target, async (app) => {
    const frame = await app.waitFor((f) => /a\.ts:1 grow .*\+1000 B/.test(f), "growth");
    assert.match(frame, /average +growth/);
  });
});

test("o sorts by count", () =>
  withApp(new FakeTarget({ traces: APP_TRACES }), async (app) => {
    await app.press("o");
    const frame = await app.waitFor((f) => f.includes("sorted by count"));
    const rows = frame.split("\n").filter((l) => /^ +\d+ \/srv/.test(l));
    assert.match(rows[0], /cache\.ts:55/);
    assert.match(frame, /count▼/);
  }));

test("g groups by file name", () =>
  withApp(new FakeTarget({ traces: APP_TRACES }), async (app) => {
    await app.press("g");
    const frame = await app.waitFor((f) => f.includes("by filename") && !f.includes("updating"));
    assert.match(frame, /1 \/srv\/app\/pool\.ts +1024 KiB/);
  }));

test("C counts every frame of a traceback", () =>
  withApp(new FakeTarget({ traces: APP_TRACES }), async (app) => {
    await app.press("C");
    const frame = await app.waitFor((f) => f.includes("by lineno, cumulative") && /main\.ts:5 main/.test(f));
    assert.match(frame, /6 rows/);
  }));

test("j moves the selection down and Enter then opens that row", () =>
  withApp(new FakeTarget({ traces: APP_TRACES }), async (app) => {
    await app.press("j", KEYS.enter);
    const frame = await app.waitFor((f) => f.includes("TRACEBACKS of live #2"));
    assert.match(frame, /cache\.ts:55 cacheResponse/);
  }));

test("only the rows that fit are drawn, and PgDn shows the next page", async () => {
  const many = Array.from({ length: 1000 }, (_, i) => [0, 100000 - i, [[`/srv/f${i}.ts`, 1]], 1] as const);
  await withApp(new FakeTarget({ traces: many }), async (app) => {
    const first = await app.waitFor((f) => f.includes("1000 rows"));
    const ranks = first.split("\n").filter((l) => /^ +\d+ \/srv\/f/.test(l));
    assert.ok(ranks.length > 5 && ranks.length < 30, `${ranks.length} rows drawn`);
    assert.doesNotMatch(first, /f500\.ts/);
    await app.press(KEYS.pageDown);
    const next = await app.waitFor((f) => f.includes(`f${ranks.length}.ts`));
    assert.doesNotMatch(next, / f0\.ts/);
  });
});

test("space pauses the refresh", async () => {
  let size = 0;
  const target = new FakeTarget({ traces: () => [[0, size += 1000, [["/srv/a.ts", 1]], 1]] });
  await withApp(target, async (app) => {
    await app.press(" ");
    await app.waitFor((f) => f.includes("LIVE (PAUSED"));
    // A table already on its way when space was pressed may still arrive.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const paused = app.frame().match(/a\.ts:1 +(\S+ \S+)/)?.[1];
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(app.frame().match(/a\.ts:1 +(\S+ \S+)/)?.[1], paused);
  });
});

test("the screen fits its size: as many lines as rows, none wider than the columns", () =>
  withApp(new FakeTarget({ traces: APP_TRACES }), (app) => {
    const lines = app.frame().split("\n");
    assert.equal(lines.length, 30);
    for (const line of lines) assert.ok(line.length <= 90, `too wide: ${line}`);
  }, { size: { columns: 90, rows: 30 } }));

test("a new size lays the screen out again", () =>
  withApp(new FakeTarget({ traces: APP_TRACES }), async (app) => {
    app.rerender({ columns: 70, rows: 16 });
    const frame = await app.waitFor((f) => f.split("\n").length === 16);
    for (const line of frame.split("\n")) assert.ok(line.length <= 70, `too wide: ${line}`);
  }));
