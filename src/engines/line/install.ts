/**
 * Installing the line engine in a process: the sampler's global and the
 * load hook that rewrites modules, once, before the program's modules load
 * (from a preload: the agent, or startup tracing). Tracing can then start
 * and stop any number of times; modules stay rewritten.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { sep } from "node:path";
import { runtime } from "../../runtime/index.ts";
import type { LoadHook } from "../../runtime/load-hook.ts";
import { toRegExpSource } from "../../model/fnmatch.ts";
import { marks } from "../hooks/marks.ts";
import { isTracerFile } from "../own-frames.ts";
import { PlanCache } from "./cache.ts";
import { installSiteGlobal } from "./global.ts";
import { ModuleRewriter } from "./rewriter.ts";

/**
 * Options of the installation.
 *
 * @example
 * ```ts
 * const options: LineInstallOptions = { exclude: ["*node_modules/typescript/*"] };
 * ```
 */
export interface LineInstallOptions {
  /** fnmatch globs of module paths not to rewrite. */
  readonly exclude?: readonly string[];
  /** Keep plans on disk between runs (default true). */
  readonly cache?: boolean;
}

/**
 * The line engine as installed in this process.
 *
 * @example
 * ```ts
 * const line = lineInstallation();
 * if (line) console.log(`${line.rewriter.stats.rewritten} modules rewritten`);
 * ```
 */
export interface LineInstallation {
  readonly rewriter: ModuleRewriter;
  readonly cache: PlanCache | null;
  readonly hook: LoadHook;
}

const packageRoot = fileURLToPath(new URL("../../../", import.meta.url));
const dependencies = packageRoot + "node_modules" + sep;
const OWN_PREFIXES = ["src", "tui", "node_modules"].map((dir) => packageRoot + dir + sep);
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

/**
 * The paths the load hook never hands over, as one regular expression (Bun
 * filters its plugin with it): the tracer's own files and dependencies, and
 * the paths `exclude` names.
 */
function skipPattern(exclude: readonly string[]): RegExp {
  const own = [...OWN_PREFIXES.map((prefix) => escape(prefix)), `${escape(packageRoot)}mod\\.ts$`];
  return new RegExp(
    `(?:^(?:${own.join("|")}))|${exclude.map((glob) => `(?:${toRegExpSource(glob)})`).join("|") || "(?!)"}`,
    "su",
  );
}
let installation: LineInstallation | null = null;

/**
 * True for a file of the tracer or of a package it depends on: these are
 * never rewritten.
 *
 * @example
 * ```ts
 * import { fileURLToPath } from "node:url";
 *
 * isOwnModule(fileURLToPath(new URL("../../tracer.ts", import.meta.url))); // true
 * isOwnModule("/app/src/main.ts"); // false
 * ```
 */
export function isOwnModule(path: string): boolean {
  return isTracerFile(path) || path.startsWith(dependencies);
}

/**
 * Installs the line engine (once; later calls return the first
 * installation), or returns `null` when this runtime has no load hook.
 *
 * @example
 * ```ts
 * installLineEngine({ exclude: ["*generated*"] });
 * await import("./app.ts"); // rewritten as it loads
 * ```
 */
export function installLineEngine(options: LineInstallOptions = {}): LineInstallation | null {
  if (installation) return installation;
  const rt = runtime();
  if (!rt.capabilities.loadHooks) return null;
  installSiteGlobal();
  const cache = options.cache === false ? null : PlanCache.open((name) => rt.env(name));
  const rewriter = new ModuleRewriter(isOwnModule, {
    exclude: options.exclude ?? [],
    remap: rt.capabilities.remapsStacks,
    profile: `${rt.name}`,
    cache,
  });
  const hook = rt.installLoadHook(rewriter.transform, { skip: skipPattern(options.exclude ?? []) });
  if (!hook) return null;
  installation = { rewriter, cache, hook };
  marks.frame = (site) => rewriter.sites.frame(site);
  return installation;
}

/**
 * The line engine installed in this process, or `null`.
 *
 * @example
 * ```ts
 * if (!lineInstallation()) console.log("modules are not rewritten: start the program with the preload");
 * ```
 */
export function lineInstallation(): LineInstallation | null {
  return installation;
}
