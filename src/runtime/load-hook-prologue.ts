/**
 * Whether a script starts with a `"use strict"` directive, read as text:
 * Bun counts the directive when deciding a file's module system
 * (`bun-load-hook-kind.ts`), its transpiler drops it, and parsing a whole
 * file for its first lines would be slow.
 *
 * @module
 */

/** Blanks and comments. */
const TRIVIA = /(?:\s|\/\/[^\n\r\u2028\u2029]*|\/\*[^]*?\*\/)*/y;
/** A string literal: its raw content in group 1 or 2. */
const STRING = /"((?:[^"\\\n\r]|\\[^])*)"|'((?:[^'\\\n\r]|\\[^])*)'/y;
/** What can go on with an expression after a line break (no semicolon is inserted before it). */
const CONTINUES = /^(?:[([.+\-*/%,?=<>&|^`]|in(?:stanceof)?\b)/;

/**
 * True when the directive prologue of `text` (the string-literal
 * statements it starts with, after a hashbang, blanks and comments) holds
 * `"use strict"`; `null` when a directive has escapes, which Bun decodes
 * (`"use\x20strict"` counts): a parser must decide then.
 *
 * @example
 * ```ts
 * prologueUseStrict('// lib\n"use strict";\nmodule.exports = 1;'); // true
 * prologueUseStrict('"use strict".length;'); // false: an expression, not a directive
 * ```
 */
export function prologueUseStrict(text: string): boolean | null {
  let at = 0;
  if (text.startsWith("#!")) {
    at = text.indexOf("\n") + 1;
    if (at === 0) return false;
  }
  for (;;) {
    TRIVIA.lastIndex = at;
    TRIVIA.exec(text);
    STRING.lastIndex = TRIVIA.lastIndex;
    const literal = STRING.exec(text);
    if (!literal) return false;
    TRIVIA.lastIndex = STRING.lastIndex;
    const gap = TRIVIA.exec(text)![0];
    at = TRIVIA.lastIndex;
    const next = text[at];
    const ended = next === undefined || next === ";" ||
      (/[\n\r\u2028\u2029]/.test(gap) && !CONTINUES.test(text.slice(at, at + 11)));
    if (!ended) return false; // the literal is part of an expression, and the prologue is over
    const raw = literal[1] ?? literal[2];
    if (raw.includes("\\")) return null;
    if (raw === "use strict") return true;
    if (next === ";") at++;
  }
}
