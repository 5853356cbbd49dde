import { test } from "node:test";
import assert from "node:assert/strict";
import { runtime } from "../../src/runtime/index.ts";
import { findAddon, ORIGINAL, printed, REWRITTEN, runProject, type Seen, seenPaths } from "./load-hook-fixtures.ts";

const rt = runtime();

/** Prints `{ name: marker }` for each `name` bound to a module's marker in `lines`. */
function report(names: string[]): string {
  return `console.log(JSON.stringify({ ${names.join(", ")} }));\n`;
}

/** Every value of `out` is the rewritten marker. */
function assertAllRewritten(out: Record<string, unknown>): void {
  for (const [name, value] of Object.entries(out)) assert.equal(value, REWRITTEN, `${name} was not rewritten`);
}

test("the runtime offers load hooks", () => {
  assert.equal(rt.capabilities.loadHooks, true);
  assert.equal(typeof rt.installLoadHook, "function");
});

for (
  const [entry, source] of [
    ["main.mjs", `const main = "${ORIGINAL}";\n${report(["main"])}`],
    ["main.ts", `const main: string = "${ORIGINAL}";\n${report(["main"])}`],
    ["main.cjs", `const main = "${ORIGINAL}";\n${report(["main", "isMain: require.main === module"])}`],
    ["main.cts", `const main: string = "${ORIGINAL}";\n${report(["main", "isMain: require.main === module"])}`],
  ]
) {
  test(`an entry point ${entry} is handed over and its rewrite runs`, async () => {
    const run = await runProject({ [entry]: source }, entry);
    assert.equal(run.code, 0, run.stderr);
    const out = printed(run);
    assert.equal(out.main, REWRITTEN);
    if ("isMain" in out) assert.equal(out.isMain, true, "require.main === module in a CommonJS entry point");
    assert.deepEqual(seenPaths(run), [entry]);
  });
}

test("static import hands over modules of every script extension", async () => {
  const main = `import { marker as js } from "./esm.js";
import { marker as mjs } from "./m.mjs";
import cjs from "./c.cjs";
import { marker as ts } from "./t.ts";
import { marker as mts } from "./mt.mts";
import cts from "./ct.cts";
import { marker as jsx, tag as jsxTag } from "./view.jsx";
import { marker as tsx, tag as tsxTag } from "./view.tsx";
console.log(JSON.stringify({ js, mjs, cjs: cjs.marker, ts, mts, cts: cts.marker, jsx, tsx }));
console.log(jsxTag, tsxTag);
`;
  const run = await runProject({ "main.mjs": main }, "main.mjs");
  assert.equal(run.code, 0, run.stderr);
  assertAllRewritten(printed(run));
  assert.match(run.stdout, /^section article$/m);
  assert.deepEqual(
    seenPaths(run).sort(),
    ["c.cjs", "ct.cts", "esm.js", "m.mjs", "main.mjs", "mt.mts", "t.ts", "view.jsx", "view.tsx"],
  );
});

test("dynamic import() hands over ES and CommonJS modules", async () => {
  const main = `const js = (await import("./esm.js")).marker;
const ts = (await import("./t.ts")).marker;
const cjs = (await import("./c.cjs")).default.marker;
${report(["js", "ts", "cjs"])}`;
  const run = await runProject({ "main.mjs": main }, "main.mjs");
  assert.equal(run.code, 0, run.stderr);
  assertAllRewritten(printed(run));
  assert.deepEqual(seenPaths(run).sort(), ["c.cjs", "esm.js", "main.mjs", "t.ts"]);
});

test("require() from CommonJS hands over the required modules", async () => {
  const main = `const cjs = require("../c.cjs").marker;
const cts = require("../ct.cts").marker;
const js = require("./lib.js").marker;
${report(["cjs", "cts", "js"])}`;
  const run = await runProject({ "cjs/main.js": main }, "cjs/main.js");
  assert.equal(run.code, 0, run.stderr);
  assertAllRewritten(printed(run));
  assert.deepEqual(seenPaths(run).sort(), ["c.cjs", "cjs/lib.js", "cjs/main.js", "ct.cts"]);
});

