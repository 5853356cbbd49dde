import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseSync } from "oxc-parser";
import { applyPlan } from "../../../src/engines/line/apply.ts";
import { planModule, type PlanOptions } from "../../../src/engines/line/instrument.ts";
import { type Plan, SiteFlag, SiteKind, stripInsertions } from "../../../src/engines/line/plan.ts";

const NAME = "$tm_test";
const JS: PlanOptions = { path: "/app/a.js", lang: "js", kind: "module" };

function rewrite(source: string, options: PlanOptions = JS): { plan: Plan; code: string } {
  const plan = planModule(source, options);
  assert.ok(plan, "the source parses");
  const { code } = applyPlan(source, plan, { name: NAME, base: 0, url: "file:///app/a.js", remap: false });
  return { plan, code };
}

/** The kinds of the sites found, with their 1-based line and column. */
function sites(source: string, options: PlanOptions = JS): string[] {
  const { plan } = rewrite(source, options);
  const s = plan.sites;
  return s.line.map((line, i) => `${line}:${s.column[i]} ${kindName(s.kind[i])}${s.fn[i] ? " in " + s.fn[i] : ""}`);
}

function kindName(kind: number): string {
  return Object.entries(SiteKind).find(([, k]) => k === kind)![0];
}

test("object and array literals, new, regexp literals and templates with substitutions are sites", () => {
  assert.deepEqual(
    sites("function f(x) {\n  const o = { a: [x] };\n  const d = new Date();\n  return [/a/g, `v${x}`, `plain`];\n}"),
    ["2:13 Object in f", "2:18 Array in f", "3:13 New in f", "4:10 Array in f", "4:11 RegExp in f", "4:17 String in f"],
  );
});

test("a string concatenation is one site, the outermost +", () => {
  assert.deepEqual(sites('const s = "a" + x + "b" + y;'), ["1:11 String"]);
  assert.deepEqual(sites("const n = a + b;"), []);
  assert.deepEqual(sites('const c = "a" + "b";'), []);
  assert.deepEqual(sites('s += "tail";'), ["1:1 String"]);
});

test("calls of allocating built-ins are sites, other calls are not", () => {
  assert.deepEqual(
    sites("JSON.parse(t); arr.map(f); s.split(','); Object.entries(o); structuredClone(v); f(); arr.push(1);"),
    ["1:1 Call", "1:16 Call", "1:28 Call", "1:42 Call", "1:61 Call"],
  );
  const { plan } = rewrite("JSON.parse(t); s.split(',');");
  assert.equal(plan.sites.flags[0] & SiteFlag.Deep, SiteFlag.Deep);
  assert.equal(plan.sites.flags[1] & SiteFlag.Strings, SiteFlag.Strings);
});

test("an optional chain is wrapped whole, never inside", () => {
  const { code } = rewrite("function g() {\nconst r = a?.b.map(f);\nconst s = a?.b.map(f).length;\n}");
  assert.equal(code.split("\n")[1], `const r = ${NAME}(0,a?.b.map(f),"${NAME}");`);
  assert.equal(code.split("\n")[2], "const s = a?.b.map(f).length;");
});

test("a tagged template's literal and the callee of new are never wrapped", () => {
  const { code } = rewrite("for (;;) { tag`a${x}`; new (make())(1); }");
  assert.equal(code, `for (;;) { tag\`a\${x}\`; ${NAME}(0,new (make())(1),"${NAME}n"); }`);
});

test("functions are wrapped only where no name is inferred from the context", () => {
  const { code } = rewrite(
    "function f() {\n  const g = () => 1;\n  h = function () {};\n  list.push(() => 2);\n  return () => 3;\n}",
  );
  assert.deepEqual(code.split("\n"), [
    "function f() {",
    `  const g = () => 1;;${NAME}(0,g);`,
    `  h = function () {};;${NAME}(1,h);`,
    `  list.push(${NAME}(2,() => 2,"${NAME}="));`,
    `  return ${NAME}(3,() => 3,"${NAME}=");`,
    "}",
  ]);
});

