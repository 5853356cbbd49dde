/**
 * The rules every load hook applies around the engine's transform, in one
 * place: a module loaded while the transform runs is not handed over (the
 * transform may load its own helpers lazily), an exception thrown by the
 * transform leaves the module unchanged and is not reported, and after
 * `close()` nothing is handed over any more (on runtimes whose hook cannot
 * be removed this is all `uninstall()` can do).
 *
 * @module
 */
import type { LoadedModule, ModuleTransform } from "./load-hook.ts";

/**
 * A transform wrapped in the hooks' rules.
 *
 * @example
 * ```ts
 * const gate = gateTransform((mod) => mod.source.replace("a", "b"));
 * gate.apply({ path: "/app/a.js", source: "a", lang: "js", kind: "module" }); // "b"
 * gate.close();
 * ```
 */
export interface TransformGate {
  /**
   * The transform's new source for `module`, or `null` to load the module
   * unchanged: the transform returned `null` or threw, the gate is closed,
   * or the module is being loaded by the transform itself.
   */
  apply(module: LoadedModule): string | null;
  /** True until {@link TransformGate.close}. */
  readonly open: boolean;
  /** Stops handing modules over, for good. */
  close(): void;
}

/**
 * Wraps `transform` in the hooks' rules (see the module comment).
 *
 * @example
 * ```ts
 * const gate = gateTransform(() => { throw new Error("bug"); });
 * gate.apply({ path: "/app/a.js", source: "a", lang: "js", kind: "module" }); // null: the module loads unchanged
 * ```
 */
export function gateTransform(transform: ModuleTransform, skip?: RegExp): TransformGate {
  let open = true;
  let busy = false;
  return {
    apply(module: LoadedModule): string | null {
      if (!open || busy || skip?.test(module.path)) return null;
      busy = true;
      try {
        const out = transform(module);
        return typeof out === "string" ? out : null;
      } catch {
        return null; // the contract: a failing transform costs the rewrite, never the program
      } finally {
        busy = false;
      }
    },
    get open(): boolean {
      return open;
    },
    close(): void {
      open = false;
    },
  };
}
