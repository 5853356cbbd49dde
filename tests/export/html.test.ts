import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { writeExport } from "../../src/export/formats.ts";
import { Snapshot } from "../../src/model/snapshot.ts";
import { browserTestOptions, openInChromium } from "./chromium.ts";
import { beforeAfter, LEAK_FILE, withTemp } from "./helpers.ts";

const GENERATOR = "tracemalloc-js test";

/** Writes the HTML report of `after` (with `before` as base when asked) and returns its path. */
async function report(dir: string, options: { base?: boolean; leaks?: boolean } = {}): Promise<string> {
  const { before, after } = beforeAfter();
  const file = join(dir, "report.html");
  const t0 = new Date("2026-01-01T10:00:00Z"), t1 = new Date("2026-01-01T10:05:00Z");
  await writeExport(file, "html", {
    snapshot: after,
    label: "after",
    time: t1,
    source: "node server.ts",
    ...(options.base ? { base: { snapshot: before, label: "before", time: t0 } } : {}),
    timeline: [
      { label: "before", time: t0, size: 2_139_112, traces: 3, base: options.base },
      { label: "after", time: t1, size: 4_186_812, traces: 3, current: true },
    ],
    ...(options.leaks
      ? {
        leaks: [{
          file: LEAK_FILE,
          line: 16,
          fn: "remember",
          growth: 2_048_000,
          grew: 2,
          intervals: 2,
          steadiness: 1,
          bars: "▁▄█",
        }],
      }
      : {}),
    generator: GENERATOR,
  });
  return file;
}

/** Labels of the flame graph's frames, as drawn. */
const FRAME_TITLES = "[...document.querySelectorAll('#graph .frame')].map((e) => e.title.split('\\n')[0])";

/** The top table's locations, whole (each cell's tooltip). */
const TOP_LOCATIONS = "[...document.querySelectorAll('#top-table td.loc')].map((e) => e.title)";

test(
  "the HTML report shows the leaking line in Chromium, with no console errors and no network requests",
  browserTestOptions(),
  () =>
    withTemp(async (dir) => {
      const page = await openInChromium(await report(dir), [FRAME_TITLES, TOP_LOCATIONS]);
      assert.deepEqual(page.errors, []);
      assert.deepEqual(page.requests, []);
      assert.ok(page.rendered, "the report's script ran to its end");
      assert.ok((page.values[1] as string[]).includes(`${LEAK_FILE}:16`), "the top table lists the leaking line");
      assert.ok((page.values[0] as string[]).includes("remember cache.ts:16"), "the flame graph draws its frame");
      assert.ok(page.text.includes("2040 KiB"), "with its size"); // 2,088,960 bytes: 510 blocks of 4 KiB
    }),
);

test(
  "the top table shows file names relative to the folder they share",
  browserTestOptions(),
  () =>
    withTemp(async (dir) => {
      const { before } = beforeAfter(); // every file under /srv/shop/
      const file = join(dir, "before.html");
      await writeExport(file, "html", { snapshot: before, label: "before", time: new Date(), generator: GENERATOR });
      const page = await openInChromium(file, [TOP_LOCATIONS]);
      assert.deepEqual(page.errors, []);
      assert.ok(page.text.includes("Files under /srv/shop/\n"));
      assert.match(page.text, /\tcache\.ts:16\tremember\t/);
      assert.ok((page.values[0] as string[]).includes(`${LEAK_FILE}:16`), "the whole name in the cell's tooltip");
    }),
);

test(
  "the HTML report's search box highlights the frames that match and sums their bytes",
  browserTestOptions(),
  () =>
    withTemp(async (dir) => {
      const search = "(() => { const s = document.getElementById('search'); s.value = 'cache.ts:16'; " +
        "s.dispatchEvent(new Event('input')); return [...document.querySelectorAll('.frame.match')].length; })()";
      const page = await openInChromium(await report(dir), [search, "document.getElementById('matches').textContent"]);
      assert.deepEqual(page.errors, []);
      assert.equal(page.values[0], 1);
      assert.equal(page.values[1], "1 frames match: 2040 KiB (49.9%)");
    }),
);

test("a click on a frame zooms into it", browserTestOptions(), () =>
  withTemp(async (dir) => {
    const zoom = "(() => { const f = [...document.querySelectorAll('#graph .frame')]" +
      ".find((e) => e.title.startsWith('handle cache.ts:30')); f.click(); " +
      "return [...document.querySelectorAll('#graph .frame:not(.ancestor)')].map((e) => e.style.width)[0]; })()";
    const page = await openInChromium(await report(dir), [zoom]);
    assert.deepEqual(page.errors, []);
    assert.equal(page.values[0], "100%");
  }));

