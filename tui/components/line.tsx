/**
 * One screen line made of styled parts, cut to the screen's width so it
 * never wraps and shifts the lines below it, with control characters
 * escaped.
 *
 * @module
 */
// @jsxRuntime automatic
// @jsxImportSource react
import { Text } from "ink";
import type { ReactElement } from "react";
import { escapeControl } from "../../src/text/escape.ts";
import { cutRight, textWidth } from "../../src/text/width.ts";
import { tint } from "../color.ts";

/**
 * A piece of a line and its style.
 *
 * @example
 * ```ts
 * const warning: Part = { text: " cannot see: ", color: "yellow" };
 * ```
 */
export interface Part {
  /** The text, without newlines. */
  readonly text: string;
  /** An Ink color name, e.g. `red` or `cyan`. */
  readonly color?: string;
  /** Bold text. */
  readonly bold?: boolean;
  /** Dim text. */
  readonly dim?: boolean;
  /** Foreground and background swapped. */
  readonly inverse?: boolean;
}

/**
 * Props of {@link Line}.
 *
 * @example
 * ```ts
 * const bar: LineProps = { parts: [{ text: " LIVE", bold: true }], width: 80, fill: true, inverse: true };
 * ```
 */
export interface LineProps {
  /** The pieces, left to right. */
  readonly parts: readonly Part[];
  /** Columns the line may take; longer text is cut. */
  readonly width: number;
  /** Pads the line to the full width (so an inverse line is a full bar). */
  readonly fill?: boolean;
  /** Style of the whole line (parts may add to it). */
  readonly inverse?: boolean;
}

/**
 * A part's text as the screen shows it: control characters escaped (file
 * names, source lines and the program's output never drive the terminal,
 * nor shift the screen's lines), a tab as one space (a terminal would jump
 * to its next tab stop, which no width measure knows).
 *
 * @example
 * ```ts
 * screenText("a\tb\x1b[2J"); // "a b\\x1b[2J"
 * ```
 */
export function screenText(text: string): string {
  return escapeControl(text).replaceAll("\t", " ");
}

/**
 * The parts that fit in `width` terminal columns, the last one cut with `…`
 * (between whole characters: a wide one that does not fit is left out),
 * their text as {@link screenText} shows it.
 *
 * @example
 * ```ts
 * fit([{ text: "abc" }, { text: "def" }], 5); // [{ text: "abc" }, { text: "d…" }]
 * fit([{ text: "アプリ" }], 5); // [{ text: "アプ…" }]
 * fit([{ text: "\x1b[2J" }], 80); // [{ text: "\\x1b[2J" }]
 * ```
 */
export function fit(parts: readonly Part[], width: number): Part[] {
  const out: Part[] = [];
  let room = width;
  for (const part of parts) {
    if (room <= 0) break;
    const text = screenText(part.text);
    const columns = textWidth(text);
    if (columns <= room) {
      out.push(text === part.text ? part : { ...part, text });
      room -= columns;
    } else {
      out.push({ ...part, text: cutRight(text, room) });
      room = 0;
    }
  }
  return out;
}

/**
 * Styled parts on one line of at most `width` columns.
 *
 * @example
 * ```tsx
 * <Line width={80} parts={[{ text: "tracing", color: "green" }, { text: " 5 frames" }]} />
 * ```
 */
export function Line({ parts, width, fill = false, inverse = false }: LineProps): ReactElement {
  const shown = fit(parts, width);
  const used = shown.reduce((n, p) => n + textWidth(p.text), 0);
  return (
    <Text wrap="truncate-end" inverse={inverse}>
      {shown.map((part, i) => (
        <Text key={i} color={tint(part.color)} bold={part.bold} dimColor={part.dim} inverse={part.inverse}>
          {part.text}
        </Text>
      ))}
      {fill && used < width ? " ".repeat(width - used) : ""}
      {used === 0 && !fill ? " " : ""}
    </Text>
  );
}
