/**
 * compileGlob reads patterns as Python 3.11's fnmatch does on POSIX: one
 * test per rule, then random patterns and names against python3 itself.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { compileGlob } from "../../src/model/fnmatch.ts";
import { Random } from "../oracle/random.ts";

const ORACLE = join(
  dirname(fileURLToPath(import.meta.url)),
  "oracle/fnmatch_oracle.py",
);

const matches = (name: string, pattern: string) => compileGlob(pattern)(name);

test("a pattern without wildcards matches only the same name", () => {
  assert.equal(matches("src/app.ts", "src/app.ts"), true);
  assert.equal(matches("src/app.tsx", "src/app.ts"), false);
  assert.equal(matches("src/app.t", "src/app.ts"), false);
});

test("matching is case-sensitive", () => {
  assert.equal(matches("App.ts", "app.ts"), false);
  assert.equal(matches("APP", "[a-z]*"), false);
});

test("* matches any run of characters, including / and newlines", () => {
  assert.equal(matches("src/model/frame.ts", "src/*.ts"), true);
  assert.equal(matches("line\nbreak", "line*break"), true);
  assert.equal(matches("", "*"), true);
  assert.equal(matches("a/node_modules/b", "*node_modules*"), true);
});

test("* needs the rest of the pattern to fit after it", () => {
  assert.equal(matches("src/app.js", "src/*.ts"), false);
  assert.equal(matches("abcabc", "*bc*c"), true);
  assert.equal(matches("abcab", "*bc*c"), false);
});

test("? matches exactly one character, newline included", () => {
  assert.equal(matches("a.ts", "?.ts"), true);
  assert.equal(matches(".ts", "?.ts"), false);
  assert.equal(matches("ab.ts", "?.ts"), false);
  assert.equal(matches("\n", "?"), true);
});

test("? takes an astral character as one character", () => {
  assert.equal(matches("\u{1f600}", "?"), true);
  assert.equal(matches("\u{1f600}", "??"), false);
  assert.equal(matches("x\u{1f600}", "x[\u{1f600}]"), true);
});

test("[seq] matches one character of the set", () => {
  assert.equal(matches("b", "[abc]"), true);
  assert.equal(matches("d", "[abc]"), false);
  assert.equal(matches("ab", "[abc]"), false);
});

test("[!seq] matches one character not in the set", () => {
  assert.equal(matches("d", "[!abc]"), true);
  assert.equal(matches("a", "[!abc]"), false);
  assert.equal(matches("\n", "[!abc]"), true);
});

test("a range in a set matches the characters between its ends", () => {
  assert.equal(matches("m", "[a-z]"), true);
  assert.equal(matches("M", "[a-z]"), false);
  assert.equal(matches("7", "[!a-z]"), true);
});

test("a hyphen first or last in a set is a member", () => {
  assert.equal(matches("-", "[-a]"), true);
  assert.equal(matches("-", "[a-]"), true);
  assert.equal(matches("-", "[!-a]"), false);
});

test("a hyphen right after a range is a member", () => {
  // [a-c-e] is the range a-c, then "-" and "e"
  assert.equal(matches("-", "[a-c-e]"), true);
  assert.equal(matches("e", "[a-c-e]"), true);
  assert.equal(matches("d", "[a-c-e]"), false);
});

test("] first in a set is a member, not the end of the set", () => {
  assert.equal(matches("]", "[]]"), true);
  assert.equal(matches("a", "[]a]"), true);
  assert.equal(matches("]", "[!]]"), false);
  assert.equal(matches("x", "[!]]"), true);
});

test("an unclosed [ stands for itself", () => {
  assert.equal(matches("[ab", "[ab"), true);
  assert.equal(matches("a", "[ab"), false);
  assert.equal(matches("[!", "[!"), true);
  assert.equal(matches("[]", "[]"), true);
});

test("a backslash inside a set is a member, not an escape", () => {
  assert.equal(matches("\\", "[\\]"), true);
  assert.equal(matches("n", "[\\n]"), true);
  // [a\-z] is "a" and the range from \ to z, not an escaped hyphen
  assert.equal(matches("\\", "[a\\-z]"), true);
  assert.equal(matches("q", "[a\\-z]"), true);
  assert.equal(matches("-", "[a\\-z]"), false);
});

test("a backslash outside a set is a literal character", () => {
  assert.equal(matches("a\\*b", "a\\*b"), true);
  assert.equal(matches("a\\xyzb", "a\\*b"), true);
  assert.equal(matches("a*b", "a\\*b"), false);
});

test("a range whose ends are out of order is dropped with its ends", () => {
  assert.equal(matches("z", "[z-a]"), false);
  assert.equal(matches("a", "[z-a]"), false);
  assert.equal(matches("b", "[z-ab]"), true);
  // With nothing else left, a negated set matches any character.
  assert.equal(matches("z", "[!z-a]"), true);
});

test("dropping a reversed range can leave a ! that negates the set", () => {
  // Python's translate turns [z-a!b] into [^b]
  assert.equal(matches("c", "[z-a!b]"), true);
  assert.equal(matches("b", "[z-a!b]"), false);
  assert.equal(matches("!", "[z-a!b]"), true);
});

test("a range hyphen right after such a ! is a member", () => {
  // Python's translate turns [b-a!-z] into [^-z]
  assert.equal(matches("a", "[b-a!-z]"), true);
  assert.equal(matches("-", "[b-a!-z]"), false);
  assert.equal(matches("z", "[b-a!-z]"), false);
});

test("regular-expression syntax in a pattern is literal", () => {
  assert.equal(matches("a+b", "a+b"), true);
  assert.equal(matches("aab", "a+b"), false);
  assert.equal(matches("(x)|{1}$^", "(x)|{1}$^"), true);
  assert.equal(matches("^", "[^]"), true);
  assert.equal(matches("&", "[&&]"), true);
});

test("the same pattern compiles to the same cached predicate", () => {
  assert.equal(compileGlob("src/*"), compileGlob("src/*"));
});

test("many inner stars on a long non-matching name finish quickly", () => {
  // Backtracking without Python's atomic groups would take ages here.
  assert.equal(matches("a".repeat(5000), "*a*a*a*a*a*a*a*a*a*a*b"), false);
});

test("a pattern that is not a string is a TypeError", () => {
  assert.throws(
    () => compileGlob(42 as unknown as string),
    new TypeError("glob pattern must be a string, not number"),
  );
});

/** Python's `fnmatch.fnmatchcase(name, pattern)` for every pair, in one run. */
function askPython(pairs: readonly [string, string][]): boolean[] {
  const result = spawnSync("python3", [ORACLE], {
    input: JSON.stringify(pairs),
    maxBuffer: 1 << 28,
  });
  assert.equal(result.error, undefined, `cannot run python3: ${result.error}`);
  assert.equal(result.status, 0, `fnmatch oracle failed: ${result.stderr}`);
  const expected: boolean[] = JSON.parse(String(result.stdout));
  assert.equal(expected.length, pairs.length);
  return expected;
}

