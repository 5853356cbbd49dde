/**
 * Compiles the package to JavaScript in `dist/` (run by `npm pack` as the
 * `prepack` script), so that an installed package needs no TypeScript
 * loader: `dist/` mirrors the checkout (`dist/mod.js`, `dist/src/...`,
 * `dist/tui/...`, `dist/scripts/demo.js`), each file compiled alone by
 * esbuild, with the declarations (`.d.ts`) emitted by TypeScript.
 *
 * Files of the package find each other at run time by relative paths
 * (`new URL("../agent/entry.ts", import.meta.url)`, the plan worker, the
 * preloaded loader files, `../../package.json`), so every string literal
 * that names a file of the package relative to the file holding it is
 * rewritten to the compiled file's name, relative to the compiled file
 * (`"../agent/entry.js"`, `"../../../package.json"`); the checkout's root
 * module `mod.ts` is named by a few files relative to the root
 * (`root + "mod.ts"`, `mod\\.ts$`), and becomes `mod.js` there.
 *
 * @example
 * ```sh
 * node scripts/build.ts              # dist/
 * node scripts/build.ts --out /tmp/d # elsewhere
 * ```
 * @module
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, extname, join, relative, resolve, sep } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { transform } from "esbuild";
import ts from "typescript";

const root = resolve(fileURLToPath(new URL("..", import.meta.url)));

/** The modules compiled: the library and everything it loads, and the demo workload the TUI runs. */
const ENTRIES = ["mod.ts", "src", "tui", "scripts/demo.ts"];

function sources(entry: string): string[] {
  const path = join(root, entry);
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path, { recursive: true, encoding: "utf8" })
    .map((name) => join(path, name))
    .filter((file) => /\.tsx?$/.test(file) && !/\.(test|d)\.tsx?$/.test(file) && statSync(file).isFile())
    .sort();
}

const DEMO = join(root, "scripts", "demo.ts");

const jsName = (file: string) => file.replace(/\.tsx?$/, ".js");

/** Where the compiled form of a checkout file lives. */
function outputOf(file: string, out: string, compiled: ReadonlySet<string>): string {
  return compiled.has(file) ? join(out, jsName(relative(root, file))) : file;
}

/**
 * The text of `file` with each string literal that names a file of the
 * package (relative to `file`) renamed to what it is in the package, seen
 * from the compiled file. Counts what it renamed in `renamed`.
 */
function relink(
  text: string,
  file: string,
  out: string,
  compiled: ReadonlySet<string>,
  shipped: (path: string) => boolean,
  renamed: Map<string, number>,
): string {
  const from = dirname(outputOf(file, out, compiled));
  const literal = /(["'])((?:\.{1,2}\/)*[\w@][\w@./-]*\.(?:tsx?|json))\1/g;
  const relinked = text.replace(literal, (whole, quote: string, name: string) => {
    const target = resolve(dirname(file), name);
    if (!compiled.has(target) && !(existsSync(target) && shipped(target))) return whole;
    let path = relative(from, outputOf(target, out, compiled)).split(sep).join("/");
    if (!path.startsWith(".")) path = name.startsWith(".") ? "./" + path : path;
    if (!name.startsWith(".") && path.startsWith("./")) path = path.slice(2);
    renamed.set(name, (renamed.get(name) ?? 0) + 1);
    return quote + path + quote;
  });
  // The root module, named relative to the package root (own frames, the line engine's skip pattern).
  return relinked.replace(/(["'])mod\.ts\1/g, "$1mod.js$1").replace(/mod\\\\\.ts\$/g, "mod\\\\.js$");
}

/** Options of the declaration emit: the checkout's tsconfig, with `.ts` imports renamed `.js`. */
const DECLARATIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2023,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  strict: true,
  jsx: ts.JsxEmit.ReactJSX,
  allowImportingTsExtensions: true,
  rewriteRelativeImportExtensions: true,
  resolveJsonModule: true,
  skipLibCheck: true,
  types: ["node"],
  declaration: true,
  emitDeclarationOnly: true,
  noCheck: true,
};

/** Builds the package into `out` (replacing it); returns the files written. */
export async function buildPackage(out: string): Promise<string[]> {
  rmSync(out, { recursive: true, force: true });
  const files = ENTRIES.flatMap(sources);
  const compiled = new Set(files);
  const shipped = (path: string) => path === join(root, "package.json");
  const renamed = new Map<string, number>();
  const written: string[] = [];
  const write = (path: string, text: string) => {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
    written.push(path);
  };

  await Promise.all(files.map(async (file) => {
    const source = relink(readFileSync(file, "utf8"), file, out, compiled, shipped, renamed);
    const result = await transform(source, {
      loader: extname(file) === ".tsx" ? "tsx" : "ts",
      format: "esm",
      target: "esnext",
      jsx: "automatic",
      jsxImportSource: "react",
      sourcefile: relative(dirname(outputOf(file, out, compiled)), file),
      // The demo is the user's program in the TUI: its lines show as in its source (a map, with the source inside).
      ...(file === DEMO ? { sourcemap: "inline", sourcesContent: true } as const : {}),
      tsconfigRaw: { compilerOptions: { verbatimModuleSyntax: false } },
    });
    const shebang = file === join(root, "mod.ts") ? "#!/usr/bin/env node\n" : "";
    write(outputOf(file, out, compiled), shebang + result.code);
  }));

  const program = ts.createProgram({
    rootNames: [join(root, "mod.ts")],
    options: { ...DECLARATIONS, outDir: out, rootDir: root },
  });
  const emitted = program.emit(undefined, (name, text) => {
    const source = resolve(root, relative(out, name).replace(/\.d\.ts$/, ".ts"));
    const tsx = source.replace(/\.ts$/, ".tsx");
    const file = compiled.has(source) ? source : compiled.has(tsx) ? tsx : source;
    write(name, relink(text, file, out, compiled, shipped, new Map()));
  });
  const errors = emitted.diagnostics.filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (errors.length) {
    throw new Error(ts.formatDiagnostics(errors, {
      getCanonicalFileName: (name) => name,
      getCurrentDirectory: () => root,
      getNewLine: () => "\n",
    }));
  }
  return written;
}

if (import.meta.main) {
  const at = process.argv.indexOf("--out");
  const out = resolve(at >= 0 ? process.argv[at + 1] : join(root, "dist"));
  const started = performance.now();
  const written = await buildPackage(out);
  const ms = Math.round(performance.now() - started);
  console.log(`build: ${written.length} files in ${relative(process.cwd(), out) || "."} (${ms} ms)`);
}
