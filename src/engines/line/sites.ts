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
 * table.frame(base); // ["/app/a.ts", 3, 14, "load"]
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
      this.#frames.push(Object.freeze([files[sites.file[i]], sites.line[i], sites.column[i], sites.fn[i]]));
      this.#kinds.push(sites.kind[i]);
      this.#flags.push(sites.flags[i]);
    }
    return base;
  }

  /** The frame of site `id`: where the allocating expression starts. */
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
