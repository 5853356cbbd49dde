/**
 * Capturing the current stack as raw frames, for engines that trace an
 * allocation at the moment it happens (the allocation hooks, `track()`).
 *
 * It uses V8's structured stack API (`Error.captureStackTrace` with a
 * temporary `Error.prepareStackTrace` that hands back the call sites), which
 * Bun implements too. What each runtime's call sites give:
 *
 * - Node: `file://` URLs and positions in the code V8 runs; with tsx that is
 *   the emitted JavaScript, so positions go through the adapter's
 *   `originalPosition` (tsx registers its source maps with Node).
 * - Deno: paths and positions in the TypeScript source (Deno maps call sites).
 * - Bun: paths and TypeScript positions; built-ins appear as native frames.
 *   JavaScriptCore makes proper tail calls in strict code, so a function
 *   whose last act is `return f(...)` has no frame of its own
 *   ({@link properTailCalls}).
 *
 * Built-in frames (V8's `Array.prototype.map`, Bun's `[native code]`) are
 * not frames of a source file and are left out, as CPython leaves C
 * functions out of its tracebacks. Frames of the runtime's own JavaScript
 * (`node:internal/...`, `ext:deno_node/...`) are left out at the ends of a
 * stack (see {@link userFacing}), and at the end of its synchronous part
 * when async callers follow (the job runner that resumed an async function:
 * Node's `processTicksAndRejections`, Deno's `ext:core/01_core.js`), unless
 * {@link StackCapture.internalFrames} is set.
 *
 * @module
 */
import type { RawFrame } from "../model/frame.ts";
import { runtime } from "./index.ts";
import { isInternalFile, userFacing } from "./internal-frames.ts";
import { isLoaderFile } from "./loader-files.ts";

/**
 * A function, as `Error.captureStackTrace` takes it to cut the stack above.
 *
 * @example
 * ```ts
 * const below: StackBoundary = function hook() {};
 * ```
 */
export type StackBoundary = (...args: never[]) => unknown;

/** The part of a V8 / JavaScriptCore call site this module reads. */
interface CallSite {
  getFileName(): string | null | undefined;
  getLineNumber(): number | null;
  getColumnNumber(): number | null;
  getFunctionName(): string | null;
  isNative(): boolean;
  isEval(): boolean;
  /** V8: a frame of an async function awaiting the frames above (absent on JavaScriptCore). */
  isAsync?(): boolean;
}

/** V8's stack API, which Bun implements as well. */
interface StackApi {
  captureStackTrace(target: object, below?: StackBoundary): void;
  prepareStackTrace?: (error: Error, sites: CallSite[]) => unknown;
  stackTraceLimit: number;
}

/**
 * A stack captured at an allocation.
 *
 * @example
 * ```ts
 * const stack: CapturedStack = {
 *   frames: [["/app/main.ts", 12, 5, "load"]],
 *   totalNframe: 4,
 *   key: "7,4",
 * };
 * ```
 */
export interface CapturedStack {
  /** At most the number of frames asked for, most recent first. */
  readonly frames: readonly RawFrame[];
  /**
   * Frames the stack had, the tracer's own and built-ins removed (and the
   * runtime's at its ends, unless they are shown); `null` when the stack was
   * deeper than what was captured (knowing the depth of every stack would
   * cost a frame's worth of work per level).
   */
  readonly totalNframe: number | null;
  /** Equal for two captures with equal frames and `totalNframe`: an interning key. */
  readonly key: string;
}

/**
 * What to do with the tracer's own frames: `"drop"` gives up the capture
 * when any is seen (the allocation is the tracer's own), `"strip"` removes
 * them (the tracer was called by the user, as `track()` is).
 *
 * @example
 * ```ts
 * const own: OwnFrames = "strip";
 * ```
 */
export type OwnFrames = "drop" | "strip";

/** One source position, resolved once. */
interface Position {
  readonly frame: RawFrame;
  readonly id: number;
  readonly own: boolean;
  /** A frame of the module loader (user code runs above it): left out, never a reason to drop. */
  readonly loader: boolean;
  /** A frame of the runtime's own JavaScript ({@link isInternalFile}). */
  readonly internal: boolean;
}

const api = Error as unknown as StackApi;
const passSites = (_error: Error, sites: CallSite[]): CallSite[] => sites;
/** JavaScriptCore's name for code it made itself, such as a default class constructor. */
const SYNTHETIC = /^\[source:\d+\]$/;
/** Frames captured beyond the limit: built-in frames and one to see whether the stack goes on. */
const SLACK = 2;
/**
 * Frames captured again, beyond the first capture's, when the runtime's
 * frames it ended with may lie at the stack's outer end (the module
 * loader's: 4 on Node for an ES module, about 10 for CommonJS under tsx; a
 * test runner's: about 12); also what a capture resolved later takes in
 * advance, as it cannot capture again.
 */
const INTERNAL_SLACK = 16;

/**
 * Captures stacks and resolves their positions once per distinct position
 * (mapped to the original source, files as paths).
 *
 * @example
 * ```ts
 * const stacks = new StackCapture((file) => file.includes("/my-tracer/src/"));
 * function allocate() {
 *   return stacks.capture(5, allocate, "drop"); // the caller of allocate() first
 * }
 * ```
 */