test("module-level functions are made once and are not sites", () => {
  assert.deepEqual(sites("const g = () => 1;\nfunction h() {}\nclass C {}"), []);
});

test("a nested function declaration is reported at the top of its body, after directives", () => {
  const { code } = rewrite('function f() {\n  "use strict";\n  return inner;\n  function inner() {}\n}');
  assert.equal(code.split("\n")[1], `  "use strict";;${NAME}(0,inner);`);
});

test("a site records its enclosing function's name", () => {
  assert.deepEqual(
    sites("class C { m() { return {}; } constructor() { this.a = []; } }\nconst o = { k() { return {}; } };"),
    ["1:24 Object in m", "1:55 Array in C", "2:11 Object", "2:26 Object in k"],
  );
});

test("a wrapped value in tail position of strict code is flagged", () => {
  const { plan } = rewrite("function f() { return {}; }\nconst g = () => [];");
  assert.deepEqual(plan.sites.flags.map((f) => f & SiteFlag.Tail), [SiteFlag.Tail, SiteFlag.Tail]);
  const sloppy = rewrite("function f() { return {}; }", { ...JS, kind: "commonjs" }).plan;
  assert.equal(sloppy.sites.flags[0] & SiteFlag.Tail, 0);
});

test("a site that runs once per module evaluation is reported through the global's o method", () => {
  const { code, plan } = rewrite(
    "const cache = new Map();\nfor (const x of xs) list.push([x]);\nfunction f() { return {}; }",
  );
  assert.deepEqual(code.split("\n"), [
    `const cache = ${NAME}.o(0,new Map(),"${NAME}n");`,
    `for (const x of xs) list.push(${NAME}(1,[x],"${NAME}"));`,
    `function f() { return ${NAME}(2,{},"${NAME}"); }`,
  ]);
  assert.deepEqual(plan.sites.flags.map((f) => (f & SiteFlag.Once) !== 0), [true, false, false]);
  assert.equal(
    stripInsertions(code, NAME),
    "const cache = new Map();\nfor (const x of xs) list.push([x]);\nfunction f() { return {}; }",
  );
});

test("a keyword right before a wrapped value stays a keyword", () => {
  const { code } = rewrite("function f(){return{a:1}}");
  assert.equal(code, `function f(){return/*${NAME}*/${NAME}(0,{a:1},"${NAME}")}`);
  assert.equal(stripInsertions(code, NAME), "function f(){return{a:1}}");
});

test("TypeScript types, enums and declarations hold no sites", () => {
  assert.deepEqual(
    sites(
      "enum E { A = `x${1}` }\ninterface I { a: { b: 1 } }\ndeclare const d: string[];\nconst v = {} as I;\nexport function f(p: { a: number } = { a: 1 }) { return p; }",
      { path: "/app/a.ts", lang: "ts", kind: "module" },
    ),
    ["4:11 Object", "5:38 Object in f"],
  );
});

test("JSX elements are sites where they are expressions, not as children", () => {
  assert.deepEqual(sites("const v = <div a={{ b: 1 }}><span /></div>;", { ...JS, lang: "jsx" }), [
    "1:11 Jsx",
    "1:19 Object",
  ]);
});

test("an unparsable module has no plan", () => {
  assert.equal(planModule("const = ;", JS), null);
});

test("rewriting keeps every line and stripping the insertions gives the source back", () => {
  const source = readFileSync(new URL("./fixtures/semantics.mjs", import.meta.url), "utf8");
  const { code } = rewrite(source);
  assert.equal(code.split("\n").length, source.split("\n").length);
  assert.notEqual(code, source);
  assert.equal(stripInsertions(code, NAME), source);
});

test("rewritten real-world modules still parse and strip back to their source", () => {
  const require = createRequire(import.meta.url);
  const react = join(dirname(require.resolve("react")), "cjs", "react.development.js");
  for (const path of [require.resolve("commander"), react, require.resolve("@jridgewell/trace-mapping")]) {
    const id = path;
    const source = readFileSync(path, "utf8");
    const options: PlanOptions = { path, lang: "js", kind: "unambiguous" };
    const { plan, code } = rewrite(source, options);
    assert.ok(plan.insertions.length > 0, `${id} has sites`);
    const reparsed = parseSync(path, code, { lang: "js", sourceType: "unambiguous" });
    assert.deepEqual(reparsed.errors.map((e) => e.message), [], `${id} parses after rewriting`);
    assert.equal(stripInsertions(code, NAME), source, `${id} strips back`);
  }
});

