/**
 * The leak suite's programs: small services, each with one line that leaks
 * (what it makes is kept in a module-level list) and one that churns (what
 * it makes is dropped at once) in the same function, for each kind of
 * allocation site, as JavaScript and TypeScript, ES modules and CommonJS,
 * and inside a dependency under `node_modules`.
 *
 * Each program handles "requests" in bursts on a timer until it has run for
 * `LEAK_SECONDS` seconds (default: until killed), then prints `done`.
 *
 * @module
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

/**
 * One case: the files of its folder, the entry file, and where the leaking
 * line is.
 */
export interface LeakCase {
  readonly name: string;
  /** Files relative to the case's folder, with their text. */
  readonly files: Readonly<Record<string, string>>;
  /** The program to run, relative to the folder. */
  readonly entry: string;
  /** The file (relative to the folder) and line of the leaking line. */
  readonly leak: { readonly file: string; readonly line: number };
  /** The churning line, in the same function. */
  readonly churn: { readonly file: string; readonly line: number };
}

/** How the requests are driven: bursts of 200 every 5 ms, stopping after LEAK_SECONDS when set. */
function driver(handle: string): string {
  return [
    "let next = 0;",
    `const timer = setInterval(() => { for (let k = 0; k < 200; k++) ${handle}(next++); }, 5);`,
    'const seconds = Number(process.env.LEAK_SECONDS ?? "0");',
    "if (seconds > 0) setTimeout(() => { clearInterval(timer); console.log(`done ${next}`); }, seconds * 1000);",
  ].join("\n");
}

/**
 * A service whose `handle` leaks with `leak` and churns with `churn` (each
 * an expression of `i` that allocates), with optional lines above. The
 * service exports `handle`, as a module that serves requests would; the
 * export is also what keeps what it leaked reachable once the timers stop
 * (a module nothing refers to any more, with its list, is garbage by then,
 * and `run`'s report at exit would rightly show nothing).
 */
function service(options: {
  prelude?: string[];
  leak: string;
  churn: string;
  ts?: boolean;
  cjs?: boolean;
}): { text: string; leakLine: number; churnLine: number } {
  const typed = options.ts ? ": number" : "";
  const list = options.ts ? "const kept: unknown[] = [];" : "const kept = [];";
  const head = [
    ...(options.cjs
      ? ['"use strict";', 'const process = require("node:process");']
      : ['import process from "node:process";']),
    list,
    "let sink = 0;",
    ...(options.prelude ?? []),
    `${options.cjs ? "" : "export "}function handle(i${typed}) {`,
  ];
  const leakLine = head.length + 1;
  const body = [
    `  const kept1 = ${options.leak};`,
    `  const temp = ${options.churn};`,
    "  kept.push(kept1);",
    "  sink += temp ? 1 : 0;",
    "}",
    ...(options.cjs ? ["module.exports = { handle };"] : []),
  ];
  const text = [...head, ...body, driver("handle"), ""].join("\n");
  return { text, leakLine, churnLine: leakLine + 1 };
}

/**
 * A case of one file. A `.js` or `.ts` ES module gets a `"type": "module"`
 * package.json: without it Node (and tsx) would run the file as CommonJS.
 */
function single(name: string, entry: string, made: ReturnType<typeof service>): LeakCase {
  const esm = /\.(js|ts)$/.test(entry);
  return {
    name,
    files: { [entry]: made.text, ...(esm ? { "package.json": '{ "type": "module" }\n' } : {}) },
    entry,
    leak: { file: entry, line: made.leakLine },
    churn: { file: entry, line: made.churnLine },
  };
}

/**
 * Every case of the suite.
 *
 * @example
 * ```ts
 * for (const c of leakCases()) console.log(c.name, c.leak.line);
 * ```
 */
export function leakCases(): LeakCase[] {
  const cases: LeakCase[] = [
    single(
      "object literals (JS, ESM)",
      "objects.mjs",
      service({ leak: '{ id: i, name: "user" }', churn: "{ id: i, tag: 1 }" }),
    ),
    single(
      "array literals and spread (JS, CommonJS)",
      "arrays.cjs",
      service({ prelude: ["const base = [1, 2, 3];"], leak: "[...base, i]", churn: "[i, i]", cjs: true }),
    ),
    single(
      "class instances (TypeScript, ESM)",
      "classes.ts",
      service({
        prelude: [
          "class Session {",
          "  readonly started: number;",
          "  constructor(readonly id: number) {",
          "    this.started = id * 2;",
          "  }",
          "}",
        ],
        leak: "new Session(i)",
        churn: "new Session(-i)",
        ts: true,
      }),
    ),
    single(
      "closures (TypeScript, CommonJS)",
      "closures.cts",
      service({ leak: "() => i * 2", churn: "() => i + 1", ts: true, cjs: true }),
    ),
    single(
      "strings built by templates and concatenation, kept in objects (JS, ESM)",
      "strings.mjs",
      service({
        leak: "{ text: `request ${i} answered with a page of many rows: ${'-'.repeat(40)}` }",
        churn: '{ text: "temporary " + i + " scratch text that is dropped at once" }',
      }),
    ),
    single(
      "JSON.parse results (JS, ESM)",
      "json.mjs",
      service({
        prelude: ['const body = JSON.stringify({ user: { id: 1, roles: ["a", "b"] }, items: [1, 2, 3] });'],
        leak: "JSON.parse(body)",
        churn: "JSON.parse(body).items",
      }),
    ),
    single(
      "arrays made by built-in methods (TypeScript, ESM)",
      "builtins.ts",
      service({
        prelude: ["const items: number[] = [1, 2, 3, 4, 5, 6, 7, 8];"],
        leak: "items.map((x) => x * i)",
        churn: "items.filter((x) => x > i % 8)",
        ts: true,
      }),
    ),
  ];
  cases.push(dependencyCase());
  return cases;
}

/** A leak inside a CommonJS package under node_modules, called by an ES module. */
function dependencyCase(): LeakCase {
  const lib = [
    '"use strict";',
    "const history = [];",
    "function remember(i) {",
    "  const entry = { at: i, tags: ['x', 'y'] };",
    "  const scratch = { at: -i, tags: [] };",
    "  history.push(entry);",
    "  return scratch.tags.length;",
    "}",
    "module.exports = { remember };",
    "",
  ].join("\n");
  const app = [
    'import process from "node:process";',
    'import lib from "leaky-lib";',
    "let sink = 0;",
    "function handle(i) {",
    "  sink += lib.remember(i);",
    "}",
    driver("handle"),
    "",
  ].join("\n");
  return {
    name: "a leak inside a dependency under node_modules (CommonJS package, ESM app)",
    files: {
      "package.json": '{ "type": "module" }\n',
      "app.js": app,
      "node_modules/leaky-lib/package.json": '{ "name": "leaky-lib", "main": "index.js" }\n',
      "node_modules/leaky-lib/index.js": lib,
    },
    entry: "app.js",
    leak: { file: "node_modules/leaky-lib/index.js", line: 4 },
    churn: { file: "node_modules/leaky-lib/index.js", line: 5 },
  };
}

/**
 * Writes a case's files to a fresh folder outside the checkout and returns
 * its path; `remove` deletes it.
 *
 * @example
 * ```ts
 * const dir = writeCase(leakCases()[0]);
 * ```
 */
export function writeCase(leakCase: LeakCase): string {
  const dir = mkdtempSync(join(tmpdir(), "tm-leak-"));
  for (const [name, text] of Object.entries(leakCase.files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

/** Removes a folder made by {@link writeCase}. */
export function removeCase(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