export class StackCapture {
  readonly #isOwnFile: (file: string) => boolean;
  readonly #positions = new Map<string, Position | null>();
  readonly #mapped = !runtime().capabilities.mappedCallSites;
  #nextId = 0;
  /**
   * true: keep the runtime's own frames at the ends of a stack; false (the
   * default): leave them out (see {@link userFacing}).
   */
  internalFrames = false;

  /** @param isOwnFile true for a file of the tracer itself (a path or a `file://` URL) */
  constructor(isOwnFile: (file: string) => boolean) {
    this.#isOwnFile = isOwnFile;
  }

  /** Distinct source positions resolved so far. */
  get positionCount(): number {
    return this.#nextId;
  }

  /**
   * The stack below `below` (which must be on the stack: the outermost
   * function of the tracer the user's code called), up to `nframe` frames.
   * `null` when `own` is `"drop"` and a frame of the tracer was seen.
   * `extra` more frames are captured when tracer frames are expected
   * between `below` and the user's code (`"strip"` removes them).
   */
  capture(
    nframe: number,
    below: StackBoundary,
    own: OwnFrames,
    extra = 0,
  ): CapturedStack | null {
    const limit = nframe + SLACK + extra;
    const stack = this.#framesOf(collectSites(limit, below), nframe, limit, own, true);
    if (stack !== undefined) return stack;
    // The runtime's frames it ended with may be the stack's outer end: see further.
    const further = limit + INTERNAL_SLACK;
    return this.#framesOf(collectSites(further, below), nframe, further, own, false) as CapturedStack | null;
  }

  /**
   * Captures the stack below `below` now and resolves its frames later with
   * {@link StackCapture.resolveLater}: on V8 the frames are then only
   * formatted if asked for (most samples die first). The capture holds
   * the frames' functions and receivers until it is resolved or dropped.
   * On an engine that formats stacks at capture ({@link lazyStacks} false)
   * this is a full capture.
   */
  captureLater(nframe: number, below: StackBoundary, extra = 0): LaterStack {
    if (!lazyStacks()) {
      // Formatted now anyway: capture further at once when the stack's outer end is not in sight.
      const limit = nframe + SLACK + extra;
      const sites = collectSites(limit, below);
      const stripped = this.#framesOf(sites, nframe, limit, "strip", true);
      if (stripped) return { limit, sites, stripped: { nframe, stack: stripped } };
      const further = limit + INTERNAL_SLACK;
      return { limit: further, sites: collectSites(further, below) };
    }
    // Capturing is cheap, formatting is paid later: capture enough to see past the runtime's frames.
    const limit = nframe + SLACK + extra + (this.internalFrames ? 0 : INTERNAL_SLACK);
    const holder: { stack?: unknown } = {};
    const previousLimit = api.stackTraceLimit;
    try {
      api.stackTraceLimit = limit;
      api.captureStackTrace(holder, below);
    } finally {
      api.stackTraceLimit = previousLimit;
    }
    return { limit, holder };
  }

  /** The frames of a stack captured by {@link StackCapture.captureLater} (see {@link StackCapture.capture}). */
  resolveLater(later: LaterStack, nframe: number, own: OwnFrames): CapturedStack | null {
    if (own === "strip" && later.stripped?.nframe === nframe) return later.stripped.stack;
    return this.#framesOf(later.sites ?? sitesOf(later.holder!), nframe, later.limit, own, false) as
      | CapturedStack
      | null;
  }

