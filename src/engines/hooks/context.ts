/**
 * The state every hook reads: the tracing session, if any, and whether a
 * hook is already running (an allocation made inside a hooked call, such as
 * the `allocUnsafe` inside Node's `Buffer.concat`, is the outer call's).
 *
 * @module
 */
import { runtime } from "../../runtime/index.ts";
import { type CapturedStack, type StackBoundary, StackCapture } from "../../runtime/stack.ts";
import { isTracerFile } from "../own-frames.ts";
import type { TraceStore } from "./store.ts";

/**
 * One tracing session of the hooks.
 *
 * @example
 * ```ts
 * import { TraceStore } from "./store.ts";
 *
 * const ctx: HookContext = { store: new TraceStore(), nframe: 5, failures: 0 };
 * ```
 */
export interface HookContext {
  /** The traces. */
  readonly store: TraceStore;
  /** Frames kept per traceback. */
  readonly nframe: number;
  /** Hook bookkeeping that threw (the program's call still succeeded); 0 unless there is a bug. */
  failures: number;
}

/**
 * Mutable module state shared by the hooks (one tracer per process).
 *
 * @example
 * ```ts
 * if (state.active === null) console.log("not tracing");
 * ```
 */
export const state: { active: HookContext | null; busy: number } = {
  active: null,
  busy: 0,
};

let stacks: StackCapture | null = null;

/**
 * The stack capture shared by all sessions (positions are resolved once per
 * process).
 *
 * @example
 * ```ts
 * stackCapture().positionCount; // distinct positions seen so far
 * ```
 */
export function stackCapture(): StackCapture {
  return stacks ??= new StackCapture((file) => isTracerFile(file) || runtime().isInspectorFrame(file));
}

/**
 * The user's stack below the hook `below`, or `null` for an allocation the
 * tracer made itself.
 *
 * @example
 * ```ts
 * import { BUFFER_DOMAIN } from "./store.ts";
 * declare const ctx: HookContext;
 *
 * function hook(buffer: ArrayBuffer) {
 *   const stack = allocationStack(ctx, hook); // the frames below hook()
 *   if (stack) ctx.store.add(buffer, BUFFER_DOMAIN, "buffer", buffer.byteLength, stack);
 * }
 * ```
 */
export function allocationStack(
  ctx: HookContext,
  below: StackBoundary,
): CapturedStack | null {
  return stackCapture().capture(ctx.nframe, below, "drop");
}