test("require() through createRequire in an ES module hands over the required modules", async () => {
  const main = `import { createRequire } from "node:module";
const require = createRequire(import.meta.url);
const cjs = require("./c.cjs").marker;
const cts = require("./ct.cts").marker;
const lib = require("./cjs/lib.js").marker;
${report(["cjs", "cts", "lib"])}`;
  const run = await runProject({ "main.mjs": main }, "main.mjs");
  assert.equal(run.code, 0, run.stderr);
  assertAllRewritten(printed(run));
  assert.deepEqual(seenPaths(run).sort(), ["c.cjs", "cjs/lib.js", "ct.cts", "main.mjs"]);
});

test("require() of an ES module hands it over", async () => {
  const main = `const esm = require("./esm.mjs").marker;\n${report(["esm"])}`;
  const run = await runProject(
    { "main.cjs": main, "esm.mjs": `export const marker = "${ORIGINAL}";\n` },
    "main.cjs",
  );
  assert.equal(run.code, 0, run.stderr);
  assertAllRewritten(printed(run));
  assert.deepEqual(seenPaths(run).sort(), ["esm.mjs", "main.cjs"]);
});

test("require() of a package whose module-sync export imports its CommonJS sibling runs as without the hook", async () => {
  const files = {
    "node_modules/sync-pkg/package.json":
      `{ "name": "sync-pkg", "exports": [{ "module-sync": "./require.mjs", "default": "./index.js" }] }\n`,
    "node_modules/sync-pkg/require.mjs": `import fn from "./index.js";\nexport default fn;\n`,
    "node_modules/sync-pkg/index.js": `module.exports = function syncPkg() { return 42; };\n` +
      `module.exports.marker = "${ORIGINAL}";\n`,
    "main.cjs": `const pkg = require("sync-pkg");
const fn = typeof pkg === "function" ? pkg : pkg.default;
console.log(JSON.stringify({ loaded: typeof pkg, value: fn(), marker: fn.marker }));
`,
  };
  const plain = await runProject(files, "main.cjs", { hook: false });
  const hooked = await runProject(files, "main.cjs");
  assert.equal(plain.code, 0, plain.stderr);
  assert.equal(hooked.code, 0, hooked.stderr);
  assert.deepEqual(printed(hooked), { ...printed(plain), marker: REWRITTEN });
  // Bun does not know "module-sync" (it loads index.js); Deno leaves a required ES module that imports
  // files to its own loader (deno-load-hook-require.ts).
  const esm = rt.name === "node" ? ["node_modules/sync-pkg/require.mjs"] : [];
  assert.deepEqual(seenPaths(hooked).sort(), ["main.cjs", "node_modules/sync-pkg/index.js", ...esm].sort());
});

test("packages under node_modules are handed over: an ES and a CommonJS package", async () => {
  const main = `import { marker as esm } from "esm-pkg";
import cjsPkg from "cjs-pkg";
import { createRequire } from "node:module";
const cjs = cjsPkg.marker;
const required = createRequire(import.meta.url)("cjs-pkg").marker;
${report(["esm", "cjs", "required"])}`;
  const run = await runProject({ "main.mjs": main }, "main.mjs");
  assert.equal(run.code, 0, run.stderr);
  assertAllRewritten(printed(run));
  assert.deepEqual(
    seenPaths(run).sort(),
    ["main.mjs", "node_modules/cjs-pkg/index.js", "node_modules/esm-pkg/index.js"],
  );
});

