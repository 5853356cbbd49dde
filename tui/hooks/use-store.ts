/**
 * React state from the TUI's plain stores (the controller, the live feed).
 *
 * @module
 */
import { useSyncExternalStore } from "react";

/**
 * Anything with a state that changes and tells listeners.
 *
 * @example
 * ```ts
 * import type { Controller, ControllerState } from "../session/controller.ts";
 * declare const controller: Controller;
 * const store: Store<ControllerState> = controller;
 * ```
 */
export interface Store<T> {
  /** The current state. */
  readonly state: T;
  /** Calls `listener` after each change; returns what unsubscribes it. */
  subscribe(listener: () => void): () => void;
}

/**
 * The state of `store`, re-rendering the component when it changes.
 *
 * @example
 * ```tsx
 * import type { Controller } from "../session/controller.ts";
 * declare const controller: Controller;
 * const { log, busy } = useStore(controller);
 * ```
 */
export function useStore<T>(store: Store<T>): T {
  return useSyncExternalStore(
    (listener) => store.subscribe(listener),
    () => store.state,
  );
}