/** The first few pairs on which compileGlob and Python disagree. */
function disagreements(
  pairs: readonly [string, string][],
  expected: readonly boolean[],
) {
  return pairs
    .map(([name, pattern], i) => ({ name, pattern, python: expected[i] }))
    .filter(({ name, pattern, python }) => matches(name, pattern) !== python)
    .slice(0, 10);
}

// Sets and their special characters come often so random patterns exercise
// them; "\ud800" is a lone surrogate, one code point in both languages.
const ALPHABET = [
  "*",
  "?",
  "[",
  "[",
  "]",
  "]",
  "!",
  "-",
  "-",
  "\\",
  "/",
  ".",
  "a",
  "b",
  "a",
  "b",
  "é",
  "\u{1f600}",
  "\n",
  "^",
  "&",
  "\ud800",
];
const NAME_ALPHABET = ALPHABET.filter((c) => c !== "*" && c !== "?");

function randomPattern(rand: Random): string[] {
  return Array.from({ length: rand.int(0, 10) }, () => rand.pick(ALPHABET));
}

/** A name built from the pattern so that many pairs match or nearly do. */
function nameFor(pattern: readonly string[], rand: Random): string {
  let name = "";
  for (const c of pattern) {
    if (rand.chance(0.1)) continue;
    if (c === "*") {
      for (let n = rand.int(0, 3); n > 0; n--) name += rand.pick(NAME_ALPHABET);
    } else if (c === "?" || rand.chance(0.1)) {
      name += rand.pick(NAME_ALPHABET);
    } else {
      name += c;
    }
  }
  return name;
}

test("random patterns and names match as Python's fnmatchcase says", () => {
  const rand = new Random(20240611);
  const pairs: [string, string][] = [];
  for (let p = 0; p < 4000; p++) {
    const pattern = randomPattern(rand);
    for (let k = 0; k < 4; k++) {
      pairs.push([nameFor(pattern, rand), pattern.join("")]);
    }
    pairs.push([
      Array.from({ length: rand.int(0, 6) }, () => rand.pick(NAME_ALPHABET))
        .join(""),
      pattern.join(""),
    ]);
  }
  const expected = askPython(pairs);
  // The generator must give both answers often, or the test proves little.
  const hits = expected.filter(Boolean).length;
  assert.ok(
    hits > pairs.length / 10 && hits < pairs.length * 0.9,
    `${hits} of ${pairs.length} match`,
  );
  assert.deepEqual(disagreements(pairs, expected), []);
});

// Sets are where translate has its quirks; these mix range ends in and out
// of order with "!", "]", "-" and backslashes.
const SET_ALPHABET = [
  "a",
  "m",
  "z",
  "-",
  "-",
  "-",
  "!",
  "!",
  "]",
  "\\",
  "^",
  "[",
];
const SET_NAMES = [...SET_ALPHABET, "c", "y", "\n", "", "ab"];

test("random sets match as Python's fnmatchcase says", () => {
  const rand = new Random(7);
  const pairs: [string, string][] = [];
  for (let p = 0; p < 5000; p++) {
    const body = Array.from(
      { length: rand.int(1, 8) },
      () => rand.pick(SET_ALPHABET),
    );
    const pattern = `[${body.join("")}]`;
    for (const name of SET_NAMES) pairs.push([name, pattern]);
  }
  const expected = askPython(pairs);
  const hits = expected.filter(Boolean).length;
  assert.ok(
    hits > pairs.length / 20 && hits < pairs.length * 0.9,
    `${hits} of ${pairs.length} match`,
  );
  assert.deepEqual(disagreements(pairs, expected), []);
});
