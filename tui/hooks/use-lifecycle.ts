/**
 * What happens on its own: the startup commands, then the live feed;
 * command results shown as messages (the feed refreshes after commands by
 * itself, hearing them from the session); messages fading; pausing; `quit`
 * typed after `:`.
 *
 * @module
 */
import { type Dispatch, useEffect } from "react";
import type { Controller } from "../session/controller.ts";
import type { LiveFeed } from "../session/feed.ts";
import type { Action, Message } from "../state/ui.ts";

/** How long a message stays on the footer, in ms. */
const MESSAGE_MS = 10_000;

/**
 * What {@link useLifecycle} drives.
 *
 * @example
 * ```ts
 * declare const inputs: LifecycleInputs;
 * useLifecycle({ ...inputs, startup: ["run scripts/demo.ts", "start 5"] });
 * ```
 */
export interface LifecycleInputs {
  /** Runs the startup lines and reports their results. */
  readonly controller: Controller;
  /** Started once the startup lines have run; paused and resumed with `paused`. */
  readonly feed: LiveFeed;
  /** Changes the TUI's state (messages). */
  readonly dispatch: Dispatch<Action>;
  /** Command lines run once, in order, before the live feed starts. */
  readonly startup: readonly string[];
  /** Whether the live table is paused (space). */
  readonly paused: boolean;
  /** The message shown, which expires after a while. */
  readonly message: Message | null;
  /** Ends the app (on `quit`). */
  readonly quit: () => void;
}

/**
 * Runs the app's own processes.
 *
 * @example
 * ```tsx
 * import type { UiState } from "../state/ui.ts";
 * declare const ui: UiState, inputs: LifecycleInputs;
 * const { controller, feed, dispatch, startup, quit } = inputs;
 * useLifecycle({ controller, feed, dispatch, startup, paused: ui.paused, message: ui.message, quit });
 * ```
 */
export function useLifecycle(inputs: LifecycleInputs): void {
  const { controller, feed, dispatch, paused, message, quit } = inputs;
  useEffect(() => {
    let cancelled = false;
    void (async () => {
      for (const line of inputs.startup) await controller.run(line);
      if (!cancelled) feed.start();
    })();
    return () => {
      cancelled = true;
    };
    // Startup runs once, with the controller and feed the app was made with.
  }, []);
  useEffect(
    () =>
      controller.onNotice((notice) => dispatch({ type: "message", message: { text: notice.text, tone: notice.tone } })),
    [controller, dispatch],
  );
  useEffect(() => controller.onQuit(quit), [controller, quit]);
  useEffect(() => feed.setPaused(paused), [feed, paused]);
  useEffect(() => {
    // A message gives way to the view's keys after a while.
    if (!message) return;
    const timer = setTimeout(() => dispatch({ type: "expire", message }), MESSAGE_MS);
    return () => clearTimeout(timer);
  }, [message, dispatch]);
}
