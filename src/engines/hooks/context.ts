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
import { type MarkedSite, marks } from "./marks.ts";
import type { SiteStack, TraceStore } from "./store.ts";

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
 * Mean number of allocations at a marked site between two stacks captured
 * there, when tracebacks hold more than one frame.
 *
 * @example
 * ```ts
 * const share = 1 / RECAPTURE_EVERY; // of the allocations whose callers are captured
 * ```
 */
export const RECAPTURE_EVERY = 64;

/**
 * The user's stack below the hook `below`, or `null` for an allocation the
 * tracer made itself.
 *
 * `site` is the line engine's site of the call when rewritten code marked
 * it (`null` otherwise). Such an allocation's line is known without a
 * stack: with a limit of one frame its traceback is the site's frame (the
 * depth of the stack is then unknown, `totalNframe` null). With more
 * frames, a stack is captured for the site's first allocation and then for
 * one allocation in {@link RECAPTURE_EVERY} at random; the others take the
 * traceback of the last stack captured at the site (their callers are
 * sampled, their size, count and line exact). An unmarked allocation
 * always captures its own stack.
 *
 * @example
 * ```ts
 * import { BUFFER_DOMAIN } from "./store.ts";
 * declare const ctx: HookContext;
 *
 * function hook(buffer: ArrayBuffer) {
 *   const stack = allocationStack(ctx, hook, null); // the frames below hook()
 *   if (stack) ctx.store.add(buffer, BUFFER_DOMAIN, "buffer", buffer.byteLength, stack);
 * }
 * ```
 */
export function allocationStack(
  ctx: HookContext,
  below: StackBoundary,
  site: MarkedSite | null,
): CapturedStack | null {
  if (site === null) return stackCapture().capture(ctx.nframe, below, "drop");
  if (site.owner === ctx && (ctx.nframe === 1 || Math.random() * RECAPTURE_EVERY >= 1)) return site.stack;
  return siteStack(ctx, below, site);
}

/** A new stack for the marked `site` (its first allocation in this session, or a sample), kept as the site's. */
function siteStack(ctx: HookContext, below: StackBoundary, site: MarkedSite): CapturedStack | null {
  const frame = marks.frame!(site.id);
  let stack: SiteStack;
  if (ctx.nframe === 1) {
    stack = { frames: [frame], totalNframe: null, key: `s${site.id}`, interned: null };
  } else {
    const captured = stackCapture().capture(ctx.nframe, below, "drop");
    // The tracer's own allocation: a matter of this call, not of the site.
    if (captured === null) return null;
    // Frame 0 is the site's own: the call's line as the rewriter found it (a runtime may put a
    // multi-line call elsewhere), the same whatever the traceback limit.
    const own = captured.frames.length > 0;
    stack = {
      frames: own ? [frame, ...captured.frames.slice(1)] : captured.frames,
      totalNframe: captured.totalNframe,
      key: own ? `s${site.id}|${captured.key}` : captured.key,
      interned: null,
    };
  }
  site.owner = ctx;
  site.stack = stack;
  return stack;
}
