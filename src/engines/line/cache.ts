/**
 * Plans kept on disk, keyed by a hash of the engine's version, the module's
 * path and its text: a warm start of a program parses nothing. Entries are
 * written atomically (a temporary file, then rename) and an entry that
 * cannot be read is treated as missing; a cache that cannot be written
 * (read-only home, Deno without `--allow-write`) is simply not used.
 *
 * The folder is `$TRACEMALLOC_CACHE_DIR`, else `$XDG_CACHE_HOME/tracemalloc-js`,
 * else `~/.cache/tracemalloc-js`; each engine version has its own
 * subfolder, so an upgrade never reads an old plan.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import type { Insertion, Plan, SiteKind } from "./plan.ts";

/**
 * Bumped whenever what the rewriter produces changes.
 *
 * @example
 * ```ts
 * `line-v${LINE_ENGINE_VERSION}`; // the cache's subfolder
 * ```
 */
export const LINE_ENGINE_VERSION = 4;

/**
 * A module's digest: a hash of the engine's version, the profile its plan
 * is made for, its path, its text and, when the text is a runtime's
 * transformation of the file, the file's own text (its plan takes the
 * file's positions). It keys the plan on disk, and its first 32 bits
 * number the module's sites in rewritten code.
 *
 * @example
 * ```ts
 * declare const source: string; // the text the load hook got
 * declare const body: string; // Bun's CommonJS body of a file
 * declare const fileText: string; // the file's own text
 *
 * const digest = moduleDigest("/app/a.ts", source, "node:js:module"); // 64 hex digits
 * const bun = moduleDigest("/app/a.cts", body, "bun:js:commonjs:ts", fileText);
 * ```
 */
export function moduleDigest(path: string, source: string, profile: string, original?: string): string {
  // The original's length in the head: no two pairs of texts run together alike.
  const head = `${LINE_ENGINE_VERSION}\0${profile}\0${path}\0${original?.length ?? ""}\0`;
  return createHash("sha256").update(head).update(original ?? "").update(source).digest("hex");
}

/** A plan as stored: columns of numbers, insertions as `[at, op]` pairs (op: site, -1 close, -2 - k stmt k). */
interface Stored {
  v: number;
  files: string[];
  file: number[];
  line: number[];
  column: number[];
  fn: (string | null)[];
  kind: number[];
  flags: number[];
  at: number[];
  op: number[];
  stmts: [number, string][];
  map: [number, number] | null;
}

/**
 * Where plans are kept between runs.
 *
 * @example
 * ```ts
 * declare const source: string;
 *
 * const cache = PlanCache.open();
 * const plan = cache?.get(moduleDigest("/app/a.ts", source, "node"));
 * ```
 */
export class PlanCache {
  readonly dir: string;
  /** Plans read from disk. */
  hits = 0;
  /** Plans not found (and then made and written). */
  misses = 0;

  private constructor(dir: string) {
    this.dir = dir;
  }

  /** The cache folder, created if needed, or `null` when it cannot be used. */
  static open(env: (name: string) => string | undefined = (n) => process.env[n]): PlanCache | null {
    try {
      const base = env("TRACEMALLOC_CACHE_DIR") ||
        join(env("XDG_CACHE_HOME") || join(homedir(), ".cache"), "tracemalloc-js");
      const dir = join(base, `line-v${LINE_ENGINE_VERSION}`);
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      return new PlanCache(dir);
    } catch {
      return null;
    }
  }

  /** The plan stored under `key`, `undefined` when there is none, `null` when the module could not be parsed. */
  get(key: string): Plan | null | undefined {
    let text: string;
    try {
      text = readFileSync(join(this.dir, key.slice(0, 2), key + ".json"), "utf8");
    } catch {
      this.misses++;
      return undefined;
    }
    try {
      const plan = fromStored(JSON.parse(text) as Stored | null);
      this.hits++;
      return plan;
    } catch {
      this.misses++;
      return undefined;
    }
  }

  /** Stores `plan` (`null`: the module could not be parsed) under `key`; failures are ignored. */
  put(key: string, plan: Plan | null): void {
    const folder = join(this.dir, key.slice(0, 2));
    const file = join(folder, key + ".json");
    const temp = `${file}.${process.pid}.tmp`;
    try {
      mkdirSync(folder, { recursive: true, mode: 0o700 });
      writeFileSync(temp, JSON.stringify(plan ? toStored(plan) : null), { mode: 0o600 });
      renameSync(temp, file);
    } catch {
      try {
        rmSync(temp, { force: true });
      } catch {
        // nothing was written
      }
    }
  }
}

function toStored(plan: Plan): Stored {
  const at: number[] = [];
  const op: number[] = [];
  const stmts: [number, string][] = [];
  for (const ins of plan.insertions) {
    at.push(ins.at);
    if (ins.op === "open") op.push(ins.site);
    else if (ins.op === "close") op.push(-1);
    else op.push(-2 - stmts.push([ins.site, ins.ident]) + 1);
  }
  const s = plan.sites;
  return {
    v: LINE_ENGINE_VERSION,
    files: [...s.files],
    file: [...s.file],
    line: [...s.line],
    column: [...s.column],
    fn: [...s.fn],
    kind: [...s.kind],
    flags: [...s.flags],
    at,
    op,
    stmts,
    map: plan.inputMap ? [plan.inputMap.start, plan.inputMap.end] : null,
  };
}

function fromStored(stored: Stored | null): Plan | null {
  if (stored === null) return null;
  if (stored.v !== LINE_ENGINE_VERSION || stored.at.length !== stored.op.length) throw new Error("stale entry");
  const insertions: Insertion[] = stored.at.map((at, i) => {
    const op = stored.op[i];
    if (op >= 0) return { at, op: "open", site: op };
    if (op === -1) return { at, op: "close" };
    const [site, ident] = stored.stmts[-2 - op];
    return { at, op: "stmt", site, ident };
  });
  return {
    sites: {
      files: stored.files,
      file: stored.file,
      line: stored.line,
      column: stored.column,
      fn: stored.fn,
      kind: stored.kind as SiteKind[],
      flags: stored.flags,
    },
    insertions,
    inputMap: stored.map ? { start: stored.map[0], end: stored.map[1] } : null,
  };
}