test("JSON, addons, wasm and built-ins are not handed over and load as without the hook", async () => {
  const addon = findAddon();
  assert.ok(addon, "a Node-API addon must be installed (oxc-parser's binding)");
  // A module exporting answer() = 42.
  const wasm = "AGFzbQEAAAABBQFgAAF/AwIBAAcKAQZhbnN3ZXIAAAoGAQQAQSoL";
  const main = `import data from "./data.json" with { type: "json" };
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
const require = createRequire(import.meta.url);
let wasm;
try { const mod = await import("./answer.wasm"); wasm = typeof mod.answer === "function" ? mod.answer() : typeof mod.default; }
catch (e) { wasm = "import failed: " + e.message; }
console.log(JSON.stringify({
  imported: data.marker,
  required: require("./data.json").marker,
  addon: typeof require("./addon.node").parseSync,
  wasm,
  fs: typeof readFileSync === "function" && typeof require("fs").readFileSync,
}));
`;
  const files = { "main.mjs": main, "answer.wasm": Uint8Array.from(atob(wasm), (c) => c.charCodeAt(0)) };
  const copies = { "addon.node": addon };
  const plain = await runProject(files, "main.mjs", { hook: false, copies });
  const hooked = await runProject(files, "main.mjs", { copies });
  assert.equal(hooked.code, 0, hooked.stderr);
  assert.deepEqual(printed(hooked), printed(plain));
  assert.equal(printed(hooked).addon, "function");
  assert.equal(printed(hooked).imported, ORIGINAL);
  assert.deepEqual(seenPaths(hooked), ["main.mjs"]);
});

test("a transform that throws leaves every module unchanged and prints no stack trace", async () => {
  const main = `import { marker as js } from "./esm.js";
import cjs from "./c.cjs";
import { marker as ts } from "./t.ts";
import { createRequire } from "node:module";
const cts = createRequire(import.meta.url)("./ct.cts").marker;
const main = "${ORIGINAL}";
${report(["main", "js", "cjs: cjs.marker", "ts", "cts"])}`;
  const run = await runProject({ "main.mjs": main }, "main.mjs", { hook: "throw" });
  assert.equal(run.code, 0, run.stderr);
  for (const value of Object.values(printed(run))) assert.equal(value, ORIGINAL);
  assert.doesNotMatch(run.stderr, /transform failed on purpose/);
  assert.doesNotMatch(run.stderr, /^\s+at /m);
  assert.deepEqual(seenPaths(run).sort(), ["c.cjs", "ct.cts", "esm.js", "main.mjs", "t.ts"]);
});

test("a transform that returns null leaves the program's output as without the hook", async () => {
  const main = `import { marker as js } from "./esm.js";
import cjs from "./c.cjs";
import { marker as tsx } from "./view.tsx";
import { createRequire } from "node:module";
const require = createRequire(import.meta.url);
${report(["js", "cjs: cjs.marker", "tsx", "cts: require('./ct.cts').marker", "pkg: require('cjs-pkg').marker"])}`;
  const plain = await runProject({ "main.mjs": main }, "main.mjs", { hook: false });
  const hooked = await runProject({ "main.mjs": main }, "main.mjs", { hook: "null" });
  assert.equal(hooked.code, 0, hooked.stderr);
  assert.equal(hooked.stdout, plain.stdout);
  assert.equal(hooked.stderr, plain.stderr);
  assert.ok(hooked.seen.length >= 5, `modules were handed over: ${seenPaths(hooked)}`);
});

/**
 * What a user reads of an error report: the message, the source excerpt,
 * and where each frame of the program's own files points. Frames of the
 * runtime's loader and of the hook (one more frame where CommonJS loads
 * through it) are left out, and so are frame labels (Bun labels a CommonJS
 * module's top level `<anonymous>` when it loads through `_compile`).
 */
function userView(stderr: string): string {
  return stderr.split("\n")
    .filter((line) => !/^\s+at /.test(line) || line.includes("<dir>"))
    .map((line) => /^\s+at /.test(line) ? `at ${line.match(/<dir>[^\s)]*/)![0]}` : line)
    .join("\n");
}

for (
  const [entry, files] of [
    ["main.mjs", { "main.mjs": `import "./bad.js";\n`, "bad.js": `const ok = 1;\nexport const = 2;\n` }],
    ["main.cjs", { "main.cjs": `require("./bad.cjs");\n`, "bad.cjs": `const ok = 1;\nexports.x = ;\n` }],
  ] as const
) {
  test(`a syntax error under ${entry} reads the same with the hook when the transform returns null`, async () => {
    const plain = await runProject(files, entry, { hook: false });
    const hooked = await runProject(files, entry, { hook: "null" });
    assert.notEqual(plain.code, 0);
    assert.equal(hooked.code, plain.code);
    assert.equal(hooked.stdout, plain.stdout);
    if (rt.name === "deno" && entry === "main.mjs") {
      // Deno reports ES modules' syntax errors with V8's wording once any load hook exists (see
      // deno-load-hook.ts): the same error, file, line and column, in other words.
      assert.match(plain.stderr, /SyntaxError: Unexpected token `=`.*\n[^]*<dir>\/bad\.js:2:14/);
      assert.match(hooked.stderr, /SyntaxError: Unexpected token '='\nexport const = 2;\n[^]*<dir>\/bad\.js:2:14/);
    } else {
      assert.equal(userView(hooked.stderr), userView(plain.stderr));
    }
  });
}