test(
  "a comparison's HTML report draws the growth only, and lists lines by change",
  browserTestOptions(),
  () =>
    withTemp(async (dir) => {
      const page = await openInChromium(await report(dir, { base: true }), [FRAME_TITLES]);
      assert.deepEqual(page.errors, []);
      assert.ok(page.text.includes("after compared with before"));
      assert.ok(page.text.includes("+2000 KiB"), "the leaking line's growth"); // 2,088,960 - 40,960 bytes
      const frames = page.values[0] as string[];
      assert.ok(frames.includes("remember cache.ts:16"));
      assert.ok(!frames.some((f) => f.includes("pool.ts")), "the pool did not grow: not in the growth graph");
    }),
);

test("the HTML report charts the session's snapshots over time", browserTestOptions(), () =>
  withTemp(async (dir) => {
    const bars = "document.querySelectorAll('#timeline svg rect').length";
    const page = await openInChromium(await report(dir), [bars]);
    assert.ok(page.text.includes("Memory over time (2 snapshots)"));
    assert.equal(page.values[0], 2);
  }));

test("the HTML report shows the leaks ranking it is given", browserTestOptions(), () =>
  withTemp(async (dir) => {
    const page = await openInChromium(await report(dir, { leaks: true }));
    assert.deepEqual(page.errors, []);
    assert.ok(page.text.includes("Leaks: steady growth over 3 snapshots"));
    assert.ok(page.text.includes("▁▄█"));
  }));

test(
  "frames too narrow to draw are drawn as one block that says how many",
  browserTestOptions(),
  () =>
    withTemp(async (dir) => {
      const many = Array.from({ length: 3000 }, (_, i) => [1, 100, [[`/srv/f${i}.ts`, 1, 1, "f"]], 1] as const);
      const file = join(dir, "many.html");
      await writeExport(file, "html", {
        snapshot: new Snapshot(many, 5),
        label: "many",
        time: new Date(),
        generator: GENERATOR,
      });
      const page = await openInChromium(file, ["[...document.querySelectorAll('.frame.rest')].map((e) => e.title)"]);
      assert.deepEqual(page.errors, []);
      assert.deepEqual(page.values[0], [
        "3000 frames too narrow to draw: 293 KiB in all; click to zoom into the frame above",
      ]);
    }),
);

test(
  "file names holding HTML and control characters are shown as text, never as markup",
  browserTestOptions(),
  () =>
    withTemp(async (dir) => {
      const evil = [
        `/srv/<img src=x onerror="window.pwned=1">.ts`,
        `/srv/</script><script>window.pwned=2</script>.ts`,
        "/srv/evil\x1b]0;title\x07\u202etxt.ts",
      ];
      const snapshot = new Snapshot(
        evil.map((file, i) => [1, 1000 * (i + 1), [[file, i + 1, 1, `f<b>${i}</b>`]], 1]),
        5,
      );
      const file = join(dir, "evil.html");
      await writeExport(file, "html", { snapshot, label: "<i>x</i>", time: new Date(), generator: GENERATOR });
      const page = await openInChromium(file, [
        "typeof window.pwned",
        "document.querySelectorAll('img, b, i').length",
        "document.querySelectorAll('script').length",
      ]);
      assert.deepEqual(page.errors, []);
      assert.deepEqual(page.requests, []);
      assert.deepEqual(page.values, ["undefined", 0, 2]);
      assert.ok(page.text.includes(`<img src=x onerror="window.pwned=1">.ts:1`));
      assert.ok(page.text.includes("evil\\x1b]0;title\\x07\\u202etxt.ts:3"), "control characters shown escaped");
      assert.ok(page.text.includes("tracemalloc: <i>x</i>"));
    }),
);

test("the HTML report forbids every request but its own inline script and style", () =>
  withTemp(async (dir) => {
    const html = await readFile(await report(dir), "utf8");
    const policy = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)?.[1] ?? "";
    assert.match(policy, /^default-src 'none'; script-src 'sha256-[A-Za-z0-9+/=]+'; style-src 'sha256-/);
    assert.doesNotMatch(html, /https?:\/\/(?!www\.w3\.org\/2000\/svg)/, "no URL but SVG's namespace");
  }));
