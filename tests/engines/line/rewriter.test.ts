import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LINE_ENGINE_VERSION, PlanCache } from "../../../src/engines/line/cache.ts";
import { SITE_GLOBAL } from "../../../src/engines/line/global.ts";
import { ModuleRewriter } from "../../../src/engines/line/rewriter.ts";
import type { LoadedModule } from "../../../src/runtime/load-hook.ts";

const SOURCE = "export function make(i) {\n  return { i, list: [i] };\n}\n";
const mod = (path: string, source = SOURCE): LoadedModule => ({ path, source, lang: "js", kind: "module" });
const options = { exclude: [] as string[], remap: false, profile: "test", cache: null };

/** The site ids in rewritten code. */
const ids = (code: string) =>
  [...code.matchAll(new RegExp(`\\${SITE_GLOBAL}\\((\\d+),`, "g"))].map((m) => Number(m[1]));

test("a module is rewritten with its sites registered under ids that find them", () => {
  const rewriter = new ModuleRewriter(() => false, options);
  const [first, second] = ids(rewriter.transform(mod("/app/a.js"))!);
  assert.deepEqual(rewriter.sites.frame(first), ["/app/a.js", 2, null, "make"]);
  assert.equal(second, first + 1);
  const [other] = ids(rewriter.transform(mod("/app/b.js"))!);
  assert.deepEqual(rewriter.sites.frame(other), ["/app/b.js", 2, null, "make"]);
  assert.equal(rewriter.stats.rewritten, 2);
});

test("a module's rewritten text is the same in every process", () => {
  const one = new ModuleRewriter(() => false, options).transform(mod("/app/a.js"));
  const other = new ModuleRewriter(() => false, options);
  other.transform(mod("/app/before.js", "export const x = [1];\n"));
  assert.equal(other.transform(mod("/app/a.js")), one, "whatever was loaded before it");
});

test("the tracer's own files are left as they are", () => {
  const rewriter = new ModuleRewriter((path) => path.startsWith("/tracer/"), options);
  assert.equal(rewriter.transform(mod("/tracer/src/x.js")), null);
  assert.equal(rewriter.stats.excluded, 1);
});

test("paths matching an exclude glob are left as they are", () => {
  const rewriter = new ModuleRewriter(() => false, { ...options, exclude: ["*/node_modules/huge/*"] });
  assert.equal(rewriter.transform(mod("/app/node_modules/huge/lib/index.js")), null);
  assert.notEqual(rewriter.transform(mod("/app/node_modules/small/index.js")), null);
});

test("a module without sites, or one that does not parse, is left as it is", () => {
  const rewriter = new ModuleRewriter(() => false, options);
  assert.equal(rewriter.transform(mod("/app/plain.js", "export const n = 1;\n")), null);
  assert.equal(rewriter.transform(mod("/app/broken.js", "export const = ;\n")), null);
  assert.equal(rewriter.stats.unparsed, 1);
});