for (
  const [entry, files] of [
    ["main.mjs", {
      "main.mjs": `import "./thrower.cjs";\n`,
      "thrower.cjs": `const ok = 1;\nthrow new TypeError("thrown at load");\n`,
    }],
    ["main.cjs", { "main.cjs": `const ok = 1;\nthrow new TypeError("thrown at load");\n` }],
    ["main.ts", {
      "main.ts": `import "./thrower.ts";\n`,
      "thrower.ts": `const ok: number = 1;\nthrow new TypeError("thrown at load");\n`,
    }],
  ] as const
) {
  test(`an error thrown while ${entry}'s graph evaluates reads the same with the hook`, async () => {
    const plain = await runProject(files, entry, { hook: false });
    const hooked = await runProject(files, entry);
    assert.notEqual(plain.code, 0);
    assert.equal(hooked.code, plain.code);
    assert.match(hooked.stderr, /TypeError: thrown at load/);
    assert.equal(userView(hooked.stderr), userView(plain.stderr));
  });
}

test("a module loaded while the transform runs is not handed over", async () => {
  const main = `import { marker as js } from "./esm.js";
const helper = globalThis.helperMarker;
${report(["js", "helper"])}`;
  const helper = `globalThis.helperMarker = "${ORIGINAL}";\n`;
  const run = await runProject({ "main.mjs": main, "helper.cjs": helper }, "main.mjs", {
    requireInTransform: "helper.cjs",
  });
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(printed(run), { js: REWRITTEN, helper: ORIGINAL });
  assert.deepEqual(seenPaths(run).sort(), ["esm.js", "main.mjs"]);
});

test("uninstall() stops handing over modules loaded afterwards", async () => {
  const main = `import { createRequire } from "node:module";
const before = (await import("./esm.js")).marker;
globalThis.__loadHook.uninstall();
const esm = (await import("./m.mjs")).marker;
const ts = (await import("./t.ts")).marker;
const cjs = createRequire(import.meta.url)("./c.cjs").marker;
${report(["before", "esm", "ts", "cjs"])}`;
  const run = await runProject({ "main.mjs": main }, "main.mjs");
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(printed(run), { before: REWRITTEN, esm: ORIGINAL, ts: ORIGINAL, cjs: ORIGINAL });
  assert.deepEqual(seenPaths(run).sort(), ["esm.js", "main.mjs"]);
});

test("each module is handed over once per evaluation", async () => {
  const main = `import { marker as a } from "./esm.js";
import c from "./c.cjs";
import { createRequire } from "node:module";
const again = (await import("./esm.js")).marker;
const required = createRequire(import.meta.url)("./c.cjs");
${report(["a", "again", "same: required === c"])}`;
  const run = await runProject({ "main.mjs": main }, "main.mjs");
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(printed(run), { a: REWRITTEN, again: REWRITTEN, same: true });
  assert.deepEqual(seenPaths(run).sort(), ["c.cjs", "esm.js", "main.mjs"]);
});

