import { test } from "node:test";
import assert from "node:assert/strict";
import { domainFilter, globFilter } from "../../../tui/state/filters.ts";

test("a glob becomes an include filter", () => {
  assert.deepEqual(globFilter("*demo.ts"), { line: "filter include '*demo.ts'" });
});

test("! in front of a glob excludes", () => {
  assert.deepEqual(globFilter("!*node_modules*"), { line: "filter exclude '*node_modules*'" });
});

test(":LINE at the end of a glob asks for that line", () => {
  assert.deepEqual(globFilter("src/app.ts:12"), { line: "filter include src/app.ts --lineno 12" });
});

test("-a matches any frame", () => {
  assert.deepEqual(globFilter("-a *lib*"), { line: "filter include '*lib*' --all-frames" });
});

test("two globs are refused", () => {
  assert.ok("error" in globFilter("a b"));
});

test("an empty glob is refused", () => {
  assert.ok("error" in globFilter("  "));
  assert.ok("error" in globFilter("!"));
});

test("a domain number includes its domain, !N excludes it", () => {
  assert.deepEqual(domainFilter("1"), { line: "filter domain include 1" });
  assert.deepEqual(domainFilter("! 2"), { line: "filter domain exclude 2" });
});

test("a domain that is not an integer is refused", () => {
  assert.ok("error" in domainFilter("1.5"));
});
