import { test } from "node:test";
import assert from "node:assert/strict";
import stringWidth from "string-width";
import { left, right } from "../../tui/format.ts";
import { cutLeft, cutRight, padEnd, padStart, takeEnd, takeStart, textWidth } from "../../src/text/width.ts";

const FILE = "/srv/アプリ/データ.ts";
const ACCENTED = "cafe\u0301.ts"; // "café.ts" with a combining accent: 7 columns, 8 code units

test("a CJK character or an emoji takes two columns, a combining accent none", () => {
  assert.equal(textWidth("main.ts"), 7);
  assert.equal(textWidth(FILE), 21);
  assert.equal(textWidth("📦.ts"), 5);
  assert.equal(textWidth(ACCENTED), 7);
  assert.equal(textWidth("\x1b[1mアプリ\x1b[22m"), 6);
});

test("a cut never splits a wide character: the result is one column short instead of one too wide", () => {
  assert.equal(takeStart("データ.ts", 5), "デー");
  assert.equal(takeEnd("アプリ/データ.ts", 8), "ータ.ts");
  assert.equal(takeStart("📦📦.ts", 3), "📦");
  assert.equal(takeEnd("a.ts📦", 1), "");
});

test("a cut never parts a letter from its combining accent nor an emoji from its joiners", () => {
  assert.equal(takeStart(ACCENTED, 4), "cafe\u0301");
  assert.equal(takeEnd(ACCENTED, 4), "e\u0301.ts");
  const family = "👨‍👩‍👧";
  assert.equal(takeStart(`${family}.ts`, 2), family);
  assert.equal(takeStart(`${family}.ts`, 1), "");
});

test("cutting from the left keeps the end of a wide path in at most the width, marked with …", () => {
  for (let width = 1; width <= 22; width++) {
    const cut = cutLeft(FILE, width);
    assert.ok(stringWidth(cut) <= width, `${JSON.stringify(cut)} fits in ${width}`);
    assert.ok(stringWidth(cut) >= width - 1, `${JSON.stringify(cut)} wastes at most a column of ${width}`);
    if (width < 21) assert.ok(cut.startsWith("…"));
  }
  assert.equal(cutLeft(FILE, 9), "…ータ.ts");
  assert.equal(cutLeft(FILE, 21), FILE);
});

test("cutting from the right keeps the start in at most the width, marked with …", () => {
  assert.equal(cutRight("📦📦📦.ts", 6), "📦📦…");
  assert.equal(cutRight(ACCENTED, 5), "cafe\u0301…");
  assert.equal(cutRight("renderPage", 5), "rend…");
  assert.equal(cutRight("アプリ", 1), "…");
  assert.equal(cutRight("アプリ", 0), "");
});

test("padding fills to the width in columns, not in code units", () => {
  assert.equal(padEnd("アプリ", 8), "アプリ  ");
  assert.equal(padStart("📦", 4), "  📦");
  assert.equal(padEnd(ACCENTED, 9), ACCENTED + "  ");
  assert.equal(padEnd("アプリ", 2), "アプリ");
});

test("left and right cells take exactly their width whatever the characters", () => {
  for (const text of [FILE, "📦.ts", ACCENTED, "plain.ts", "👨‍👩‍👧"]) {
    for (let width = 1; width <= 24; width++) {
      assert.equal(stringWidth(left(text, width)), width, `left(${JSON.stringify(text)}, ${width})`);
      assert.equal(stringWidth(right(text, width)), width, `right(${JSON.stringify(text)}, ${width})`);
    }
  }
});