test("a plan made once is read from the disk cache the next time, with the same code", () => {
  const dir = mkdtempSync(join(tmpdir(), "tm-plan-cache-"));
  try {
    const env = (name: string) => name === "TRACEMALLOC_CACHE_DIR" ? dir : undefined;
    const cold = new ModuleRewriter(() => false, { ...options, cache: PlanCache.open(env) });
    const first = cold.transform(mod("/app/a.js"));
    const warmCache = PlanCache.open(env)!;
    const warm = new ModuleRewriter(() => false, { ...options, cache: warmCache });
    assert.equal(warm.transform(mod("/app/a.js")), first);
    assert.deepEqual([warmCache.hits, warmCache.misses], [1, 0]);
    assert.ok(
      readdirSync(join(dir, `line-v${LINE_ENGINE_VERSION}`)).length > 0,
      "plans are kept in the engine version's folder",
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a changed source is planned again, not read from the cache", () => {
  const dir = mkdtempSync(join(tmpdir(), "tm-plan-cache-"));
  try {
    const cache = PlanCache.open((name) => name === "TRACEMALLOC_CACHE_DIR" ? dir : undefined)!;
    const rewriter = new ModuleRewriter(() => false, { ...options, cache });
    rewriter.transform(mod("/app/a.js"));
    rewriter.transform(mod("/app/a.js", SOURCE + "export const more = [1];\n"));
    assert.deepEqual([cache.hits, cache.misses], [0, 2]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a cache folder that cannot be made is not used", () => {
  const dir = mkdtempSync(join(tmpdir(), "tm-plan-cache-"));
  try {
    const file = join(dir, "a-file");
    writeFileSync(file, "");
    assert.equal(PlanCache.open((name) => name === "TRACEMALLOC_CACHE_DIR" ? join(file, "cache") : undefined), null);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** A CommonJS file and the body Bun's handler makes of it (a leading newline, the blank line gone, consts merged). */
const FILE =
  `"use strict";\n\nfunction handle(i) {\n  const a = [i];\n  const b = { i };\n  return [a, b];\n}\nmodule.exports = { handle };\n`;
const BODY =
  `\n  "use strict";\n  function handle(i) {\n    const a = [i], b = { i };\n    return [a, b];\n  }\n  module.exports = { handle };\n`;
const bunModule = (original = FILE): LoadedModule => ({
  path: "/app/service.cjs",
  source: BODY,
  lang: "js",
  kind: "commonjs",
  original: { source: original, lang: "js" },
});

/** `file:line` of each site in rewritten code, those run once per module (`NAME.o(`) too. */
const lines = (rewriter: ModuleRewriter, code: string | null) =>
  [...code!.matchAll(new RegExp(`\\${SITE_GLOBAL}(?:\\.o)?\\((\\d+),`, "g"))]
    .map((m) => rewriter.sites.frame(Number(m[1])))
    .map(([file, line]) => `${file}:${line}`);

test("a module handed with its file's own text is rewritten as handed, its sites at the file's lines", () => {
  const rewriter = new ModuleRewriter(() => false, options);
  const code = rewriter.transform(bunModule());
  assert.ok(code!.startsWith('\n  "use strict";\n  function handle(i) {'), "the body is what is rewritten");
  const file = "/app/service.cjs";
  assert.deepEqual(lines(rewriter, code), [`${file}:4`, `${file}:5`, `${file}:6`, `${file}:8`]);
  assert.deepEqual([rewriter.stats.realigned, rewriter.stats.unaligned], [1, 0]);
});

test("a cached plan of a module handed with its file's text keeps the file's lines", () => {
  const dir = mkdtempSync(join(tmpdir(), "tm-plan-cache-"));
  try {
    const env = (name: string) => name === "TRACEMALLOC_CACHE_DIR" ? dir : undefined;
    const cold = new ModuleRewriter(() => false, { ...options, cache: PlanCache.open(env) });
    const first = cold.transform(bunModule());
    const warmCache = PlanCache.open(env)!;
    const warm = new ModuleRewriter(() => false, { ...options, cache: warmCache });
    const again = warm.transform(bunModule());
    assert.equal(again, first);
    assert.equal(warmCache.hits, 1);
    assert.deepEqual(lines(warm, again), lines(cold, first));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the same body handed with another file text is planned again", () => {
  const dir = mkdtempSync(join(tmpdir(), "tm-plan-cache-"));
  try {
    const cache = PlanCache.open((name) => name === "TRACEMALLOC_CACHE_DIR" ? dir : undefined)!;
    const rewriter = new ModuleRewriter(() => false, { ...options, cache });
    rewriter.transform(bunModule());
    rewriter.transform(bunModule("\n" + FILE));
    rewriter.transform({ ...bunModule(), original: undefined });
    assert.deepEqual([cache.hits, cache.misses], [0, 3]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
