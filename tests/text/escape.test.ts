import { test } from "node:test";
import assert from "node:assert/strict";
import { escapeControl } from "../../src/text/escape.ts";

test("control characters are shown as escapes: C0, DEL, C1 and bidi controls", () => {
  assert.equal(escapeControl("evil\x1b]0;pwned\x07.ts"), "evil\\x1b]0;pwned\\x07.ts");
  assert.equal(escapeControl("nul\x00.ts"), "nul\\x00.ts");
  assert.equal(escapeControl("cr\rbs\b"), "cr\\x0dbs\\x08");
  assert.equal(escapeControl("del\x7f c1\x9b\x85"), "del\\x7f c1\\x9b\\x85");
  assert.equal(escapeControl("a\u202etxt.exe\u2066\u200f"), "a\\u202etxt.exe\\u2066\\u200f");
});

test("tab stays, line feed is escaped unless kept", () => {
  assert.equal(escapeControl("a\tb"), "a\tb");
  assert.equal(escapeControl("one\ntwo"), "one\\x0atwo");
  assert.equal(escapeControl("one\ntwo\x1b", { keepNewlines: true }), "one\ntwo\\x1b");
});

test("text without control characters comes back as it is, and escaping is idempotent", () => {
  for (const text of ["src/app.ts", "/srv/アプリ/データ.ts", "C:\\Users\\x1b.ts", "café 📦", ""]) {
    assert.equal(escapeControl(text), text);
  }
  const once = escapeControl("\x1b[2J\x00\u202e");
  assert.equal(escapeControl(once), once);
});

test("every code point that is escaped is left out of the result", () => {
  let all = "";
  for (let c = 0; c < 0x3000; c++) all += String.fromCharCode(c);
  const escaped = escapeControl(all);
  // deno-lint-ignore no-control-regex
  assert.doesNotMatch(escaped, /[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/);
  assert.ok(escaped.includes("\t"));
});
