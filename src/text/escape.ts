/**
 * Text from data or from the user made safe to print on a terminal: a file
 * name inside a dump from elsewhere, a word typed in a bad command. Raw
 * control characters would reach the terminal as commands (ESC starts
 * sequences that set the window's title, clear the screen or recolour it;
 * NUL, CR and BS hide or overwrite text; bidi overrides reorder it), so they
 * are shown as escapes instead: `\x1b`, `\x00`, `\u202e`.
 *
 * Only text for a person is escaped; JSON output stays exact (JSON escapes
 * C0 characters itself). A backslash is left as it is, so Windows paths read
 * as typed: `\x1b` in the output may also be those four characters.
 *
 * @module
 */

/**
 * What is escaped: C0 controls but tab (and line feed, unless asked), DEL,
 * C1 controls, and the bidirectional marks, embeddings, overrides and
 * isolates (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069).
 */
// deno-lint-ignore no-control-regex
const CONTROL = /[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
const CONTROL_ALL = new RegExp(CONTROL.source, "g");
// deno-lint-ignore no-control-regex
const CONTROL_BUT_NEWLINE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

function escapeOne(c: string): string {
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
}

/**
 * `text` with its control characters escaped (`\x1b`, `\u202e`), for a
 * terminal. Tab stays; line feed is escaped too (a file name cannot forge a
 * line of a listing) unless `keepNewlines` is set, for messages of several
 * lines. Text without control characters comes back as it is, so escaping
 * twice changes nothing.
 *
 * @example
 * ```ts
 * escapeControl("evil\x1b]0;pwned\x07.ts"); // "evil\\x1b]0;pwned\\x07.ts"
 * escapeControl("a\u202etxt.exe"); // "a\\u202etxt.exe"
 * escapeControl("one\ntwo"); // "one\\x0atwo"
 * escapeControl("one\ntwo", { keepNewlines: true }); // "one\ntwo"
 * escapeControl("src/app.ts"); // "src/app.ts"
 * ```
 */
export function escapeControl(text: string, options: { keepNewlines?: boolean } = {}): string {
  if (!CONTROL.test(text)) return text;
  return text.replace(options.keepNewlines ? CONTROL_BUT_NEWLINE : CONTROL_ALL, escapeOne);
}
