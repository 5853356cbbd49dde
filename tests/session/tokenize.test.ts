import { test } from "node:test";
import assert from "node:assert/strict";
import { quote, tokenize } from "../../src/session/tokenize.ts";

const texts = (line: string) => tokenize(line).map((w) => w.text);

test("blanks separate words", () => {
  assert.deepEqual(texts("  stats  s1\t--limit 5 "), [
    "stats",
    "s1",
    "--limit",
    "5",
  ]);
});

test("a # starting a word begins a comment", () => {
  assert.deepEqual(texts("snapshot s1 # before the leak"), ["snapshot", "s1"]);
  assert.deepEqual(texts("# only a comment"), []);
});

test("a # inside a word is part of it", () => {
  assert.deepEqual(texts("filter include a#b"), ["filter", "include", "a#b"]);
});

test("single quotes keep everything literally", () => {
  assert.deepEqual(texts(`load 'my dir/a "b".dump'`), [
    "load",
    'my dir/a "b".dump',
  ]);
});

test("double quotes allow escaped quotes and backslashes", () => {
  assert.deepEqual(texts(String.raw`load "a \"b\" \\c \d"`), [
    "load",
    String.raw`a "b" \c \d`,
  ]);
});

test("quoted words are marked so they are never taken for options", () => {
  const [, word] = tokenize(`filter "--odd"`);
  assert.equal(word.text, "--odd");
  assert.equal(word.quoted, true);
});

test("a backslash outside quotes escapes the next character", () => {
  assert.deepEqual(texts(String.raw`load my\ file.dump`), [
    "load",
    "my file.dump",
  ]);
});

test("an unterminated quote is a SyntaxError naming the column", () => {
  assert.throws(() => tokenize(`load "abc`), {
    name: "SyntaxError",
    message: /unterminated " quote at column 6/,
  });
  assert.throws(() => tokenize(`load 'abc`), /unterminated ' quote/);
});

test("quote gives a word tokenize reads back unchanged", () => {
  for (const text of ["s1", "my file.dump", "it's", 'a"b', "*#*", "--x", ""]) {
    assert.deepEqual(texts(quote(text)), [text]);
  }
});
