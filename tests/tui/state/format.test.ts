import { test } from "node:test";
import assert from "node:assert/strict";
import { cutLeft, cutRight, duration, right, shortPath } from "../../../tui/format.ts";

test("durations read m:ss, then h:mm:ss", () => {
  assert.equal(duration(65_000), "1:05");
  assert.equal(duration(3_723_000), "1:02:03");
});

test("paths under the directory are shown relative to it", () => {
  assert.equal(shortPath("/work/app/src/a.ts", "/work/app"), "src/a.ts");
  assert.equal(shortPath("/lib/x.js", "/work/app"), "/lib/x.js");
  assert.equal(shortPath("/work/apple/a.ts", "/work/app"), "/work/apple/a.ts");
});

test("cutting from the left keeps the end of a path", () => {
  assert.equal(cutLeft("src/server/users.ts:12", 10), "…ers.ts:12");
  assert.equal(cutLeft("short", 10), "short");
});

test("cutting from the right keeps the start", () => {
  assert.equal(cutRight("renderPage", 5), "rend…");
});

test("right aligns in the width", () => {
  assert.equal(right("51", 5), "   51");
});