test("CommonJS keeps its semantics under the hook", async () => {
  const files = {
    "cjs/main.js": `const path = require("node:path");
const rel = (p) => path.relative(path.dirname(__dirname), p);
const out = [];
for (let i = 0; i < 2; i++) {
  try { require("./bad.js"); } catch (e) { out.push(["error", e.message, require.cache[require.resolve("./bad.js")] === undefined]); }
}
const a = require("./a.js");
out.push(["cycle", JSON.stringify(a), require("./b.js").partial]);
const fn = require("./fn.js");
out.push(["identity", fn === require("./fn.js"), typeof fn, fn.extra, require.cache[require.resolve("./fn.js")].exports === fn]);
out.push(["main", require.main === module, module.id, module.loaded, this === module.exports, typeof module.require]);
out.push(["files", rel(__filename), rel(__dirname), rel(module.filename), module.paths.length > 0]);
const b = require.cache[require.resolve("./b.js")];
out.push(["child", rel(b.id), b.loaded, rel(b.parent.filename)]);
exports.shorthand = "${ORIGINAL}";
import("./esm.mjs").then((esm) => {
  out.push(["esm", ...esm.report()]);
  // No marker literal here (Bun's transpiler folds "a" + "b"): the transform must not rewrite this line.
  console.log(JSON.stringify(out).replace(/__REWRITTEN__/g, (m) => m.replace("REWRITTEN", "ORIGINAL")));
});
`,
    "cjs/bad.js":
      `globalThis.attempts = (globalThis.attempts || 0) + 1;\nthrow new Error("boom " + globalThis.attempts);\n`,
    "cjs/a.js": `exports.a1 = 1;\nconst b = require("./b.js");\nexports.a2 = 2;\nexports.seenB = b.b;\n`,
    "cjs/b.js": `const a = require("./a.js");\nexports.b = "b";\nexports.partial = Object.keys(a).join(",");\n`,
    "cjs/fn.js": `module.exports = function fn() {};\nmodule.exports.extra = "${ORIGINAL}";\n`,
    "cjs/interop.js":
      `Object.defineProperty(exports, "__esModule", { value: true });\nexports.default = "D";\nexports.named = "N";\n`,
    "cjs/esm.mjs": `import fn, * as fnNs from "./fn.js";
import interop, * as interopNs from "./interop.js";
import { extra } from "./fn.js";
import { createRequire } from "node:module";
const require = createRequire(import.meta.url);
export function report() {
  return [fn === require("./fn.js"), extra, Object.keys(fnNs).sort().join(","), interop, Object.keys(interopNs).sort().join(",")];
}
`,
  };
  const plain = await runProject(files, "cjs/main.js", { hook: false });
  const hooked = await runProject(files, "cjs/main.js");
  assert.equal(plain.code, 0, plain.stderr);
  assert.equal(hooked.code, 0, hooked.stderr);
  assert.equal(hooked.stdout, plain.stdout);
  assert.deepEqual(
    seenPaths(hooked).filter((p) => p !== "cjs/bad.js").sort(),
    ["cjs/a.js", "cjs/b.js", "cjs/esm.mjs", "cjs/fn.js", "cjs/interop.js", "cjs/main.js"],
  );
  assert.equal(seenPaths(hooked).filter((p) => p === "cjs/bad.js").length, 2, "a module that threw is evaluated again");
});

test("files of a package without a type keep the module system the runtime gives them", async () => {
  const kind = (name: string) => `globalThis.kinds.${name} = this === undefined ? "esm" : "cjs";\n`;
  const names = ["plain", "exports", "meta", "comment", "async", "esm"];
  // Node with tsx cannot import a top-level-await script outside a "type": "module" package, hook or not.
  if (rt.name !== "node") names.push("tla");
  // Under node_modules: Deno detects CommonJS only there.
  const files: Record<string, string> = {
    "node_modules/amb/package.json": `{ "name": "amb" }\n`,
    "node_modules/amb/plain.js": kind("plain"),
    "node_modules/amb/exports.js": `${kind("exports")}exports.x = "${ORIGINAL}";\n`,
    "node_modules/amb/tla.js": `await 0;\n${kind("tla")}`,
    "node_modules/amb/meta.js": `${kind("meta")}void import.meta.url;\n`,
    "node_modules/amb/comment.js": `// import.meta and "export const" are only mentioned here\n${
      kind("comment")
    }exports.y = 1;\n`,
    "node_modules/amb/async.js": `const f = async () => { await 0; };\n${kind("async")}exports.f = f;\n`,
    "node_modules/amb/esm.js": `import "node:path";\n${kind("esm")}`,
    "node_modules/amb/bin": `#!/usr/bin/env node\n${kind("bin")}`,
    "main.mjs": `import { createRequire } from "node:module";
globalThis.kinds = {};
for (const name of ${JSON.stringify(names)}) await import("amb/" + name + ".js");
createRequire(import.meta.url)("amb/bin");
console.log(JSON.stringify(globalThis.kinds));
`,
  };
  const plain = await runProject(files, "main.mjs", { hook: false });
  const hooked = await runProject(files, "main.mjs", { hook: "null" });
  assert.equal(plain.code, 0, plain.stderr);
  assert.equal(hooked.code, 0, hooked.stderr);
  assert.equal(hooked.stdout, plain.stdout);
  // Not handed over: on Deno, ES modules of a package without a type (Deno loads them past the hooks).
  const missed: Record<string, string[]> = { node: [], deno: ["meta", "esm", "tla"], bun: [] };
  const expected = names.filter((name) => !missed[rt.name].includes(name)).map((name) => `node_modules/amb/${name}.js`);
  assert.deepEqual(seenPaths(hooked).filter((p) => p.endsWith(".js")).sort(), expected.sort());
});