  /**
   * The frames of captured call sites; `undefined` when `retry` and more of
   * the stack is needed to tell whether the runtime frames it ends with are
   * its outer end.
   */
  #framesOf(
    sites: CallSite[],
    nframe: number,
    limit: number,
    own: OwnFrames,
    retry: boolean,
  ): CapturedStack | null | undefined {
    const positions: Position[] = [];
    for (const site of sites) {
      const position = this.#resolve(site);
      if (position === null || position.loader) continue;
      if (position.own) {
        if (own === "drop") return null;
        continue;
      }
      // The runtime's frames under a resumed async function (the job runner) end its synchronous stack.
      let n = positions.length;
      if (n > 0 && positions[n - 1].internal && !this.internalFrames && site.isAsync?.()) {
        while (n > 0 && positions[n - 1].internal) n--;
        positions.length = n;
      }
      positions.push(position);
    }
    const count = positions.length;
    const complete = sites.length < limit;
    let start = 0;
    let end = Math.min(count, nframe);
    let totalNframe = complete ? count : null;
    // userFacing cannot change a stack whose first, last kept and (when whole) outermost frames are the user's.
    if (
      !this.internalFrames && count > 0 &&
      (positions[0].internal || positions[end - 1].internal || (complete && positions[count - 1].internal))
    ) {
      const range = userFacing(count, (i) => positions[i].internal, complete, nframe);
      if (!range.settled && retry) return undefined;
      start = range.start;
      end = range.end;
      totalNframe = range.total;
    }
    const frames: RawFrame[] = [];
    let key = "";
    for (let i = start; i < end; i++) {
      frames.push(positions[i].frame);
      key += positions[i].id + ",";
    }
    return { frames, totalNframe, key: key + totalNframe };
  }

  /** The position of a call site, or `null` for a built-in frame. */
  #resolve(site: CallSite): Position | null {
    if (site.isNative()) return null;
    const eval_ = site.isEval();
    const file = eval_ ? "<eval>" : site.getFileName();
    if (!file) return null;
    const line = site.getLineNumber() ?? 0;
    const column = site.getColumnNumber() ?? 0;
    const rawKey = `${line}:${column}:${file}`;
    let position = this.#positions.get(rawKey);
    if (position === undefined) {
      position = SYNTHETIC.test(file) ? null : this.#newPosition(site, file, line, column, eval_);
      this.#positions.set(rawKey, position);
    }
    return position;
  }

  #newPosition(
    site: CallSite,
    file: string,
    line: number,
    column: number,
    eval_: boolean,
  ): Position {
    const fn = site.getFunctionName() || null;
    const id = this.#nextId++;
    if (eval_) return { frame: [file, line, null, fn], id, own: false, loader: false, internal: false };
    const rt = runtime();
    const at = this.#mapped ? rt.originalPosition(file, line, column) : { file: rt.toPath(file), line, column };
    const loader = isLoaderFile(rt.toPath(file));
    const own = !loader && (this.#isOwnFile(file) || this.#isOwnFile(at.file));
    const internal = isInternalFile(file) || isInternalFile(at.file);
    // No column: a line is one `lineno` key, whatever the domain, as in CPython.
    return { frame: [at.file, at.line, null, fn], id, own, loader, internal };
  }
}

/**
 * A stack captured by {@link StackCapture.captureLater}: a holder whose
 * `stack` V8 formats on first access, or the call sites themselves.
 *
 * @example
 * ```ts
 * const stacks = new StackCapture((file) => file.includes("/my-tracer/src/"));
 * function hook(): LaterStack {
 *   return stacks.captureLater(5, hook); // nothing formatted yet
 * }
 * const later = hook();
 * const stack = stacks.resolveLater(later, 5, "strip"); // the frames, when needed
 * ```
 */
export interface LaterStack {
  readonly limit: number;
  readonly holder?: { stack?: unknown };
  readonly sites?: CallSite[];
  /** The frames of `sites` with the tracer's frames stripped, when they were resolved at capture. */
  readonly stripped?: { readonly nframe: number; readonly stack: CapturedStack };
}

/** The call sites of a holder V8 has not formatted yet, through this module's `prepareStackTrace`. */
function sitesOf(holder: { stack?: unknown }): CallSite[] {
  const prepare = api.prepareStackTrace;
  try {
    api.prepareStackTrace = passSites;
    const sites = holder.stack;
    return Array.isArray(sites) ? sites as CallSite[] : [];
  } finally {
    api.prepareStackTrace = prepare;
  }
}

let lazy: boolean | null = null;

/**
 * True when the engine formats a captured stack only when its `stack` is
 * first read (V8), false when it does so at capture (JavaScriptCore).
 * Probed once.
 *
 * @example
 * ```ts
 * if (lazyStacks()) console.log("capturing is cheap, formatting is paid on read");
 * ```
 */
export function lazyStacks(): boolean {
  if (lazy !== null) return lazy;
  const prepare = api.prepareStackTrace;
  let formatted = false;
  try {
    api.prepareStackTrace = () => (formatted = true);
    api.captureStackTrace({});
  } finally {
    api.prepareStackTrace = prepare;
  }
  return lazy = !formatted;
}

/** Call sites below `below`, at most `limit` of them, without disturbing the program's stack settings. */
function collectSites(limit: number, below: StackBoundary): CallSite[] {
  const prepare = api.prepareStackTrace;
  const previousLimit = api.stackTraceLimit;
  const holder: { stack?: unknown } = {};
  try {
    api.prepareStackTrace = passSites;
    api.stackTraceLimit = limit;
    api.captureStackTrace(holder, below);
    const sites = holder.stack;
    return Array.isArray(sites) ? sites as CallSite[] : [];
  } finally {
    api.prepareStackTrace = prepare;
    api.stackTraceLimit = previousLimit;
  }
}

let tailCalls: boolean | null = null;

/**
 * True when the engine makes proper tail calls (JavaScriptCore, in strict
 * code): a function ending in `return f(...)` then leaves no frame on the
 * stack, so tracebacks skip it. Probed once.
 *
 * @example
 * ```ts
 * if (properTailCalls()) console.log("frames of tail-calling functions are missing");
 * ```
 */
export function properTailCalls(): boolean {
  return tailCalls ??= probeTailCaller().every((site) => site.getFunctionName() !== "probeTailCaller");
}

// Module code is strict, where a proper-tail-call engine drops this frame.
function probeTailCaller(): CallSite[] {
  return probeTailCallee();
}

function probeTailCallee(): CallSite[] {
  const sites = collectSites(4, probeTailCallee);
  // Not `return collectSites(...)`: this frame must stay while it captures.
  return sites.length >= 0 ? sites : [];
}
