/**
 * What the load hook calls for each module: decide whether it is rewritten
 * (never the tracer's own files and dependencies, nor paths the user
 * excluded), find or make its plan, register its sites and put the
 * insertions in. A module handed over with its file's own text (Bun's
 * CommonJS body) is planned twice: the handed text for the insertions, the
 * file's text for the positions its sites take (`realign.ts`).
 *
 * @module
 */
import { pathToFileURL } from "node:url";
import { compileGlob } from "../../model/fnmatch.ts";
import type { LoadedModule, SourceLang } from "../../runtime/load-hook.ts";
import { state } from "../hooks/context.ts";
import { applyPlan } from "./apply.ts";
import { moduleDigest, type PlanCache } from "./cache.ts";
import { SITE_GLOBAL } from "./global.ts";
import type { Plan } from "./plan.ts";
import { type PlanService, planService } from "./plan-service.ts";
import { realignPlan } from "./realign.ts";
import { SiteTable } from "./sites.ts";

/**
 * How modules are rewritten in this process.
 *
 * @example
 * ```ts
 * const options: RewriterOptions = { exclude: ["*node_modules/typescript/*"], remap: true, profile: "node", cache: null };
 * ```
 */
export interface RewriterOptions {
  /** fnmatch globs of paths left alone (matched against the whole path). */
  readonly exclude: readonly string[];
  /** Rewrite a module's inline source map to follow the insertions (the runtime maps stacks through it). */
  readonly remap: boolean;
  /** What the plans depend on besides the text (the runtime: which text its hook hands over). */
  readonly profile: string;
  readonly cache: PlanCache | null;
  /** What plans the modules (default: this process's planning worker, `planService()`). */
  readonly planner?: PlanService;
}

/**
 * Counts of the rewriter's work, for `status` and the benchmark.
 *
 * @example
 * ```ts
 * declare const rewriter: ModuleRewriter;
 *
 * const { modules, bytes, ms } = rewriter.stats;
 * ```
 */
export interface RewriterStats {
  /** Modules handed over by the load hook. */
  modules: number;
  /** Modules rewritten (at least one site). */
  rewritten: number;
  /** Modules left alone: excluded, or the tracer's own. */
  excluded: number;
  /** Modules that could not be parsed (left alone; the runtime reports the error). */
  unparsed: number;
  /** Source bytes (UTF-16 units) of the modules planned or read from the cache. */
  bytes: number;
  /** Milliseconds spent planning and applying. */
  ms: number;
  /** Why modules were planned in this process instead of the planning worker; `null` when none was. */
  fallback: string | null;
  /**
   * Modules planned from a runtime's transformation of their file (Bun's
   * CommonJS body), whose sites took the file's own positions; a plan read
   * from the cache is not counted again.
   */
  realigned: number;
  /** Sites of those modules without a partner in the file's text, put on a line near their neighbours. */
  unaligned: number;
}

/**
 * Rewrites modules as they load.
 *
 * @example
 * ```ts
 * import { runtime } from "../../runtime/index.ts";
 *
 * const options: RewriterOptions = { exclude: [], remap: true, profile: "node", cache: null };
 * const rewriter = new ModuleRewriter((path) => path.startsWith("/tracer/"), options);
 * runtime().installLoadHook(rewriter.transform);
 * ```
 */
export class ModuleRewriter {
  /** The sites of every rewritten module. */
  readonly sites: SiteTable = new SiteTable();
  readonly stats: RewriterStats = {
    modules: 0,
    rewritten: 0,
    excluded: 0,
    unparsed: 0,
    bytes: 0,
    ms: 0,
    realigned: 0,
    unaligned: 0,
    fallback: null,
  };
  readonly #isOwn: (path: string) => boolean;
  readonly #excluded: ((path: string) => boolean)[];
  readonly #options: RewriterOptions;
  readonly #planner: PlanService;

  /** @param isOwn true for a file of the tracer or one of its dependencies */
  constructor(isOwn: (path: string) => boolean, options: RewriterOptions) {
    this.#isOwn = isOwn;
    this.#excluded = options.exclude.map(compileGlob);
    this.#options = options;
    this.#planner = options.planner ?? planService();
  }

  /** The transform the load hook calls. */
  readonly transform = (mod: LoadedModule): string | null => {
    this.stats.modules++;
    if (this.#isOwn(mod.path) || this.#excluded.some((match) => match(mod.path))) {
      this.stats.excluded++;
      return null;
    }
    const started = performance.now();
    state.busy++; // the parser's own buffers are not the program's
    try {
      const original = mod.original;
      const profile = `${this.#options.profile}:${mod.lang}:${mod.kind}${original ? `:${original.lang}` : ""}`;
      const digest = moduleDigest(mod.path, mod.source, profile, original?.source);
      const plan = this.#plan(mod, digest);
      if (!plan || plan.insertions.length === 0) return null;
      const base = this.sites.add(plan.sites, digest);
      if (base === null) return null;
      const url = pathToFileURL(mod.path).href;
      const { code } = applyPlan(mod.source, plan, { name: SITE_GLOBAL, base, url, remap: this.#options.remap });
      this.stats.rewritten++;
      return code;
    } finally {
      state.busy--;
      this.stats.ms += performance.now() - started;
    }
  };

  #plan(mod: LoadedModule, digest: string): Plan | null {
    this.stats.bytes += mod.source.length + (mod.original?.source.length ?? 0);
    const cache = this.#options.cache;
    const stored = cache?.get(digest);
    if (stored !== undefined) return stored;
    const planText = (source: string, lang: SourceLang) =>
      this.#planner.plan(source, { path: mod.path, lang, kind: mod.kind });
    let plan = planText(mod.source, mod.lang);
    if (!plan) this.stats.unparsed++;
    else if (mod.original && plan.insertions.length > 0) {
      // The insertions go into the text the runtime evaluates; the positions are the file's, as its frames are.
      const { source, lang } = mod.original;
      const realigned = realignPlan(plan, planText(source, lang), { body: mod.source, original: source });
      plan = realigned.plan;
      this.stats.realigned++;
      this.stats.unaligned += realigned.unaligned;
    }
    this.stats.fallback = this.#planner.fallback;
    cache?.put(digest, plan);
    return plan;
  }
}
