/**
 * The process-wide table of allocation sites. A site's id in rewritten code
 * is its module's key times {@link MODULE_SITES} plus its index in the
 * module; the key comes from the module's digest, so a module's rewritten
 * text is the same in every process (runtimes cache compiled code by text)
 * and the id still finds the site. Two modules whose keys meet (one chance
 * in about 2^32 per pair) take the next free key.
 *
 * @module
 */
import type { RawFrame } from "../../model/frame.ts";
import type { PlanSites, SiteKind } from "./plan.ts";

/**
 * Every site of every rewritten module.
 *
 * @example
 * ```ts
 * import type { PlanSites } from "./plan.ts";
 * declare const digest: string; // the module's `moduleDigest`
 *
 * const sites: PlanSites = {
 *   files: ["/app/a.ts"],
 *   file: [0],
 *   line: [3],
 *   column: [14],
 *   fn: ["load"],
 *   kind: [0],
 *   flags: [0],
 * };
 * const table = new SiteTable();
 * const base = table.add(sites, digest)!;
 * table.frame(base); // ["/app/a.ts", 3, null, "load"]
 * ```
 */
export class SiteTable {
  readonly #modules = new Map<number, ModuleSites>();

  /** Number of sites. */
  get size(): number {
    let n = 0;
    for (const module of this.#modules.values()) n += module.frames.length;
    return n;
  }

  /**
   * Adds the sites of the module with digest `digest` (64 hex digits);
   * returns the id of its first site, or `null` when it has more sites than
   * a module may number.
   */
  add(sites: PlanSites, digest: string): number | null {
    if (sites.line.length > MODULE_SITES) return null;
    let key = parseInt(digest.slice(0, 8), 16);
    for (let seen = this.#modules.get(key); seen && seen.digest !== digest; seen = this.#modules.get(key)) {
      key = (key + 1) % 2 ** 32;
    }
    if (!this.#modules.has(key)) {
      const files = sites.files;
      // No column: the sites of one line are one `lineno` key, as a line is in CPython.
      const frames = sites.line.map((line, i): RawFrame =>
        Object.freeze([files[sites.file[i]], line, null, sites.fn[i]])
      );
      this.#modules.set(key, { digest, frames, kinds: sites.kind, flags: sites.flags });
    }
    return key * MODULE_SITES;
  }

  /** The frame of site `id`: the line of the allocating expression and the named function around it. */
  frame(id: number): RawFrame {
    const key = Math.floor(id / MODULE_SITES);
    return this.#modules.get(key)!.frames[id - key * MODULE_SITES];
  }

  /** What site `id` makes. */
  kind(id: number): SiteKind {
    const key = Math.floor(id / MODULE_SITES);
    return this.#modules.get(key)!.kinds[id - key * MODULE_SITES];
  }

  /** The {@link SiteFlag} bits of site `id`. */
  flags(id: number): number {
    const key = Math.floor(id / MODULE_SITES);
    return this.#modules.get(key)!.flags[id - key * MODULE_SITES];
  }
}

/**
 * Sites a module may number: 2^20, so ids stay below 2^52 (exact in a
 * double) with 32-bit module keys.
 *
 * @example
 * ```ts
 * declare const id: number; // a site id
 *
 * const module = Math.floor(id / MODULE_SITES);
 * ```
 */
export const MODULE_SITES = 2 ** 20;

/** One module's sites. */
interface ModuleSites {
  readonly digest: string;
  readonly frames: readonly RawFrame[];
  readonly kinds: readonly SiteKind[];
  readonly flags: readonly number[];
}