test("a TypeScript transpiler's inline source map puts sites at their original lines", async () => {
  const { transformSync } = await import("esbuild");
  const ts = "interface P {\n  x: number;\n}\n\nexport function make(x: number): P {\n  return { x };\n}\n";
  const js = transformSync(ts, { loader: "ts", sourcemap: "inline", sourcefile: "/app/p.ts" }).code;
  const plan = planModule(js, { path: "/app/p.ts", lang: "js", kind: "module" })!;
  assert.deepEqual([plan.sites.files[plan.sites.file[0]], plan.sites.line[0]], ["/app/p.ts", 6]);
  assert.ok(plan.inputMap, "the input map is found");
});

test("a literal read right away by a constant key is no site: Bun folds it, naming the function in it", () => {
  assert.deepEqual(sites("const f = [() => 0][0];\nconst g = ({ f: () => 0 }).f;\nconst h = { a: 1 }['a'];"), []);
  // A literal that is called on, or read by a computed key, stays a site.
  assert.deepEqual(sites("[1, 2].map(f);\nconst v = [a, b][i];"), ["1:1 Call", "1:1 Array", "2:11 Array"]);
});

test("only the whole string a concatenation or template builds is a site, not its parts", () => {
  assert.deepEqual(sites('const a = `${x}` + "b";'), ["1:11 String"]);
  assert.deepEqual(sites('const b = "a" + `${x}` + ("c" + y);'), ["1:11 String"]);
  assert.deepEqual(sites('const c = `x${"a" + y}`;'), ["1:11 String"]);
  assert.deepEqual(sites("s += `${x}`;"), ["1:1 String"]);
  // A tagged template's substitutions are values handed to the tag.
  assert.deepEqual(sites('tag`x${"a" + y}`;'), ["1:8 String"]);
});

test("the end of a wrapper is code, not a comment, and marks what the expression needs once unwrapped", () => {
  const { code } = rewrite('while (x) {\nf({ a: 1 }, "a" + x, new C());\ns += "b";\ng(() => 0);\n}');
  assert.deepEqual(code.split("\n").slice(1, 4), [
    `f(${NAME}(0,{ a: 1 },"${NAME}"), ${NAME}(1,"a" + x,"${NAME}+"), ${NAME}(2,new C(),"${NAME}n"));`,
    `${NAME}(3,s += "b","${NAME}=");`,
    `g(${NAME}(4,() => 0,"${NAME}="));`,
  ]);
});

test("stripping rewritten code as Bun prints it again gives back what Bun prints of the source", () => {
  const strip = (printed: string) => stripInsertions(printed.replaceAll("$tm", NAME), NAME);
  // Comments gone and a space after each comma; parentheses back where the expression needs them.
  assert.equal(strip('(x) => $tm(3, { x }, "$tm")'), "(x) => ({ x })");
  assert.equal(
    strip('const s = $tm(1, "a" + x, "$tm+"), n = $tm(2, "a" + x, "$tm+").length;'),
    'const s = "a" + x, n = ("a" + x).length;',
  );
  assert.equal(
    strip('const d = y - $tm(1, a + "b", "$tm+"), e = a && $tm(2, a + "b", "$tm+");'),
    'const d = y - (a + "b"), e = a && a + "b";',
  );
  assert.equal(strip('f($tm(1, s += "a", "$tm=")), a && $tm(2, s += "a", "$tm=");'), 'f(s += "a"), a && (s += "a");');
  // Bun prints `new C()` as `new C` where nothing follows it.
  assert.equal(
    strip('const t = $tm(1, new TextEncoder, "$tmn").encode(x), u = $tm(2, new C, "$tmn");'),
    "const t = new TextEncoder().encode(x), u = new C;",
  );
  assert.equal(strip('const v = $tm(1, new C(1), "$tmn").w;'), "const v = new C(1).w;");
  // A statement must not start with an object literal or a function expression.
  assert.equal(
    strip('try {} catch {}\n$tm(2, function() {\n}().catch(f), "$tm");'),
    "try {} catch {}\n(function() {\n}().catch(f));",
  );
  // A stmt report is a line of its own; a wrapped statement holding `);` in a string is no report.
  assert.equal(
    strip("function f() {\n  const g = () => 1;\n  $tm(3, g);\n  return g;\n}"),
    "function f() {\n  const g = () => 1;\n  return g;\n}",
  );
  assert.equal(
    strip('for (;;) {\n  $tm(18, body += `v${i}(n);`, "$tm=");\n}'),
    "for (;;) {\n  body += `v${i}(n);`;\n}",
  );
});