test("an entry point main.mjs using top-level this is handed over and runs as without the hook", async () => {
  // Bun evaluates a file without import/export that uses CommonJS-only features as CommonJS, whatever its extension.
  const main = `"use strict";\nconst main = "${ORIGINAL}";\n${
    report(["main", "self: typeof this", "module: typeof module"])
  }`;
  const plain = await runProject({ "main.mjs": main }, "main.mjs", { hook: false });
  const hooked = await runProject({ "main.mjs": main }, "main.mjs");
  assert.equal(hooked.code, 0, hooked.stderr);
  assert.deepEqual(printed(hooked), { ...printed(plain), main: REWRITTEN });
  assert.deepEqual(seenPaths(hooked), ["main.mjs"]);
});

test("modules whose module system their syntax decides are handed over once and keep it", async () => {
  /** Records a module's marker and how it runs: strict mode, and the kind of its top-level frame. */
  const record = (name: string) =>
    `globalThis.out.${name} = [marker, (function () { return this === undefined; })(), ` +
    `new Error().stack.split("\\n")[1].includes("<anonymous>")];\n`;
  const files = {
    "main.mjs": `import { createRequire } from "node:module";
globalThis.out = {};
for (const name of ["./top-this.mjs", "./plain.cjs", "./lib/strict.js", "./lib/strict-only.mjs", "./lib/view.jsx"]) {
  await import(name);
}
createRequire(import.meta.url)("./required-this.mjs");
createRequire(import.meta.url)("./lib-cjs/dirname.mjs");
console.log(JSON.stringify(globalThis.out));
`,
    // Top-level `this` and `module` are CommonJS-only: CommonJS on Bun, whatever the extension.
    "top-this.mjs": `const marker = "${ORIGINAL}";\n${record("topThis")}globalThis.out.topThis.push(typeof this);\n`,
    "required-this.mjs": `const marker = "${ORIGINAL}";\n${
      record("requiredThis")
    }globalThis.out.requiredThis.push(typeof this);\n`,
    // Imported, a .cjs file without CommonJS features is an ES module on Bun when its package says so.
    "plain.cjs": `const marker = "${ORIGINAL}";\n${record("plainCjs")}`,
    // Without a package type, "use strict" makes CommonJS on Bun; imported, the .mjs extension does not count.
    "lib/package.json": `{}\n`,
    "lib/strict.js": `"use strict";\nconst marker = "${ORIGINAL}";\n${record("strictJs")}`,
    "lib/strict-only.mjs": `"use strict";\nconst marker = "${ORIGINAL}";\n${record("strictMjs")}`,
    // Required, a .mjs file is an ES module on Bun, though its package says "commonjs" and it uses __dirname.
    "lib-cjs/package.json": `{ "type": "commonjs" }\n`,
    "lib-cjs/dirname.mjs": `const marker = "${ORIGINAL}";\n${record("dirnameMjs")}` +
      `globalThis.out.dirnameMjs.push(typeof __dirname);\n`,
    "lib/view.jsx":
      `/** @jsxRuntime classic */\n/** @jsx h */\nconst h = (tag) => tag;\nconst marker = "${ORIGINAL}";\n` +
      `${record("jsx")}globalThis.out.jsx.push(<b />, typeof module);\n`,
  };
  const plain = await runProject(files, "main.mjs", { hook: false });
  const hooked = await runProject(files, "main.mjs");
  assert.equal(plain.code, 0, plain.stderr);
  assert.equal(hooked.code, 0, hooked.stderr);
  const [plainOut, hookedOut] = [printed(plain), printed(hooked)] as Record<string, unknown[]>[];
  for (const [name, [marker, ...rest]] of Object.entries(hookedOut)) {
    assert.equal(marker, REWRITTEN, `${name} was not rewritten`);
    assert.deepEqual(rest, plainOut[name].slice(1), `${name} runs as without the hook`);
  }
  assert.deepEqual(Object.keys(hookedOut).sort(), Object.keys(plainOut).sort());
  assert.deepEqual(seenPaths(hooked).sort(), [
    "lib-cjs/dirname.mjs",
    "lib/strict-only.mjs",
    "lib/strict.js",
    "lib/view.jsx",
    "main.mjs",
    "plain.cjs",
    "required-this.mjs",
    "top-this.mjs",
  ]);
});

