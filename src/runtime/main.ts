/**
 * Whether a module is the program's entry point. Deno, Bun and Node (for
 * plain ESM) set `import.meta.main`; under a loader such as tsx Node leaves
 * it undefined, and the entry is then found from `process.argv[1]`.
 *
 * @module
 */
import { realpathSync } from "node:fs";
import process from "node:process";
import { fileURLToPath } from "node:url";

/**
 * True when the module whose `import.meta` is given was started as the
 * program (`deno run mod.ts`, `bun mod.ts`, `node --import tsx mod.ts`),
 * false when it was imported.
 *
 * @example
 * ```ts
 * declare function main(): Promise<void>;
 *
 * if (isMainModule(import.meta)) await main();
 * ```
 */
export function isMainModule(meta: ImportMeta): boolean {
  const flag = (meta as { main?: unknown }).main;
  if (typeof flag === "boolean") return flag;
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(meta.url));
  } catch {
    return false;
  }
}