// Bun's printer folds, inlines and merges less around wrappers (`$tm(..)` might have effects), so the stripped
// text need not be its print of the source: it must be valid code without insertions (the transparency test runs it).
// Only Bun reprints the modules it runs; elsewhere there is nothing to check.
if ("Bun" in globalThis) {
  test("on Bun, its transpiler's print of rewritten modules strips to valid code", () => {
    const bun =
      (globalThis as unknown as { Bun: { Transpiler: new (o: object) => { transformSync(s: string): string } } })
        .Bun;
    const require = createRequire(import.meta.url);
    const fixtures = ["semantics.mjs", "semantics-ts.mts", "decorators.mts"].map((name) =>
      fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url))
    );
    for (const path of [...fixtures, require.resolve("commander"), require.resolve("@jridgewell/trace-mapping")]) {
      const source = readFileSync(path, "utf8");
      const lang = path.endsWith(".mts") ? "ts" : "js";
      const { code } = rewrite(source, { path, lang, kind: "unambiguous" });
      const stripped = stripInsertions(new bun.Transpiler({ loader: lang, target: "bun" }).transformSync(code), NAME);
      assert.ok(!stripped.includes(NAME), `${path}: no insertion left`);
      const reparsed = parseSync(path, stripped, { lang, sourceType: "unambiguous" });
      assert.deepEqual(reparsed.errors.map((e) => e.message), [], `${path} parses after stripping`);
    }
  });
}

test("a call that makes a buffer marks its last argument with a Buffer site at the call's line", () => {
  const source = [
    "function f(n, s, enc, xs) {",
    "  const a = new Uint8Array(n);",
    '  const b = Buffer.from(s, "utf8");',
    "  const c = enc.encode(s);",
    "  const d = new Float64Array(",
    "    n);",
    "  const e = new Uint8Array(...xs);", // a spread: left to the stack
    "  const g = new Map(n);", // not a buffer
    "  return [a, b, c, d, e, g, Buffer.alloc(), enc?.encode(s)];", // no argument; an optional call
    "}",
  ].join("\n");
  const buffers = sites(source).filter((s) => s.includes(" Buffer "));
  assert.deepEqual(buffers, ["2:13 Buffer in f", "3:13 Buffer in f", "4:13 Buffer in f", "5:13 Buffer in f"]);
  const { code } = rewrite(source);
  assert.match(code, /new Uint8Array\(\$tm_test\.p\(\d+,n,"\$tm_test="\)\)/);
  assert.match(code, /Buffer\.from\(s, \$tm_test\.p\(\d+,"utf8","\$tm_test="\)\)/);
  assert.match(code, /enc\.encode\(\$tm_test\.p\(\d+,s,"\$tm_test="\)\)/);
  assert.equal(stripInsertions(code, NAME), source);
});

test("a marked argument that is itself a site nests inside the mark", () => {
  const source = "function f(i) {\n  return new Uint8Array([i, 1]);\n}";
  const { code } = rewrite(source);
  assert.match(code, /new Uint8Array\(\$tm_test\.p\(\d+,\$tm_test\(\d+,\[i, 1\],"\$tm_test"\),"\$tm_test="\)\)/);
  assert.equal(stripInsertions(code, NAME), source);
});