test("a rewritten module keeps its file name and lines in stack traces and import.meta.url", async () => {
  const files = {
    "where.mjs": `\n\nexport const stack = new Error("${ORIGINAL}").stack;\nexport const url = import.meta.url;\n`,
    "where.ts": `interface Padding {\n  a: number;\n}\nexport const stack: string = new Error("${ORIGINAL}").stack!;\n`,
    "where.cjs": `\nexports.stack = new Error("${ORIGINAL}").stack;\nexports.file = __filename;\n`,
    "main.mjs": `import * as mjs from "./where.mjs";
import * as ts from "./where.ts";
import cjs from "./where.cjs";
const frame = (stack) => stack.split("\\n").find((l) => l.includes("where."));
console.log(JSON.stringify({
  message: mjs.stack.split("\\n")[0],
  mjs: frame(mjs.stack), url: mjs.url,
  ts: frame(ts.stack),
  cjs: frame(cjs.stack), file: cjs.file,
}));
`,
  };
  const run = await runProject(files, "main.mjs");
  assert.equal(run.code, 0, run.stderr);
  const out = printed(run) as Record<string, string>;
  assert.equal(out.message, `Error: ${REWRITTEN}`);
  assert.match(out.mjs, /<dir>\/where\.mjs:3:\d+/);
  assert.equal(out.url, "file://<dir>/where.mjs");
  assert.match(out.ts, /<dir>\/where\.ts:4:\d+/);
  assert.match(out.cjs, /<dir>\/where\.cjs:2:\d+/);
  assert.equal(out.file, "<dir>/where.cjs");
});

/** What each runtime hands over for a module: its `lang` and `kind`. */
const EXPECTED_KINDS: Record<string, Record<string, Omit<Seen, "path">>> = {
  // tsx's output is JavaScript; CommonJS reaches `_compile` without a format (tsx compiles it).
  node: {
    "main.mjs": { lang: "js", kind: "module" },
    "t.ts": { lang: "js", kind: "module" },
    "view.tsx": { lang: "js", kind: "module" },
    "c.cjs": { lang: "js", kind: "commonjs" },
    "ct.cts": { lang: "js", kind: "commonjs" },
    "cjs/lib.js": { lang: "js", kind: "unambiguous" },
    "node_modules/cjs-pkg/index.js": { lang: "js", kind: "unambiguous" },
    "node_modules/esm-pkg/index.js": { lang: "js", kind: "module" },
  },
  // Deno's emitted JavaScript; the kind from the extension and the package's "type".
  deno: {
    "main.mjs": { lang: "js", kind: "module" },
    "t.ts": { lang: "js", kind: "module" },
    "view.tsx": { lang: "js", kind: "module" },
    "c.cjs": { lang: "js", kind: "commonjs" },
    "ct.cts": { lang: "js", kind: "commonjs" },
    "cjs/lib.js": { lang: "js", kind: "commonjs" },
    "node_modules/cjs-pkg/index.js": { lang: "js", kind: "unambiguous" },
    "node_modules/esm-pkg/index.js": { lang: "js", kind: "module" },
  },
  // The file's own text for ES modules; Bun's transpiled function body for CommonJS.
  bun: {
    "main.mjs": { lang: "js", kind: "module" },
    "t.ts": { lang: "ts", kind: "module" },
    "view.tsx": { lang: "tsx", kind: "module" },
    "c.cjs": { lang: "js", kind: "commonjs" },
    "ct.cts": { lang: "js", kind: "commonjs" },
    "cjs/lib.js": { lang: "js", kind: "commonjs" },
    "node_modules/cjs-pkg/index.js": { lang: "js", kind: "commonjs" },
    "node_modules/esm-pkg/index.js": { lang: "js", kind: "module" },
  },
};

