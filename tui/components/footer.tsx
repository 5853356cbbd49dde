/**
 * The last line: the prompt being typed, else the latest message, else
 * the keys of the view on screen.
 *
 * @module
 */
// @jsxRuntime automatic
// @jsxImportSource react
import { Text } from "ink";
import type { ReactElement } from "react";
import type { Message, Prompt, View } from "../state/ui.ts";
import { firstGrapheme, takeEnd, takeStart, textWidth } from "../../src/text/width.ts";
import { Line, type Part, screenText } from "./line.tsx";
import { tint } from "../color.ts";

/**
 * The keys each view offers, for the footer.
 *
 * @example
 * ```ts
 * VIEW_KEYS.help; // "↑↓ PgUp PgDn scroll · Esc back"
 * ```
 */
export const VIEW_KEYS: Record<View["kind"], string> = {
  live:
    "? help · q quit · t trace on/off · s snapshot · c compare · / filter · g group · o sort · Enter drill in · : command",
  snapshot: "Enter drill in · o sort · g group · C cumulative · / filter · Esc back · ? help",
  compare: "[ ] older/newer base · { } older/newer new · o sort · Enter drill in · g group · Esc back",
  allocated: "a or Esc back · o sort · g group · / filter · X restarts the count · Enter drill in · ? help",
  snapshots: "Enter open · n mark new · b mark base · c compare · w dump · e export · x delete · Esc back",
  filters: "x remove the selected filter · / add glob · d add domain · Esc back",
  leaks: "Enter drill in · g group · / filter · l or Esc back · ? help",
  traceback: "Enter what keeps it alive · r newest/oldest first · ↑↓ PgUp PgDn scroll · Esc back",
  retainers: "↑↓ PgUp PgDn scroll · Esc back",
  help: "↑↓ PgUp PgDn scroll · Esc back",
  log: "↑↓ PgUp PgDn scroll · End follows new lines · Esc back",
};

/**
 * Props of {@link Footer}.
 *
 * @example
 * ```ts
 * const props: FooterProps = { prompt: null, message: { text: "snapshot s1 taken", tone: "info" }, view: "live", width: 120 };
 * ```
 */
export interface FooterProps {
  /** The prompt being typed into, which takes the whole line. */
  readonly prompt: Prompt | null;
  /** Feedback shown instead of the keys. */
  readonly message: Message | null;
  /** What is being done, e.g. "taking a snapshot". */
  readonly busy?: string | null;
  /** The kind of the view on screen, whose keys are shown. */
  readonly view: View["kind"];
  /** Columns of the line. */
  readonly width: number;
}

function PromptLine({ prompt, width }: { prompt: Prompt; width: number }): ReactElement {
  const title = prompt.kind === "command" ? ":" : `${prompt.title}: `;
  // Columns, not characters: a CJK character or an emoji typed takes two.
  const room = Math.max(1, width - textWidth(title) - 1);
  const { value } = prompt;
  // The character under the caret (a space past the end), what fits before it (the caret stays in view when the
  // text is longer than the line), then what fits after it.
  // A pasted control character shows escaped, as everywhere on the screen.
  const rawUnder = firstGrapheme(value.slice(prompt.caret));
  const under = screenText(rawUnder) || " ";
  const underWidth = Math.max(1, textWidth(under));
  const before = takeEnd(screenText(value.slice(0, prompt.caret)), room - underWidth);
  const after = takeStart(
    screenText(value.slice(prompt.caret + rawUnder.length)),
    room - underWidth - textWidth(before),
  );
  const hint = prompt.note
    ? `   ${prompt.note}`
    : value
    ? ""
    : (prompt.placeholder ? `${prompt.placeholder}  ` : "") + `(${prompt.hint})`;
  const rest = Math.max(0, width - textWidth(title) - textWidth(before) - underWidth - textWidth(after));
  return (
    <Text wrap="truncate-end">
      <Text color={tint("cyan")} bold>{title}</Text>
      <Text>{before}</Text>
      <Text inverse>{under}</Text>
      <Text>{after}</Text>
      <Text dimColor>{takeStart(screenText(hint), rest)}</Text>
    </Text>
  );
}

/**
 * The footer line.
 *
 * @example
 * ```tsx
 * import type { UiState } from "../state/ui.ts";
 * declare const ui: UiState;
 * <Footer prompt={ui.prompt} message={ui.message} view="live" width={120} />
 * ```
 */
export function Footer({ prompt, message, busy, view, width }: FooterProps): ReactElement {
  if (prompt) return <PromptLine prompt={prompt} width={width} />;
  const parts: Part[] = busy ? [{ text: ` ⧗ ${busy}…`, color: "cyan", bold: true }] : [];
  if (message) parts.push({ text: ` ${message.text}`, color: message.tone === "error" ? "red" : "green" });
  else if (!busy) parts.push({ text: ` ${VIEW_KEYS[view]}`, dim: true });
  return <Line width={width} parts={parts} />;
}
