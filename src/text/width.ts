/**
 * Terminal text measured in columns, not in UTF-16 code units: a CJK
 * character or an emoji takes two columns, a combining accent none, so
 * `"データ.ts".length` (6) is not its width (9). Everything the screen pads,
 * cuts or aligns is measured here, with `string-width`, the measure Ink lays
 * its boxes out with; cuts fall between graphemes, never inside a wide
 * character, an emoji or a letter and its accents.
 *
 * @example
 * ```ts
 * import { cutLeft, padEnd, textWidth } from "./width.ts";
 *
 * textWidth("/srv/アプリ/データ.ts"); // 21
 * cutLeft("/srv/アプリ/データ.ts", 9); // "…ータ.ts" (8 columns: "デ" is not split)
 * padEnd("📦.ts", 7) + "|"; // "📦.ts  |"
 * ```
 * @module
 */
import stringWidth from "string-width";

const segmenter = new Intl.Segmenter();

/** Printable ASCII: one column per code unit, no segmenting needed. */
const ASCII = /^[\x20-\x7e]*$/;

/**
 * The columns `text` takes on a terminal (ANSI colour codes take none).
 *
 * @example
 * ```ts
 * textWidth("main.ts"); // 7
 * textWidth("アプリ"); // 6
 * textWidth("📦"); // 2
 * textWidth("e\u0301"); // 1 ("é" as e and a combining accent)
 * ```
 */
export function textWidth(text: string): number {
  return stringWidth(text);
}

/** The graphemes of `text` (user-perceived characters), in order. */
function graphemes(text: string): string[] {
  return Array.from(segmenter.segment(text), (s) => s.segment);
}

/**
 * The first grapheme of `text` (a letter with its accents, a whole emoji),
 * or `""` for an empty text.
 *
 * @example
 * ```ts
 * firstGrapheme("e\u0301te"); // "e\u0301"
 * firstGrapheme("👨‍👩‍👧.ts"); // "👨‍👩‍👧"
 * ```
 */
export function firstGrapheme(text: string): string {
  if (!text) return "";
  for (const { segment } of segmenter.segment(text)) return segment;
  return "";
}

/**
 * The longest start of `text` that fits in `width` columns, cut between
 * graphemes: a wide character that would overflow is left out, so the
 * result may be one column short of `width`.
 *
 * @example
 * ```ts
 * takeStart("renderPage", 6); // "render"
 * takeStart("データ.ts", 5); // "デー" (4 columns; "タ" would make 6)
 * ```
 */
export function takeStart(text: string, width: number): string {
  if (width <= 0) return "";
  if (ASCII.test(text)) return text.slice(0, width);
  let used = 0;
  let end = 0;
  for (const { segment, index } of segmenter.segment(text)) {
    used += stringWidth(segment);
    if (used > width) break;
    end = index + segment.length;
  }
  return text.slice(0, end);
}

/**
 * The longest end of `text` that fits in `width` columns, cut between
 * graphemes (see {@link takeStart}).
 *
 * @example
 * ```ts
 * takeEnd("users.ts:12", 5); // "ts:12"
 * takeEnd("アプリ/データ.ts", 8); // "ータ.ts" (7 columns)
 * ```
 */
export function takeEnd(text: string, width: number): string {
  if (width <= 0) return "";
  if (ASCII.test(text)) return width >= text.length ? text : text.slice(text.length - width);
  const parts = graphemes(text);
  let used = 0;
  let start = parts.length;
  while (start > 0) {
    used += stringWidth(parts[start - 1]);
    if (used > width) break;
    start--;
  }
  return parts.slice(start).join("");
}

/**
 * `text` cut to at most `width` columns, keeping its end (where a path's
 * file name and line are) and marking the cut with `…`.
 *
 * @example
 * ```ts
 * cutLeft("src/server/handlers/users.ts:12", 16); // "…ers/users.ts:12"
 * cutLeft("/srv/アプリ/データ.ts", 9); // "…ータ.ts" (8 columns)
 * ```
 */
export function cutLeft(text: string, width: number): string {
  if (width <= 0) return "";
  if (textWidth(text) <= width) return text;
  return "…" + takeEnd(text, width - 1);
}

/**
 * `text` cut to at most `width` columns, keeping its start and marking the
 * cut with `…`.
 *
 * @example
 * ```ts
 * cutRight("renderPage(request)", 8); // "renderP…"
 * cutRight("📦📦📦.ts", 6); // "📦📦…" (5 columns)
 * ```
 */
export function cutRight(text: string, width: number): string {
  if (width <= 0) return "";
  if (textWidth(text) <= width) return text;
  return takeStart(text, width - 1) + "…";
}

/**
 * `text` followed by spaces up to `width` columns (never cut).
 *
 * @example
 * ```ts
 * padEnd("アプリ", 8) + "|"; // "アプリ  |"
 * ```
 */
export function padEnd(text: string, width: number): string {
  return text + " ".repeat(Math.max(0, width - textWidth(text)));
}

/**
 * `text` after spaces up to `width` columns (never cut).
 *
 * @example
 * ```ts
 * "|" + padStart("データ", 8); // "|  データ"
 * ```
 */
export function padStart(text: string, width: number): string {
  return " ".repeat(Math.max(0, width - textWidth(text))) + text;
}
