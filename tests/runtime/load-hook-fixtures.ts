/**
 * Helpers of the load-hook tests: a small project written to a fresh temp
 * directory, run under the runtime the test runs on with a preload that
 * installs a marker-rewriting transform (`"__ORIGINAL__"` →
 * `"__REWRITTEN__"`) and records every module handed to it.
 *
 * @module
 */
import { execFile } from "node:child_process";
import {
  appendFileSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import process from "node:process";
import { fileURLToPath, pathToFileURL } from "node:url";
import { runtime } from "../../src/runtime/index.ts";
import { scriptCommand } from "../../src/runtime/spawn.ts";

const runtimeIndex = pathToFileURL(fileURLToPath(new URL("../../src/runtime/index.ts", import.meta.url))).href;
const packageRoot = fileURLToPath(new URL("../../", import.meta.url));

/** The marker a module prints before and after the transform. */
export const ORIGINAL = "__ORIGINAL__";
export const REWRITTEN = "__REWRITTEN__";

/** What the recording transform does after recording a module. */
export type HookMode = "rewrite" | "null" | "throw";

/** One module the transform was handed, its path relative to the project. */
export interface Seen {
  path: string;
  lang: string;
  kind: string;
  /** The handed text is the file's own. */
  own?: boolean;
  /** The handed text ends with an inline source map. */
  mapped?: boolean;
  /** The `original` handed along: its language, and whether it is the file's own text. */
  original?: { lang: string; own: boolean } | null;
}

/** How one run ended. */
export interface Run {
  code: number;
  stdout: string;
  stderr: string;
  /** Modules handed to the transform, in order (empty without the hook). */
  seen: Seen[];
}

/** Options of {@link runProject}. */
export interface RunOptions {
  /** Install the hook (default "rewrite"), or run without any preload (`false`). */
  hook?: HookMode | false;
  /** A project file the transform `require`s the first time it runs (re-entrancy). */
  requireInTransform?: string;
  /** Files copied into the project: project path → source path. */
  copies?: Record<string, string>;
}

/** The preload: installs the recording transform from the adapter, as the line engine will. */
const PRELOAD = `import { appendFileSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import process from "node:process";
import { runtime } from ${JSON.stringify(runtimeIndex)};

const dir = process.env.LOAD_HOOK_DIR ?? "";
const log = process.env.LOAD_HOOK_LOG ?? "";
const mode = process.env.LOAD_HOOK_MODE ?? "rewrite";
const reentrant = process.env.LOAD_HOOK_REENTRANT ?? "";
let first = true;
const hook = runtime().installLoadHook((mod) => {
  if (!mod.path.startsWith(dir + "/") || mod.path.includes("/preload.")) return null;
  const text = readFileSync(mod.path, "utf8");
  const original = mod.original ? { lang: mod.original.lang, own: mod.original.source === text } : null;
  const mapped = /\\/\\/[#@] sourceMappingURL=data:/.test(mod.source);
  const seen = { path: mod.path.slice(dir.length + 1), lang: mod.lang, kind: mod.kind, own: mod.source === text, mapped, original };
  appendFileSync(log, JSON.stringify(seen) + "\\n");
  if (reentrant && first) {
    first = false;
    createRequire(import.meta.url)(dir + "/" + reentrant);
  }
  if (mode === "throw") throw new Error("transform failed on purpose");
  if (mode === "null") return null;
  return mod.source.replaceAll(${JSON.stringify(ORIGINAL)}, ${JSON.stringify(REWRITTEN)});
});
if (!hook) console.error("installLoadHook returned null");
(globalThis as Record<string, unknown>).__loadHook = hook;
`;

/** Files every project has: an ES module root, modules of every extension, two packages. */
export const BASE_PROJECT: Readonly<Record<string, string>> = {
  "package.json": `{ "type": "module" }\n`,
  "esm.js": `export const marker = "${ORIGINAL}";\n`,
  "m.mjs": `export const marker = "${ORIGINAL}";\n`,
  "c.cjs": `exports.marker = "${ORIGINAL}";\n`,
  "t.ts": `export const marker: string = "${ORIGINAL}";\n`,
  "mt.mts": `export const marker: string = "${ORIGINAL}";\n`,
  "ct.cts": `const marker: string = "${ORIGINAL}";\nexports.marker = marker;\n`,
  "view.jsx":
    `/** @jsxRuntime classic */\n/** @jsx h */\nconst h = (tag) => tag;\nexport const marker = "${ORIGINAL}";\n` +
    `export const tag = <section />;\n`,
  "view.tsx": `/** @jsxRuntime classic */\n/** @jsx h */\nconst h = (tag: string): string => tag;\n` +
    `export const marker: string = "${ORIGINAL}";\nexport const tag = <article />;\n`,
  "data.json": `{ "marker": "${ORIGINAL}" }\n`,
  "cjs/package.json": `{ "type": "commonjs" }\n`,
  "cjs/lib.js": `exports.marker = "${ORIGINAL}";\n`,
  "node_modules/esm-pkg/package.json": `{ "name": "esm-pkg", "type": "module", "main": "index.js" }\n`,
  "node_modules/esm-pkg/index.js": `export const marker = "${ORIGINAL}";\n`,
  "node_modules/cjs-pkg/package.json": `{ "name": "cjs-pkg", "main": "index.js" }\n`,
  "node_modules/cjs-pkg/index.js": `exports.marker = "${ORIGINAL}";\n`,
};

/**
 * Runs `entry` of a project made of {@link BASE_PROJECT} and `files` under
 * the runtime this test runs on, hooked as `options` say.
 */
export async function runProject(
  files: Record<string, string | Uint8Array>,
  entry: string,
  options: RunOptions = {},
): Promise<Run> {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), "tm-load-hook-")));
  try {
    for (const [name, source] of Object.entries({ ...BASE_PROJECT, ...files })) {
      mkdirSync(dirname(join(dir, name)), { recursive: true });
      writeFileSync(join(dir, name), source);
    }
    for (const [name, from] of Object.entries(options.copies ?? {})) copyFileSync(from, join(dir, name));
    const log = join(dir, ".seen.jsonl");
    appendFileSync(log, "");
    const mode = options.hook ?? "rewrite";
    let preload: string | undefined;
    if (mode !== false) {
      preload = join(dir, "preload.ts");
      writeFileSync(preload, PRELOAD);
    }
    const { command, args } = scriptCommand(runtime().name, join(dir, entry), [], preload);
    const env: Record<string, string | undefined> = {
      ...process.env,
      NO_COLOR: "1",
      LOAD_HOOK_DIR: dir,
      LOAD_HOOK_LOG: log,
      LOAD_HOOK_MODE: mode === false ? undefined : mode,
      LOAD_HOOK_REENTRANT: options.requireInTransform,
    };
    delete env.FORCE_COLOR;
    const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(command, args, { cwd: dir, env, timeout: 60_000 }, (err, stdout, stderr) => {
        const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr).replaceAll(dir, "<dir>") });
      });
    });
    const seen = readFileSync(log, "utf8").split("\n").filter(Boolean).map((line) => JSON.parse(line) as Seen);
    return { code, stdout: stdout.replaceAll(dir, "<dir>"), stderr, seen };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The paths handed to the transform. */
export function seenPaths(run: Run): string[] {
  return run.seen.map((s) => s.path);
}

/** The first JSON line a program printed. */
export function printed(run: Run): Record<string, unknown> {
  const line = run.stdout.split("\n").find((l) => l.startsWith("{"));
  if (!line) throw new Error(`no JSON output (exit ${run.code}):\n${run.stdout}\n${run.stderr}`);
  return JSON.parse(line) as Record<string, unknown>;
}

/** A Node-API addon shipped in this package's dependencies (oxc-parser's native binding). */
export function findAddon(): string | null {
  const scope = join(packageRoot, "node_modules", "@oxc-parser");
  try {
    for (const pkg of readdirSync(scope)) {
      const file = readdirSync(join(scope, pkg)).find((f) => f.endsWith(".node"));
      if (file) return join(scope, pkg, file);
    }
  } catch {
    // no such scope: the caller asserts
  }
  return null;
}