test("the transform is told each module's language and kind", async () => {
  const main = `import "./t.ts";
import "./view.tsx";
import "./c.cjs";
import "./ct.cts";
import "esm-pkg";
import "cjs-pkg";
import { createRequire } from "node:module";
createRequire(import.meta.url)("./cjs/lib.js");
`;
  const run = await runProject({ "main.mjs": main }, "main.mjs");
  assert.equal(run.code, 0, run.stderr);
  const got = Object.fromEntries(run.seen.map(({ path, lang, kind }) => [path, { lang, kind }]));
  assert.deepEqual(got, EXPECTED_KINDS[rt.name]);
});

/** The language of the file's own text handed along with each module, where the runtime hands it. */
const EXPECTED_ORIGINALS: Record<string, Record<string, string>> = {
  // Node and Deno hand the file's text, or a transpiler's output with an inline source map.
  node: {},
  deno: {},
  // Bun's CommonJS body: blank lines dropped, declarations merged, types gone.
  bun: { "c.cjs": "js", "ct.cts": "ts", "cjs/lib.js": "js", "node_modules/cjs-pkg/index.js": "js" },
};

/** Runs a program loading a module of each kind, for the tests of `original`. */
function runEveryKind() {
  const main = `import "./t.ts";
import "./view.tsx";
import "./c.cjs";
import "./ct.cts";
import "esm-pkg";
import "cjs-pkg";
import { createRequire } from "node:module";
createRequire(import.meta.url)("./cjs/lib.js");
`;
  return runProject({ "main.mjs": main }, "main.mjs");
}

test("a module handed over as a text that is not the file's, without an inline map, comes with the file's own text", async () => {
  const run = await runEveryKind();
  assert.equal(run.code, 0, run.stderr);
  for (const seen of run.seen) {
    if (seen.own || seen.mapped) continue;
    assert.equal(seen.original?.own, true, `${seen.path}: no original, or not the file's text`);
  }
});

test("the file's own text is handed along with its language where the runtime reshapes a module", async () => {
  const run = await runEveryKind();
  assert.equal(run.code, 0, run.stderr);
  const got = Object.fromEntries(run.seen.flatMap((s) => s.original ? [[s.path, s.original.lang]] : []));
  assert.deepEqual(got, EXPECTED_ORIGINALS[rt.name]);
});

// Bun.Transpiler is Bun's: only Bun compiles CommonJS JSX through it.
if (rt.name === "bun") {
  test("a CommonJS JSX file, which Bun.Transpiler prints for Bun, comes with the file's own text", async () => {
    const files = {
      "widget.jsx": `/** @jsxRuntime classic */\n/** @jsx h */\nconst h = (tag) => tag;\n\n` +
        `module.exports = { marker: "${ORIGINAL}", tag: <aside /> };\n`,
      "main.cjs": `const w = require("./widget.jsx");\n${report(["marker: w.marker", "tag: w.tag"])}`,
    };
    const run = await runProject(files, "main.cjs");
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(printed(run), { marker: REWRITTEN, tag: "aside" });
    const widget = run.seen.find((s) => s.path === "widget.jsx");
    assert.deepEqual(widget?.original, { lang: "jsx", own: true });
  });
}
