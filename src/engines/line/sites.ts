/**
 * The process-wide table of allocation sites: every rewritten module adds
 * its plan's sites, numbered from a base, so a site id in rewritten code is
 * one number and its frame is one lookup.
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
 * const table = new SiteTable();
 * const base = table.add(plan.sites);
 * table.frame(base); // ["/app/a.ts", 3, null, "load"]
 * ```
 */
export class SiteTable {
  readonly #frames: RawFrame[] = [];
  readonly #kinds: SiteKind[] = [];
  readonly #flags: number[] = [];

  /** Number of sites. */
  get size(): number {
    return this.#frames.length;
  }

  /** Adds a module's sites; returns the id of its first one. */
  add(sites: PlanSites): number {
    const base = this.#frames.length;
    const files = sites.files;
    for (let i = 0; i < sites.line.length; i++) {
      // No column: the sites of one line are one `lineno` key, as a line is in CPython.
      this.#frames.push(Object.freeze([files[sites.file[i]], sites.line[i], null, sites.fn[i]]));
      this.#kinds.push(sites.kind[i]);
      this.#flags.push(sites.flags[i]);
    }
    return base;
  }

  /** The frame of site `id`: the line of the allocating expression and the named function around it. */
  frame(id: number): RawFrame {
    return this.#frames[id];
  }

  /** What site `id` makes. */
  kind(id: number): SiteKind {
    return this.#kinds[id];
  }

  /** The {@link SiteFlag} bits of site `id`. */
  flags(id: number): number {
    return this.#flags[id];
  }
}
