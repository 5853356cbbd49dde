import { test } from "node:test";
import assert from "node:assert/strict";
import { formatSize, pyFixed } from "../../src/model/format.ts";

test("pyFixed rounds ties to even like Python's %.Nf", () => {
  assert.equal(pyFixed(2.5, 0), "2");
  assert.equal(pyFixed(3.5, 0), "4");
  assert.equal(pyFixed(1.25, 1), "1.2");
  assert.equal(pyFixed(0.75, 1), "0.8");
  assert.equal(pyFixed(-2.5, 0, true), "-2");
  assert.equal(pyFixed(0, 0, true), "+0");
});

test("formatSize switches units at CPython's boundaries", () => {
  assert.equal(formatSize(10239, false), "10239 B");
  assert.equal(formatSize(10240, false), "10.0 KiB");
  assert.equal(formatSize(-5000, true), "-5000 B");
});
